"""Raw HTML through every edition, with the fidelity audits on: comments vanish, the allowed
inline elements print, refused HTML stops the build with its line, and no style loads anything."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import assert_epub_clean, build, pdf_text, preview_page

CHAPTER = """\
# Water and H<sub>2</sub>O <!-- working title -->

<!-- TODO: ask the editor about this paragraph.
It spans lines, and its words must never print. -->

Water is H<sub>2</sub>O and the area grows as x<sup>2</sup>.[^a]
First line<br>second line of an address.

Press <kbd>Ctrl</kbd> to <u>underline</u>, <mark>mark</mark> or <small>shrink</small> the
<abbr title="World Health Organization">WHO</abbr> and <span lang="ru">война</span>.

## CO<sub>2</sub> levels

A [styled]{style="color: #336; background:url(http://x.test/a.png)"} word<!-- secret -->.
<span style="color: #633; background-image: url('https://x.test/b.png')">Also styled.</span>

<!--
A block comment
over several lines
-->

[^a]: A note on m<sup>2</sup> <!-- hidden remark -->with a break<br>inside.
"""
SECRETS = ("TODO", "editor", "never print", "working title", "secret", "hidden remark",
           "block comment", "<!--")
CONFIG = ONE_CHAPTER_CONFIG


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both editions of the chapter, built with the audits on (a failed audit exits 1)."""
    root = tmp_path_factory.mktemp("raw-html")
    manuscript = write_manuscript(root / "m", CONFIG, {"01-intro.md": CHAPTER})
    out = root / "build"
    assert build("pdf", manuscript, out) == 0
    assert build("epub", manuscript, out) == 0
    return out




def epub_files(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.endswith((".xhtml", ".css", ".opf", ".ncx"))}


def test_comments_are_in_no_edition(built: Path) -> None:
    text = pdf_text(built / "tiny-report/tiny-report.pdf")
    epub = "".join(epub_files(built / "tiny-report/tiny-report.epub").values())
    for secret in SECRETS:
        assert secret not in text
        assert secret not in epub


def test_the_pdf_prints_the_allowed_elements(built: Path) -> None:
    text = pdf_text(built / "tiny-report/tiny-report.pdf")
    assert "Water is H2O and the area grows as x2.1" in text
    assert re.search(r"First line\n\s*second line of an address", text)
    assert "Press Ctrl to underline, mark or shrink the" in text
    assert "1 Water and H2O ." in text  # the contents: the title without its tags
    assert re.search(r"A note on m2 with a break\n\s*inside\.", text)
    assert "<sub>" not in text and "<br" not in text


def test_the_epub_holds_them_as_xhtml(built: Path) -> None:
    chapter = epub_files(built / "tiny-report/tiny-report.epub")["EPUB/chapter-intro.xhtml"]
    assert "<h1 id=\"water-and-h2o\">Water and H<sub>2</sub>O </h1>" in chapter
    assert "H<sub>2</sub>O and the area grows as x<sup>2</sup>." in chapter
    assert "First line<br />second line" in chapter
    assert "<kbd>Ctrl</kbd>" in chapter and "<u>underline</u>" in chapter
    assert '<abbr title="World Health Organization">WHO</abbr>' in chapter
    assert '<span lang="ru" xml:lang="ru">война</span>' in chapter
    notes = epub_files(built / "tiny-report/tiny-report.epub")["EPUB/notes.xhtml"]
    assert "m<sup>2</sup> with a break<br />inside." in notes


def test_no_style_in_any_edition_loads_anything(built: Path) -> None:
    epub = epub_files(built / "tiny-report/tiny-report.epub")
    chapter = epub["EPUB/chapter-intro.xhtml"]
    assert '<span style="color: #336">styled</span>' in chapter
    assert '<span style="color: #633">Also styled.</span>' in chapter
    assert not [name for name, text in epub.items() if "x.test" in text]


def test_the_epub_passes_epubcheck_and_ace(built: Path) -> None:
    assert_epub_clean(built / "tiny-report/tiny-report.epub")


def test_the_preview_page_shows_them_too(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m", CONFIG, {"01-intro.md": CHAPTER})
    status, page = preview_page(manuscript, tmp_path / "build", "intro")
    assert status == 200
    assert "H<sub>2</sub>O and the area grows as x<sup>2</sup>." in page
    assert "First line<br />second line" in page and "m<sup>2</sup>" in page
    assert '<span style="color: #336">styled</span>' in page
    assert not re.search(r"style=\"[^\"]*x\.test", page)  # the warnings quote it, nothing loads it
    assert not [secret for secret in SECRETS if secret in page]


@pytest.mark.parametrize("kind", ["pdf", "epub"])
def test_refused_html_stops_the_build_with_its_line(tmp_path: Path, kind: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    chapter = CHAPTER + "\nA last paragraph <script>alert(1)</script>.\n"
    manuscript = write_manuscript(tmp_path / "m", CONFIG, {"01-intro.md": chapter})
    out = tmp_path / "build"
    capsys.readouterr()
    assert build(kind, manuscript, out) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if "warning" not in line]
    assert errors == ["chapters/01-intro.md:24: raw HTML <script> is not allowed; use Markdown "
                      "(allowed inline: br, sup, sub, u, mark, small, abbr, kbd, span)"]
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()
                                    and ".cache" not in p.relative_to(out).parts]
