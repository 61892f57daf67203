"""Preview latency: save -> the browser showing the change, on the sample's longest chapter.

    make bench                      # or: .venv/bin/python -m tests.bench.bench_preview --runs 40
    .venv/bin/python -m tests.bench.bench_preview --scale 10   # the sample's chapters 10 times

A benchmark, not a test: it prints p50/p95 and exits 0 (1 only if a run never showed). Each run
writes the chapter with a new marker word and times until the open page's text holds it
(checked on every animation frame, so the time includes the browser's swap and layout).
The goal for text edits is p50 <= 200 ms. A citation edit also re-runs pandoc for the book's
citations (its results are cached by content, so only a changed citation pays this).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.bench.scaled_book import scaled_book
from tests.conftest import SAMPLE
from tests.preview_support import launch_chromium, running_preview

GOAL_MS = 200.0
ANCHOR = "The first major sale"  # a sentence in the middle of the longest chapter
CITATION = "[@sipri2026arms]"
PAUSE = 0.15  # seconds between saves, so each is its own change (as an author's saves are)


def longest_chapter(manuscript: Path) -> Path:
    return max((manuscript / "chapters").glob("*.md"), key=lambda p: p.stat().st_size)


def text_edit(original: str, run: int, marker: str) -> str:
    return original.replace(ANCHOR, f"{marker}. {ANCHOR}", 1)


def citation_edit(original: str, run: int, marker: str) -> str:
    """A new locator makes a new citation: the note's text changes, pandoc runs again."""
    changed = original.replace(CITATION, f"[@sipri2026arms, {run + 1}]", 1)
    return text_edit(changed, run, marker)


def measure(page: Page, chapter: Path, edit: Callable[[str, int, str], str],
            runs: int) -> list[float]:
    original = chapter.read_text(encoding="utf-8")
    times: list[float] = []
    try:
        for run in range(runs):
            marker = f"Benchmark{run}x{time.monotonic_ns() % 100000}"
            text = edit(original, run, marker)
            started = time.perf_counter()
            chapter.write_text(text, encoding="utf-8")
            page.wait_for_function(
                "m => document.querySelector('main').textContent.includes(m)",
                arg=marker, polling="raf", timeout=15_000)
            times.append((time.perf_counter() - started) * 1000)
            time.sleep(PAUSE)
    finally:
        chapter.write_text(original, encoding="utf-8")
    return times


def summary(name: str, times: list[float]) -> str:
    return (f"{name:<16} n={len(times):<3} p50={statistics.median(times):6.1f} ms  "
            f"p95={p95(times):6.1f} ms  min={min(times):6.1f} ms  max={max(times):6.1f} ms")


def latencies(manuscript: Path, runs: int, citation_runs: int = 0,
              warm_up: int = 3) -> tuple[list[float], list[float]]:
    """Save->browser times (ms) of text edits and of citation edits on the longest chapter of
    a copy of `manuscript` (the original is never written)."""
    with tempfile.TemporaryDirectory(prefix="imprint-bench-") as folder:
        copied = Path(folder) / "manuscript"
        shutil.copytree(manuscript, copied)
        chapter = longest_chapter(copied)
        print(f"chapter: {chapter.relative_to(copied)} ({chapter.stat().st_size} bytes)")
        with running_preview(copied, Path(folder) / "build", chapter.name) as preview, \
                sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.goto(preview.url)
                measure(page, chapter, text_edit, warm_up)  # warm up: caches, JIT, fonts
                text = measure(page, chapter, text_edit, runs)
                cites = measure(page, chapter, citation_edit, citation_runs)
            finally:
                browser.close()
    return text, cites


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(manuscript: Path, runs: int, citation_runs: int) -> int:
    text, cites = latencies(manuscript, runs, citation_runs)
    print(summary("text edit", text))
    if cites:
        print(summary("citation edit", cites))
    p50 = statistics.median(text)
    print(f"goal: text edit p50 <= {GOAL_MS:.0f} ms: {'met' if p50 <= GOAL_MS else 'NOT met'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="text edits to time (default 40)")
    parser.add_argument("--citation-runs", type=int, default=10,
                        help="citation edits to time (default 10; 0 to skip)")
    parser.add_argument("--manuscript", type=Path, default=SAMPLE,
                        help="the manuscript to edit a copy of (default: the sample)")
    parser.add_argument("--scale", type=int, default=1,
                        help="repeat its chapters this many times (tests/bench/scaled_book.py)")
    args = parser.parse_args()
    try:
        if args.scale == 1:
            return run(args.manuscript, args.runs, args.citation_runs)
        with tempfile.TemporaryDirectory(prefix="imprint-scaled-") as folder:
            book = scaled_book(Path(folder) / "book", args.scale, args.manuscript)
            return run(book, args.runs, args.citation_runs)
    except Exception as error:  # a run that never showed: say so plainly
        print(f"bench: {type(error).__name__}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
