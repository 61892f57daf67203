#!/usr/bin/env python3
"""Draw the three charts of the sample report from the CSV files beside this script.

Usage:  python3 make_figures.py

Reads  exercises.csv, documents.csv and arms.csv (in this folder) and writes
exercises.svg, documents.svg and arms-milestones.svg into the parent folder
(manuscript/figures/). Standard library only; the output is deterministic:
the same input always gives the same bytes (no timestamps, no random ids,
fixed number formatting, stable ordering).

House style for charts: Noto Sans, near-black text (#1a1a1a), one accent
colour (#1f4e79) and its tint (#dce6f0), transparent background, a viewBox
of 640 x 360 units and width="100%" so that the chart scales with the page
or the e-reader's screen. Every chart carries <title> and <desc>.
"""

from __future__ import annotations

import csv
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
OUT = HERE.parent

FONT = "Noto Sans, sans-serif"
INK = "#1a1a1a"
ACCENT = "#1f4e79"
TINT = "#dce6f0"
WIDTH = 640
HEIGHT = 360

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


# --------------------------------------------------------------------------- helpers


def num(value: float) -> str:
    """Format a coordinate with at most one decimal place and no trailing zeros."""
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def esc(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def text_width(text: str, size: float) -> float:
    """A rough advance width for Noto Sans, good enough to keep labels apart."""
    width = 0.0
    for ch in text:
        if ord(ch) > 0x2E80:  # CJK ideographs are full-width
            width += 1.0
        elif ch in "il.,:;'|!· ":
            width += 0.28
        elif ch in "mwMW":
            width += 0.85
        elif ch.isupper() or ch.isdigit():
            width += 0.64
        else:
            width += 0.52
    return width * size


def read_csv(name: str) -> list[dict[str, str]]:
    with open(HERE / name, newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


class Svg:
    """Collects SVG elements and writes a complete, accessible document."""

    def __init__(self, slug: str, title: str, desc: str) -> None:
        self.slug = slug
        self.title = title
        self.desc = desc
        self.parts: list[str] = []

    def add(self, element: str) -> None:
        self.parts.append("  " + element)

    def text(self, x: float, y: float, content: str, size: float = 9, anchor: str = "start",
             weight: str | None = None, lang: str | None = None) -> None:
        attrs = [f'x="{num(x)}"', f'y="{num(y)}"', f'font-size="{num(size)}"']
        if anchor != "start":
            attrs.append(f'text-anchor="{anchor}"')
        if weight:
            attrs.append(f'font-weight="{weight}"')
        if lang:
            attrs.append(f'xml:lang="{lang}"')
        self.add(f"<text {' '.join(attrs)}>{esc(content)}</text>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK,
             width: float = 1, dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
                 f'stroke="{stroke}" stroke-width="{num(width)}"{extra}/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str,
             stroke: str | None = None) -> None:
        extra = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        self.add(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
                 f'fill="{fill}"{extra}/>')

    def circle(self, cx: float, cy: float, r: float, fill: str = ACCENT,
               stroke: str | None = None) -> None:
        extra = f' stroke="{stroke}" stroke-width="1.2"' if stroke else ""
        self.add(f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{fill}"{extra}/>')

    def marker(self, shape: str, cx: float, cy: float, r: float) -> None:
        """Three shapes so that the categories do not depend on colour alone."""
        if shape == "circle":
            self.circle(cx, cy, r, ACCENT)
        elif shape == "square":
            self.rect(cx - r, cy - r, 2 * r, 2 * r, TINT, ACCENT)
        else:  # diamond
            d = r * 1.3
            points = f"{num(cx)},{num(cy - d)} {num(cx + d)},{num(cy)} {num(cx)},{num(cy + d)} {num(cx - d)},{num(cy)}"
            self.add(f'<polygon points="{points}" fill="{INK}"/>')

    def write(self, filename: str) -> Path:
        head = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
            f'role="img" aria-labelledby="{self.slug}-title {self.slug}-desc" '
            f'font-family="{FONT}" fill="{INK}">\n'
            f'  <title id="{self.slug}-title">{esc(self.title)}</title>\n'
            f'  <desc id="{self.slug}-desc">{esc(self.desc)}</desc>\n'
        )
        body = "\n".join(self.parts)
        path = OUT / filename
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(head + body + "\n</svg>\n")
        return path


# --------------------------------------------------------------------------- exercises


SERIES = [
    ("Peace Mission", "Peace Mission series", "Counter-terrorism, bilateral or SCO"),
    ("Joint Sea", "Joint Sea series", "Naval exercises"),
    ("Strategic", "Strategic exercises", "PLA units in Russian or joint drills"),
    ("Air patrol", "Joint air patrols", "Long-range bombers, western Pacific"),
]


def exercises() -> Path:
    rows = read_csv("exercises.csv")
    years = sorted({int(r["year"]) for r in rows})
    first, last = years[0], years[-1]
    x0, x1 = 190.0, 622.0
    step = (x1 - x0) / (last - first)

    def xpos(year: int) -> float:
        return x0 + (year - first) * step

    events: dict[tuple[str, int], list[str]] = {}
    for r in rows:
        events.setdefault((r["series"], int(r["year"])), []).append(r["name"])

    row_y = {key: 60 + i * 68 for i, (key, _, _) in enumerate(SERIES)}
    axis_y = 302.0

    summary = []
    for key, label, _ in SERIES:
        yrs = sorted(y for (s, y) in events if s == key)
        summary.append(f"{label}: " + ", ".join(
            f"{y}" + (f" ({len(events[(key, y)])} events)" if len(events[(key, y)]) > 1 else "")
            for y in yrs))
    strategic = [f"{events[('Strategic', y)][0]} {y}" for y in sorted(y for (s, y) in events if s == "Strategic")]
    svg = Svg(
        "exercises",
        f"Named China–Russia joint military exercises and patrols, {first}–{last}",
        "Dot chart with one row per series and one column per year. "
        + "; ".join(summary)
        + ". Strategic exercises shown: " + ", ".join(strategic) + ".",
    )

    # year grid and axis
    for year in range(first, last + 1):
        x = xpos(year)
        svg.line(x, 30, x, axis_y, TINT, 1)
        svg.line(x, axis_y, x, axis_y + 4, INK, 0.8)
        svg.text(x, axis_y + 15, str(year), 8, "middle")
    svg.line(x0 - 8, axis_y, x1 + 8, axis_y, INK, 0.8)

    for key, label, sub in SERIES:
        y = row_y[key]
        svg.text(12, y - 2, label, 10, weight="600")
        svg.text(12, y + 11, sub, 8)
        svg.line(x0 - 8, y, x1 + 8, y, TINT, 1.5)
        row_years = sorted(yr for (s, yr) in events if s == key)
        for i, year in enumerate(row_years):
            x = xpos(year)
            names = events[(key, year)]
            if key == "Air patrol":
                svg.circle(x, y, 5.5, TINT, ACCENT)
            else:
                svg.circle(x, y, 5.5, ACCENT)
            if len(names) > 1:
                svg.text(x, y - 10, f"×{len(names)}", 8, "middle")
            if key == "Strategic":
                parts = names[0].replace("/", "/\n").split("\n")
                if i % 2 == 0:  # above the row
                    for j, part in enumerate(reversed(parts)):
                        svg.text(x, y - 11 - j * 10, part, 8.5, "middle")
                else:  # below the row
                    for j, part in enumerate(parts):
                        svg.text(x, y + 18 + j * 10, part, 8.5, "middle")

    svg.text(12, 340, "A marker shows at least one exercise or patrol in that year; ×2 marks two separate events.", 8)
    return svg.write("exercises.svg")


# --------------------------------------------------------------------------- documents


ORIGIN_SHAPE = {"China": "circle", "Russia": "square", "Joint": "diamond"}
ORIGIN_NAME = {"China": "Chinese document", "Russia": "Russian document", "Joint": "Joint treaty or statement"}


def parse_date(text: str) -> tuple[int, int, int | None]:
    parts = [int(p) for p in text.split("-")]
    return parts[0], parts[1], (parts[2] if len(parts) > 2 else None)


def show_date(text: str) -> str:
    year, month, day = parse_date(text)
    return f"{day} {MONTHS[month - 1]} {year}" if day else f"{MONTHS[month - 1]} {year}"


def documents() -> Path:
    rows = read_csv("documents.csv")
    rows.sort(key=lambda r: (parse_date(r["date"])[0], parse_date(r["date"])[1],
                             parse_date(r["date"])[2] or 15, r["key"]))
    start, end = 2000, 2024
    x0, x1 = 360.0, 624.0

    def xpos(text: str) -> float:
        year, month, day = parse_date(text)
        frac = (month - 1 + ((day or 15) - 1) / 31) / 12
        return x0 + (year + frac - start) / (end - start) * (x1 - x0)

    top, gap = 46.0, 14.0
    axis_y = top + (len(rows) - 1) * gap + 12

    svg = Svg(
        "documents",
        f"Chinese and Russian strategy documents and joint statements, {start}–{end - 1}",
        "Timeline with one row per document, in date order: "
        + "; ".join(f"{show_date(r['date'])}, {r['label']} ({ORIGIN_NAME[r['origin']].lower()})" for r in rows)
        + ".",
    )

    # legend
    lx = 12.0
    for origin in ("China", "Russia", "Joint"):
        svg.marker(ORIGIN_SHAPE[origin], lx + 4, 17, 4)
        svg.text(lx + 13, 20, ORIGIN_NAME[origin], 9)
        lx += 26 + text_width(ORIGIN_NAME[origin], 9)

    # grid and axis
    for year in range(start, end + 1, 4):
        x = x0 + (year - start) / (end - start) * (x1 - x0)
        svg.line(x, top - 10, x, axis_y, TINT, 1)
        svg.line(x, axis_y, x, axis_y + 4, INK, 0.8)
        svg.text(x, axis_y + 15, str(year), 8, "middle")
    svg.line(x0, axis_y, x1, axis_y, INK, 0.8)

    for i, r in enumerate(rows):
        y = top + i * gap
        svg.text(12, y + 3, show_date(r["date"]), 8.5)
        svg.text(76, y + 3, r["label"], 9)
        x = xpos(r["date"])
        svg.line(76 + text_width(r["label"], 9) + 6, y, x - 6, y, TINT, 1, "2 2")
        svg.marker(ORIGIN_SHAPE[r["origin"]], x, y, 4)

    svg.text(12, 340, "Dates as published or adopted; the Chinese and Russian texts of the February 2022 statement are shown once.", 8)
    return svg.write("documents.svg")


# --------------------------------------------------------------------------- arms


def arms() -> Path:
    rows = read_csv("arms.csv")
    phases = [r for r in rows if r["kind"] == "phase"]
    milestones = [r for r in rows if r["kind"] == "milestone"]
    start = min(int(r["start"]) for r in phases)
    end = max(int(r["end"]) for r in phases)
    x0, x1 = 24.0, 622.0
    axis_y = 188.0

    def xpos(year: float) -> float:
        return x0 + (year - start) / (end - start) * (x1 - x0)

    def years_of(r: dict[str, str]) -> str:
        return f"{r['start']}–{r['end']}" if r["end"] else r["start"]

    svg = Svg(
        "arms",
        f"Milestones in Russian arms transfers to China, {start}–{end}",
        "Timeline in three phases: "
        + "; ".join(f"{r['label'].lower()} ({r['start']}–{r['end']})" for r in phases)
        + ". Milestones: "
        + "; ".join(f"{years_of(r)}, {r['label'].lower()}" for r in milestones)
        + ".",
    )

    for i, r in enumerate(phases):
        a, b = xpos(int(r["start"])), xpos(int(r["end"]))
        if i % 2 == 0:
            svg.rect(a, 36, b - a, 280, TINT)
        svg.text((a + b) / 2, 54, r["label"], 9.5, "middle", weight="600")

    svg.line(x0, axis_y, x1, axis_y, INK, 1)
    for year in range(start, end + 1):
        x = xpos(year)
        if year % 5 == 0:
            svg.line(x, axis_y, x, axis_y + 5, INK, 0.8)
            svg.text(x, axis_y + 16, str(year), 8, "middle")
        else:
            svg.line(x, axis_y, x, axis_y + 2.5, INK, 0.6)

    # place labels on tiers above and below the axis so that none overlap
    above = [axis_y - 24 - 22 * k for k in range(5)]
    below = [axis_y + 40 + 22 * k for k in range(5)]
    taken: dict[tuple[str, int], list[tuple[float, float]]] = {}
    leaders: dict[str, list[tuple[float, int]]] = {}
    side_turn = 0
    # work outwards from the middle: labels on the left half run rightwards from their
    # marker and are placed right to left; those on the right half run leftwards and are
    # placed left to right, so that later (outer) leaders never cross earlier labels
    middle = (x0 + x1) / 2
    left = sorted((r for r in milestones if xpos(int(r["start"])) < middle),
                  key=lambda r: (-int(r["start"]), r["label"]))
    right = sorted((r for r in milestones if xpos(int(r["start"])) >= middle),
                   key=lambda r: (int(r["start"]), r["label"]))
    for r in left + right:
        year = int(r["start"])
        x = xpos(year)
        label = f"{years_of(r)}  {r['label']}"
        w = text_width(label, 8.5)
        anchor = "start" if x < middle else "end"
        lo, hi = (x - 3, x - 3 + w) if anchor == "start" else (x + 3 - w, x + 3)
        choice = None
        for k in range(5):
            order = ("above", "below") if side_turn % 2 == 0 else ("below", "above")
            for side in order:
                # the label must not collide with labels on its tier, must not cover a
                # leader line that runs up to a farther tier, and its own leader must not
                # cross a label on a nearer tier
                free = all(hi + 4 < a or lo - 4 > b for a, b in taken.get((side, k), []))
                free = free and all(not (lo - 3 <= lx <= hi + 3)
                                    for lx, lk in leaders.get(side, []) if lk > k)
                free = free and all(not (a - 3 <= x <= b + 3)
                                    for j in range(k) for a, b in taken.get((side, j), []))
                if free:
                    choice = (side, k)
                    break
            if choice:
                break
        if choice is None:
            raise SystemExit(f"no room for label {label!r}")
        side_turn += 1
        taken.setdefault(choice, []).append((lo, hi))
        leaders.setdefault(choice[0], []).append((x, choice[1]))
        side, k = choice
        ty = above[k] if side == "above" else below[k]
        if r["end"]:
            svg.line(x, axis_y, xpos(int(r["end"])), axis_y, ACCENT, 5)
        if side == "above":
            svg.line(x, axis_y, x, ty + 3, ACCENT, 0.8)
        else:  # leave a gap where the leader would cross the year labels
            svg.line(x, axis_y, x, axis_y + 5, ACCENT, 0.8)
            svg.line(x, axis_y + 21, x, ty - 10, ACCENT, 0.8)
        svg.circle(x, axis_y, 4, ACCENT)
        tx = x - 3 if anchor == "start" else x + 3
        weight_year = f'<tspan font-weight="600">{esc(years_of(r))}</tspan>'
        anchor_attr = "" if anchor == "start" else ' text-anchor="end"'
        svg.add(f'<text x="{num(tx)}" y="{num(ty)}" font-size="8.5"{anchor_attr}>'
                f'{weight_year}  {esc(r["label"])}</text>')

    svg.text(12, 340, "Years of first delivery or of contract signature, as labelled; the phases are the authors' interpretation.", 8)
    return svg.write("arms-milestones.svg")


def main() -> None:
    for make in (exercises, documents, arms):
        path = make()
        print(f"wrote {path.relative_to(OUT.parent)}")


if __name__ == "__main__":
    main()
