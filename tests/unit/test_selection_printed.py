"""`imprint preview 2` means the chapter the book prints as Chapter 2, as numbering decides it;
the position in publication.yaml only when no chapter prints that number."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript

from imprint.book.config import load_config
from imprint.book.model import ChapterKind, ChapterSpec, ImprintError, Loc
from imprint.pipeline import build_publication
from imprint.preview.selection import described, entry_numbers, select_chapter


def book(tmp_path: Path, chapters: dict[str, tuple[ChapterKind, str]]
         ) -> tuple[Path, tuple[ChapterSpec, ...]]:
    """A manuscript folder holding `chapters` (file name -> kind, text), listed in that order."""
    root = tmp_path / "m"
    for name, (_, text) in chapters.items():
        (root / "chapters").mkdir(parents=True, exist_ok=True)
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    specs = tuple(ChapterSpec(f"chapters/{name}", kind, Loc("publication.yaml", 30 + i))
                  for i, (name, (kind, _)) in enumerate(chapters.items()))
    return root, specs


def chosen(root: Path, specs: tuple[ChapterSpec, ...], choice: str) -> str:
    spec = select_chapter(specs, root, choice, cwd=root)
    return described(spec, specs, entry_numbers(root, specs))


SAMPLE_LIKE: dict[str, tuple[ChapterKind, str]] = {
    "01-summary.md": ("front", "# Executive Summary\n\nText.\n"),
    "02-introduction.md": ("body", "# Introduction\n\nText.\n"),
    "03-arms.md": ("body", "# Arms {#sec:arms}\n\nText.\n"),
    "04-authors.md": ("back", "# About the Authors\n\nText.\n"),
}


@pytest.mark.parametrize(("choice", "expected"), [
    ("1", "Chapter 1: chapters/02-introduction.md"),
    ("2", "Chapter 2: chapters/03-arms.md"),
    (" 2 ", "Chapter 2: chapters/03-arms.md"),
    # No chapter prints 3 or 4: the entry at that position, as before.
    ("3", "Chapter 2: chapters/03-arms.md"),
    ("4", "chapters/04-authors.md"),
    ("summary", "chapters/01-summary.md"),
    ("arms", "Chapter 2: chapters/03-arms.md"),
    ("chapters/02-introduction.md", "Chapter 1: chapters/02-introduction.md"),
])
def test_a_number_is_the_one_the_book_prints(tmp_path: Path, choice: str,
                                             expected: str) -> None:
    root, specs = book(tmp_path, SAMPLE_LIKE)
    assert chosen(root, specs, choice) == expected


@pytest.mark.parametrize("mark", ["{-}", "{.unnumbered}", "{#sec:pre .unnumbered}"])
def test_an_unnumbered_body_chapter_is_skipped(tmp_path: Path, mark: str) -> None:
    root, specs = book(tmp_path, {
        "01-preface.md": ("body", f"# Preface {mark}\n\nText.\n"),
        "02-one.md": ("body", "# One\n\nText.\n"),
        "03-two.md": ("body", "# Two\n\nText.\n")})
    assert entry_numbers(root, specs) == (None, 1, 2)
    assert chosen(root, specs, "1") == "Chapter 1: chapters/02-one.md"
    assert chosen(root, specs, "2") == "Chapter 2: chapters/03-two.md"
    assert chosen(root, specs, "3") == "Chapter 2: chapters/03-two.md"  # position 3


def test_a_book_of_unnumbered_chapters_counts_positions(tmp_path: Path) -> None:
    root, specs = book(tmp_path, {
        "01-a.md": ("front", "# A\n"), "02-b.md": ("body", "# B {-}\n"),
        "03-c.md": ("back", "# C\n")})
    assert entry_numbers(root, specs) == (None, None, None)
    assert [chosen(root, specs, n) for n in "123"] == [
        "chapters/01-a.md", "chapters/02-b.md", "chapters/03-c.md"]
    with pytest.raises(ImprintError) as error:
        chosen(root, specs, "4")
    message = str(error.value)
    assert "no chapter 4: publication.yaml lists 3 chapters" in message
    assert "as the book prints it" not in message  # it prints none
    assert "a position in publication.yaml (1 to 3)" in message


def test_a_number_past_every_chapter_lists_both_ranges(tmp_path: Path) -> None:
    root, specs = book(tmp_path, SAMPLE_LIKE)
    with pytest.raises(ImprintError) as error:
        chosen(root, specs, "5")
    message = str(error.value)
    assert "no chapter 5: the book numbers chapters 1 to 2 and publication.yaml lists 4" in (
        message)
    assert "a chapter number as the book prints it (1 to 2)" in message
    assert "a position in publication.yaml (1 to 4)" in message
    assert "summary, introduction, arms, authors" in message
    with pytest.raises(ImprintError, match="as the book prints it \\(1 to 2\\)"):
        chosen(root, specs, "armss")


def test_a_file_continuing_a_chapter_shares_its_number(tmp_path: Path) -> None:
    root, specs = book(tmp_path, {
        "01-a.md": ("body", "# A\n\nText.\n"),
        "02-a-more.md": ("body", "## More of A\n\nText.\n"),
        "03-b.md": ("body", "---\ntitle: B\n---\n\nText.\n")})  # front matter gives the title
    assert entry_numbers(root, specs) == (1, 1, 2)
    assert chosen(root, specs, "2") == "Chapter 2: chapters/03-b.md"
    assert chosen(root, specs, "a-more") == "Chapter 1: chapters/02-a-more.md"


def test_the_numbers_are_those_the_build_prints(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace(
        "chapters:\n", "chapters:\n  - file: chapters/00-preface.md\n    kind: body\n")
    root = write_manuscript(tmp_path / "m", config)
    (root / "chapters" / "00-preface.md").write_text("# Preface {-}\n\nText.\n", "utf-8")
    specs = load_config(root).chapters
    pub = build_publication(root, tmp_path / "cache")
    assert entry_numbers(root, specs) == tuple(c.number for c in pub.chapters) == (None, 1, 2)
    assert select_chapter(specs, root, "2").file == pub.chapters[2].files[0]


def test_a_chapter_with_a_bad_byte_is_still_chosen_by_its_number(tmp_path: Path) -> None:
    """The preview starts and shows the file's error over the page, rather than refusing."""
    root = write_manuscript(tmp_path / "m")
    (root / "chapters" / "02-second.md").write_bytes(b"# Second\n\nCaf\xe9\n")
    specs = load_config(root).chapters
    assert entry_numbers(root, specs) == (1, 2)
    assert select_chapter(specs, root, "2").file == "chapters/02-second.md"
