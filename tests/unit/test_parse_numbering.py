"""Parse and number stages: located problems and the one book-wide note sequence."""

from __future__ import annotations

from pathlib import Path

from imprint.book.model import ChapterSpec, Loc
from imprint.markdown.parse import ParsedChapter, chapter_slug, parse_chapter
from imprint.preprocess.numbering import number_publication


def parse(tmp_path: Path, files: dict[str, str]) -> list[ParsedChapter]:
    (tmp_path / "chapters").mkdir(exist_ok=True)
    chapters = []
    for name, text in files.items():
        (tmp_path / "chapters" / name).write_text(text, encoding="utf-8")
        spec = ChapterSpec(f"chapters/{name}", "body", Loc("publication.yaml", 1))
        chapters.append(parse_chapter(tmp_path, spec))
    return chapters


def messages(chapters: list[ParsedChapter], tmp_path: Path) -> list[str]:
    numbering = number_publication(tmp_path, chapters, note_style=True)
    return [str(p) for c in chapters for p in c.problems] + [str(p) for p in numbering.problems]


def test_slug_drops_the_ordering_prefix() -> None:
    assert chapter_slug("chapters/03-arms.md") == "arms"
    assert chapter_slug("chapters/intro.md") == "intro"


def test_front_matter_short_title_and_unknown_key(tmp_path: Path) -> None:
    [chapter] = parse(tmp_path, {"01-a.md": "---\nshort-title: Arms\nauthor: x\n---\n# Arms\n"})
    assert chapter.short_title == "Arms" and chapter.title == "Arms"
    # Ignored, as Pandoc ignores it; the pipeline warns once per key (test_structure.py).
    assert chapter.problems == ()
    assert chapter.ignored == (("author", Loc("chapters/01-a.md", 3)),)


def test_missing_title(tmp_path: Path) -> None:
    # No title: the file continues the chapter before it (markdown/structure.py).
    [chapter] = parse(tmp_path, {"01-a.md": "Just text.\n"})
    assert not chapter.titled and chapter.problems == ()


def test_unknown_cross_reference_and_missing_alt_text(tmp_path: Path) -> None:
    (tmp_path / "x.svg").write_text("<svg/>")
    chapters = parse(tmp_path, {"01-a.md": "# A\n\nSee @tbl:none.\n\n![Cap](x.svg){#fig:x}\n"})
    found = messages(chapters, tmp_path)
    assert "chapters/01-a.md:3: unknown cross-reference '@tbl:none'" in found
    assert ('chapters/01-a.md:5: warning: figure has no alt text (add fig-alt="…"); its caption '
            "serves as alt text") in found


def test_duplicate_ids_across_chapters(tmp_path: Path) -> None:
    chapters = parse(tmp_path, {"01-a.md": "# A {#sec:same}\n", "02-b.md": "# B {#sec:same}\n"})
    assert "chapters/02-b.md:1: duplicate id 'sec:same'" in messages(chapters, tmp_path)


def test_notes_are_numbered_once_across_the_book(tmp_path: Path) -> None:
    chapters = parse(
        tmp_path,
        {
            "01-a.md": "# A\n\nOne.[^x] Two.[^y]\n\n[^x]: X.\n\n[^y]: Y.\n",
            "02-b.md": "# B\n\nThree.[^x]\n\n[^x]: Same label, another chapter.\n",
        },
    )
    numbering = number_publication(tmp_path, chapters, note_style=True)
    assert numbering.footnote_numbers == [1, 2, 3]
    assert numbering.note_locs[3] == Loc("chapters/02-b.md", 3)


def test_unreferenced_footnote_is_a_warning(tmp_path: Path) -> None:
    [chapter] = parse(tmp_path, {"01-a.md": "# A\n\nText.\n\n[^lost]: Never called.\n"})
    assert [str(p) for p in chapter.problems] == [
        "chapters/01-a.md:5: warning: footnote '[^lost]' is never referenced"
    ]
