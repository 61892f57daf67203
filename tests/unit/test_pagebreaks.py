"""Placing page-break markers into XHTML bodies from a page map, as strings."""

from __future__ import annotations

from xml.etree import ElementTree

from imprint.editions.epub.pagebreaks import marker, place_markers
from imprint.editions.pages import Anchor, PageMap, PageStart, count_text

CHAPTER = ('<section class="chapter" id="c">\n<h1 id="h">Title</h1>\n'
           "<p>Alpha beta gamma.</p>\n<p>Delta <em>epsilon</em> &amp; zeta.</p>\n</section>\n")


def place(bodies: list[str], *pages: PageStart, names: list[str] | None = None) -> list[str]:
    names = names or [f"d{i}.xhtml" for i in range(len(bodies))]
    return place_markers(names, bodies, PageMap(pages), "en-US")[0]


def at(key: str, before: str, tag: str = "", label: str = "1") -> PageStart:
    """A page starting after the non-space characters of `before` inside element `key`."""
    return PageStart(label, (Anchor(key, count_text(before)),), tag)


def test_mid_paragraph_goes_before_the_word() -> None:
    [body] = place([CHAPTER], at("c", "Title Alpha"))
    assert f"<p>Alpha {marker('1')}beta gamma.</p>" in body


def test_a_hyphenated_word_is_marked_before_the_word() -> None:
    [body] = place([CHAPTER], at("c", "Title Alpha beta gam"))
    assert f"beta {marker('1')}gamma." in body


def test_start_of_paragraph_or_heading_moves_out_of_it_but_not_out_of_the_section() -> None:
    [body] = place([CHAPTER], at("c", "TitleAlphabetagamma."), at("c", "", label="2"))
    assert f"</p>\n{marker('1')}<p>Delta" in body
    assert f'<section class="chapter" id="c">\n{marker("2")}<h1 id="h">' in body


def test_entities_count_as_one_character() -> None:
    [body] = place([CHAPTER], at("c", "TitleAlphabetagamma.Deltaepsilon&"))
    assert f"&amp; {marker('1')}zeta." in body


def test_list_items_keep_their_marker_inside() -> None:
    notes = '<ol>\n<li id="note-1"><a href="c.xhtml#r1">1.</a> <p>Note.</p></li>\n</ol>\n'
    [body] = place([notes], at("note-1", ""))
    assert f'<li id="note-1">{marker("1")}<a href=' in body


def test_blank_pages_share_the_next_spot_in_page_order() -> None:
    bodies = place([CHAPTER, "<p>Other.</p>\n"],
                   PageStart("i"), PageStart("ii"), at("c", "Title", label="1"))
    assert f"{marker('i')}{marker('ii')}</p>" not in bodies[0]
    assert f"</h1>\n{marker('i')}{marker('ii')}{marker('1')}<p>Alpha" in bodies[0]


def test_trailing_blank_page_goes_after_the_last_text() -> None:
    bodies = place(['<p id="a">One.</p>\n', "<p>Two.</p>\n"], at("a", ""), PageStart("2"))
    assert bodies[1] == f"<p>Two.</p>{marker('2')}\n"


def test_a_page_opening_with_an_image_is_marked_before_its_figure() -> None:
    figure = ('<p>Before.</p>\n<figure id="f" class="figure">\n<img src="a.png" alt="A" />\n'
              "<figcaption>Caption</figcaption>\n</figure>\n")
    [body] = place([figure], at("f", "", tag="img"))
    assert body.startswith(f'<p>Before.</p>\n{marker("1")}<figure id="f"')


def test_unique_class_anchors_front_matter_without_ids() -> None:
    cover = '<section class="cover"><img src="c.png" alt="Cover" /></section>\n'
    titlepage = '<section class="titlepage"><h1>Title</h1></section>\n'
    bodies = place([cover, titlepage],
                   PageStart("i", (Anchor(".cover", 0),)),
                   PageStart("ii", (Anchor("titlepage", 0), Anchor(".titlepage", 0))))
    # The image cover has none of the print cover's text: the marker goes before it.
    assert bodies[0].startswith(marker("i") + '<section class="cover">')
    assert bodies[1].startswith(f'<section class="titlepage">{marker("ii")}<h1>')


def test_a_class_shared_by_several_elements_is_no_anchor() -> None:
    two = '<p class="x">One.</p><p class="x">Two.</p>'
    [body] = place([two], PageStart("1", (Anchor(".x", 3),)), PageStart("2"))
    assert body.endswith(marker("1") + marker("2"))  # nothing resolved: after the last text


def test_a_marker_inside_another_language_says_its_own() -> None:
    [body] = place(['<p id="p"><span lang="ru" xml:lang="ru">один два</span></p>'],
                   at("p", "один"))
    assert marker("1", "en-US") in body and 'xml:lang="en-US"' in marker("1", "en-US")


def test_page_list_links_name_the_file_and_the_result_is_well_formed() -> None:
    bodies, links = place_markers(["a.xhtml"], [CHAPTER], PageMap((at("c", "Title"),)),
                                  "en-US")
    assert [(link.label, link.href) for link in links] == [("1", "a.xhtml#page-1")]
    wrapped = ('<body xmlns="http://www.w3.org/1999/xhtml" '
               f'xmlns:epub="http://www.idpf.org/2007/ops">{bodies[0]}</body>')
    assert ElementTree.fromstring(wrapped) is not None
