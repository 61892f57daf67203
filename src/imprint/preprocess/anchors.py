"""Ids the editions print, and the internal links that point at them.

An author links to a heading by the id Pandoc gives it (`[see](#some-heading)`), to a figure or
table by the id written for it (`#fig:x`). The editions need ids that are XML ids and unique in
the whole book (the PDF is one document), so the id written and the anchor printed may differ:
this registry keeps both, per chapter, and resolves each `#…` link to its anchor. A link means
its own chapter's heading first (as Pandoc, run on that chapter, would read it), then the first
in the book with that id, then the anchor printed under that name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from imprint.markdown.nodes import Node

# XML 1.0's NameStartChar and NameChar (fifth edition): an id made of anything else is refused
# by XML tools, and a few letters and digits Pandoc keeps (`ª`, `²`, `µ`) are not among them.
_START = ("A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
          "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
          "\U00010000-\U000effff")
_NAME = _START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
_NOT_NAME = re.compile(f"[^{_NAME}]")
_NAME_START = re.compile(f"[{_START}]")


def xml_id(ident: str) -> str:
    """`ident` as an XML id: a character no XML name may hold becomes `-`, and an id that
    cannot start one gets `x` in front (Pandoc's own ids always start with a letter)."""
    safe = _NOT_NAME.sub("-", ident)
    return safe if _NAME_START.match(safe) else f"x{safe}"


@dataclass
class Anchors:
    """Which anchors are taken, and what each id written in a chapter stands for."""

    # Anchors printed so far, and those of ids the author wrote anywhere (held from the start,
    # so a heading's automatic id never takes one a later chapter gives in `{#…}`).
    taken: set[str] = field(default_factory=set)
    written: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> id -> anchor
    book: dict[str, str] = field(default_factory=dict)  # id -> anchor of its first holder
    auto: dict[str, set[str]] = field(default_factory=dict)  # slug -> its headings' ids
    printed: set[str] = field(default_factory=set)  # every anchor registered

    def hold(self, anchors: Iterable[str]) -> None:
        self.taken.update(anchors)

    def register(self, chapter: str, written: str, anchor: str, *, heading: bool = False) -> None:
        """`written` (an id as the author wrote it, or Pandoc's for a heading) prints as
        `anchor`; a heading's id also counts for Pandoc's numbering of duplicate ids."""
        self.taken.add(anchor)
        self.printed.add(anchor)
        self.written.setdefault(chapter, {}).setdefault(written, anchor)
        self.book.setdefault(written, anchor)
        if heading:
            self.auto.setdefault(chapter, set()).add(written)

    def pandoc_id(self, chapter: str, base: str) -> str:
        """The id Pandoc gives a heading of this text in this chapter: `base`, or `base-1`,
        `base-2`, … when an earlier heading of the chapter holds it."""
        used = self.auto.get(chapter, set())
        return _first_free(base, used.__contains__)

    def free(self, ident: str, reserved: Callable[[str], bool]) -> str:
        """`ident`, or `ident-1`, `ident-2`, …: the first anchor neither taken nor reserved."""
        return _first_free(ident, lambda name: name in self.taken or reserved(name))

    def resolve(self, chapter: str, href: str) -> str | None:
        """The anchor a link `#…` in `chapter` points at, or None when nothing holds it."""
        ident = unquote(href.removeprefix("#"))
        local = self.written.get(chapter, {})
        if ident in local:
            return local[ident]
        if ident in self.book:
            return self.book[ident]
        # An id as printed: the book's second "Introduction" is `introduction-1`, as Pandoc
        # names it when the chapters are given to it together.
        return ident if ident in self.printed else None


def _first_free(base: str, taken: Callable[[str], bool]) -> str:
    ident, number = base, 0
    while taken(ident):
        number += 1
        ident = f"{base}-{number}"
    return ident


def explicit_ids(nodes: Iterable[Node]) -> Iterator[str]:
    """Every id the author wrote in `nodes` (`{#…}` on a heading, span, link, image, figure,
    table, div or code block), as written."""
    for node in nodes:
        for item in (node, *(node.children or ())):
            ident = item.attr("id")
            if ident:
                yield str(ident)
            attrs = item.meta.mapping("attrs")
            if attrs is not None and attrs.text("id"):
                yield attrs.text("id")
