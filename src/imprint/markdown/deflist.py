"""Pandoc definition lists: mdit-py-plugins' `deflist` rule, redone where Pandoc differs.

- A definition is loose (its paragraphs printed as <p>) when a blank line comes before its
  marker or separates its blocks; otherwise tight. Pandoc decides this per definition;
  markdown-it decided it for the whole list and ignored the blank line before the marker.
- The definition's body is indented to its text (`:   Text` -> 4), at most four columns, as
  Pandoc strips four: a code block indented 8 spaces under `:   Text` is `make pdf`, not
  `  make pdf` (markdown-it took two columns for every definition).
- `Term`, a blank line, then `: Caption` and a table is a paragraph and a table's caption, not
  a definition list (Pandoc's "don't capture table caption as def list").
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from imprint.markdown.tables import starts_table

MARKERS = (":", "~")
BODY_INDENT = 4  # Pandoc's tab stop: how far a definition's later blocks are indented


def pandoc_deflist_plugin(md: MarkdownIt) -> None:
    """Replace the rule that mdit-py-plugins' deflist_plugin registered (use that first; this
    keeps its place among the block rules and its `alt` list)."""
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "deflist")
    md.block.ruler.at("deflist", _deflist, {"alt": rule.alt})


def _marker_end(state: StateBlock, line: int) -> int:
    """The position after a `:` or `~` marker followed by a space and some text, else -1.
    A marker indented four columns or more is code, as in Pandoc (`    : x` is not a term's)."""
    start = state.bMarks[line] + state.tShift[line]
    maximum = state.eMarks[line]
    if state.sCount[line] - state.blkIndent >= 4:
        return -1
    if start >= maximum or state.src[start] not in MARKERS:
        return -1
    after = state.skipSpaces(start + 1)
    return start + 1 if start + 1 < after < maximum else -1


def _deflist(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.is_code_block(start):
        return False
    if silent:
        # As a terminator: only a further definition inside a definition ends its paragraph.
        return state.ddIndent >= 0 and _marker_end(state, start) >= 0
    dd_line = _definition_line(state, start, end)
    if dd_line is None or _is_table_caption(state, start, dd_line, end):
        return False
    opening = state.push("dl_open", "dl", 1)
    opening.map = [start, 0]
    dt_line, line = start, start
    while dd_line is not None:
        _term(state, dt_line)
        line = dd_line
        while line < end and _marker_end(state, line) >= 0:
            line = _definition(state, line, end)
            if line < end and state.sCount[line] < state.blkIndent:
                break
        if line >= end or state.isEmpty(line) or state.sCount[line] < state.blkIndent:
            break
        dt_line, dd_line = line, _definition_line(state, line, end)
    state.push("dl_close", "dl", -1)
    opening.map[1] = state.line = line
    return True


def _definition_line(state: StateBlock, term: int, end: int) -> int | None:
    """The line of the first definition of the term at `term`: the next line, or the one after
    a blank line."""
    line = term + 1
    if line < end and state.isEmpty(line):
        line += 1
    if line >= end or state.sCount[line] < state.blkIndent or _marker_end(state, line) < 0:
        return None
    return line


def _is_table_caption(state: StateBlock, term: int, dd_line: int, end: int) -> bool:
    """After a blank line, `: Caption` with a table after its paragraph and blank lines is
    that table's caption (table_captions attaches it)."""
    if dd_line == term + 1:
        return False
    line = dd_line
    while line < end and not state.isEmpty(line):
        line += 1
    if line == end:
        return False
    while line < end and state.isEmpty(line):
        line += 1
    return line < end and starts_table(state, line, end)


def _term(state: StateBlock, line: int) -> None:
    state.push("dt_open", "dt", 1).map = [line, line]
    token = state.push("inline", "", 0)
    token.map = [line, line]
    token.content = state.getLines(line, line + 1, state.blkIndent, False).strip()
    token.children = []
    state.push("dt_close", "dt", -1)


def _definition(state: StateBlock, line: int, end: int) -> int:
    """Push one definition starting at `line`; return the line after it."""
    opening = state.push("dd_open", "dd", 1)
    opening.map = [line, 0]
    first = len(state.tokens)
    blank_before = state.isEmpty(line - 1)
    content, column = _content_start(state, line)
    saved = (state.tight, state.ddIndent, state.blkIndent, state.tShift[line],
             state.sCount[line], state.parentType)
    state.blkIndent = state.ddIndent = min(column, state.sCount[line] + BODY_INDENT)
    state.tShift[line] = content - state.bMarks[line]
    state.sCount[line] = column
    state.tight, state.parentType = True, "deflist"
    state.md.block.tokenize(state, line, end)
    loose = blank_before or not state.tight
    (state.tight, state.ddIndent, state.blkIndent, state.tShift[line], state.sCount[line],
     state.parentType) = saved
    if not loose:
        _hide_paragraphs(state.tokens, first, opening.level + 1)
    state.push("dd_close", "dd", -1)
    opening.map[1] = state.line
    return state.line


def _content_start(state: StateBlock, line: int) -> tuple[int, int]:
    """The position of the definition's text on its marker line, and the column it is at."""
    pos = _marker_end(state, line)
    column = state.sCount[line] + pos - (state.bMarks[line] + state.tShift[line])
    while pos < state.eMarks[line] and state.src[pos] in " \t":
        column += 4 - column % 4 if state.src[pos] == "\t" else 1
        pos += 1
    return pos, column


def _hide_paragraphs(tokens: list[Token], first: int, level: int) -> None:
    """A tight definition: its own paragraphs print without <p> (nested ones keep theirs)."""
    for token in tokens[first:]:
        if token.type in ("paragraph_open", "paragraph_close") and token.level == level:
            token.hidden = True
