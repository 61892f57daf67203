"""Cost of formatting citations when nothing changed: a cache hit of `format_citations`.

    .venv/bin/python -m tests.bench.bench_citations --citations 3000 --runs 7

A benchmark, not a test: it formats N citations of the fixture bibliography (every fifth in an
author footnote) once, which runs pandoc, then prints the median and worst wall time of the
following cache hits. Issue #13 asks for under 50 ms at 3,000 citations.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from imprint.book.model import CitationRef, CiteItem, Loc
from imprint.preprocess.cite.format import format_citations, load_bibliography, resolve_style

FIXTURE_BIB = Path(__file__).parents[1] / "fixtures" / "citations" / "fixture.bib"


def citations(keys: list[str], count: int) -> tuple[list[CitationRef], list[int]]:
    """`count` citations, one note each; every fifth sits in an author footnote."""
    refs, footnotes = [], []
    for number in range(1, count + 1):
        in_footnote = number % 5 == 0
        if in_footnote:
            footnotes.append(number)
        item = CiteItem(keys[number % len(keys)], suffix=f", {number % 300 + 1}")
        refs.append(CitationRef(f"cite-{number}", (item,), Loc("chapters/01.md", number),
                                number, in_footnote))
    return refs, footnotes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--citations", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copyfile(FIXTURE_BIB, root / "references.bib")
        bib = load_bibliography(["references.bib"], root, None)
        style = resolve_style("chicago-notes-bibliography", root, None)
        refs, footnotes = citations([key for key, _ in bib.keys], args.citations)
        start = time.perf_counter()
        format_citations(refs, footnotes, bib, style, "en-US", root / "cache")
        miss = time.perf_counter() - start
        hits = []
        for _ in range(args.runs):
            start = time.perf_counter()
            format_citations(refs, footnotes, bib, style, "en-US", root / "cache")
            hits.append(time.perf_counter() - start)
    print(f"{args.citations} citations: miss (pandoc) {miss:.2f} s; cache hit median "
          f"{statistics.median(hits) * 1000:.1f} ms, worst {max(hits) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
