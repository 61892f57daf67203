"""Pandoc attribute blocks `{#id .class key=value}`, parsed with mdit-py-plugins' parser."""

from __future__ import annotations

import re

from mdit_py_plugins.attrs.parse import ParseError, parse

TRAILING = re.compile(r"\s*(\{[^{}]*\})\s*$")


def parse_attrs(text: str) -> dict[str, str] | None:
    """`{#x .a .b k=v}` -> {'id': 'x', 'class': 'a b', 'k': 'v'}; None if malformed."""
    try:
        end, attrs = parse(text.strip())
    except ParseError:
        return None
    return attrs if end == len(text.strip()) - 1 else None


def split_trailing_attrs(text: str) -> tuple[str, dict[str, str]]:
    """'Title {#x}' -> ('Title', {'id': 'x'}); text without a valid trailing block is unchanged."""
    match = TRAILING.search(text)
    if not match:
        return text, {}
    attrs = parse_attrs(match.group(1))
    if attrs is None:
        return text, {}
    return text[: match.start()], attrs
