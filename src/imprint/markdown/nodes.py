"""The parse stage's output as plain data: each markdown-it token, frozen.

markdown-it's `Token` is mutable, and its `meta` a dict any plugin may write, so a stage that
held one could change what an earlier stage decided. A `Node` holds the same fields as frozen
plain data (tuples, strings, numbers, `CiteItem`s and `FrozenMap`s), so the numbering stage can
only read it, and the parse cache can share it. The parse stage makes Nodes from its tokens
(`parse.freeze`); the render stage makes fresh tokens from them (`render.thaw`). This module
needs no markdown-it: the stages after parsing read Nodes without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeAlias

from imprint.book.model import CiteItem

AttrValue: TypeAlias = "str | int | float"
# What a plugin may leave in a token's meta, frozen: mappings become FrozenMaps.
Value: TypeAlias = "str | int | float | bool | CiteItem | FrozenMap | tuple[Value, ...] | None"


@dataclass(frozen=True)
class FrozenMap(Mapping[str, Value]):
    """A read-only mapping kept as (key, value) pairs in insertion order (as a dict keeps
    them), so it can be hashed, compared and pickled like the rest of the data."""

    pairs: tuple[tuple[str, Value], ...] = ()

    def __getitem__(self, key: str) -> Value:
        for name, value in self.pairs:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def text(self, key: str, default: str = "") -> str:
        """The string under `key`, or `default` when there is none."""
        value = self.get(key)
        return value if isinstance(value, str) else default

    def integer(self, key: str) -> int | None:
        value = self.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def mapping(self, key: str) -> FrozenMap | None:
        value = self.get(key)
        return value if isinstance(value, FrozenMap) else None


@dataclass(frozen=True)
class Node:
    """One markdown-it token as plain data; the fields are `markdown_it.token.Token`'s."""

    type: str
    tag: str
    nesting: Literal[-1, 0, 1]
    attrs: tuple[tuple[str, AttrValue], ...] = ()
    map: tuple[int, int] | None = None  # 0-based [first line, line after the block)
    level: int = 0
    # None and () differ as they do for a token: only inline tokens and images have children.
    children: tuple[Node, ...] | None = None
    content: str = ""
    markup: str = ""
    info: str = ""
    meta: FrozenMap = FrozenMap()
    block: bool = False
    hidden: bool = False

    def attr(self, name: str) -> AttrValue | None:
        return next((value for key, value in self.attrs if key == name), None)


# Where a node stands in its chapter: (block index,) or (block index, child index). The
# numbering stage's decisions are keyed by it, so they never have to be written on the nodes.
Address: TypeAlias = "tuple[int, ...]"


class Mapped(Protocol):
    """A frozen Node, or a markdown-it Token while the parse stage still holds tokens."""

    @property
    def map(self) -> Sequence[int] | None: ...


def line_of(node: Mapped) -> int:
    """1-based line of a block node or token (markdown-it maps are 0-based); 0 without a map."""
    return node.map[0] + 1 if node.map else 0


def walk_inline(nodes: tuple[Node, ...]) -> Iterator[tuple[Address, Node, Node]]:
    """(address, block inline node, child) triples in reading order."""
    for index, node in enumerate(nodes):
        for at, child in enumerate(node.children or ()):
            yield (index, at), node, child
