"""The benchmark's figures: each beside its goal, as a table and as `bench.json`."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure; `goal` is the most it may be (None: reported, no goal set)."""

    name: str
    value: float
    unit: str
    goal: float | None = None
    detail: str = ""  # what the figure is made of, for the table (e.g. the medians of a ratio)

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.value <= self.goal


def as_json(figures: list[Figure]) -> list[dict[str, object]]:
    """The list `bench.json` holds: name, value, unit, goal and met (null when no goal)."""
    return [{"name": f.name, "value": round(f.value, 4), "unit": f.unit, "goal": f.goal,
             "met": f.met} for f in figures]


def write_results(path: Path, figures: list[Figure]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(as_json(figures), indent=2) + "\n", encoding="utf-8")


def _number(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:.0f} {unit}" if value >= 100 else f"{value:.2f} {unit}"


def table(figures: list[Figure], machine: str) -> str:
    """A plain-text table, the machine first: figure, value, goal, met."""
    width = max((len(f.name) for f in figures), default=10)
    lines = [f"machine: {machine}", "",
             f"{'figure':<{width}}  {'value':>10}  {'goal':>10}  met  detail"]
    for f in figures:
        goal = "—" if f.goal is None else f"≤ {_number(f.goal, f.unit)}"
        met = {True: "yes", False: "NO", None: ""}[f.met]
        lines.append(f"{f.name:<{width}}  {_number(f.value, f.unit):>10}  {goal:>10}  "
                     f"{met:<3}  {f.detail}".rstrip())
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown CPU"
    names = [line.split(":", 1)[1].strip() for line in text.splitlines()
             if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown CPU"


def machine(pandoc_version: str) -> str:
    """Cores, CPU, Python, WeasyPrint and pandoc: what the figures depend on."""
    return (f"{os.cpu_count()} cores, {cpu_model()}; Python {platform.python_version()}, "
            f"WeasyPrint {version('weasyprint')}, pandoc {pandoc_version}")
