"""The text-fidelity audits, step by step: normalizing, comparing, locating, each check."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript

from imprint.book.model import Publication
from imprint.checks.fidelity import audit
from imprint.checks.fidelity_epub import generated_text
from imprint.checks.fidelity_locate import config_line, line_before
from imprint.checks.fidelity_model import Segment, expected_sections, model_text, pieces
from imprint.checks.fidelity_pdf import footnote_area
from imprint.checks.fidelity_source import spacing_findings
from imprint.checks.fidelity_syntax import syntax_pattern, unexplained
from imprint.checks.fidelity_text import (
    Printed,
    first_mismatch,
    html_text,
    normalize,
    squash,
)
from imprint.pipeline import build_publication

CHAPTER = """\
# Fidelity {#sec:fidelity}

A first paragraph with a note.[^a] It goes on with words.

## Second heading

Code may show `[@key]` and `:::` as written.

| Name | Value |
|------|-------|
| one  | 1     |

: The caption. {#tbl:one}

[^a]: The note's own text.
"""


@pytest.fixture
def pub(tmp_path: Path) -> Publication:
    config = ONE_CHAPTER_CONFIG
    root = write_manuscript(tmp_path / "m", config, {"01-intro.md": CHAPTER})
    return build_publication(root, tmp_path / "cache")


def edition(pub: Publication, **changes: str) -> Printed:
    """A faithful EPUB-like edition of `pub`, with some sections replaced."""
    model = model_text(pub)
    sections = {k: e.text for k, e in expected_sections(pub, model, footnotes=False).items()}
    sections["copyright"] = f"{pub.meta.funding.statement} {pub.meta.funding.disclaimer}"
    return Printed("PDF", sections | changes)


# --- text -------------------------------------------------------------------------------

def test_normalize_decomposes_ligatures_and_keeps_line_breaks_on_request() -> None:
    assert normalize("ﬁne\u00a0print \u00ad\r\n  next") == "fine print next"
    assert normalize("ﬁne \r\n  next\n\nlast ", lines=True) == "fine\nnext\nlast"
    assert normalize("Sino\ufffeRussian", lines=True) == "Sino-Russian"


def test_html_text_separates_blocks_and_skips_what_is_not_seen() -> None:
    html = '<p>One<em>two</em></p><p>three <img alt="no" /><span hidden="">x</span></p>'
    assert normalize(html_text(html)) == "Onetwo three"


@pytest.mark.parametrize("printed", [
    "a word\nbreaks here",  # a line break for a space
    "a word break‐\ns here",  # a hyphen the printer added
    "A WORD breaks here",  # text-transform
    "a word breaks\n•\nhere",  # a list marker read out of place
])
def test_what_print_may_legitimately_change(printed: str) -> None:
    assert first_mismatch("a word breaks here", printed) is None


def test_cjk_text_compares_by_characters() -> None:
    assert first_mismatch("战略协作伙伴关系", "战略协\n作伙 伴关系") is None
    assert first_mismatch("战略协作伙伴关系", "战略协作,伙伴关系") is not None


def test_a_repeated_table_header_is_allowed_at_a_line_start() -> None:
    assert first_mismatch("Name Value a 1 b 2", "Name Value\na 1\nName Value\nb 2",
                          ("Name Value",)) is None


def test_an_inserted_comma_is_reported_with_both_sides() -> None:
    found = first_mismatch("the relationship.7 The second", "the relationship.,7 The second")
    assert found is not None
    assert (found.expected, found.printed) == ("the relationship.7 The second",
                                               "the relationship.,7 The second")


def test_a_lost_space_and_lost_or_extra_text_are_differences() -> None:
    assert first_mismatch("relationship, Lo notes", "relationship,Lo notes") is not None
    assert first_mismatch("one two three", "one two") is not None
    assert first_mismatch("one two", "one two three") is not None


def test_squash_ignores_breaks_hyphens_and_case() -> None:
    assert squash("The Depart‐\nment") == squash("the department")


# --- the PDF's footnotes ------------------------------------------------------------------

def test_footnotes_are_found_from_the_end_of_the_page() -> None:
    page = "Body text.3\n3. A line of body text\n3. The note.\n4. The next."
    assert page[footnote_area(page, [3, 4]):] == "3. The note.\n4. The next."
    assert footnote_area("No notes here.", []) == len("No notes here.")


# --- check 1: syntax ----------------------------------------------------------------------

def test_syntax_the_model_has_is_not_a_finding(pub: Publication) -> None:
    model = squash(model_text(pub).chapters["intro"].text)
    pattern = syntax_pattern(pub)
    assert unexplained(pattern, "Code may show [@key] and ::: as written.", model) == []
    [found] = unexplained(pattern, "A first paragraph [@smith2020] with a note.", model)
    assert (found.kind, found.text) == ("citation", "[@smith2020]")


def test_a_markdown_link_printed_as_text_is_syntax(pub: Publication) -> None:
    """A chapter title once reached the contents as its source, `[link](http://x.org)`."""
    model = squash(model_text(pub).chapters["intro"].text)
    [found] = unexplained(syntax_pattern(pub), "The story of [a link](http://x.org) here.", model)
    assert (found.kind, found.text) == ("link", "](http://x.org)")


def test_unrendered_syntax_is_located_in_its_chapter(pub: Publication) -> None:
    text = edition(pub).sections["chapter-intro"].replace("It goes on", "{#sec:x} It goes on")
    findings = audit(pub, edition(pub, **{"chapter-intro": text}), footnotes=False)
    assert [str(f) for f in findings if "syntax" in f.message] == [
        "chapters/01-intro.md:3: the PDF prints unrendered attribute syntax '{#sec:x}': "
        "'…first paragraph with a note.1 {#sec:x} It goes…'"]


# --- check 2: words -----------------------------------------------------------------------

def test_a_faithful_edition_has_no_findings(pub: Publication) -> None:
    assert audit(pub, edition(pub), footnotes=False) == []


def test_an_inserted_character_is_located_at_its_line(pub: Publication) -> None:
    text = edition(pub).sections["chapter-intro"].replace("It goes on", "It, goes on")
    [finding] = audit(pub, edition(pub, **{"chapter-intro": text}), footnotes=False)
    assert str(finding).startswith("chapters/01-intro.md:3: the PDF text of chapter 'Fidelity' "
                                   "differs from the manuscript: expected '…")
    assert str(finding).endswith("the PDF prints '…first paragraph with a note.1 It, goes on "
                                 "with…'")


def test_a_difference_in_a_note_names_the_note(pub: Publication) -> None:
    notes = edition(pub).sections["notes"].replace("own text", "own  text,")
    words, presence = audit(pub, edition(pub, notes=notes), footnotes=False)
    assert str(words).startswith("chapters/01-intro.md:3: the PDF text of the notes differs")
    assert str(presence) == ("chapters/01-intro.md:3: the PDF lacks the note 1 "
                             "'1. The note’s own text.'")


# --- check 3: presence --------------------------------------------------------------------

def test_a_missing_disclaimer_is_named_with_its_line(pub: Publication) -> None:
    [finding] = audit(pub, edition(pub, copyright=pub.meta.funding.statement),
                      footnotes=False)
    line = config_line(pub.root, "publication.yaml", "disclaimer").line
    assert str(finding) == (f"publication.yaml:{line}: the PDF lacks the disclaimer 'The views "
                            "expressed here do not necessarily represent those …'")


def test_pieces_are_in_order_with_captions_and_notes(pub: Publication) -> None:
    found = pieces(pub, model_text(pub), footnotes=False)
    assert [p.kind for p in found["chapter-intro"]] == ["heading", "heading", "table caption"]
    assert [p.text for p in found["notes"]] == ["1. The note’s own text."]
    assert "footnotes-intro" in pieces(pub, model_text(pub), footnotes=True)


# --- the model against the manuscript -----------------------------------------------------

def test_a_space_the_renderer_lost_is_found_in_the_chapter_file(tmp_path: Path) -> None:
    config = ONE_CHAPTER_CONFIG
    root = write_manuscript(tmp_path / "m", config, {"01-intro.md": (
        "# T {#sec:t}\n\nIn the study of the relationship, @sec:t shows it.\n\n"
        "It came from the U.S. before.\n")})
    pub = build_publication(root, tmp_path / "cache")
    model = model_text(pub)
    assert spacing_findings(pub, model) == []
    broken = model.chapters["intro"].text.replace("relationship, ", "relationship,")
    model.chapters["intro"] = Segment(broken, pub.chapters[0].source, True)
    [finding] = spacing_findings(pub, model)
    assert str(finding) == ("chapters/01-intro.md:3: the rendered text loses the space after "
                            "'relationship,': '…the study of the relationship,Chapter 1 shows…'")


# --- locating -----------------------------------------------------------------------------

def test_line_before_finds_the_words_in_the_chapter_file(pub: Publication) -> None:
    text = model_text(pub).chapters["intro"].text
    at = text.index("as written")
    assert line_before(pub.root, pub.chapters[0].source, text, at).line == 7


# --- the EPUB's stylesheet ----------------------------------------------------------------

def test_epub_stylesheet_that_adds_text_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("EPUB/style/epub.css", "p { margin: 0 }\n/* a\ncomment */\n"
                         'a.noteref + a.noteref::before { content: "," }\n'
                         '.clear::after { content: ""; }\n')
    assert [str(d) for d in generated_text(path)] == [
        "EPUB/style/epub.css:4: the EPUB's stylesheet adds text the manuscript does not have: "
        'a.noteref + a.noteref::before { content: "," }']
