"""Rendered chapters kept between saves: a chapter is rendered again only when what its HTML is
made from changed.

A chapter's HTML is made from its nodes, numbering's marks on them, its number and headings,
the cross-reference targets it names, the formatted citations and note locations its marks
point at, the language and the locale (`preprocess/render.py`). All of these are compared, so a
save in one chapter renders that chapter alone, and a figure added in chapter 2 renders again
the chapters whose figure numbers moved.

    cache = RenderCache()
    chapters = cache.render(parsed, numbering, formatted, language, locale)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from imprint.book.locale import Locale
from imprint.book.model import Chapter
from imprint.markdown.nodes import Node
from imprint.markdown.parse import ParsedChapter
from imprint.preprocess.cite.format import CitationText, Formatted
from imprint.preprocess.numbering import Numbering
from imprint.preprocess.render import render_chapters


@dataclass(frozen=True)
class _Entry:
    chapter: ParsedChapter  # its nodes are compared by identity: the parse cache shares them
    xrefs: tuple[str, ...]  # the targets its cross-references name
    inputs: tuple[object, ...]  # everything else its HTML is made from
    rendered: Chapter


class RenderCache:
    """`render` behaves as `render_chapters`. One entry per chapter of the book, replaced on
    change; used by the one thread that rebuilds."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self.renders = 0  # chapters really rendered (for tests)

    def render(self, chapters: list[ParsedChapter], numbering: Numbering,
               formatted: Formatted | None, language: str = "en-US",
               locale: Locale | None = None) -> tuple[Chapter, ...]:
        citations = dict(formatted.citations) if formatted else {}
        known, self._entries = self._entries, {}
        return tuple(self._chapter(known.get(chapter.slug), chapter, numbering, formatted,
                                   language, locale, citations) for chapter in chapters)

    def _chapter(self, entry: _Entry | None, chapter: ParsedChapter, numbering: Numbering,
                 formatted: Formatted | None, language: str, locale: Locale | None,
                 citations: dict[str, CitationText]) -> Chapter:
        same_nodes = entry is not None and entry.chapter.nodes is chapter.nodes
        xrefs = entry.xrefs if entry is not None and same_nodes else _xref_targets(chapter)
        inputs = (_inputs(chapter, xrefs, numbering, citations), language, locale)
        if entry is None or not same_nodes or entry.chapter != chapter or entry.inputs != inputs:
            rendered = render_chapters([chapter], numbering, formatted, language, locale)[0]
            entry = _Entry(chapter, xrefs, inputs, rendered)
            self.renders += 1
        self._entries[chapter.slug] = entry
        return entry.rendered


def _inputs(chapter: ParsedChapter, xrefs: tuple[str, ...], numbering: Numbering,
            citations: dict[str, CitationText]) -> tuple[object, ...]:
    """What the earlier stages decided that the chapter's HTML is made from."""
    marks = numbering.marks.get(chapter.slug, {})
    ids = sorted({mark.id for mark in marks.values() if mark.id is not None})
    notes = sorted({n for mark in marks.values() for n in (mark.number, mark.note)
                    if n is not None})
    return (
        marks,
        numbering.chapter_numbers[chapter.slug],
        numbering.headings[chapter.slug],
        tuple(numbering.targets.get(key) for key in xrefs),
        tuple(citations.get(ident) for ident in ids),
        tuple(numbering.note_locs.get(number) for number in notes),
    )


def _xref_targets(chapter: ParsedChapter) -> tuple[str, ...]:
    return tuple(sorted({node.meta.text("target") for node in _descendants(chapter.nodes)
                         if node.type == "xref"}))


def _descendants(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _descendants(node.children or ())
