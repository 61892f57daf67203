"""Pandoc's `line_blocks`: lines that start with `| ` keep their breaks and leading spaces.

For verse and addresses. A line starting with a space continues the line before it (joined
with a space); `|` alone is an empty line. Leading spaces become no-break spaces, as in
Pandoc, so the indentation prints. The block is Pandoc's `<div class="line-block">` with a
`<br />` between lines. It cannot interrupt a paragraph, and a pipe table (tried earlier)
wins over it, as in Pandoc.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore

LINE = re.compile(r"\|(?: (.*)|$)")
OPEN, CLOSE = "line_block_open", "line_block_close"


def line_blocks_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before("paragraph", "line_block", _line_block)
    md.core.ruler.after("inline", "line_breaks", _hard_breaks)


def _line_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start) or _line(state, start) is None:
        return False
    if silent:
        return True
    lines: list[str] = []
    line = start
    while line < end and not state.isEmpty(line):
        found = _line(state, line)
        if found is not None:
            lines.append(_keep_indent(found))
        elif lines and state.sCount[line] > state.blkIndent:  # a continuation line
            lines[-1] = f"{lines[-1]} {_text(state, line).strip()}"
        else:
            break
        line += 1
    opening = state.push(OPEN, "div", 1)
    opening.attrs["class"] = "line-block"
    opening.map = [start, line]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = "\n".join(lines), [start, line], []
    inline.meta["line_block"] = True
    state.push(CLOSE, "div", -1)
    state.line = line
    return True


def _text(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _line(state: StateBlock, line: int) -> str | None:
    """The text of a `| ` line at the block's indentation, else None."""
    found = LINE.fullmatch(_text(state, line))
    if found is None or state.sCount[line] > state.blkIndent:
        return None
    return found.group(1) or ""


def _keep_indent(text: str) -> str:
    stripped = text.lstrip(" ")
    return "\u00a0" * (len(text) - len(stripped)) + stripped.rstrip()


def _hard_breaks(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.meta.get("line_block"):
            for child in token.children or []:
                if child.type == "softbreak":
                    child.type, child.tag = "hardbreak", "br"
