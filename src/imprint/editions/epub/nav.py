"""Navigation beyond the nav document's own template: landmarks and the EPUB 2 NCX.

The NCX is read back from the rendered navigation document rather than rebuilt from the
model, so the two tables of contents cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree

from imprint.book.locale import Locale
from imprint.book.model import Metadata
from imprint.editions.epub.pagebreaks import PageLink
from imprint.editions.html.templates import render

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


class SpineDocument(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def body_type(self) -> str: ...


@dataclass(frozen=True)
class Landmark:
    type: str
    href: str
    label: str


@dataclass(frozen=True)
class NavPoint:
    id: str
    label: str
    href: str
    children: tuple[NavPoint, ...] = ()


def landmarks(docs: Sequence[SpineDocument], locale: Locale) -> list[Landmark]:
    """Cover, title page, contents, start of the body, notes and bibliography, when present,
    labelled in the book's language."""
    names = {doc.name for doc in docs}
    first_body = next((d.name for d in docs if d.body_type == "bodymatter"), None)
    candidates = [
        Landmark("cover", "cover.xhtml", locale.cover),
        Landmark("titlepage", "titlepage.xhtml", locale.title_page),
        Landmark("toc", "contents.xhtml", locale.contents),
        Landmark("bodymatter", first_body or "", locale.start_of_content),
        Landmark("endnotes", "notes.xhtml", locale.notes),
        Landmark("bibliography", "bibliography.xhtml", locale.bibliography),
    ]
    return [landmark for landmark in candidates if landmark.href in names]


def toc_points(nav_xhtml: bytes) -> tuple[NavPoint, ...]:
    """The nested contents of the navigation document, as NCX nav points."""
    root = ElementTree.fromstring(nav_xhtml)
    toc = next(nav for nav in root.iter(f"{XHTML}nav") if nav.get(EPUB_TYPE) == "toc")
    counter = iter(range(1, 1_000_000))
    return _points(toc.find(f"{XHTML}ol"), counter)


def _points(ol: ElementTree.Element | None, counter: Iterator[int]) -> tuple[NavPoint, ...]:
    if ol is None:
        return ()
    found = []
    for li in ol.findall(f"{XHTML}li"):
        link = li.find(f"{XHTML}a")
        if link is None:
            continue
        label = " ".join("".join(link.itertext()).split())
        ident = f"navpoint-{next(counter)}"
        found.append(NavPoint(ident, label, link.get("href", ""),
                              _points(li.find(f"{XHTML}ol"), counter)))
    return tuple(found)


def ncx(styles: Path, meta: Metadata, points: tuple[NavPoint, ...],
        pages: tuple[PageLink, ...], locale: Locale) -> bytes:
    arabic = [int(page.label) for page in pages if page.label.isdigit()]
    return render(styles, "epub/toc.ncx.j2", meta=meta, points=points, pages=pages, locale=locale,
                  depth=_depth(points), max_page=max(arabic, default=0)).encode("utf-8")


def _depth(points: tuple[NavPoint, ...]) -> int:
    return 1 + max((_depth(p.children) for p in points if p.children), default=0) if points else 0
