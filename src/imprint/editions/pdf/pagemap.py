"""Where each page of the print edition begins, read from WeasyPrint's layout of the PDF.

The EPUB's page list sends a reader to the spot where print page 23 begins, so we need the
character each page starts with. WeasyPrint's text boxes know their element but not which of
its text nodes (its `.text` or a child's `.tail`) or which character they came from. So the
layout is replayed in reading order: every element keeps a cursor over its own text, and each
text box is looked up at or after that cursor. The first box of a page then names a character.

Positions are stored as `editions.pages` defines them: anchors and counts of non-space
characters, which both editions share. The box tree is WeasyPrint's private layout, read only
through `weasyprint_internals`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from imprint.editions.pages import SPACE, Anchor, PageMap, PageStart, count_text
from imprint.editions.pdf.math_svg import SVG
from imprint.editions.pdf.render import Rendered
from imprint.editions.pdf.weasyprint_internals import (
    Box,
    box_children,
    box_element,
    box_text,
    hyphenate_character,
    is_generated,
    is_page_furniture,
    is_replaced_box,
    is_text_box,
    page_box,
)


def page_map(rendered: Rendered, labels: tuple[str, ...]) -> PageMap:
    """The start of every page of `rendered`, labelled with its printed folio."""
    pages = rendered.document.pages
    root = _root_element(page_box(pages[0]))  # WeasyPrint exposes no public box tree
    replay = _Replay(_DomIndex.of(root))
    starts = [replay.page(page_box(page)) for page in pages]
    return PageMap(tuple(
        PageStart(label, start[0], start[1]) if start else PageStart(label)
        for label, start in zip(labels, starts, strict=True)
    ))


def _root_element(page: Box) -> Element:
    return next(box_element(b) for b in box_children(page) if not is_page_furniture(b))


@dataclass
class _DomIndex:
    """Non-space character counts over the document, to turn a text node into a position."""

    parent: dict[int, tuple[Element, int]] = field(default_factory=dict)  # child -> (el, index)
    piece_start: dict[tuple[int, int], int] = field(default_factory=dict)
    element_start: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, root: Element) -> _DomIndex:
        index = cls()
        index._visit(root, 0)
        return index

    def _visit(self, element: Element, total: int) -> int:
        """Record counts below `element`; return the count after it (HTML is shallow, so
        recursion is safe)."""
        self.element_start[id(element)] = total
        # A footnote's text sits at its call only in print (the EPUB keeps it with the notes),
        # so it must not shift the positions of the text after it.
        if "footnote" in (element.get("class") or "").split():
            return total
        # A formula's drawing (math_svg) holds no text of the page, only its TeX as <title>;
        # the EPUB counts nothing in the formula's MathML either (epub/pagebreaks.py).
        if element.tag == SVG:
            return total
        self.piece_start[(id(element), 0)] = total
        total += count_text(element.text)
        for index, child in enumerate(element):
            self.parent[id(child)] = (element, index)
            total = self._visit(child, total)
            self.piece_start[(id(element), index + 1)] = total
            total += count_text(child.tail)
        return total

    def pieces(self, element: Element) -> list[str]:
        """An element's own text nodes in order: its text, then each child's tail."""
        return [element.text or "", *((child.tail or "") for child in element)]

    def anchors(self, element: Element, position: int) -> tuple[Anchor, ...]:
        found, current = [], element
        while True:
            ident, classes = current.get("id"), (current.get("class") or "").split()
            if ident:
                found.append(Anchor(ident, position - self._start(current)))
            up = self.parent.get(id(current))
            if up is None:
                return tuple(found)
            if up[0].tag.rsplit("}", 1)[-1] == "body" and classes:
                found.append(Anchor(f".{classes[0]}", position - self._start(current)))
            current = up[0]

    def _start(self, element: Element) -> int:
        return self.element_start[id(element)]


class _Replay:
    """Walks the laid-out pages in order, keeping each element's cursor over its text."""

    def __init__(self, dom: _DomIndex) -> None:
        self.dom = dom
        self.cursor: dict[int, tuple[int, int]] = {}  # element -> (piece, normalized offset)
        self.normalized: dict[tuple[int, int], tuple[str, list[int]]] = {}

    def page(self, page: Box) -> tuple[tuple[Anchor, ...], str] | None:
        """Advance over one page; return where it begins (anchors, tag) or None if blank."""
        first = None
        for box in _content_boxes(page):
            found = self._locate(box)
            if first is None and found is not None:
                first = found
        return first

    def _locate(self, box: Box) -> tuple[tuple[Anchor, ...], str] | None:
        element = box_element(box)
        if is_replaced_box(box):
            self._hint(element)
            position = self.dom.element_start.get(id(element))
            if position is None:
                return None
            return self.dom.anchors(element, position), element.tag.rsplit("}", 1)[-1]
        if not is_text_box(box):
            self._hint(element)
            return None
        spot = self._find(element, box)
        if spot is None:
            return None  # repeated table header, or text the document does not hold
        piece, raw = spot
        start = self.dom.piece_start.get((id(element), piece))
        if start is None:
            return None  # inside a footnote
        position = start + count_text(self.dom.pieces(element)[piece][:raw])
        return self.dom.anchors(element, position), ""

    def _hint(self, element: Element | None) -> None:
        """A box of a child element: its parent's later text comes from that child's tail."""
        up = self.dom.parent.get(id(element)) if element is not None else None
        if up is not None:
            key = id(up[0])
            self.cursor[key] = max(self.cursor.get(key, (0, 0)), (up[1] + 1, 0))

    def _find(self, element: Element, box: Box) -> tuple[int, int] | None:
        """(piece, raw offset) where the box's text starts, searching from the cursor."""
        pieces = self.dom.pieces(element)
        start_piece, start = self.cursor.get(id(element), (0, 0))
        for needle in _needles(box_text(box), hyphenate_character(box)):
            for piece in range(start_piece, len(pieces)):
                text, raw = self._normalized(element, piece, pieces[piece])
                at = text.find(needle, start if piece == start_piece else 0)
                if at >= 0:
                    self.cursor[id(element)] = (piece, at + len(needle))
                    return piece, raw[at]
        return None

    def _normalized(self, element: Element, piece: int, text: str) -> tuple[str, list[int]]:
        key = (id(element), piece)
        if key not in self.normalized:
            self.normalized[key] = normalize(text)
        return self.normalized[key]


def _content_boxes(page: Box) -> Iterator[Box]:
    """Boxes of document content in reading order: no page furniture, no generated text."""
    stack = list(reversed(box_children(page)))
    while stack:
        box = stack.pop()
        if is_page_furniture(box) or is_generated(box):
            continue  # margin boxes, footnote area, ::before/::after/::marker content
        if box_element(box) is not None and not (is_text_box(box) and not _words(box)):
            yield box
        stack += reversed(box_children(box))


def _words(box: Box) -> bool:
    return bool(box_text(box).strip(" \t\n\r\f\u200b"))


def _needles(text: str, hyphen: Any) -> list[str]:
    """What to look for: the whole text, without an inserted hyphen, then just its start."""
    whole = normalize(text)[0].strip()
    found = [whole]
    if isinstance(hyphen, str) and hyphen and whole.endswith(hyphen):
        found.append(whole[: -len(hyphen)])
    found.append(whole[:16])
    return [n for n in dict.fromkeys(found) if n]


def normalize(text: str) -> tuple[str, list[int]]:
    """Lower-cased text with whitespace runs collapsed and soft hyphens dropped, plus the raw
    index of each character; text-transform and hyphenation change only the laid-out copy."""
    chars: list[str] = []
    raw: list[int] = []
    for index, char in enumerate(text):
        if char in SPACE:
            if chars and chars[-1] == " ":
                continue
            char = " "
        elif char == "\u00ad":
            continue
        for lower in char.lower():
            chars.append(lower)
            raw.append(index)
    return "".join(chars), raw
