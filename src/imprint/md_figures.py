"""Figures and table captions, in Pandoc's syntax.

A paragraph holding only an image becomes a figure whose caption is the image description;
a paragraph `: Caption {#tbl:id}` right after a table becomes that table's caption.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from imprint.attributes import split_trailing_attrs


def figures_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "figures", _figures)
    md.core.ruler.after("figures", "table_captions", _table_captions)


def _is_lone_image(tokens: list[Token], index: int) -> bool:
    if tokens[index].type != "paragraph_open" or index + 2 >= len(tokens):
        return False
    children = [c for c in tokens[index + 1].children or [] if c.type != "softbreak"]
    return len(children) == 1 and children[0].type == "image"


def _figures(state: StateCore) -> None:
    tokens = state.tokens
    for index in range(len(tokens) - 2):
        if not _is_lone_image(tokens, index):
            continue
        image = next(c for c in tokens[index + 1].children or [] if c.type == "image")
        opening = Token("figure_open", "figure", 1, map=tokens[index].map)
        opening.meta = {
            "src": image.attrGet("src") or "",
            "attrs": {k: str(v) for k, v in image.attrs.items() if k not in ("src", "alt")},
        }
        caption = tokens[index + 1]
        caption.children = image.children or []
        tokens[index] = opening
        tokens[index + 2] = Token("figure_close", "figure", -1)


def _table_captions(state: StateCore) -> None:
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        if tokens[index].type == "table_close" and _is_caption(tokens, index + 1):
            _attach_caption(tokens, index)
        index += 1


def _is_caption(tokens: list[Token], index: int) -> bool:
    return (
        index + 2 < len(tokens)
        and tokens[index].type == "paragraph_open"
        and tokens[index + 1].content.startswith(": ")
    )


def _attach_caption(tokens: list[Token], close_index: int) -> None:
    opening = close_index
    while tokens[opening].type != "table_open":
        opening -= 1
    inline = tokens[close_index + 2]
    children = inline.children or []
    if children and children[0].type == "text":
        children[0].content = children[0].content[2:]
    attrs: dict[str, str] = {}
    if children and children[-1].type == "text":
        children[-1].content, attrs = split_trailing_attrs(children[-1].content)
        children[-1].content = children[-1].content.rstrip()
    tokens[opening].meta["attrs"] = attrs
    caption = [Token("table_caption_open", "caption", 1), inline,
               Token("table_caption_close", "caption", -1)]
    del tokens[close_index + 1 : close_index + 4]
    tokens[opening + 1 : opening + 1] = caption
