"""The book's numbering, kept between saves that change nothing it reads.

Numbering must see every chapter (a note added in chapter 2 renumbers chapter 9), so it cannot
be split by chapter; but most saves change prose only, and numbering reads few nodes: headings,
figures, tables, footnotes, ids, and the blocks holding an image, a display formula, a link, a
note call, a citation or a cross-reference. A chapter's *skeleton* is those nodes with their
indices. When every skeleton, the images they show and the other arguments are what they were,
`number_publication` would return what it returned, so the last result is handed out again.

    memo = NumberingMemo()
    numbering = memo.number(root, parsed, note_style, locale=locale, strict_alt=False)

The node types below are exactly those `preprocess/numbering.py` acts on: a new rule there that
reads another type must add it here (tests/unit/test_preview_incremental.py compares with a
build from scratch).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imprint.book.locale import Locale
from imprint.markdown.nodes import Node
from imprint.markdown.parse import ParsedChapter
from imprint.preprocess.numbering import Numbering, number_publication

# Blocks numbering numbers or checks, and the inline children it acts on.
_BLOCKS = frozenset({"heading_open", "figure_open", "table_open", "footnote_open",
                     "footnote_block_open"})
_CHILDREN = frozenset({"image", "math_display", "link_open", "footnote_ref", "citation", "xref"})
# How many nodes after one numbering reads by position: a heading's and a figure's inline
# text, a table's caption (and whether it has one).
_FOLLOWERS = {"heading_open": 1, "figure_open": 1, "table_open": 2}


@dataclass(frozen=True)
class Skeleton:
    """What numbering reads of one chapter: the chapter with only those nodes, their indices
    in the full chapter (the marks' addresses), and the images it checks on disk."""

    chapter: ParsedChapter
    indices: tuple[int, ...]
    images: tuple[str, ...]


def skeleton(chapter: ParsedChapter) -> Skeleton:
    nodes = chapter.nodes
    kept: set[int] = set()
    whole: set[int] = set()  # text numbering reads: a heading's, a caption's
    for index, node in enumerate(nodes):
        if _read(node):
            kept.add(index)
            whole.update(range(index + 1, index + 1 + _FOLLOWERS.get(node.type, 0)))
            if node.type == "footnote_open":  # an unused note is located at its first line
                kept.update(range(index, _first_mapped(nodes, index) + 1))
    indices = tuple(sorted(i for i in kept | whole if i < len(nodes)))
    reduced = tuple(nodes[i] if i in whole else _thinned(nodes[i]) for i in indices)
    images = tuple(src for node in reduced for src in _image_sources(node))
    return Skeleton(dataclasses.replace(chapter, nodes=reduced), indices, images)


def _thinned(node: Node) -> Node:
    """The node as numbering reads it: without its text, and with only the type of each child
    it does not act on (a link's place counts the line breaks before it), so an edit to the
    prose around a note call leaves the skeleton as it was."""
    if node.children is None:
        return dataclasses.replace(node, content="")
    children = tuple(c if c.type in _CHILDREN or _has_id(c) else _placeholder(c.type)
                     for c in node.children)
    return dataclasses.replace(node, content="", children=children)


@functools.cache
def _placeholder(kind: str) -> Node:
    return Node(kind, "", 0)


def _read(node: Node) -> bool:
    return (node.type in _BLOCKS or _has_id(node)
            or any(c.type in _CHILDREN or _has_id(c) for c in node.children or ()))


def _has_id(node: Node) -> bool:
    attrs = node.meta.mapping("attrs")
    return bool(node.attr("id")) or (attrs is not None and bool(attrs.text("id")))


def _first_mapped(nodes: tuple[Node, ...], start: int) -> int:
    return next((i for i in range(start, len(nodes)) if nodes[i].map), len(nodes) - 1)


def _image_sources(node: Node) -> list[str]:
    sources = [node.meta.text("src")] if node.type == "figure_open" else []
    return sources + [str(c.attr("src") or "") for c in node.children or () if c.type == "image"]


def image_state(root: Path, src: str) -> Hashable:
    """What numbering's image checks see of `src`: the file it resolves to and its stat (its
    kind, size and time), or why it cannot be read."""
    path = root / unquote(urlsplit(src).path)
    try:
        real = path.resolve()
        info = real.stat()
    except (OSError, ValueError, RuntimeError) as error:
        return (str(path), type(error).__name__)
    return (str(real), info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns)


class NumberingMemo:
    """`number` behaves as `number_publication`, reusing its last result while nothing it reads
    has changed. Holds one skeleton per chapter of the book (replaced when the chapter is
    parsed again) and one result; used by the one thread that rebuilds."""

    def __init__(self) -> None:
        self._skeletons: dict[tuple[str, ...], tuple[tuple[Node, ...], Skeleton]] = {}
        self._last: tuple[object, Numbering] | None = None
        self.numberings = 0  # how many times the book was really numbered (for tests)

    def number(self, root: Path, chapters: list[ParsedChapter], note_style: bool, *,
               strict_alt: bool = False, locale: Locale | None = None) -> Numbering:
        skeletons = self._skeletons_of(chapters)
        images = tuple(image_state(root, src) for s in skeletons for src in dict.fromkeys(
            s.images))
        key = (root, note_style, strict_alt, locale, skeletons, images)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        numbering = number_publication(root, chapters, note_style, strict_alt=strict_alt,
                                       locale=locale)
        self._last = (key, numbering)
        self.numberings += 1
        return numbering

    def _skeletons_of(self, chapters: list[ParsedChapter]) -> tuple[Skeleton, ...]:
        """Each chapter's skeleton, made again only for a chapter parsed again."""
        known, self._skeletons = self._skeletons, {}
        found = []
        for chapter in chapters:
            entry = known.get(chapter.spec.files)
            if entry is None or entry[0] is not chapter.nodes:
                entry = (chapter.nodes, skeleton(chapter))
            self._skeletons[chapter.spec.files] = entry
            # The parse cache's copy may hold another spec (a line moved in publication.yaml).
            nodes = entry[1].chapter.nodes
            found.append(dataclasses.replace(entry[1], chapter=dataclasses.replace(
                chapter, nodes=nodes)))
        return tuple(found)
