"""Pandoc's fancy lists, example lists, line blocks, task lists, raw attributes and raw TeX,
built into both editions with the fidelity audits on, checked in the PDF text, the EPUB
(and EPUBCheck) and the preview page."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import assert_epub_clean, build, pdf_text, preview_page

CHAPTER = r"""# Extensions

The options were few:

a. Keep the treaty as it is.
b. Amend the treaty.

B. Russell wrote about it, and the phases followed:

(i) planning;
(ii) delivery.

IV.  Fourth part.
V.  Fifth part.

(@) The first example.
(@amend) An example of amendment.

As (@amend) shows, amendment is slow.\index{amendment}

\newpage

| Ministry of Defence
|     Main Building
| Whitehall
| London

- [ ] Draft the letter
- [x] Send the summary

```{=latex}
\clearpage
```

Raw H`<sub>2</sub>`{=html}O and `\LaTeX`{=latex} end.
"""
CONFIG = ONE_CHAPTER_CONFIG


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both editions, built with the audits on (a failed audit exits 1)."""
    root = tmp_path_factory.mktemp("extensions")
    manuscript = write_manuscript(root / "m", CONFIG, {"01-intro.md": CHAPTER})
    out = root / "build"
    assert build("pdf", manuscript, out) == 0
    assert build("epub", manuscript, out) == 0
    return out




def chapter_xhtml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("EPUB/chapter-intro.xhtml").decode("utf-8")


def test_the_pdf_prints_each_construct(built: Path) -> None:
    text = pdf_text(built / "tiny-report/tiny-report.pdf")
    assert re.search(r"a\.\s+Keep the treaty as it is\.\n\s*b\.\s+Amend the treaty\.", text)
    assert "B. Russell wrote about it" in text  # an initial, not a list
    assert re.search(r"i\.\s+planning;\n\s*ii\.\s+delivery\.", text)
    assert re.search(r"IV\.\s+Fourth part\.\n\s*V\.\s+Fifth part\.", text)
    assert re.search(r"2\.\s+An example of amendment\.", text)
    assert "As (2) shows, amendment is slow." in text
    assert re.search(r"Ministry of Defence\n\s+Main Building\n\s*Whitehall\n\s*London", text)
    assert "☐ Draft the letter" in text and "☒ Send the summary" in text
    assert "Raw H2O and end." in text
    for raw in ("\\index", "\\newpage", "newpage", "\\clearpage", "LaTeX", "(@", "[x]", "| "):
        assert raw not in text, raw


def test_the_epub_holds_pandocs_markup_and_passes_epubcheck_and_ace(built: Path) -> None:
    chapter = chapter_xhtml(built / "tiny-report/tiny-report.epub")
    assert '<ol type="a" style="list-style-type: lower-alpha">' in chapter
    assert '<ol type="i" style="list-style-type: lower-roman">' in chapter
    # WeasyPrint reads neither `type` nor `start`: the style says both.
    assert ('<ol start="4" type="I" style="list-style-type: upper-roman; counter-reset: '
            'list-item 4; counter-increment: list-item -1">') in chapter
    assert '<ol class="example">' in chapter
    assert ('<div class="line-block">Ministry of Defence<br />\n'
            "\u00a0\u00a0\u00a0\u00a0Main Building<br />") in chapter
    assert '<ul class="task-list">' in chapter and "<li>☐\u00a0Draft the letter</li>" in chapter
    assert "Raw H<sub>2</sub>O and  end." in chapter
    assert "\\index" not in chapter and "newpage" not in chapter
    assert_epub_clean(built / "tiny-report/tiny-report.epub")


def test_the_preview_page_shows_them_too(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m", CONFIG, {"01-intro.md": CHAPTER})
    status, page = preview_page(manuscript, tmp_path / "build", "intro")
    assert status == 200
    assert '<ol type="a" style="list-style-type: lower-alpha">' in page
    assert '<div class="line-block">' in page and "☒\u00a0Send the summary" in page
    assert "As (2) shows, amendment is slow.</p>" in page  # the warnings name \\index


def test_left_out_tex_is_one_located_warning_per_chapter(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manuscript = write_manuscript(tmp_path / "m", CONFIG, {"01-intro.md": CHAPTER})
    capsys.readouterr()
    assert build("epub", manuscript, tmp_path / "build") == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "raw" in line]
    assert warnings == [
        "chapters/01-intro.md:31: warning: raw LaTeX is for Pandoc's LaTeX output; imprint "
        "leaves it out",
        "chapters/01-intro.md:35: warning: raw LaTeX is for Pandoc's LaTeX output; imprint "
        "leaves it out",
        "chapters/01-intro.md:19: warning: raw TeX left out (\\index, \\newpage): it is for "
        "Pandoc's LaTeX output",
    ]
