"""Issue #14 "Done when" on a stress manuscript (tests/fixtures/stress_manuscript.py), in both
note modes: after the typographic audit has mended what it can, no stranded heading or
caption, no stack of more than two hyphens, no hyphen across a page turn, no hole and no note
call at a line start (a word broken at its own hyphen counts as a hyphen across a turn);
and the build's fidelity audit finds every word in the PDF. In footnote mode a re-layout
places again the notes a fix carries off their page, so the fixes are kept."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tests.fixtures.stress_manuscript import write_stress_manuscript
from tests.helpers import output, run_cli

from imprint.cli import default_styles
from imprint.editions.pdf.chapterwise import lay_out_book
from imprint.pipeline import build_publication

FORBIDDEN = ("stranded headings", "stranded captions", "stacks of hyphens",
             "hyphens across page turns", "holes", "note calls at line start")
MANUSCRIPTS: dict[str, Path] = {}  # note mode -> the manuscript the fixture built


@pytest.fixture(scope="module", params=["endnotes", "footnotes"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> tuple[str, subprocess.CompletedProcess[str], Path]:
    root = tmp_path_factory.mktemp(f"stress-{request.param}")
    manuscript = write_stress_manuscript(root / "manuscript", request.param)
    MANUSCRIPTS[request.param] = manuscript
    out = root / "out"
    done = run_cli("--manuscript", str(manuscript), "--build", str(out), "pdf")
    return request.param, done, output(out, "stress-report.pdf")


def _counts(stderr: str) -> dict[str, int]:
    summary = next(line for line in stderr.splitlines() if "typography:" in line)
    return {name: int(number) for number, name in
            re.findall(r"(\d+) ([a-z ]+?)(?=[,;(]| \(|$)", summary.split("typography:")[1])}


def test_the_generator_writes_the_same_book_every_time(tmp_path: Path) -> None:
    first = write_stress_manuscript(tmp_path / "a", "footnotes")
    second = write_stress_manuscript(tmp_path / "b", "footnotes")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
    words = sum(len((first / f).read_text(encoding="utf-8").split()) for f in files
                if f.suffix == ".md")
    assert words > 10_000  # some fifty pages


def test_every_word_is_printed(built: tuple[str, subprocess.CompletedProcess[str], Path]
                               ) -> None:
    """The build's fidelity audit reads the PDF's text back: exit 0 means every word is
    there, in order, every note with it."""
    _, done, pdf = built
    assert done.returncode == 0, done.stderr
    assert pdf.is_file() and pdf.stat().st_size > 100_000


def test_no_forbidden_defect_is_left(built: tuple[str, subprocess.CompletedProcess[str], Path]
                                     ) -> None:
    _, done, _ = built
    assert done.returncode == 0, done.stderr
    counts = _counts(done.stderr)
    assert set(FORBIDDEN) <= set(counts), counts
    assert {name: counts[name] for name in FORBIDDEN} == dict.fromkeys(FORBIDDEN, 0), \
        done.stderr


def test_a_rebuild_lays_out_once_with_the_remembered_fixes(
        built: tuple[str, subprocess.CompletedProcess[str], Path]) -> None:
    """The note breaks and rules each part ended with are remembered: the same book laid out
    again from them (its parts' PDFs gone, so every part is laid out) needs no re-layout, and
    every note is still on its page (in footnote mode the breaks are those of the last
    layout, not the first)."""
    mode, done, pdf = built
    assert done.returncode == 0, done.stderr
    cache = pdf.parent / ".cache"
    for part in (cache / "parts").glob("part-*.pdf"):
        part.unlink()
    pub = build_publication(MANUSCRIPTS[mode], cache)
    again = lay_out_book(pub, default_styles(), cache)
    assert again is not None and again.typography.rounds == 0
    assert again.typography.summary.split(";")[0] in done.stderr
    if mode == "footnotes":  # the late notes' page breaks, found again for the fixes
        assert any(part.remembered.footnotes for part in again.parts)
