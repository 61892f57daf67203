"""The print edition's pages as plain data both editions read: where each page begins (for
the EPUB's page list) and the cover image, so the EPUB never imports the PDF's layout code.

A position is stored as "before the k-th non-space character inside the element with id X".
Counting only non-space characters makes it independent of whitespace, markup and the EPUB's
split into files; a chain of anchors (nearest first, then the top-level block by class)
survives ids that only one edition has.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from imprint.book.model import Diagnostic

SPACE = frozenset(" \t\n\r\f")


def count_text(text: str | None) -> int:
    """Characters that count for a position: every one except HTML whitespace."""
    return sum(char not in SPACE for char in text or "")


@dataclass(frozen=True)
class Anchor:
    key: str  # an element id, or ".class" naming a top-level block (front matter lacks ids)
    offset: int  # non-space characters inside that element before the position


@dataclass(frozen=True)
class PageStart:
    label: str  # the folio as printed: "iv", "23"
    anchors: tuple[Anchor, ...] = ()  # nearest first; empty when the page is blank
    tag: str = ""  # set when the page opens with an element (an image) rather than text


@dataclass(frozen=True)
class PageMap:
    pages: tuple[PageStart, ...]

    def as_data(self) -> list[dict[str, Any]]:
        """Plain lists and dicts, for the JSON layout cache."""
        return [asdict(page) for page in self.pages]

    @classmethod
    def from_data(cls, data: list[dict[str, Any]]) -> PageMap:
        return cls(tuple(
            PageStart(p["label"], tuple(Anchor(**a) for a in p["anchors"]), p["tag"])
            for p in data
        ))


@dataclass(frozen=True)
class PrintLayout:
    """What the EPUB takes from the print edition: its page starts and its cover."""

    pages: PageMap
    cover_png: bytes
    warnings: tuple[Diagnostic, ...] = ()
