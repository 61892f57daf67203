"""Figures too fine for a phone: the legibility rule, the figure page's XHTML, the link to it,
and how the EPUB's fidelity audit reads the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from tests.conftest import ONE_CHAPTER_CONFIG, STYLES, write_manuscript

from imprint.book.locale import shipped_locale
from imprint.checks.fidelity_epub import figure_page
from imprint.editions.epub.legibility import (
    Zoom,
    figure_zoom,
    font_size,
    raster_zoom,
    share_of_screen,
    svg_text,
    svg_zoom,
)
from imprint.editions.epub.package import Package, render_package
from imprint.editions.pages import PageMap, PrintLayout
from imprint.pipeline import build_publication

X = "{http://www.w3.org/1999/xhtml}"
NS = {"x": "http://www.w3.org/1999/xhtml"}


def chart(font: str, width: str = 'width="100%"', box: str = 'viewBox="0 0 640 300"') -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" {box} {width}>'
            f'<g font-size="{font}"><text x="10" y="20">Label</text>'
            f'<text x="10" y="60" font-size="40">Title</text></g></svg>')


# --- the rule ----------------------------------------------------------------------------------

def test_small_svg_text_gets_a_page_that_brings_it_to_12_px() -> None:
    # 12 user units on a 640-unit-wide chart drawn 360 px wide: 6.75 px, as measured on the sample.
    assert svg_zoom(chart("12").encode()) == Zoom(640, 6.75, 12.0)
    # 10 units: 5.63 px; the page draws the chart 768 px wide, so 10 units are 12 px.
    assert svg_zoom(chart("10").encode()) == Zoom(768, 5.62, 12.0)


def test_large_svg_text_needs_no_page() -> None:
    assert svg_zoom(chart("24").encode()) is None  # 13.5 px at 360 px
    assert svg_zoom(chart("21.4").encode()) is None  # 12.04 px: just legible
    assert svg_zoom(chart("21.3").encode()) is not None  # 11.98 px: just not


def test_an_svg_without_text_needs_no_page() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 90"><rect width="9"/></svg>'
    assert svg_text(svg) is None and svg_zoom(svg) is None


def test_an_svg_drawn_at_its_own_width_is_measured_there() -> None:
    # 300 px wide by its own width, 600 units across: 20-unit text is 10 px on any screen.
    zoom = svg_zoom(chart("20", 'width="300px"', 'viewBox="0 0 600 300"').encode())
    assert zoom == Zoom(360, 10.0, 12.0)
    # Without a viewBox its user units are CSS px: 11 px text on a 200 px chart stays 11 px.
    assert svg_zoom(chart("11", 'width="200"', "").encode()) == Zoom(219, 11.0, 12.04)


def test_font_sizes_inherit_and_convert_as_css_does() -> None:
    assert font_size("9pt", 16) == 12
    assert font_size("0.5em", 20) == 10 and font_size("50%", 20) == 10
    assert font_size("small", 16) == 13 and font_size("inherit", 14) == 14
    styled = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 90" font-size="20">'
              b'<text style="fill:red; font-size: 0.5em" font-size="30">a<tspan font-size="8">'
              b'</tspan></text><text>b</text></svg>')
    # The style wins over the attribute; an empty tspan prints nothing, so it does not count.
    text = svg_text(styled)
    assert text is not None and text.smallest == 10 and text.width == 640


def test_raster_images_get_a_page_when_wider_than_twice_the_screen() -> None:
    assert raster_zoom(720) is None
    assert raster_zoom(1440) == Zoom(720, None, None)  # two device pixels per CSS px
    assert raster_zoom(500, share=0.5) == Zoom(250, None, None)  # drawn 180 px wide


def test_an_authors_width_is_a_share_of_the_screen(tmp_path: Path) -> None:
    assert share_of_screen("width:50%") == 0.5 and share_of_screen(None) == 1
    assert svg_zoom(chart("24").encode(), share_of_screen("width:50%")) == Zoom(320, 6.75, 12.0)
    png = tmp_path / "wide.png"
    Image.new("RGB", (1000, 10)).save(png)
    assert figure_zoom(png) == Zoom(500, None, None)
    assert figure_zoom(tmp_path / "missing.svg") is None


# --- the pages ---------------------------------------------------------------------------------

SMALL = '{#fig:small fig-alt="Two labels." source="Made up."}'
CHAPTER = f"""\
# Introduction

Text before. See @fig:small.

![A chart with small labels.[^n]](figures/small.svg){SMALL}

![A chart with large labels.](figures/large.svg){{#fig:large fig-alt="Two big labels."}}

![A photograph.](figures/photo.png){{#fig:photo fig-alt="A grey field."}}

[^n]: A note in the caption.
"""


def _package(root: Path, config: str = ONE_CHAPTER_CONFIG) -> Package:
    manuscript = write_manuscript(root / "m", config, {"01-intro.md": CHAPTER})
    (manuscript / "figures").mkdir()
    (manuscript / "figures" / "small.svg").write_text(chart("12"), encoding="utf-8")
    (manuscript / "figures" / "large.svg").write_text(chart("24"), encoding="utf-8")
    Image.new("RGB", (1000, 500), "grey").save(manuscript / "figures" / "photo.png")
    pub = build_publication(manuscript, root / "cache", strict=True, styles=STYLES)
    layout = PrintLayout(PageMap(()), b"")
    return render_package(pub, STYLES, layout, figure_pages=True)


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def test_the_figure_page_shows_the_image_caption_and_way_back(tmp_path: Path) -> None:
    package = _package(tmp_path)
    assert [d.name for d in package.figure_docs] == ["figure-1.xhtml", "figure-3.xhtml"]
    page = _xml(package.figure_pages[0])
    words = shipped_locale("en")
    assert page.get("lang") == "en-US" and page.findtext("x:head/x:title", None, NS) == "Figure 1"
    main = page.find("x:body/x:main", NS)
    assert main is not None
    region = main.find("x:figure/x:div", NS)
    assert region is not None and region.get("role") == "region"
    assert region.get("aria-label") == "Figure 1" and region.get("tabindex") == "0"
    image = region.find("x:img", NS)
    assert image is not None and image.get("style") == "width:640px"
    assert image.get("src") == "assets/figures/small.svg" and image.get("alt") == "Two labels."
    caption = main.find("x:figure/x:figcaption", NS)
    assert caption is not None
    text = " ".join("".join(caption.itertext()).split())
    assert text == "Figure 1. A chart with small labels.1Source: Made up."  # as in the chapter
    assert all(e.get("id") is None for e in caption.iter())  # the ids stay the chapter's
    call = caption.find(".//x:a", NS)
    assert call is not None and call.get("href", "").startswith("notes.xhtml#")
    back = main.find("x:p/x:a", NS)
    assert back is not None and back.text == words.figure_back
    assert back.get("href") == "chapter-intro.xhtml#fig-small"


def test_the_chapter_links_only_the_small_figure_to_its_page(tmp_path: Path) -> None:
    package = _package(tmp_path)
    chapter = _xml(package.pages[[d.name for d in package.docs].index("chapter-intro.xhtml")])
    figures = {f.get("id"): f for f in chapter.iter(f"{X}figure")}
    link = figures["fig-small"].find("x:a", NS)
    assert link is not None and link.get("href") == "figure-1.xhtml"
    assert link.get("aria-label") == "Enlarge Figure 1"  # the locale's words, not the alt text
    image = link.find("x:img", NS)
    assert image is not None and image.get("alt") == "Two labels." and not (image.tail or "")
    assert figures["fig-large"].find("x:a", NS) is None
    assert figures["fig-large"].find("x:img", NS) is not None
    assert b"figure-1" not in package.nav  # neither the contents nor the landmarks list it


def test_a_wide_raster_image_is_drawn_at_two_pixels_a_css_px(tmp_path: Path) -> None:
    package = _package(tmp_path)
    chapter = b"".join(package.pages).decode()
    assert '<a class="figure-zoom" href="figure-3.xhtml" aria-label="Enlarge Figure 3">' in chapter
    image = _xml(package.figure_pages[1]).find(".//x:img", NS)
    assert image is not None and image.get("style") == "width:500px"


def test_the_words_come_from_the_books_locale(tmp_path: Path) -> None:
    config = ONE_CHAPTER_CONFIG.replace("language: en-US", "language: ru")
    package = _package(tmp_path, config)
    words = shipped_locale("ru")
    chapter = b"".join(package.pages).decode()
    assert 'aria-label="Увеличить: Рисунок 1"' in chapter
    page = _xml(package.figure_pages[0])
    assert page.findtext(".//x:p/x:a", None, NS) == words.figure_back == "Вернуться к тексту"
    assert page.get("lang") == "ru"


def test_figure_pages_are_the_same_bytes_every_time(tmp_path: Path) -> None:
    first, second = _package(tmp_path / "a"), _package(tmp_path / "b")
    assert first.figure_pages == second.figure_pages and first.pages == second.pages


# --- the audit ---------------------------------------------------------------------------------

FIGURES = {"EPUB/chapter-a.xhtml#fig-a": ("chapter-a", "Figure 1. A chart.")}


def _body(inside: str) -> etree._Element:
    return etree.fromstring(f'<body xmlns="http://www.w3.org/1999/xhtml"><main>{inside}</main>'
                            "</body>")


PAGE = ('<figure><div><img alt="x"/></div><figcaption><span>Figure 1.</span> A chart.'
        '</figcaption></figure><p><a href="chapter-a.xhtml#fig-a">Back to the text</a></p>')


@pytest.mark.parametrize(("inside", "rest"), [
    (PAGE, ""),  # the caption once, and the way back: nothing left over
    (PAGE.replace("A chart.", "A graph."), "Figure 1. A graph."),  # a caption of its own
    (PAGE.replace("<p><a", "<p>Extra words.</p><p><a"), "Extra words."),
])
def test_the_audit_reads_a_figure_page_as_its_caption_and_way_back(inside: str,
                                                                    rest: str) -> None:
    assert figure_page("EPUB/figure-1.xhtml", _body(inside), FIGURES) == (
        "chapter-a", rest, "Back to the text")


def test_a_page_linking_to_no_figure_is_no_figure_page() -> None:
    inside = PAGE.replace("#fig-a", "#elsewhere")
    assert figure_page("EPUB/figure-1.xhtml", _body(inside), FIGURES) is None
