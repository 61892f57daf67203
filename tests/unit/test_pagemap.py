"""Page starts read from a real WeasyPrint layout, round-tripped into markers.

A small document is laid out on tiny pages; its page map is used to mark the same HTML, and
the words after each marker must be the first words of that page in the PDF WeasyPrint
writes, the words before it on the page before.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from weasyprint import CSS, HTML

from imprint.editions.epub.pagebreaks import place_markers
from imprint.editions.pages import PageMap
from imprint.editions.pdf.pagemap import page_map
from imprint.editions.pdf.render import Rendered

PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4"
       "z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
WORDS = ["alignment", "cooperation", "partnership", "exercises", "doctrine", "sovereignty",
         "information", "transfers", "submarines", "destroyers", "strategic"]
CSS_TEXT = """
@page { size: 260px 200px; margin: 16px; }
body { font: 11px/14px serif; }
p { hyphens: auto; text-align: justify; margin: 0; }
.shout { text-transform: uppercase; }
.cover { break-after: page; }
.blank { break-before: page; break-after: page; height: 10px; }
figure { break-before: page; margin: 0; }
figure img { width: 200px; height: 60px; }
"""


def prose(count: int, start: int) -> str:
    return " ".join(WORDS[(start + i * 7) % len(WORDS)] + str(i + start) for i in range(count))


BODY = (f'<section class="cover"><p>Cover text</p></section>\n'
        f'<section id="c">\n<h1 id="h">A Heading</h1>\n<p>{prose(60, 0)}</p>\n'
        f'<p class="shout">{prose(40, 100)} <em>{prose(8, 300)}</em> {prose(30, 400)}</p>\n'
        f'<p>Russian: <span lang="ru">{"один два три " * 20}</span> {prose(20, 500)}</p>\n'
        f'<div class="blank"></div>\n'
        f'<figure id="f"><img src="{PNG}" alt="A pixel" /><figcaption>Caption '
        f'words</figcaption></figure>\n<p>{prose(30, 600)}</p>\n</section>\n')


@pytest.fixture(scope="module")
def laid_out() -> tuple[PageMap, list[str]]:
    html = f'<html lang="en"><head><title>t</title></head><body>{BODY}</body></html>'
    document = HTML(string=html).render(stylesheets=[CSS(string=CSS_TEXT)])
    labels = tuple(str(i + 1) for i in range(len(document.pages)))
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(document.write_pdf())).pages]
    return page_map(Rendered(html, document, ()), labels), pages


def words(fragment: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<span epub:type=\"pagebreak\"[^>]*></span>", " ",
                                          fragment))
    return ["".join(c for c in w.lower() if c.isalnum()) for w in text.split()]


def flat(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def test_every_page_is_mapped_and_the_blank_one_is_blank(laid_out) -> None:  # type: ignore[no-untyped-def]
    pages, text = laid_out
    assert len(pages.pages) == len(text) >= 6
    blank = [p.label for p, t in zip(pages.pages, text, strict=True) if not t.strip()]
    assert blank and all(not pages.pages[int(b) - 1].anchors for b in blank)
    figure_page = next(p for p in pages.pages if p.tag)
    assert figure_page.tag == "img" and figure_page.anchors[0].key == "f"


def test_markers_sit_where_the_pages_begin(laid_out) -> None:  # type: ignore[no-untyped-def]
    pages, text = laid_out
    [body], links = place_markers(["b.xhtml"], [BODY], pages, "en-US")
    assert [link.label for link in links] == [p.label for p in pages.pages]
    for index, page in enumerate(pages.pages):
        if not text[index].strip() or index == 0:
            continue
        cut = body.index(f'id="page-{page.label}"')
        cut = body.rindex("<span", 0, cut)
        after = words(body[cut:])[1:5]  # the first word may be the end of a hyphenated one
        before = words(body[:cut])[-4:]
        assert "".join(after) in flat(text[index]).replace(" ", "") or all(
            w in flat(text[index]) for w in after), (page.label, after)
        previous = next(t for t in reversed(text[:index]) if t.strip())
        assert all(w in flat(previous) for w in before), (page.label, before)
