"""Chapters as Pandoc and Quarto authors lay them out: several files to a chapter, a file that
starts at `##` continuing the chapter before it, a heading from front matter, and front matter
keys imprint does not read ignored with one warning each. Every message names the file and
line the author wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import preview_page

from imprint.book.config import load_config
from imprint.book.model import ImprintError, Loc, Publication
from imprint.checks.fidelity_locate import chapter_files, line_before
from imprint.checks.fidelity_source import chapter_source
from imprint.pipeline import build_publication
from imprint.preview.selection import select_chapter

HEAD = MINIMAL_CONFIG.split("chapters:\n")[0]


def book(tmp_path: Path, chapters: str, files: dict[str, str]) -> Publication:
    root = write_manuscript(tmp_path / "m", HEAD + "chapters:\n" + chapters, files)
    return build_publication(root, tmp_path / "cache")


def failure(tmp_path: Path, chapters: str, files: dict[str, str],
            strict: bool = False) -> list[str]:
    """Every problem of a build that fails; `strict`: with its warnings too."""
    root = write_manuscript(tmp_path / "m", HEAD + "chapters:\n" + chapters, files)
    with pytest.raises(ImprintError) as caught:
        build_publication(root, tmp_path / "cache", strict=strict)
    return [str(d) for d in caught.value.diagnostics]


def messages(pub: Publication) -> list[str]:
    return [str(d) for d in pub.diagnostics]


TWO_FILES = """\
  - files: [chapters/01-a.md, chapters/01-b.md]
    kind: body
"""
PART_A = "# One Chapter\n\nFirst part calls a note defined in the next file.[^later]"  # no \n
PART_B = """\
## Second part

See @fig:nowhere here.

[^later]: Defined in the second file.
"""


def test_a_chapter_of_several_files_is_one_chapter(tmp_path: Path) -> None:
    pub = book(tmp_path, TWO_FILES.replace("@fig:nowhere", ""), {
        "01-a.md": PART_A, "01-b.md": PART_B.replace("See @fig:nowhere here.", "Text.")})
    [chapter] = pub.chapters
    assert chapter.title == "One Chapter" and chapter.slug == "a"
    assert chapter.files == ("chapters/01-a.md", "chapters/01-b.md")
    assert [h.text for h in chapter.headings] == ["One Chapter", "Second part"]
    # As in Pandoc, which reads its inputs as one document: a note may be defined later.
    [note] = chapter.notes
    assert "Defined in the second file." in note.html
    assert note.source.path == "chapters/01-a.md" and note.source.line == 3


def test_each_part_is_located_in_its_own_file(tmp_path: Path) -> None:
    found = failure(tmp_path, TWO_FILES, {"01-a.md": PART_A, "01-b.md": PART_B})
    assert "chapters/01-b.md:3: unknown cross-reference '@fig:nowhere'" in found


def test_parse_problems_of_a_later_part_name_its_line(tmp_path: Path) -> None:
    b = "## Part\n\nText with a control \x01 character.\n\n[^never]: Not called.\n"
    found = failure(tmp_path, TWO_FILES, {"01-a.md": "# A\n\nText.\n", "01-b.md": b}, True)
    assert ("chapters/01-b.md:3: control character U+0001 in the text; remove it (it cannot "
            "print in any edition)") in found
    assert "chapters/01-b.md:5: warning: footnote '[^never]' is never referenced" in found


def test_a_later_part_keeps_its_front_matter_out_of_the_text(tmp_path: Path) -> None:
    b = "---\nshort-title: Ignored\n---\n\n## Part\n\nSee @tbl:none.\n"
    found = failure(tmp_path, TWO_FILES, {"01-a.md": "# A\n\nText.\n", "01-b.md": b}, True)
    assert ("chapters/01-b.md:2: warning: 'short-title' is ignored here: this file continues "
            "the chapter of chapters/01-a.md") in found
    assert "chapters/01-b.md:7: unknown cross-reference '@tbl:none'" in found


CONTINUED = """\
  - file: chapters/01-a.md
    kind: body
  - file: chapters/02-b.md
    kind: body
  - file: chapters/03-c.md
    kind: body
"""


def test_a_file_starting_at_level_two_continues_the_chapter_before(tmp_path: Path) -> None:
    pub = book(tmp_path, CONTINUED, {
        "01-a.md": "# First {#sec:first}\n\nOne.\n",
        "02-b.md": "## More of the first {#sec:more}\n\nTwo, see @sec:second.\n",
        "03-c.md": "# Second {#sec:second}\n\nThree, back to @sec:more.\n"})
    assert [(c.title, c.number) for c in pub.chapters] == [("First", 1), ("Second", 2)]
    first = pub.chapters[0]
    assert first.files == ("chapters/01-a.md", "chapters/02-b.md")
    assert "More of the first" in first.html and "Two, see" in first.html
    assert [h.id for h in first.headings] == ["sec-first", "sec-more"]


def test_a_continuation_is_located_in_its_own_file(tmp_path: Path) -> None:
    found = failure(tmp_path, CONTINUED, {
        "01-a.md": "# First\n\nOne.\n",
        "02-b.md": "Text before.\n\n## More\n\nSee @fig:none.\n",
        "03-c.md": "# Second\n"})
    assert found == ["chapters/02-b.md:5: unknown cross-reference '@fig:none'"]


def test_the_first_chapter_cannot_continue_anything(tmp_path: Path) -> None:
    found = failure(tmp_path, CONTINUED, {
        "01-a.md": "## No title\n", "02-b.md": "# B\n", "03-c.md": "# C\n"})
    assert found == ["chapters/01-a.md:1: chapter has no '# Title' heading nor a 'title:' in "
                     "its front matter (a file without one continues the chapter before it, "
                     "and this is the first)"]


def test_a_continuation_of_another_kind_is_an_error(tmp_path: Path) -> None:
    chapters = CONTINUED.replace("02-b.md\n    kind: body", "02-b.md\n    kind: back")
    found = failure(tmp_path, chapters, {
        "01-a.md": "# A\n", "02-b.md": "## B\n", "03-c.md": "# C\n"})
    line = next(n for n, text in enumerate((HEAD + "chapters:\n" + chapters).splitlines(), 1)
                if "02-b.md" in text)
    assert found == [f"publication.yaml:{line}: 'chapters/02-b.md' has no '# Title' heading, "
                     "so it continues the chapter of 'chapters/01-a.md', but its kind is 'back',"
                     " not 'body'"]


def test_front_matter_title_supplies_the_heading(tmp_path: Path) -> None:
    pub = book(tmp_path, CONTINUED, {
        "01-a.md": "---\ntitle: Foreword\nshort-title: Fwd\n---\n\nText of the foreword.\n",
        "02-b.md": "---\ntitle: The Body\n---\n## Section\n\nBody text.\n",
        "03-c.md": "# Last\n"})
    assert [(c.title, c.short_title) for c in pub.chapters] == [
        ("Foreword", "Fwd"), ("The Body", "The Body"), ("Last", "Last")]
    foreword = pub.chapters[0]
    assert foreword.headings[0].text == "Foreword" and foreword.headings[0].level == 1
    assert f'<h1 id="{foreword.headings[0].id}">Foreword</h1>' in foreword.html
    assert pub.chapters[1].html.index("The Body") < pub.chapters[1].html.index("Section")


def test_a_heading_from_front_matter_is_numbered_like_any_other(tmp_path: Path) -> None:
    pub = book(tmp_path, CONTINUED, {
        "01-a.md": "# A\n\nSee @sec:b-sub.\n",
        "02-b.md": "---\ntitle: Bee\n---\n\n## Sub {#sec:b-sub}\n",
        "03-c.md": "# C\n"})
    assert [(c.title, c.number) for c in pub.chapters] == [("A", 1), ("Bee", 2), ("C", 3)]
    assert '<p class="chapter-number">2</p>' in pub.chapters[1].html
    assert "“Sub”</a>" in pub.chapters[0].html


def test_unknown_front_matter_keys_warn_once_each(tmp_path: Path) -> None:
    pub = book(tmp_path, CONTINUED, {
        "01-a.md": "---\nauthor: Ada\nexecute: false\n---\n# A\n",
        "02-b.md": "---\ntitle: B\nauthor: Ada\n---\nText.\n",
        "03-c.md": "---\nauthor: Bob\n---\n# C\n"})
    found = [m for m in messages(pub) if "front matter key" in m]
    assert found == [
        "chapters/01-a.md:2: warning: front matter key 'author' is ignored (and in 2 other "
        "files): imprint reads only 'title' and 'short-title' there",
        "chapters/01-a.md:3: warning: front matter key 'execute' is ignored: imprint reads "
        "only 'title' and 'short-title' there",
    ]


@pytest.mark.parametrize(("entry", "says"), [
    ("  - file: chapters/01-a.md\n    files: [chapters/01-a.md]\n    kind: body\n", "both"),
    ("  - kind: body\n", "neither"),
])
def test_file_or_files_but_one_of_them(tmp_path: Path, entry: str, says: str) -> None:
    found = failure(tmp_path, entry, {"01-a.md": "# A\n"})
    assert found == [f"publication.yaml:{HEAD.count(chr(10)) + 2}: a chapter needs 'file' "
                     f"(one file) or 'files' (a list), not {says}"]


def test_every_file_of_a_chapter_must_exist(tmp_path: Path) -> None:
    found = failure(tmp_path, TWO_FILES, {"01-a.md": "# A\n"})
    assert found == [f"publication.yaml:{HEAD.count(chr(10)) + 2}: chapter file "
                     "'chapters/01-b.md' does not exist"]


def test_the_preview_shows_a_chapter_of_several_files_in_its_language(tmp_path: Path) -> None:
    config = HEAD.replace("language: en-US", "language: ru") + "chapters:\n" + CONTINUED
    root = write_manuscript(tmp_path / "m", config, {
        "01-a.md": "# Первая\n\nТекст.[^a]\n\n[^a]: Примечание.\n",
        "02-b.md": "## Продолжение\n\nСм. @sec:c.\n",
        "03-c.md": "# Вторая {#sec:c}\n"})
    status, page = preview_page(root, tmp_path / "build", "a")
    assert status == 200
    assert "<summary>Содержание</summary>" in page
    assert '<h1 id="notes-title">Примечания</h1>' in page
    assert "Продолжение" in page and ">гл. 2</a>" in page
    assert select_chapter(load_config(root).chapters, root, "chapters/02-b.md").file == (
        "chapters/02-b.md")


def test_the_audits_find_a_line_in_any_file_of_a_chapter(tmp_path: Path) -> None:
    pub = book(tmp_path, TWO_FILES, {
        "01-a.md": "# A\n\nThe first file says one thing.\n",
        "01-b.md": "## B\n\nThe second file,\nthen says another thing entirely.\n"})
    [chapter] = pub.chapters
    text = "the second file then says another thing entirely"
    found = line_before(pub.root, chapter.source, text, len(text),
                        chapter_files(pub, chapter.source))
    assert found == Loc("chapters/01-b.md", 4)
    source = chapter_source(pub, chapter.files)
    assert source is not None
    assert source.loc(source.text.index("says another")) == Loc("chapters/01-b.md", 4)
    assert source.loc(source.text.index("one thing")) == Loc("chapters/01-a.md", 3)
