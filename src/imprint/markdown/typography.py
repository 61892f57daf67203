"""Pandoc's `smart` typography instead of markdown-it's `replacements`.

markdown-it's rule also rewrites `(c)` to ©, `+-` to ±, `??????` to `???` and `,,` to `,`, and
turns two dots into an ellipsis: text the author did not write. Pandoc changes only dashes and
ellipses (and quotes, which markdown-it's `smartquotes` handles); a straight apostrophe that no
quote pairs with is an apostrophe, as in `'90s`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_DASHES = (
    (re.compile(r"(^|[^-])---(?=[^-]|$)", re.MULTILINE), "\\1\u2014"),
    (re.compile(r"(^|[^-])--(?=[^-]|$)", re.MULTILINE), "\\1\u2013"),
    (re.compile(r"\.\.\."), "\u2026"),
)


def typography_plugin(md: MarkdownIt) -> None:
    md.disable("replacements")
    md.core.ruler.before("smartquotes", "pandoc_dashes", _dashes)
    md.core.ruler.after("smartquotes", "pandoc_apostrophes", _apostrophes)


def _dashes(state: StateCore) -> None:
    def replace(text: str) -> str:
        for pattern, replacement in _DASHES:
            text = pattern.sub(replacement, text)
        return text

    _each_text(state, replace)


def _apostrophes(state: StateCore) -> None:
    _each_text(state, lambda text: text.replace("'", "\u2019"))


def _each_text(state: StateCore, change: Callable[[str], str]) -> None:
    """Apply `change` to every plain text token outside autolinks (escapes stay as written)."""
    if not state.md.options.typographer:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        in_autolink = False
        for token in block.children:
            if token.type == "link_open" and token.info == "auto":
                in_autolink = True
            elif token.type == "link_close" and token.info == "auto":
                in_autolink = False
            elif token.type == "text" and not in_autolink:
                token.content = change(token.content)
