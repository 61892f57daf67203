"""Figures too fine to read on a phone get a page of their own (legibility.py has the rule).

In the chapter, the image becomes a link to that page (a tap zooms), named "Enlarge Figure 3"
for a screen reader: the link's own name, so the image keeps its alt text as the description
and the link does not read the whole description again as its name. The page shows the image
as wide as its smallest text needs (in a region that scrolls sideways on a narrower screen),
the figure's caption as the chapter prints it, and a link back to the figure in the chapter.

The pages are non-linear spine items: a reader turning pages never meets them, and neither the
contents, the landmarks, the page list nor the NCX lists them. The EPUB's fidelity audit reads
each one as its figure's caption and the way back (checks/fidelity_epub.py).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from imprint.book.markup import NAMESPACES, Fragment, Node, Slot
from imprint.book.model import Figure, Publication
from imprint.editions.epub.legibility import Zoom, figure_zoom, share_of_screen
from imprint.editions.html.templates import render
from imprint.editions.html.transform import elements

EPUB_TYPE = f"{{{NAMESPACES['epub']}}}type"


@dataclass(frozen=True)
class FigurePage:
    """One figure's page: its file, its title and its rendered body."""

    name: str  # "figure-3.xhtml"
    title: str  # "Figure 3"
    body: str
    zoom: Zoom


def figure_page_name(figure: Figure) -> str:
    return f"figure-{figure.number}.xhtml"  # numbers are book-wide (preprocess/numbering.py)


def add_figure_pages(pub: Publication, styles: Path, names: list[str],
                     fragments: list[Fragment], chapters: set[str]) -> list[FigurePage]:
    """Link each illegible figure of the finished chapter documents (`chapters`: their names)
    to a page of its own, and return those pages in reading order."""
    figures = {figure.id: figure for figure in pub.figures if figure.src}
    pages = []
    for name, fragment in zip(names, fragments, strict=True):
        if name not in chapters:
            continue
        for element in list(elements(fragment)):
            figure = figures.get(element.get("id") or "") if element.tag == "figure" else None
            image = element.find("img") if figure is not None else None
            if figure is None or image is None:
                continue
            zoom = figure_zoom(pub.root / figure.src, share_of_screen(image.get("style")))
            if zoom is not None:
                pages.append(_page(pub, styles, figure, element, zoom, name))
                _link(fragment, image, pages[-1].name, pub.locale.fill(
                    pub.locale.figure_zoom, label=pub.locale.figure_label(figure.number)))
    return pages


def _page(pub: Publication, styles: Path, figure: Figure, element: Node, zoom: Zoom,
          chapter: str) -> FigurePage:
    image = element.find("img")
    assert image is not None, "the caller found it"
    label = pub.locale.figure_label(figure.number)
    caption = element.find("figcaption")
    body = render(styles, "epub/figure.html.j2", locale=pub.locale, label=label,
                  page_id=f"figure-page-{figure.number}", src=image.get("src", ""),
                  alt=image.get("alt", ""), width=zoom.width,
                  caption=_copy(caption, chapter) if caption is not None else "",
                  back=f"{chapter}#{figure.id}")
    return FigurePage(figure_page_name(figure), label, body, zoom)


def _link(fragment: Fragment, image: Node, target: str, name: str) -> None:
    """Put the image inside a link to its page; the link takes the image's place and tail."""
    link = etree.Element("a")
    link.set("class", "figure-zoom")
    link.set("href", target)
    link.set("aria-label", name)
    fragment.replace(image, link)
    link.append(image)
    fragment.put_text(Slot(image, tail=True), "")


def _copy(caption: Node, chapter: str) -> str:
    """The chapter's caption for the figure page: no ids (they stay the chapter's), no page-break
    markers (the page list points at the chapter), links within the chapter made to name it."""
    twin = copy.deepcopy(caption)
    twin.tail = None
    for element in list(twin.iter(etree.Element)):
        if "pagebreak" in (element.get(EPUB_TYPE) or "").split():
            _drop(element)
            continue
        element.attrib.pop("id", None)
        _retarget(element, lambda ident: f"{chapter}#{ident}")
    holder = Fragment()
    holder.root.append(twin)
    return holder.html()


def _retarget(element: Node, where: Callable[[str], str]) -> None:
    href = element.get("href")
    if href and href.startswith("#") and len(href) > 1:
        element.set("href", where(href[1:]))


def _drop(element: Node) -> None:
    """Remove an element, keeping the text after it (a marker holds none of its own)."""
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    tail = element.tail or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
