"""Pandoc heading attributes: `## Title {#sec:id .class}` sets the heading's id and classes."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from imprint.attributes import split_trailing_attrs


def heading_attrs_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "heading_attrs", _heading_attrs)


def _heading_attrs(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        last = inline.children[-1] if inline.children else None
        if last is None or last.type != "text":
            continue
        text, attrs = split_trailing_attrs(last.content)
        if not attrs:
            continue
        last.content = text.rstrip()
        inline.content = split_trailing_attrs(inline.content)[0].rstrip()
        for key, value in attrs.items():
            token.attrSet(key, value)
