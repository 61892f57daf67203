"""Page-break markers for the print edition's pages, placed into the EPUB's XHTML.

A `PageMap` says where each print page begins as "the k-th non-space character inside the
element with id X". Each XHTML body is read as a tree (`book.markup`, which writes back
everything but the markers byte for byte as rendered), that character is found, and a marker
goes just before it: moved back to the start of a word the printer hyphenated, and out of the
inline and block elements it opens, so a heading or a link never reads its page number as
part of its name.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from html import escape

from imprint.book.markup import Fragment, Node, Point, Slot, before
from imprint.editions.pages import SPACE, Anchor, PageMap, PageStart, count_text

# Elements a marker may be moved out of without landing somewhere a <span> is not allowed
# (never out of li, td, th, dd, dt, caption, figcaption or section).
HOISTABLE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "i", "b",
                       "span", "cite", "q", "small", "sup", "sub", "abbr", "code", "blockquote",
                       "figure", "aside", "div", "header", "hgroup"})


# What print lays out in place of an EPUB element: a formula's MathML is drawn as an SVG.
PRINTED_AS = {"svg": "math"}


@dataclass(frozen=True)
class PageLink:
    label: str
    href: str  # file#page-label, for the page-list nav and the NCX


@dataclass(frozen=True)
class _Spot:
    doc: int  # index of the document in spine order
    point: Point  # where in that document's tree the marker goes


@dataclass(frozen=True)
class _Block:
    """An element with its place in the document's count of non-space characters."""

    doc: int
    node: Node
    count: int  # non-space characters of the document before the element
    length: int  # non-space characters inside it


@dataclass(frozen=True)
class _Scan:
    """One body: where its non-space characters, its elements and its text slots are."""

    fragment: Fragment
    starts: tuple[int, ...]  # non-space characters before each slot of `texts`
    texts: tuple[Slot, ...]  # the slots holding non-space characters, in document order
    order: dict[Slot, int]  # every slot -> its place in document order
    counts: dict[Node, int]  # every element -> non-space characters before it
    ids: dict[str, _Block]
    classes: dict[str, list[_Block]]  # first class -> elements

    def char(self, target: int) -> Point:
        """The place of non-space character `target` (counted from 0)."""
        at = bisect_right(self.starts, target) - 1
        slot, wanted = self.texts[at], target - self.starts[at]
        for index, char in enumerate(self.fragment.text(slot)):
            if char not in SPACE:
                if not wanted:
                    return Point(slot, index)
                wanted -= 1
        raise AssertionError("counted characters are in their slot")


def marker(label: str, lang: str = "") -> str:
    """The page-break element; `lang` is set when it sits inside a run in another language,
    so that its number is not read out in Russian or Chinese."""
    label = escape(label)
    own = f' lang="{escape(lang)}" xml:lang="{escape(lang)}"' if lang else ""
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{label}"{own} '
            f'aria-label="{label}"></span>')


def place_markers(names: list[str], bodies: list[str], pages: PageMap,
                  language: str) -> tuple[list[str], tuple[PageLink, ...]]:
    """`mark_pages` on bodies as strings: the new bodies and the page list."""
    fragments = [Fragment(body) for body in bodies]
    links = mark_pages(names, fragments, pages, language)
    return [fragment.html() for fragment in fragments], links


def mark_pages(names: list[str], fragments: list[Fragment], pages: PageMap,
               language: str) -> tuple[PageLink, ...]:
    """Insert one marker per print page into the documents (in spine order); return the page
    list, in the print edition's order."""
    scans = [_scan(index, fragment) for index, fragment in enumerate(fragments)]
    spots = _spots(pages.pages, scans)
    ordered = sorted(enumerate(spots), key=lambda item: (
        item[1].doc, scans[item[1].doc].order[item[1].point.slot], item[1].point.index, item[0]))
    # Last first: a marker splits its slot, and the text before it keeps its indices.
    for number, spot in reversed(ordered):
        lang = language if _in_other_language(spot.point) else ""
        fragment = fragments[spot.doc]
        fragment.insert(spot.point, fragment.read(marker(pages.pages[number].label, lang))[0])
    return tuple(PageLink(page.label, f"{names[spot.doc]}#page-{page.label}")
                 for page, spot in zip(pages.pages, spots, strict=True))


def _spots(pages: tuple[PageStart, ...], scans: list[_Scan]) -> list[_Spot]:
    """Where each page's marker goes; a blank page shares the spot of the next page."""
    spots: list[_Spot | None] = [_resolve(page, scans) for page in pages]
    following = _Spot(len(scans) - 1, _after_text(scans[-1]))
    for number in range(len(spots) - 1, -1, -1):
        following = spots[number] = spots[number] or following
    return [spot for spot in spots if spot is not None]


def _after_text(scan: _Scan) -> Point:
    """Just after the last text or tag of the document, before trailing white space."""
    last = next(reversed(scan.order))
    return Point(last, len(scan.fragment.text(last).rstrip()))


def _resolve(page: PageStart, scans: list[_Scan]) -> _Spot | None:
    fallback = None
    for anchor in page.anchors:
        block = _lookup(anchor, scans)
        if block is None:
            continue
        scan = scans[block.doc]
        point = _exact(block, anchor.offset, page.tag, scan)
        if point is not None:
            return _Spot(block.doc, _hoist(scan.fragment, _word_start(scan.fragment, point)))
        # Text only the print edition has (or none at all, as on the image cover): the marker
        # goes before the outermost element found when the page opens it, else after it.
        fallback = _Spot(block.doc, _before(scan.fragment, block.node) if anchor.offset == 0
                         else Point(Slot(block.node, tail=True), 0))
    return fallback


def _lookup(anchor: Anchor, scans: list[_Scan]) -> _Block | None:
    if not anchor.key.startswith("."):
        return next((s.ids[anchor.key] for s in scans if anchor.key in s.ids), None)
    found = [b for s in scans for b in s.classes.get(anchor.key[1:], [])]
    return found[0] if len(found) == 1 else None  # a class names a block only when unique


def _exact(block: _Block, offset: int, tag: str, scan: _Scan) -> Point | None:
    target = block.count + offset
    tag = PRINTED_AS.get(tag, tag)
    if tag:
        found = next((node for node in block.node.iter(tag)
                      if node is not block.node and scan.counts[node] >= target), None)
        return _before(scan.fragment, found) if found is not None else None
    if offset < block.length:
        return scan.char(target)
    return None


def _before(fragment: Fragment, node: Node) -> Point:
    slot = before(node)
    return Point(slot, len(fragment.text(slot)))


def _word_start(fragment: Fragment, point: Point) -> Point:
    """A page that opens mid-word (the printer hyphenated it) is marked before the word."""
    text, index = fragment.text(point.slot), point.index
    while index > 0 and (text[index - 1].isalnum() or text[index - 1] == "\u00ad"):
        index -= 1
    return Point(point.slot, index)


def _hoist(fragment: Fragment, point: Point) -> Point:
    """Move the marker before the start tags it directly follows, while that stays valid."""
    while (not point.slot.tail and point.slot.element.tag in HOISTABLE
           and fragment.text(point.slot)[: point.index].strip() == ""):
        point = _before(fragment, point.slot.element)
    return point


def _in_other_language(point: Point) -> bool:
    """Inside an element with its own `lang` (a marker just after one is outside it)."""
    element = point.slot.element
    inside = element.getparent() if point.slot.tail else element
    return inside is not None and any(
        node.get("lang") is not None for node in (inside, *inside.iterancestors()))


def _scan(doc: int, fragment: Fragment) -> _Scan:
    scanner = _Scanner(doc, fragment)
    scanner.visit(fragment.root)
    return _Scan(fragment, tuple(scanner.starts), tuple(scanner.texts), scanner.order,
                 scanner.counts, scanner.ids, scanner.classes)


class _Scanner:
    """Walks one body in document order, counting non-space characters."""

    def __init__(self, doc: int, fragment: Fragment) -> None:
        self.doc, self.fragment, self.total = doc, fragment, 0
        self.starts: list[int] = []
        self.texts: list[Slot] = []
        self.order: dict[Slot, int] = {}
        self.counts: dict[Node, int] = {}
        self.ids: dict[str, _Block] = {}
        self.classes: dict[str, list[_Block]] = {}

    def visit(self, element: Node) -> None:
        self.counts[element] = start = self.total
        if element.tag == "math":  # print draws it (pdf/math_svg.py): no characters, no marker
            return
        self.text(Slot(element))
        for child in element:
            if not isinstance(child.tag, str):  # a comment: its text is no text
                self.text(Slot(child, tail=True))
                continue
            self.visit(child)
            self.text(Slot(child, tail=True))
        if element is not self.fragment.root:
            self.register(_Block(self.doc, element, start, self.total - start))

    def text(self, slot: Slot) -> None:
        self.order[slot] = len(self.order)
        count = count_text(self.fragment.text(slot))
        if count:
            self.starts.append(self.total)
            self.texts.append(slot)
            self.total += count

    def register(self, block: _Block) -> None:
        """As each element ends: the innermost of two with one id wins, as it always has."""
        ident, classes = block.node.get("id"), (block.node.get("class") or "").split()
        if ident:
            self.ids.setdefault(ident, block)
        if classes:
            self.classes.setdefault(classes[0], []).append(block)
