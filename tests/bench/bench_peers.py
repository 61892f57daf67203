"""imprint against its peers: each figure of issue 16 beside its goal, in one run.

    make bench        # .venv/bin/python -m tests.bench.bench_peers --out build/bench.json
    .venv/bin/python -m tests.bench.bench_peers --quick --only pdf   # one run of one figure

A benchmark, not a test: every command runs in a fresh process, as an author runs it, the
compared commands alternate run by run (so a busy spell of the machine hurts both), and each
figure is the median of `--runs` runs. The peers: one plain WeasyPrint render of the HTML
imprint lays out (same style sheets, same PDF/UA-tagged output), and pandoc's EPUB of the same
chapters with `--citeproc`. Peak memory is the child's `ru_maxrss` from `os.wait4`, that is the
largest single process. It prints a table and writes the figures to `--out` as a JSON list of
{name, value, unit, goal, met}; `goal` is the most a figure may be (null: no goal).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import pypandoc

from imprint.book.config import load_config
from imprint.editions.html.transform import rewrite
from imprint.editions.pdf.math_svg import has_math, math_as_svg
from imprint.editions.pdf.render import book_html, print_sheets
from imprint.pipeline import build_publication
from imprint.preprocess.cite.styles import resolve_style
from tests.bench.figures import Figure, machine, table, write_results
from tests.bench.scaled_book import scaled_book
from tests.conftest import REPO, SAMPLE, STYLES

T = TypeVar("T")
GROUPS = ("pdf", "edit", "epub", "make", "scale", "preview")
MB = 1e6
# One WeasyPrint render as its documentation shows it, writing the PDF imprint writes
# (PDF/UA-1, tagged): argv is the HTML file, its base URL, the PDF, then the style sheets.
RAW_WEASYPRINT = """\
import sys
import weasyprint
from weasyprint.css.counters import CounterStyle
html, base, out, *sheets = sys.argv[1:]
counters = CounterStyle()
weasyprint.HTML(filename=html, base_url=base).write_pdf(
    out, stylesheets=[weasyprint.CSS(filename=s, counter_style=counters) for s in sheets],
    counter_style=counters, pdf_variant="pdf/ua-1", pdf_tags=True)
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # the child's peak resident memory


@dataclass(frozen=True)
class Bench:
    work: Path  # a temporary folder for manuscripts and builds
    runs: int
    scales: tuple[int, ...]
    preview_edits: int


def timed(command: list[str], cwd: Path | None = None,
          env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of one process; its failure ends the bench with its stderr."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                 stderr=errors)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            errors.seek(0)
            message = errors.read().decode(errors="replace")[-3000:]
            raise SystemExit(f"bench: {' '.join(command)[:200]} failed:\n{message}")
    return Run(seconds, usage.ru_maxrss * 1024 / MB)


def alternate(steps: dict[str, Callable[[], T]], runs: int) -> dict[str, list[T]]:
    """Each step once a run, in turn; every other run in the reverse order."""
    results: dict[str, list[T]] = {name: [] for name in steps}
    for run in range(runs):
        names = list(steps) if run % 2 == 0 else list(reversed(steps))
        for name in names:
            results[name].append(steps[name]())
    return results


def medians(times: dict[str, list[Run]]) -> dict[str, float]:
    return {name: statistics.median(r.seconds for r in runs) for name, runs in times.items()}


def imprint(manuscript: Path, build: Path, *command: str) -> list[str]:
    return [sys.executable, "-m", "imprint.cli", "--quiet", "--manuscript", str(manuscript),
            "--build", str(build), *command]


def fresh_copy(bench: Bench, name: str, times: int = 1) -> Path:
    """A manuscript of the bench's own (the sample, or its chapters `times` times over)."""
    target = bench.work / name
    shutil.rmtree(target, ignore_errors=True)
    return scaled_book(target, times)


def cold(bench: Bench, manuscript: Path, *command: str) -> Run:
    """One imprint command into an empty build folder."""
    build = Path(tempfile.mkdtemp(prefix="cold-", dir=bench.work))
    try:
        return timed(imprint(manuscript, build, *command))
    finally:
        shutil.rmtree(build, ignore_errors=True)


def ratio(name: str, ours: float, peer: float, peer_name: str, goal: float | None) -> Figure:
    return Figure(name, ours / peer, "×", goal, f"{ours:.2f} s vs {peer_name} {peer:.2f} s")


# --- imprint pdf against one WeasyPrint render -------------------------------------------------

def raw_weasyprint(manuscript: Path, work: Path) -> list[str]:
    """The command for a plain WeasyPrint render of the book's HTML, as imprint makes it."""
    pub = build_publication(manuscript, work / "raw-cache")
    html = book_html(pub, STYLES)
    if has_math(html):  # imprint draws math as SVG before the layout: the same HTML for both
        html = rewrite(html, math_as_svg)
    page = work / "book.html"
    page.write_text(html, encoding="utf-8")
    sheets = [str(STYLES / sheet) for sheet in print_sheets(pub)]
    return [sys.executable, "-c", RAW_WEASYPRINT, str(page), pub.root.as_uri() + "/",
            str(work / "raw.pdf"), *sheets]


def pdf_figures(bench: Bench) -> list[Figure]:
    book = fresh_copy(bench, "pdf")
    raw = raw_weasyprint(book, bench.work)
    times = medians(alternate({"imprint": lambda: cold(bench, book, "pdf"),
                               "weasyprint": lambda: timed(raw)}, bench.runs))
    return [Figure("weasyprint render", times["weasyprint"], "s"),
            Figure("imprint pdf, cold", times["imprint"], "s"),
            ratio("imprint pdf cold / weasyprint", times["imprint"], times["weasyprint"],
                  "weasyprint", 0.70)]


def edited_chapter(manuscript: Path) -> Path:
    """The longest chapter: an edit there costs the most to lay out again."""
    return max((manuscript / "chapters").glob("*.md"), key=lambda p: p.stat().st_size)


def add_sentence(chapter: Path, number: int) -> None:
    """Append a new sentence to the chapter's first paragraph (after its title)."""
    lines = chapter.read_text(encoding="utf-8").split("\n")
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    first = next(i for i in range(title + 1, len(lines))
                 if lines[i].strip() and lines[i][0].isalpha())
    lines[first] += f" The benchmark added sentence {number} here."
    chapter.write_text("\n".join(lines), encoding="utf-8")


def edit_figures(bench: Bench) -> list[Figure]:
    book = fresh_copy(bench, "edit")
    raw = raw_weasyprint(book, bench.work)
    build = bench.work / "edit-build"
    timed(imprint(book, build, "pdf"))  # warm: the caches of a book built once
    chapter, numbers = edited_chapter(book), itertools.count(1)

    def edit() -> Run:
        add_sentence(chapter, next(numbers))
        return timed(imprint(book, build, "pdf"))

    times = medians(alternate({"edit": edit, "weasyprint": lambda: timed(raw)}, bench.runs))
    return [Figure("one-chapter edit: imprint pdf", times["edit"], "s"),
            ratio("one-chapter edit / weasyprint", times["edit"], times["weasyprint"],
                  "weasyprint", 0.25)]


# --- imprint epub against pandoc ---------------------------------------------------------------

def pandoc_epub(manuscript: Path, target: Path) -> list[str]:
    """pandoc's EPUB of the same chapters, in order, citations formatted in the same style."""
    meta = load_config(manuscript)
    style = resolve_style(meta.citation_style, manuscript, None)
    files = [file for spec in meta.chapters for file in spec.files]
    return [pypandoc.get_pandoc_path(), *files, "--citeproc",
            *(f"--bibliography={bib}" for bib in meta.bibliography), f"--csl={style.path}",
            "--metadata", f"title={meta.title}", "--output", str(target)]


def epub_figures(bench: Bench) -> list[Figure]:
    book = fresh_copy(bench, "epub")
    pandoc = pandoc_epub(book, bench.work / "pandoc.epub")
    warm_build = bench.work / "epub-build"
    timed(imprint(book, warm_build, "epub"))  # warm: built once before

    def warm() -> Run:
        """The EPUB made again with every cache kept (without its file, the input stamp would
        rightly make the run a no-op)."""
        for epub in warm_build.glob("*/*.epub"):
            epub.unlink()
        return timed(imprint(book, warm_build, "epub"))

    times = medians(alternate({"cold": lambda: cold(bench, book, "epub"),
                               "pandoc": lambda: timed(pandoc, cwd=book), "warm": warm},
                              bench.runs))
    return [Figure("pandoc --citeproc epub", times["pandoc"], "s"),
            ratio("imprint epub warm / pandoc", times["warm"], times["pandoc"], "pandoc", 1.0),
            ratio("imprint epub cold / pandoc", times["cold"], times["pandoc"], "pandoc", None)]


# --- make: nothing to do, and a file touched but unchanged -------------------------------------

def bootstrapped() -> bool:
    """`make pdf` would install the virtualenv again if pyproject.toml is newer: never here."""
    stamp = REPO / ".venv" / ".bootstrapped"
    return stamp.exists() and stamp.stat().st_mtime >= (REPO / "pyproject.toml").stat().st_mtime


def make_env() -> dict[str, str]:
    """The environment without an enclosing make's flags (its MANUSCRIPT would win)."""
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "MANUSCRIPT", "BUILD"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def make_figures(bench: Bench) -> list[Figure]:
    if not bootstrapped():
        print("bench: skipping make: .venv/.bootstrapped is older than pyproject.toml "
              "(make would reinstall); run `make bootstrap` first", file=sys.stderr)
        return []
    book, build = fresh_copy(bench, "make"), bench.work / "make-build"
    make = ["make", "--no-print-directory", "pdf", f"MANUSCRIPT={book}", f"BUILD={build}"]
    env = make_env()
    timed(make, cwd=REPO, env=env)  # the first build

    def touch() -> Run:
        os.utime(edited_chapter(book))
        return timed(make, cwd=REPO, env=env)

    times = medians(alternate({"touch": touch, "no-op": lambda: timed(make, cwd=REPO, env=env)},
                              bench.runs))
    query = subprocess.run([*make[:2], "-q", *make[2:]], cwd=REPO, env=env, check=False)
    detail = "make -q: up to date" if query.returncode == 0 else "make -q: NOT up to date"
    return [Figure("no-op: make pdf", times["no-op"], "s", 0.2, detail),
            Figure("touch-only: make pdf", times["touch"], "s", 0.2)]


# --- books 1×, 3×, 10× -------------------------------------------------------------------------

def scale_figures(bench: Bench) -> list[Figure]:
    books = {n: fresh_copy(bench, f"scale-{n}", n) for n in bench.scales}
    runs = alternate({str(n): partial(cold, bench, book, "pdf") for n, book in books.items()},
                     bench.runs)
    seconds = medians(runs)
    figures = []
    for n in bench.scales:
        peak = max(r.peak_mb for r in runs[str(n)])
        figures += [Figure(f"{n}× book: imprint pdf", seconds[str(n)], "s"),
                    Figure(f"{n}× book: peak RSS", peak, "MB", 400.0 if n == 10 else None)]
    figures += [Figure(f"{n}× book time / 1× book time", seconds[str(n)] / seconds["1"], "×",
                       float(n) if n == 10 else None) for n in bench.scales if n > 1]
    return figures


# --- preview: save -> the browser showing it ---------------------------------------------------

def preview_figures(bench: Bench) -> list[Figure]:
    from tests.bench.bench_preview import latencies, p95  # Playwright only when asked for

    figures = []
    for n, goal in ((1, 150.0), (10, 250.0)):
        if n not in bench.scales:
            continue
        book = SAMPLE if n == 1 else fresh_copy(bench, f"preview-{n}", n)
        text, _ = latencies(book, bench.preview_edits)
        figures += [Figure(f"preview {n}×: save→browser p50", statistics.median(text), "ms",
                           goal, f"{len(text)} saves"),
                    Figure(f"preview {n}×: save→browser p95", p95(text), "ms")]
    return figures


MEASURES: dict[str, Callable[[Bench], list[Figure]]] = {
    "pdf": pdf_figures, "edit": edit_figures, "epub": epub_figures, "make": make_figures,
    "scale": scale_figures, "preview": preview_figures,
}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median; default 5)")
    parser.add_argument("--quick", action="store_true",
                        help="one run, 1× and 3× books only: a check that the bench works")
    parser.add_argument("--only", action="append", choices=GROUPS,
                        help="measure only this group of figures (may be repeated)")
    parser.add_argument("--preview-edits", type=int, default=20,
                        help="saves timed per preview figure (default 20)")
    parser.add_argument("--out", type=Path, default=Path("build/bench.json"),
                        help="where to write the figures (default build/bench.json)")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    runs, scales = (1, (1, 3)) if args.quick else (args.runs, (1, 3, 10))
    edits = 5 if args.quick else args.preview_edits
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="imprint-peers-") as folder:
        bench = Bench(Path(folder), runs, scales, edits)
        for name in args.only or GROUPS:
            print(f"bench: {name} ({runs} run{'s' * (runs > 1)})...", file=sys.stderr)
            figures += MEASURES[name](bench)
    print(table(figures, machine(pypandoc.get_pandoc_version())))
    write_results(args.out, figures)
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
