"""The preview's incremental rebuild: a save redoes only what it changed, and every build is
exactly the one a build from scratch makes (the same Publication, the same page bytes, the same
errors). Real files, real pandoc, no mocks."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import SAMPLE, STYLES

from imprint.book.model import Diagnostic, ImprintError, Publication
from imprint.pipeline import build_publication
from imprint.preview.page import PageRenderer
from imprint.preview.state import PreviewState, Snapshot

INTRO = "chapters/02-introduction.md"
ARMS = "chapters/03-arms.md"
EXERCISES = "chapters/04-exercises.md"
PROSE = "The first major sale"  # in chapters/03-arms.md, in a paragraph with notes

Edit = Callable[[Path], None]


def replace_in(manuscript: Path, file: str, old: str, new: str) -> None:
    path = manuscript / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def shared_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build folder for every test: pandoc's results are cached there by content, so
    each set of citations is formatted once, by the preview or by a build from scratch."""
    return tmp_path_factory.mktemp("build")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    target = tmp_path / "manuscript"
    shutil.copytree(SAMPLE, target)
    return target


def from_scratch(manuscript: Path, build: Path) -> Publication | tuple[Diagnostic, ...]:
    try:
        return build_publication(manuscript, build / ".cache", styles=STYLES)
    except ImprintError as error:
        return error.diagnostics


def assert_as_from_scratch(state: PreviewState, snapshot: Snapshot, build: Path,
                           pages: PageRenderer) -> None:
    """The snapshot holds what a build from scratch holds, and every chapter's page (from
    `pages`, which keeps what it read of earlier builds) is the same bytes as the page of
    that build."""
    expected = from_scratch(state.root, build)
    if isinstance(expected, tuple):
        assert snapshot.errors == expected
        return
    assert not snapshot.errors
    assert snapshot.pub == expected
    fresh = Snapshot(snapshot.serial, expected, (), snapshot.styles_serial)
    theirs = PageRenderer(STYLES, state.boot)
    for chapter in expected.chapters:
        assert pages.page(snapshot, chapter.slug) == theirs.page(fresh, chapter.slug)


def add_citation(manuscript: Path) -> None:
    replace_in(manuscript, ARMS, PROSE, f"A claim [@kaczmarski2015postcrisis, 12]. {PROSE}")


def rename_referenced_heading(manuscript: Path) -> None:
    replace_in(manuscript, INTRO, "## Why the Alignment Matters {#sec:intro-why}",
               "## Why This Alignment Matters {#sec:intro-why}")


def add_figure(manuscript: Path) -> None:
    """A figure in the introduction, named in the next chapter: every later figure's number
    moves, and the next chapter's page links to the introduction's."""
    replace_in(manuscript, INTRO, "## Sources and Method",
               "![An added chart.](figures/documents.svg){#fig:added fig-alt=\"A chart.\"}\n\n"
               "## Sources and Method")
    replace_in(manuscript, ARMS, PROSE, f"See @fig:added. {PROSE}")


def swap_chapters(manuscript: Path) -> None:
    """publication.yaml: chapters 3 and 4 change places, and the book's title changes."""
    replace_in(manuscript, "publication.yaml", "chapters/04-exercises.md", "SWAP")
    replace_in(manuscript, "publication.yaml", "chapters/05-space-cyber.md",
               "chapters/04-exercises.md")
    replace_in(manuscript, "publication.yaml", "SWAP", "chapters/05-space-cyber.md")
    replace_in(manuscript, "publication.yaml", "title: Understanding", "title: Reading")


def edit_bibliography(manuscript: Path) -> None:
    replace_in(manuscript, "references.bib",
               "Russia-China Relations in the Post-Crisis International Order",
               "Russia–China Relations after the Crisis")


def add_footnote(manuscript: Path) -> None:
    """A note in chapter 2: every later note's number moves."""
    replace_in(manuscript, INTRO, "## Sources and Method",
               "An added claim.[^added]\n\n[^added]: An added note.\n\n## Sources and Method")


def swap_note_calls(manuscript: Path) -> None:
    """Two note calls change places, their notes' text stays: the two notes' numbers swap."""
    chapter = "chapters/05-space-cyber.md"
    replace_in(manuscript, chapter, "[^fn-space-cyber-4]", "[^swapped]")
    replace_in(manuscript, chapter, "[^fn-space-cyber-5]", "[^fn-space-cyber-4]")
    replace_in(manuscript, chapter, "[^swapped]", "[^fn-space-cyber-5]")


def remove_image(manuscript: Path) -> None:
    (manuscript / "figures" / "exercises.svg").unlink()


EDITS: dict[str, Edit] = {
    "prose": lambda m: replace_in(m, ARMS, PROSE, f"Marker. {PROSE}"),
    "new line of prose": lambda m: replace_in(m, ARMS, PROSE, f"Marker.\n{PROSE}"),
    "citation added": add_citation,
    "cross-referenced heading renamed": rename_referenced_heading,
    "figure added before others": add_figure,
    "footnote added before others": add_footnote,
    "note calls swapped": swap_note_calls,
    "publication.yaml": swap_chapters,
    "bibliography": edit_bibliography,
    "image removed": remove_image,
}


@pytest.mark.parametrize("name", EDITS)
def test_an_incremental_build_is_the_build_from_scratch(book: Path, shared_build: Path,
                                                        name: str) -> None:
    # Chapter 3 names a section of chapter 2, so renaming that section changes chapter 3.
    replace_in(book, ARMS, "@fig:arms places", "As @sec:intro-why shows, @fig:arms places")
    state = PreviewState(book, shared_build, STYLES)
    pages = PageRenderer(STYLES, state.boot)
    assert_as_from_scratch(state, state.rebuild(), shared_build, pages)
    EDITS[name](book)
    assert_as_from_scratch(state, state.rebuild(), shared_build, pages)


def test_a_prose_save_parses_numbers_and_renders_only_what_it_changed(
        book: Path, shared_build: Path) -> None:
    state = PreviewState(book, shared_build, STYLES)
    first = state.rebuild()
    caches = state.caches
    assert first.pub is not None and len(first.pub.chapters) == 9
    assert (caches.parses.parses, caches.numbering.numberings, caches.rendering.renders) == (
        9, 1, 9)
    EDITS["prose"](book)
    second = state.rebuild()
    assert caches.parses.parses == 10  # the saved chapter only
    assert caches.numbering.numberings == 1  # nothing numbering reads changed
    assert caches.rendering.renders == 10  # the saved chapter only
    assert caches.citations.formats.misses == caches.citations.styles.misses == 1
    assert caches.citations.bibliographies.misses == 1
    assert second.pub is not None
    kept = [a is b for a, b in zip(first.pub.chapters, second.pub.chapters, strict=True)]
    assert kept == [True, True, False, True, True, True, True, True, True]
    assert "Marker." in second.pub.chapters[2].html


def test_a_figure_renumbers_and_renders_again_only_the_chapters_after_it(
        book: Path, shared_build: Path) -> None:
    state = PreviewState(book, shared_build, STYLES)
    first = state.rebuild()
    add_figure(book)
    second = state.rebuild()
    assert state.caches.numbering.numberings == 2
    assert first.pub is not None and second.pub is not None
    kept = [a is b for a, b in zip(first.pub.chapters, second.pub.chapters, strict=True)]
    # the summary keeps its HTML; the introduction and the chapters with figures after it
    # do not (chapters without a figure, a note or a citation would keep theirs)
    assert kept[0] and not kept[1] and not kept[2] and not kept[3]
    assert [f.number for f in second.pub.figures] == [1, 2, 3, 4]


def test_a_located_error_is_the_error_from_scratch_and_its_fix_the_book(
        book: Path, shared_build: Path) -> None:
    state = PreviewState(book, shared_build, STYLES)
    pages = PageRenderer(STYLES, state.boot)
    good = state.rebuild()
    replace_in(book, EXERCISES, "## The Maritime Turn", "See @fig:nowhere.\n\n## The Maritime Turn")
    bad = state.rebuild()
    assert bad.pub is good.pub
    assert [str(d) for d in bad.errors] == [
        "chapters/04-exercises.md:15: unknown cross-reference '@fig:nowhere'"]
    assert_as_from_scratch(state, bad, shared_build, pages)
    replace_in(book, EXERCISES, "See @fig:nowhere.\n\n", "")
    fixed = state.rebuild()
    assert not fixed.errors
    assert_as_from_scratch(state, fixed, shared_build, pages)
