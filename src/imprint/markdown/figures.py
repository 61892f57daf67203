"""Figures, in Pandoc's syntax.

A paragraph holding only an image with a description becomes a figure whose caption is that
description. (Table captions are in `table_captions`.)
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token


def figures_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "figures", _figures)


def _is_lone_image(tokens: list[Token], index: int) -> bool:
    """A paragraph holding one image with a description: Pandoc's figure. Without a
    description (`![](x.svg){#fig:x}`) Pandoc keeps an inline image, and so do we."""
    if tokens[index].type != "paragraph_open" or index + 2 >= len(tokens):
        return False
    children = [c for c in tokens[index + 1].children or [] if c.type != "softbreak"]
    return len(children) == 1 and children[0].type == "image" and _described(children[0])


def _described(image: Token) -> bool:
    return any(c.type != "text" or c.content.strip() for c in image.children or [])


def _figures(state: StateCore) -> None:
    tokens = state.tokens
    for index in range(len(tokens) - 2):
        if not _is_lone_image(tokens, index):
            continue
        image = next(c for c in tokens[index + 1].children or [] if c.type == "image")
        opening = Token("figure_open", "figure", 1, map=tokens[index].map)
        opening.meta = {
            "src": image.attrGet("src") or "",
            # markdown-it's own `alt` is empty; one that is not came from `{alt="…"}`.
            "attrs": {k: str(v) for k, v in image.attrs.items()
                      if k != "src" and (k != "alt" or v)},
        }
        caption = tokens[index + 1]
        caption.children = image.children or []
        tokens[index] = opening
        tokens[index + 2] = Token("figure_close", "figure", -1)

