"""A figure too fine for a phone, built into a real EPUB: the link from the chapter, the
non-linear page of its own, the validators, and a real browser at 360 px measuring the text."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import Browser, ViewportSize
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import build, output
from tests.preview_support import chromium

from imprint.checks.validators import run_ace, run_epubcheck

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf"}
PHONE: ViewportSize = {"width": 360, "height": 740}
LEGIBLE = 12.0  # CSS px (editions/epub/legibility.py)


def chart(font: int) -> str:
    """A 640-unit-wide chart whose axis labels are `font` units high."""
    labels = "".join(f'<text x="{40 + 60 * i}" y="130" font-size="{font}">{2000 + i}</text>'
                     for i in range(10))
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 150" width="100%" '
            'font-family="Noto Sans, sans-serif"><rect x="20" y="10" width="600" height="100" '
            f'fill="#dce6f0"/><text x="20" y="30" font-size="{font + 6}">Title</text>{labels}'
            "</svg>")


SMALL = '{#fig:small fig-alt="Ten years, 2000 to 2009." source="Invented."}'
LARGE = '{#fig:large fig-alt="Ten years, 2000 to 2009, large."}'
CHAPTER = f"""\
# Introduction

As @fig:small shows, and @fig:large too.

![Events by year, in small type.](figures/small.svg){SMALL}

![Events by year, in large type.](figures/large.svg){LARGE}

The end.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("zoom")
    manuscript = write_manuscript(root / "m", ONE_CHAPTER_CONFIG, {"01-intro.md": CHAPTER})
    (manuscript / "figures").mkdir()
    (manuscript / "figures" / "small.svg").write_text(chart(10), encoding="utf-8")  # 5.6 px
    (manuscript / "figures" / "large.svg").write_text(chart(24), encoding="utf-8")  # 13.5 px
    assert build("epub", manuscript, root / "out") == 0  # the fidelity audit included
    return output(root / "out", "tiny-report.epub")


@pytest.fixture(scope="module")
def unpacked(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(built) as archive:
        archive.extractall(folder)
    return folder / "EPUB"


def xml(folder: Path, name: str) -> etree._Element:
    return etree.parse(str(folder / name)).getroot()


def test_only_the_small_figure_links_to_a_non_linear_page(unpacked: Path) -> None:
    opf = xml(unpacked, "content.opf")
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    spine = [(hrefs[r.get("idref")], r.get("linear")) for r in
             opf.iterfind(".//opf:spine/opf:itemref", NS)]
    assert spine[-1] == ("figure-1.xhtml", "no")
    assert [name for name, linear in spine if linear == "no"] == ["figure-1.xhtml"]
    chapter = xml(unpacked, "chapter-intro.xhtml")
    figures = {f.get("id"): f for f in chapter.iterfind(".//x:figure", NS)}
    link = figures["fig-small"].find("x:a", NS)
    assert link is not None and link.get("href") == "figure-1.xhtml"
    assert link.get("aria-label") == "Enlarge Figure 1"
    assert figures["fig-large"].find("x:a", NS) is None
    back = xml(unpacked, "figure-1.xhtml").find(".//x:p[@class='figure-back']/x:a", NS)
    assert back is not None and back.get("href") == "chapter-intro.xhtml#fig-small"
    for listing in ("nav.xhtml", "toc.ncx"):  # contents, landmarks, page list, NCX
        assert "figure-1" not in (unpacked / listing).read_text(encoding="utf-8")


def test_epubcheck_and_ace_are_clean(built: Path) -> None:
    for report in (run_epubcheck(built), run_ace(built)):
        assert (report.errors, report.warnings) == (0, 0), report.messages


def test_a_rebuild_is_byte_identical(built: Path, tmp_path: Path) -> None:
    manuscript = built.parents[2] / "m"
    assert build("epub", manuscript, tmp_path / "again") == 0
    assert output(tmp_path / "again", "tiny-report.epub").read_bytes() == built.read_bytes()


# The smallest text of the SVG an <img> shows, measured in the browser: the SVG's own source
# is laid out inline in the image's content box (the box the browser gave the <img>), and each
# <text>'s rendered height is compared with its height in user units (getBBox), which gives
# its rendered font size: a 10-unit label drawn at half size is 5 px on screen.
MEASURE = """([selector, source]) => {
  const img = document.querySelector(selector);
  const box = img.getBoundingClientRect(), css = getComputedStyle(img);
  const px = (name) => parseFloat(css[name]) || 0;
  const width = box.width - px("paddingLeft") - px("paddingRight")
    - px("borderLeftWidth") - px("borderRightWidth");
  const height = box.height - px("paddingTop") - px("paddingBottom")
    - px("borderTopWidth") - px("borderBottomWidth");
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml").documentElement;
  const svg = document.importNode(parsed, true);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.setAttribute("style", "position: absolute; left: 0; top: 0");
  document.body.appendChild(svg);
  let smallest = null;
  for (const text of svg.querySelectorAll("text")) {
    const user = text.getBBox().height, shown = text.getBoundingClientRect().height;
    const size = parseFloat(getComputedStyle(text).fontSize);
    const rendered = size * shown / user;
    if (smallest === null || rendered < smallest.px)
      smallest = {px: rendered, height: shown, ratio: user / size, text: text.textContent};
  }
  svg.remove();
  const region = img.closest(".figure-scroll");
  return {smallest, width, loaded: img.complete && img.naturalWidth > 0,
          scrolls: region ? region.scrollWidth > region.clientWidth : false,
          page: document.documentElement.scrollWidth};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def measure(browser: Browser, page_file: Path, selector: str, svg: Path,
            screenshot: Path | None = None) -> dict[str, Any]:
    page = browser.new_page(viewport=PHONE)
    try:
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        found: dict[str, Any] = page.evaluate(MEASURE, [selector, svg.read_text("utf-8")])
        if screenshot is not None:
            page.screenshot(path=str(screenshot), full_page=True)
        return found
    finally:
        page.close()


def test_at_360_px_the_figure_page_draws_the_text_at_12_px(browser: Browser, unpacked: Path,
                                                             tmp_path: Path) -> None:
    svg = unpacked / "assets" / "figures" / "small.svg"
    shot = tmp_path / "figure-1.png"
    zoomed = measure(browser, unpacked / "figure-1.xhtml", ".figure-scroll img", svg, shot)
    inline = measure(browser, unpacked / "chapter-intro.xhtml", "#fig-small img", svg)
    assert zoomed["loaded"] and inline["loaded"]
    smallest = zoomed["smallest"]
    # The label's box is as high as 12 px type makes it (its height per px of font size, times 12).
    assert smallest["height"] >= LEGIBLE * smallest["ratio"] - 0.01, zoomed
    assert smallest["px"] == pytest.approx(LEGIBLE, abs=0.05)
    assert zoomed["width"] == pytest.approx(768, abs=0.1)  # 640 units × 12 / 10
    assert zoomed["scrolls"] and zoomed["page"] == PHONE["width"]  # the region, not the page
    # In the chapter the same label is under half that: the reason for the page.
    assert inline["smallest"]["px"] < LEGIBLE / 2 < smallest["px"]
    assert shot.stat().st_size > 0


def test_the_large_figure_is_legible_in_the_chapter(browser: Browser, unpacked: Path) -> None:
    svg = unpacked / "assets" / "figures" / "large.svg"
    found = measure(browser, unpacked / "chapter-intro.xhtml", "#fig-large img", svg)
    assert found["smallest"]["px"] >= LEGIBLE  # 24 units on a 640-unit chart ≈347 px wide: 13 px
