"""Pandoc's `task_lists`: `- [ ] to do` and `- [x] done`.

Pandoc's HTML writes a disabled checkbox. A form control means nothing on paper and a reader
cannot tick it in an EPUB, so every edition prints the box as a character instead: ☐ (U+2610)
or ☒ (U+2612), which screen readers announce ("ballot box", "ballot box with X") and the
fidelity audits read as text on both sides. A bullet list of tasks has Pandoc's class
`task-list` (the house CSS drops the bullet there).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

# `[ ]`, `[x]` or `[X]` then a space and text: Pandoc's rule (`- [ ]` alone is no task).
BOX = re.compile(r"\[([ xX])\][ \t]+(?=\S)")
BOXES = {" ": "\u2610", "x": "\u2612", "X": "\u2612"}
CLASS = "task-list"


def task_lists_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "task_lists", _mark_tasks)
    md.core.ruler.after("inline", "task_boxes", _print_boxes)


def _mark_tasks(state: StateCore) -> None:
    """Before inline parsing, so `[x]` never becomes a link: take the box off the first
    paragraph of an item and keep it in the inline token's meta."""
    tokens = state.tokens
    lists: list[Token] = []  # the lists open at this point, innermost last
    for index, token in enumerate(tokens[:-2]):
        if token.type.endswith("_list_open"):
            lists.append(token)
        elif token.type.endswith("_list_close"):
            lists.pop()
        if token.type != "list_item_open" or tokens[index + 1].type != "paragraph_open":
            continue
        inline = tokens[index + 2]
        found = BOX.match(inline.content)
        if inline.type != "inline" or found is None:
            continue
        inline.content = inline.content[found.end():]
        inline.meta["task"] = BOXES[found.group(1)]
        if lists[-1].type == "bullet_list_open":  # as Pandoc: an ordered list keeps numbers
            lists[-1].attrs["class"] = CLASS


def _print_boxes(state: StateCore) -> None:
    for token in state.tokens:
        box = token.meta.get("task") if token.type == "inline" else None
        if box and token.children is not None:
            text = Token("text", "", 0)
            text.content = f"{box}\u00a0"  # the box never ends a line alone
            token.children.insert(0, text)
