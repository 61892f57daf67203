"""Pandoc's block boundaries where CommonMark's differ and would change what the author wrote.

- A list, an ATX heading and a block quote need a blank line before them: in CommonMark they
  interrupt a paragraph, so a wrapped line that happens to start with "1. ", "- ", "# " or "> "
  turns prose into a list, a heading or a quote. Pandoc keeps such a line in the paragraph,
  and so do we. Inside a list item a list may still interrupt a paragraph (Pandoc's `inList`
  rule), which is how the next item and a sublist without a blank line work.
- A bullet list continues when the bullet changes (`-` then `*`), as in Pandoc; CommonMark
  starts a second list there.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# The terminator checks a rule answers as: a paragraph's (the line would end it) and a block
# quote's (the line would end it instead of being a lazy continuation of its paragraph).
INTERRUPTING = ("paragraph", "blockquote")
# A source line with nothing but block quote markers and spaces: a blank line inside a quote.
BLANK_LINE = re.compile(r"[\s>]*")


def blocks_plugin(md: MarkdownIt) -> None:
    _no_interruption(md, "heading", in_list=False)
    _no_interruption(md, "blockquote", in_list=False)
    _no_interruption(md, "list", in_list=True)
    md.core.ruler.after("block", "bullet_lists", _join_bullet_lists)


def _no_interruption(md: MarkdownIt, name: str, *, in_list: bool) -> None:
    """Wrap rule `name` so it no longer ends a paragraph (or a quote's lazy paragraph), except,
    when `in_list`, inside a list item. Its place and its `alt` list stay as they were."""
    rule = next(r for r in md.block.ruler.__rules__ if r.name == name)
    original = rule.fn

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        # Only a terminator check runs a rule silently with one of these parent types.
        # markdown-it sets listIndent (>= 0) for the content of a list item, at any depth.
        interrupting = silent and state.parentType in INTERRUPTING
        if interrupting and not (in_list and state.listIndent >= 0):
            return False
        return original(state, start, end, silent)

    md.block.ruler.at(name, wrapped, {"alt": rule.alt})


def _join_bullet_lists(state: StateCore) -> None:
    """Merge a bullet list into the one just before it: markdown-it ends a list where the bullet
    changes, and nothing else can make two bullet lists adjacent."""
    tokens = state.tokens
    lines = state.src.split("\n")
    index = 1
    while index < len(tokens):
        closing, opening = tokens[index - 1], tokens[index]
        if closing.type == "bullet_list_close" and opening.type == "bullet_list_open":
            first, level = _opening_of(tokens, index - 1), opening.level
            # Pandoc: one blank line between any two items makes the whole list loose.
            loose = bool(opening.map and _blank_before(lines, opening.map[0])) or not (
                _is_tight(tokens, first, level) and _is_tight(tokens, index, level))
            start = tokens[first].map
            if start and opening.map:
                start[1] = opening.map[1]
            del tokens[index - 1 : index + 1]
            if loose:
                _loosen(tokens, first, level)
            continue
        index += 1


def _opening_of(tokens: list[Token], close_index: int) -> int:
    """The index of the bullet_list_open that the bullet_list_close at `close_index` ends."""
    level = tokens[close_index].level
    index = close_index - 1
    while not (tokens[index].type == "bullet_list_open" and tokens[index].level == level):
        index -= 1
    return index


def _blank_before(lines: list[str], line: int) -> bool:
    """Is the source line before `line` blank (a blank line between the two lists)?"""
    return line > 0 and BLANK_LINE.fullmatch(lines[line - 1]) is not None


def _items(tokens: list[Token], start: int, level: int) -> range:
    """The indexes of the list opened at `start`, up to its closing token."""
    end = start + 1
    while not (tokens[end].type == "bullet_list_close" and tokens[end].level == level):
        end += 1
    return range(start, end)


def _is_tight(tokens: list[Token], start: int, level: int) -> bool:
    """markdown-it hides the paragraphs of a tight list's items (level + 2: list, item, p)."""
    return all(tokens[i].hidden for i in _items(tokens, start, level)
               if tokens[i].type == "paragraph_open" and tokens[i].level == level + 2)


def _loosen(tokens: list[Token], start: int, level: int) -> None:
    for i in _items(tokens, start, level):
        if tokens[i].type in ("paragraph_open", "paragraph_close") and \
                tokens[i].level == level + 2:
            tokens[i].hidden = False
