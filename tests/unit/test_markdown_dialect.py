"""The Markdown dialect, case by case, in markdown-it's fixture format (title, input, HTML)."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from imprint.book.model import ChapterSpec, Loc
from imprint.markdown.parse import parse_chapter
from imprint.preprocess.numbering import number_publication
from imprint.preprocess.render import render_chapters

FIXTURES = Path(__file__).parents[1] / "fixtures" / "markdown" / "dialect.md"


def render_one(tmp_path: Path, text: str) -> str:
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / "fixture.md").write_text(text, encoding="utf-8")
    (tmp_path / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    spec = ChapterSpec("chapters/fixture.md", "body", Loc("publication.yaml", 1))
    parsed = [parse_chapter(tmp_path, spec)]
    numbering = number_publication(tmp_path, parsed, note_style=True)
    problems = [*parsed[0].problems, *numbering.problems]
    assert not problems, problems
    return render_chapters(parsed, numbering, None)[0].html


@pytest.mark.parametrize(
    ("line", "title", "source", "expected"),
    read_fixture_file(FIXTURES),
    ids=[case[1] for case in read_fixture_file(FIXTURES)],
)
def test_dialect(tmp_path: Path, line: int, title: str, source: str, expected: str) -> None:
    assert render_one(tmp_path, source) == expected
