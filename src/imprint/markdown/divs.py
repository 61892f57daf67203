"""Pandoc fenced divs: `::: {.callout title="Key findings"}` … `:::`, nested with longer fences.

Built on mdit-py-plugins' container rule, which already handles nesting and closing fences;
we only accept Pandoc's attribute syntax and turn the info string into attributes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from imprint.markdown.attributes import parse_attrs

# Pandoc allows a row of colons after the opening fence's attributes (`::: {.box} :::`,
# `::: Warning ::::::`); they are decoration, not part of the class or the attribute block.
TRAILING_COLONS = re.compile(r"(?:\s|(?<=\})):+\s*$")


def divs_plugin(md: MarkdownIt) -> None:
    container_plugin(md, "div", validate=_is_div_info, render=_render_div)
    _mark_unclosed(md, "container_div")
    md.core.ruler.after("block", "div_attrs", _div_attrs)


def _mark_unclosed(md: MarkdownIt, name: str) -> None:
    """Set meta["unclosed"] on a div that runs to the end of its parent with no closing fence
    (Pandoc closes it there too, with a warning; the parse stage gives the same warning)."""
    rule = next(r for r in md.block.ruler.__rules__ if r.name == name)
    original = rule.fn

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        first = len(state.tokens)
        found = original(state, start, end, silent)
        if found and not silent:
            opening = state.tokens[first]
            # The rule leaves state.line after the closing fence, or at the end when none.
            opening.meta["unclosed"] = opening.map is not None and state.line == opening.map[1]
        return found

    md.block.ruler.at(name, wrapped, {"alt": rule.alt})


def _is_div_info(params: str, *_: Any) -> bool:
    info = _attributes_part(params)
    return bool(info) and (info.startswith("{") or info.replace("-", "").isalnum())


def _attributes_part(info: str) -> str:
    """The info string without the colons Pandoc allows after it: `::: {.box} :::`."""
    return TRAILING_COLONS.sub("", info).strip()


def _div_attrs(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "container_div_open":
            continue
        info = _attributes_part(token.info)
        attrs = parse_attrs(info) if info.startswith("{") else {"class": info}
        token.meta["attrs"] = attrs or {}
        token.meta["malformed"] = attrs is None


def _render_div(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</aside>\n" if token.meta.get("aside") else "</div>\n"
    return str(self.renderToken(tokens, idx, options, env))
