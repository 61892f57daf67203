"""The book's HTML cut into parts that WeasyPrint can lay out one by one.

Every body chapter and the notes section open on a recto (print.css) and restart nothing but
the folio, so each is a part: laid out alone it makes the same pages as in the whole book.
What follows a part and does not open on a recto (the bibliography, the back matter) stays in
it. The front matter (cover to the last front chapter) is one part, laid out last, as its
contents prints the page numbers of all the others.

A part keeps the whole document around its own sections (the head, `body`'s attributes for the
running head; in footnote mode its footnote counter starts where the parts before it end),
and every part but the last ends with an empty element that opens a recto: the
blank verso the book would have there is then made by WeasyPrint itself, and the page the
element takes is dropped before the part is written (`TAIL_PAGES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from imprint.book.markup import Fragment
from imprint.editions.html.transform import rewrite

# Top-level sections that open a part (class names of book.html.j2's sections).
OPENS_PART = frozenset({"chapter-body", "endnotes"})
TAIL_CLASS = "imprint-part-end"
FOOTNOTE = "footnote"  # the class of a note inlined at its call (footnotes.inline_notes)
TAIL_PAGES = 1  # the page the tail element takes, never part of the book


@dataclass(frozen=True)
class Part:
    """Top-level body elements `start` to `end` (exclusive) of the book's HTML."""

    index: int
    start: int
    end: int
    last: bool

    @property
    def front(self) -> bool:
        return self.index == 0


def _body(fragment: Fragment) -> etree._Element:
    body = fragment.root.find(".//body")
    if body is None:  # book.html.j2 always writes one
        raise ValueError("the book's HTML has no body")
    return body


def _sections(fragment: Fragment) -> list[etree._Element]:
    return [e for e in _body(fragment) if isinstance(e.tag, str)]


def plan_parts(html: str) -> tuple[Part, ...]:
    """The parts of the book: the front matter, then one per section that opens a part. A
    book with no such section is one part."""
    sections = _sections(Fragment(html))
    starts = [i for i, section in enumerate(sections)
              if OPENS_PART & set((section.get("class") or "").split())]
    if not starts or starts[0] == 0:
        return (Part(0, 0, len(sections), True),)
    bounds = [0, *starts, len(sections)]
    count = len(bounds) - 1
    return tuple(Part(k, bounds[k], bounds[k + 1], k == count - 1) for k in range(count))


def part_html(html: str, part: Part) -> str:
    """The book's HTML with only `part`'s sections, and the tail element unless it is last."""
    return rewrite(html, _keep(part))


def _keep(part: Part) -> Callable[[Fragment], None]:
    def keep(fragment: Fragment) -> None:
        body = _body(fragment)
        sections = _sections(fragment)
        before = sum(1 for s in sections[:part.start] for e in s.iter("*")
                     if e.get("class") == FOOTNOTE)
        if before:  # the footnote counter (footnote mode's numbers) goes on from there
            body.set("style", f"counter-reset: footnote {before}")
        for index, section in enumerate(sections):
            if not part.start <= index < part.end:
                body.remove(section)
        if not part.last:
            tail = etree.SubElement(body, "div")
            tail.set("class", TAIL_CLASS)
            tail.set("style", "break-before: right")

    return keep


def part_sources(html: str, plan: tuple[Part, ...]) -> tuple[str, ...]:
    """What each part's layout reads, read in one parse (part_html parses the book per part):
    the document around the sections, then the part's own sections as written."""
    fragment = Fragment(html)
    sections = _sections(fragment)
    written = [fragment.element_html(section) for section in sections]
    body = _body(fragment)
    for section in sections:
        body.remove(section)
    frame = fragment.html()
    return tuple("\0".join([frame, str(part.last), *written[part.start:part.end]])
                 for part in plan)


def first_ids(html: str, plan: tuple[Part, ...]) -> tuple[str, ...]:
    """The id of each part's first top-level section ("" for none)."""
    sections = _sections(Fragment(html))
    return tuple(str(sections[part.start].get("id") or "") for part in plan)
