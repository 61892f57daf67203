"""`bench.json`: a list of figures with name, value, unit, goal and met."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bench.figures import Figure, table, write_results


def test_bench_json_lists_each_figure_with_its_goal_and_whether_it_was_met(
        tmp_path: Path) -> None:
    figures = [Figure("imprint pdf cold / weasyprint", 0.62, "×", 0.70, "3 s vs 5 s"),
               Figure("10× book: peak RSS", 512.0, "MB", 400.0),
               Figure("weasyprint render", 5.5, "s")]
    write_results(tmp_path / "out" / "bench.json", figures)
    saved = json.loads((tmp_path / "out" / "bench.json").read_text(encoding="utf-8"))
    assert saved == [
        {"name": "imprint pdf cold / weasyprint", "value": 0.62, "unit": "×", "goal": 0.7,
         "met": True},
        {"name": "10× book: peak RSS", "value": 512.0, "unit": "MB", "goal": 400.0,
         "met": False},
        {"name": "weasyprint render", "value": 5.5, "unit": "s", "goal": None, "met": None},
    ]


def test_a_figure_at_its_goal_meets_it() -> None:
    assert Figure("no-op: make pdf", 0.2, "s", 0.2).met is True
    assert Figure("no-op: make pdf", 0.2001, "s", 0.2).met is False


def test_the_table_gives_the_machine_then_each_figure_beside_its_goal() -> None:
    text = table([Figure("preview 1×: save→browser p50", 180.0, "ms", 150.0)], "2 cores, X")
    lines = text.splitlines()
    assert lines[0] == "machine: 2 cores, X"
    assert "preview 1×: save→browser p50" in lines[-1]
    assert "180 ms" in lines[-1] and "≤ 150 ms" in lines[-1] and "NO" in lines[-1]
