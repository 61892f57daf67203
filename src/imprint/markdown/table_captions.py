"""Table captions, in Pandoc's syntax (`table_captions`).

A paragraph `: Caption {#tbl:id}` (or `Table: Caption`, `table: Caption`) right after a table,
or right before it with a blank line between, becomes that table's caption; its trailing
attributes become the table's (`#tbl:id`, `source="…"`). The caption's tokens go right after
`table_open`, before any `colgroup`, as <caption> must come first in a table.
"""

from __future__ import annotations

import unicodedata

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from imprint.markdown.attributes import split_trailing_attrs


def table_captions(state: StateCore) -> None:
    """Pandoc's caption may stand before the table or after it; a table whose caption came
    before it takes none after it, so that paragraph is free for the next table."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_open" and _is_front_caption(tokens, index - 3, token):
            _attach_caption(tokens, index, index - 3)
            index -= 3  # the caption's paragraph, before the table, is gone
        elif token.type == "table_close" and _is_caption(tokens, index + 1, token.level):
            opening = _table_of(tokens, index)
            if tokens[opening + 1].type != "table_caption_open":
                _attach_caption(tokens, opening, index + 1)
        index += 1


def caption_marker(text: str) -> int:
    """The length of a caption's marker, 0 if `text` is no caption. Pandoc's markers: `Table:`,
    `table:`, or `:` not followed by punctuation (`:Caption` needs no space; `:)` is no caption)."""
    for marker in ("Table:", "table:"):
        if text.startswith(marker):
            return len(marker) if text[len(marker) :].strip() else 0
    following = text[1:2]
    if not text.startswith(":") or not following or unicodedata.category(following)[0] == "P":
        return 0
    return 1 if text[1:].strip() else 0


def _is_caption(tokens: list[Token], index: int, level: int) -> bool:
    return (
        index >= 0
        and index + 2 < len(tokens)
        and tokens[index].type == "paragraph_open"
        and tokens[index].level == level
        and caption_marker(tokens[index + 1].content) > 0
    )


def _is_front_caption(tokens: list[Token], index: int, table: Token) -> bool:
    """A caption paragraph right before the table, a blank line between them (Pandoc's front
    caption ends with a blank line; without one the table interrupted a paragraph)."""
    if not _is_caption(tokens, index, table.level):
        return False
    paragraph = tokens[index]
    return bool(paragraph.map and table.map and paragraph.map[1] < table.map[0])


def _table_of(tokens: list[Token], close_index: int) -> int:
    """The `table_open` of the `table_close` at `close_index` (tables nest in grid cells)."""
    depth, opening = 0, close_index
    while True:
        opening -= 1
        kind = tokens[opening].type
        if kind == "table_close":
            depth += 1
        elif kind == "table_open":
            if depth == 0:
                return opening
            depth -= 1


def _attach_caption(tokens: list[Token], opening: int, paragraph: int) -> None:
    """Move the caption paragraph at `paragraph` into the table opened at `opening`."""
    inline = tokens[paragraph + 1]
    children = inline.children or []
    if children and children[0].type == "text":
        marker = caption_marker(inline.content)
        children[0].content = children[0].content[marker:].lstrip()
    attrs: dict[str, str] = {}
    if children and children[-1].type == "text":
        children[-1].content, attrs = split_trailing_attrs(children[-1].content)
        children[-1].content = children[-1].content.rstrip()
    tokens[opening].meta["attrs"] = attrs
    level = tokens[opening].level + 1
    caption = [Token("table_caption_open", "caption", 1, level=level), inline,
               Token("table_caption_close", "caption", -1, level=level)]
    del tokens[paragraph : paragraph + 3]
    if paragraph < opening:
        opening -= 3
    tokens[opening + 1 : opening + 1] = caption
