"""The laid-out book as plain data for the typographic audit: every line of every page.

WeasyPrint judges no line and no page once it has set them, so the audit reads its layout back:
for each page, the lines of the text flow in reading order (with what a typesetter looks at:
an inserted hyphen at the end, a note call at the start, the width of its word spaces), the
images, how full the page is and whether it opens with a forced break. The box tree is
WeasyPrint's private layout, read only through `weasyprint_internals`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from weasyprint.document import Document

from imprint.editions.pdf.weasyprint_internals import (
    Box,
    box_children,
    box_element,
    box_extent,
    box_text,
    computed_style,
    hyphenate_character,
    is_footnote_area,
    is_generated,
    is_line_box,
    is_page_furniture,
    is_replaced_box,
    is_text_box,
    justification_spacing,
    page_area,
    page_box,
    pseudo_element,
)

FORCED = frozenset({"page", "left", "right", "recto", "verso"})
# A word space's natural width as a share of the font size: 0.26 em in Noto Serif and Noto
# Sans (their `hmtx`); the loose-line test compares widths within one paragraph, so another
# font's few hundredths of an em change little.
SPACE_EM = 0.26
INVISIBLE = " \t\n\r\f\u00a0\u200b\u2060"  # the word joiners note calls carry before them
HARD_HYPHENS = "-\u2010"  # a hyphen in the text (WeasyPrint inserts U+2010: `hyphen` first)
CALL_CLASSES = frozenset({"noteref", "noteref-separator", "footnote-call-anchor"})

Element = Any  # an `xml.etree.ElementTree.Element` of WeasyPrint's parsed document


@dataclass(frozen=True)
class Line:
    """One line of the text flow (or one image, `text` False) on a page."""

    element: Element  # the block element the line belongs to
    top: float
    bottom: float
    text: bool = True
    hyphen: bool = False  # ends with an inserted hyphen
    hard_hyphen: bool = False  # ends inside a word at its own hyphen ("joint-" of "joint-ex…")
    call_first: bool = False  # begins with a note call
    spaces: int = 0  # word spaces that justification may stretch
    space: float = 0.0  # the width of each of them, as laid out
    justified: bool = False
    in_table: bool = False


@dataclass(frozen=True)
class PageLayout:
    index: int
    lines: tuple[Line, ...]  # the text flow in reading order; no running heads or footnotes
    fill: float  # share of the content area taken by the flow and the footnotes
    forced_start: bool  # the page opens with a forced break (a chapter, a `break-before`)
    height: float = 0.0  # of the content area, in CSS px (what a figure may shrink to fill)


def read_layout(document: Document) -> tuple[PageLayout, ...]:
    seen: set[int] = set()
    return tuple(_read_page(index, page_box(page), seen)
                 for index, page in enumerate(document.pages))


def _read_page(index: int, page: Box, seen: set[int]) -> PageLayout:
    top, bottom = page_area(page)
    reader = _PageReader(seen)
    notes = 0.0
    for child in box_children(page):
        if is_footnote_area(child):
            start, end = box_extent(child)
            notes = end - start if box_children(child) else 0.0
        elif not is_page_furniture(child):
            reader.visit(child, in_table=False)
    used = max((line.bottom for line in reader.lines), default=top) - top + notes
    fill = used / (bottom - top) if bottom > top else 1.0
    return PageLayout(index, tuple(reader.lines), fill, reader.forced_start, bottom - top)


class _PageReader:
    def __init__(self, seen: set[int]) -> None:
        self.seen = seen  # elements met on earlier pages: a box of theirs continues them
        self.lines: list[Line] = []
        self.forced_start = False

    def visit(self, box: Box, *, in_table: bool) -> None:
        """Record the lines under `box` (recursion: the box tree is a few dozen deep)."""
        element = box_element(box)
        if is_line_box(box):
            self.lines.append(_line(box, in_table=in_table))
            return
        if is_replaced_box(box):
            self.lines.append(Line(element, *box_extent(box), text=False))
            return
        if element is not None and id(element) not in self.seen:
            self.seen.add(id(element))
            if not self.lines and computed_style(box, "break_before") in FORCED:
                self.forced_start = True
        tag = str(getattr(element, "tag", ""))
        for child in box_children(box):
            self.visit(child, in_table=in_table or tag in ("td", "th"))


def _line(box: Box, *, in_table: bool) -> Line:
    content = [b for b in _texts(box) if box_text(b).strip(INVISIBLE)]
    top, bottom = box_extent(box)
    if not content:
        return Line(box_element(box), top, bottom, in_table=in_table)
    last = content[-1]
    hyphen = hyphenate_character(last)
    spaces = sum(box_text(b).count(" ") + box_text(b).count("\u00a0") for b in content)
    spaces -= len(box_text(last)) - len(box_text(last).rstrip(" "))
    stretch = max(justification_spacing(b) for b in content)
    word = computed_style(box, "word_spacing")
    natural = SPACE_EM * float(computed_style(box, "font_size"))
    natural += float(word) if isinstance(word, (int, float)) else 0.0
    inserted = (isinstance(hyphen, str) and bool(hyphen) and not is_generated(last)
                and box_text(last).endswith(hyphen))
    return Line(
        box_element(box), top, bottom,
        hyphen=inserted,
        hard_hyphen=not inserted and not is_generated(last) and _ends_at_hyphen(box_text(last)),
        call_first=_is_call(content[0]),
        spaces=max(spaces, 0), space=natural + stretch,
        justified=computed_style(box, "text_align_all") == "justify",
        in_table=in_table)


def _ends_at_hyphen(text: str) -> bool:
    """A letter and a hyphen end the line: a compound broken at its own hyphen."""
    text = text.rstrip(INVISIBLE)
    return len(text) >= 2 and text[-1] in HARD_HYPHENS and text[-2].isalpha()


def _texts(box: Box) -> Iterator[Box]:
    """The text boxes of a line in reading order."""
    for child in box_children(box):
        if is_text_box(child):
            yield child
        else:
            yield from _texts(child)


def _is_call(box: Box) -> bool:
    """Whether a text box is (part of) a note call: the endnote link, its separator, or the
    footnote's `::footnote-call` number."""
    if pseudo_element(box) == "footnote-call":
        return True
    element = box_element(box)
    classes = set(str(element.get("class") or "").split()) if element is not None else set()
    return bool(classes & CALL_CLASSES)


def elements_in_order(pages: Sequence[PageLayout]) -> list[tuple[int, Line]]:
    """(page index, line) for every line of the book in reading order."""
    return [(page.index, line) for page in pages for line in page.lines]
