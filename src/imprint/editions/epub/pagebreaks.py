"""Page-break markers for the print edition's pages, placed into the EPUB's XHTML.

A `PageMap` says where each print page begins as "the k-th non-space character inside the
element with id X". Here each XHTML body is scanned as a string (so everything but the marker
stays byte for byte as rendered), that character is found, and a marker goes just before it:
moved back to the start of a word the printer hyphenated, and out of the inline and block
elements it opens, so a heading or a link never reads its page number as part of its name.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from html import escape, unescape

from imprint.editions.pages import SPACE, Anchor, PageMap, PageStart

TOKEN = re.compile(r"<!--.*?-->|<\?.*?\?>|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>|[^<]+", re.DOTALL)
TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>")
ATTR = re.compile(r"""\s(id|class|lang)="([^"]*)\"""")
ENTITY = re.compile(r"&#?\w+;")
OPEN_TAG_BEFORE = re.compile(r"<([a-z][\w-]*)\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>\s*$")
# Elements a marker may be moved out of without landing somewhere a <span> is not allowed
# (never out of li, td, th, dd, dt, caption, figcaption or section).
HOISTABLE = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "i", "b",
                       "span", "cite", "q", "small", "sup", "sub", "abbr", "code", "blockquote",
                       "figure", "aside", "div", "header", "hgroup"})


@dataclass(frozen=True)
class PageLink:
    label: str
    href: str  # file#page-label, for the page-list nav and the NCX


@dataclass(frozen=True)
class _Spot:
    doc: int  # index of the document in spine order
    index: int  # offset in that document's body where the marker goes


@dataclass(frozen=True)
class _Element:
    doc: int
    start: int  # offset of the start tag
    end: int  # offset just after the end tag
    count: int  # non-space characters of the document before the element
    length: int  # non-space characters inside it


@dataclass
class _Scan:
    """One body: where its non-space characters and its elements are."""

    chars: list[int] = field(default_factory=list)  # body offset of each non-space character
    tags: list[tuple[int, str, int]] = field(default_factory=list)  # (count, name, offset)
    ids: dict[str, _Element] = field(default_factory=dict)
    classes: dict[str, list[_Element]] = field(default_factory=dict)  # first class -> elements
    foreign: list[tuple[int, int]] = field(default_factory=list)  # elements with their own lang


def marker(label: str, lang: str = "") -> str:
    """The page-break element; `lang` is set when it sits inside a run in another language,
    so that its number is not read out in Russian or Chinese."""
    label = escape(label)
    own = f' lang="{escape(lang)}" xml:lang="{escape(lang)}"' if lang else ""
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{label}"{own} '
            f'aria-label="{label}"></span>')


def place_markers(names: list[str], bodies: list[str], pages: PageMap,
                  language: str) -> tuple[list[str], tuple[PageLink, ...]]:
    """Insert one marker per print page into `bodies` (in spine order); return the new bodies
    and the page list, in the print edition's order."""
    scans = [_scan(index, body) for index, body in enumerate(bodies)]
    spots = _spots(pages.pages, scans, bodies)
    out = list(bodies)
    ordered = sorted(enumerate(spots), key=lambda item: (item[1].doc, item[1].index, item[0]))
    for number, spot in reversed(ordered):
        body, inside = out[spot.doc], scans[spot.doc].foreign
        lang = language if any(start < spot.index < end for start, end in inside) else ""
        mark = marker(pages.pages[number].label, lang)
        out[spot.doc] = body[: spot.index] + mark + body[spot.index:]
    links = tuple(PageLink(page.label, f"{names[spot.doc]}#page-{page.label}")
                  for page, spot in zip(pages.pages, spots, strict=True))
    return out, links


def _spots(pages: tuple[PageStart, ...], scans: list[_Scan], bodies: list[str]) -> list[_Spot]:
    """Where each page's marker goes; a blank page shares the spot of the next page."""
    spots: list[_Spot | None] = [_resolve(page, scans, bodies) for page in pages]
    following = _Spot(len(bodies) - 1, len(bodies[-1].rstrip()))  # after the last page's text
    for number in range(len(spots) - 1, -1, -1):
        following = spots[number] = spots[number] or following
    return [spot for spot in spots if spot is not None]


def _resolve(page: PageStart, scans: list[_Scan], bodies: list[str]) -> _Spot | None:
    fallback = None
    for anchor in page.anchors:
        element = _lookup(anchor, scans)
        if element is None:
            continue
        index = _exact(element, anchor.offset, page.tag, scans[element.doc])
        if index is not None:
            return _Spot(element.doc, _hoist(bodies[element.doc], _word_start(
                bodies[element.doc], index)))
        # Text only the print edition has (or none at all, as on the image cover): the marker
        # goes before the outermost element found when the page opens it, else after it.
        fallback = _Spot(element.doc, element.start if anchor.offset == 0 else element.end)
    return fallback


def _lookup(anchor: Anchor, scans: list[_Scan]) -> _Element | None:
    if not anchor.key.startswith("."):
        return next((s.ids[anchor.key] for s in scans if anchor.key in s.ids), None)
    found = [e for s in scans for e in s.classes.get(anchor.key[1:], [])]
    return found[0] if len(found) == 1 else None  # a class names a block only when unique


def _exact(element: _Element, offset: int, tag: str, scan: _Scan) -> int | None:
    target = element.count + offset
    if tag:
        at = bisect_left(scan.tags, (target, "", -1))
        match = next((t for t in scan.tags[at:]
                      if t[1] == tag and element.start < t[2] < element.end), None)
        return match[2] if match else None
    if offset < element.length:
        return scan.chars[target]
    return None


def _word_start(body: str, index: int) -> int:
    """A page that opens mid-word (the printer hyphenated it) is marked before the word."""
    while index > 0 and (body[index - 1].isalnum() or body[index - 1] == "\u00ad"):
        index -= 1
    return index


def _hoist(body: str, index: int) -> int:
    """Move the marker before the start tags it directly follows, while that stays valid."""
    while True:
        opening = OPEN_TAG_BEFORE.search(body, max(0, index - 4000), index)
        if opening is None or opening.group(1) not in HOISTABLE:
            return index
        index = opening.start()


def _scan(doc: int, body: str) -> _Scan:
    scan = _Scan()
    stack: list[tuple[str, int, int, dict[str, str]]] = []  # (name, start, count, attrs)
    for token in TOKEN.finditer(body):
        text = token.group(0)
        if not text.startswith("<"):
            _scan_text(scan, text, token.start())
            continue
        tag = TAG.fullmatch(text)
        if tag is None:
            continue  # comment or processing instruction
        closing, name, attrs = tag.groups()
        if closing:
            _close(scan, doc, stack, name, token.end())
            continue
        scan.tags.append((len(scan.chars), name, token.start()))
        if not attrs.rstrip().endswith("/"):
            stack.append((name, token.start(), len(scan.chars), dict(ATTR.findall(attrs))))
    return scan


def _scan_text(scan: _Scan, text: str, offset: int) -> None:
    position = 0
    while position < len(text):
        entity = ENTITY.match(text, position)
        char = unescape(entity.group(0)) if entity else text[position]
        if char not in SPACE:
            scan.chars.append(offset + position)
        position = entity.end() if entity else position + 1


def _close(scan: _Scan, doc: int, stack: list, name: str, end: int) -> None:
    while stack:
        opened, start, count, attrs = stack.pop()
        element = _Element(doc, start, end, count, len(scan.chars) - count)
        if attrs.get("id"):
            scan.ids.setdefault(attrs["id"], element)
        if attrs.get("class", "").split():
            scan.classes.setdefault(attrs["class"].split()[0], []).append(element)
        if "lang" in attrs:
            scan.foreign.append((start, end))
        if opened == name:
            return
