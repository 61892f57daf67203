"""Pandoc heading attributes: `## Title {#sec:id .class}` sets the heading's id and classes."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from imprint.markdown.attributes import split_trailing_attrs

# The optional closing sequence of an ATX heading. markdown-it removes it only at the end of
# the line, so before an attribute block `## Title ## {#id}` it stays in the title; Pandoc
# removes it there too. It must follow a space (or be all there is), as in CommonMark, so that
# `## C# {#x}` keeps its "C#" (Pandoc would print "C").
CLOSING_HASHES = re.compile(r"(?:(?<=\s)|^)#+\s*$")


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
        _strip_closing_hashes(inline, inline.children or [])
        for key, value in attrs.items():
            token.attrSet(key, value)


def _strip_closing_hashes(inline: Token, children: list[Token]) -> None:
    """`Background ##` -> `Background`, in the last text token and in the inline's source."""
    last = children[-1]
    match = CLOSING_HASHES.search(last.content)
    if match is None:
        return
    if match.start() == 0 and len(children) > 1 and not children[-2].content[-1:].isspace():
        return  # the hashes follow other inline content directly (`*C*#`): part of the title
    last.content = last.content[: match.start()].rstrip()
    inline.content = CLOSING_HASHES.sub("", inline.content).rstrip()
