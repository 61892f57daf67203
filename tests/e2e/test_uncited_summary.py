"""A shared reference library (thousands of entries, a few cited) gives one summary line for
its uncited entries, not one warning each; a handful still get a located warning each."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import build

from imprint.book.model import CitationRef, CiteItem, Loc
from imprint.preprocess.cite.bibliography import (
    UNCITED_EACH,
    check_citations,
    load_bibliography,
)

CONFIG = ONE_CHAPTER_CONFIG + (
    "bibliography: [references.bib]\n")
CHAPTER = "# Intro\n\nAs argued [@key0001], and again [@key0003, 12].\n"


def library(count: int) -> str:
    return "".join(f"@book{{key{n:04d},\n  title = {{Book {n}}},\n  author = {{Author, A{n}}},\n"
                   f"  date = {{{1900 + n % 120}}},\n  publisher = {{Press}},\n}}\n"
                   for n in range(count))


def manuscript(root: Path, entries: int, extra: str = "") -> Path:
    folder = write_manuscript(root, CONFIG + extra, {"01-intro.md": CHAPTER})
    (folder / "references.bib").write_text(library(entries), encoding="utf-8")
    return folder


SUMMARY = ("references.bib: warning: 1,998 entries are never cited (first: key0000, key0002, "
           "key0004, …); set bibliography-all: true to print them")


def test_two_thousand_uncited_entries_give_one_line(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    folder = manuscript(tmp_path / "m", 2000)
    capsys.readouterr()
    assert build("check", folder, tmp_path / "build") == 0
    assert [line for line in capsys.readouterr().err.splitlines() if "cited" in line] == [
        SUMMARY]


def test_strict_makes_the_summary_one_error(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    folder = manuscript(tmp_path / "m", 2000)
    capsys.readouterr()
    assert build("check", folder, tmp_path / "build", "--strict") == 1
    assert [line for line in capsys.readouterr().err.splitlines() if "cited" in line] == [
        SUMMARY]


def test_printing_every_entry_warns_about_none(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    folder = manuscript(tmp_path / "m", 2000, "bibliography-all: true\n")
    capsys.readouterr()
    assert build("check", folder, tmp_path / "build", "--strict") == 0
    assert "cited" not in capsys.readouterr().err


@pytest.mark.parametrize(("uncited", "lines"),
                         [(UNCITED_EACH, UNCITED_EACH), (UNCITED_EACH + 1, 1)])
def test_a_handful_keep_a_located_warning_each(tmp_path: Path, uncited: int,
                                               lines: int) -> None:
    folder = manuscript(tmp_path / "m", uncited + 2)
    bib = load_bibliography(["references.bib"], folder, None)
    cited = [CitationRef("c1", (CiteItem("key0001"), CiteItem("key0003")), Loc("x.md", 3), 1,
                         False)]
    found = [str(d) for d in check_citations(cited, bib)]
    assert len(found) == lines
    if lines > 1:
        assert found[0] == "references.bib:1: warning: entry 'key0000' is never cited"
        assert found[1] == "references.bib:13: warning: entry 'key0002' is never cited"
    else:
        assert found[0].startswith(f"references.bib: warning: {uncited} entries are never cited")
