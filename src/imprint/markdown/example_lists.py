"""Pandoc's `example_lists`: `(@)` and `(@label)` items numbered on through the chapter.

fancy_lists.py reads the markers (`(@)`, `@.`, `@)`, with or without a label); this numbers
every example item in reading order, so a second example list goes on where the first
stopped, and gives each list its `start`. `@label` in the text (and `(@label)`) then prints
the number of its example, as in Pandoc; an `@name` that labels no example stays a citation.
Numbers run through one chapter: each chapter is parsed on its own.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from imprint.markdown.fancy_lists import DECIMAL, list_style

LABELS = "imprint_examples"  # env: example label -> its number
LABEL = re.compile(r"@([\w-]+)")
MARKER = re.compile(r"\(?@([\w-]*)")


def example_lists_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "example_numbers", _number_examples)
    md.inline.ruler.before("citation_bracket", "example_ref", _example_reference)


def _number_examples(state: StateCore) -> None:
    labels: dict[str, int] = state.env.setdefault(LABELS, {})
    count = 0
    for index, token in enumerate(state.tokens):
        if token.type != "ordered_list_open" or token.attrs.get("class") != "example":
            continue
        for item in _items(state.tokens, index):
            count += 1
            found = MARKER.match(item.info)
            if found and found.group(1):
                labels.setdefault(found.group(1), count)  # the first wins, as in Pandoc
            item.meta["number"] = count
            if item is state.tokens[index + 1] and count != 1:
                token.attrs["start"] = count
                token.attrs["style"] = list_style(DECIMAL, count)


def _items(tokens: list[Token], start: int) -> list[Token]:
    """The direct items of the list opened at `start`."""
    level = tokens[start].level + 1
    found = []
    for token in tokens[start + 1:]:
        if token.type == "ordered_list_close" and token.level == level - 1:
            break
        if token.type == "list_item_open" and token.level == level:
            found.append(token)
    return found


def _example_reference(state: StateInline, silent: bool) -> bool:
    """`@label` of an example, not inside a word (as a citation key): its number."""
    pos = state.pos
    found = LABEL.match(state.src, pos) if state.src[pos] == "@" else None
    number = state.env.get(LABELS, {}).get(found.group(1)) if found else None
    if found is None or number is None or (pos > 0 and state.src[pos - 1].isalnum()):
        return False
    if not silent:
        state.push("text", "", 0).content = str(number)
    state.pos = found.end()
    return True
