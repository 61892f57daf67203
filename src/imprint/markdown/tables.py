"""Tables as Pandoc reads them: pipe, simple, multiline and grid tables.

One block rule takes markdown-it's place for tables. It reads a pipe table with markdown-it's
own rule, adding the relative column widths Pandoc gives a pipe table too wide for a line, and
tries Pandoc's other kinds in Pandoc's order (multiline, simple without and with a header,
multiline without a header, grid). The tokens are markdown-it's table tokens, plus a
`colgroup` of `col`s when the columns have widths (`table_open.meta["widths"]`); a grid
table's cells hold block tokens, a cell of one paragraph printing without its <p> as in
Pandoc. What is no table is left to the other rules, as Pandoc leaves it: a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import overload

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table as pipe_rule
from markdown_it.token import Token
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from imprint.markdown.grid_tables import grid_table
from imprint.markdown.table_captions import table_captions
from imprint.markdown.table_fit import table_fit
from imprint.markdown.table_text import (
    COLUMNS,
    Cell,
    Row,
    Table,
    multiline_table,
    simple_table,
    text_width,
)

TAB_STOP = 4
# Pandoc's header rules come before its table rules: `Title` over `-----` (or `=====`) from
# the first column is a heading, and so is a line opening with `#`.
_SETEXT = re.compile(r"[-=]+[ \t]*")
_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")
# Pandoc's bullet lists come first of all: `-` and a space (or nothing) that is no rule.
_BULLET = re.compile(r" {0,3}[-+*](?:[ \t].*)?")
_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_PIPE_PART = re.compile(r"\s*(:?-+:?)\s*")
# Grid tables nest (a cell may hold a table); past this depth a cell's grid stays text.
MAX_DEPTH = 16
_DEPTH = "imprint_table_depth"


def tables_plugin(md: MarkdownIt) -> None:
    """Replace markdown-it's table rule (keeping its place and its `alt` list) and add the
    core rules: captions (after figures, which must be registered first), then the fit."""
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "table")
    md.block.ruler.at("table", _tables, {"alt": rule.alt})
    md.core.ruler.after("figures", "table_captions", table_captions)
    md.core.ruler.after("table_captions", "table_fit", table_fit)


def starts_table(state: StateBlock, line: int, end: int) -> bool:
    """Does a table of any kind start at `line`? (For rules that look ahead.)"""
    return _tables(state, line, end, True, anywhere=True)


def _tables(state: StateBlock, start: int, end: int, silent: bool, *,
            anywhere: bool = False) -> bool:
    if silent and not anywhere:
        return False  # a paragraph's end is looked for: in Pandoc no table interrupts one
    if pipe_rule(state, start, end, True):
        if not silent:
            pipe_rule(state, start, end, False)
            _pipe_widths(state, start)
        return True
    if not _may_start(state, start, end):
        return False
    lines = _Lines(state, start, end)
    if not lines or _yields(lines):  # none: the line is outside the enclosing list item
        return False
    table = read_table(lines)
    if table is None or silent:
        return table is not None
    depth = state.env.get(_DEPTH, 0)
    if table.blocks and depth >= MAX_DEPTH:
        return False
    _push_table(state, start, table)
    state.line = start + table.lines
    return True


def read_table(lines: Sequence[str]) -> Table | None:
    """The table at `lines[0]`, in Pandoc's order of trying; None if there is none."""
    return (multiline_table(lines, headless=False) or simple_table(lines, headless=True)
            or simple_table(lines, headless=False) or multiline_table(lines, headless=True)
            or grid_table(lines))


class _Lines(Sequence[str]):
    """The block's lines from `start`, read on demand: indentation of the enclosing block
    removed, tabs expanded, ending where a line falls outside the enclosing block."""

    def __init__(self, state: StateBlock, start: int, end: int) -> None:
        self.state, self.start = state, start
        if state.blkIndent > 0:  # inside a list item: up to its first line indented less
            end = next((n for n in range(start, end) if not state.isEmpty(n)
                        and state.sCount[n] < state.blkIndent), end)
        self.end = end
        self.cache: dict[int, str] = {}

    def __len__(self) -> int:
        return self.end - self.start

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index not in self.cache:
            line = self.start + index
            text = self.state.getLines(line, line + 1, self.state.blkIndent, False)
            self.cache[index] = text.expandtabs(TAB_STOP)
        return self.cache[index]

    def __iter__(self) -> Iterator[str]:
        return (self[i] for i in range(len(self)))


def _may_start(state: StateBlock, start: int, end: int) -> bool:
    """A cheap first look at the source: a dash or a `+` opening the first line, or a dash
    opening the second (each after its indentation)."""
    for line, openers in ((start, "-+"), (start + 1, "-")):
        at = state.bMarks[line] + state.tShift[line] if line < end else 0
        if line < end and at < state.eMarks[line] and state.src[at] in openers:
            return True
    return False


def _yields(lines: _Lines) -> bool:
    """What Pandoc reads before it tries a table: a bullet list, a setext or ATX heading, a
    YAML block."""
    first = lines[0]
    if len(lines) > 1 and first.strip() and _SETEXT.fullmatch(lines[1]):
        return True
    if _BULLET.fullmatch(first) and not _RULE.fullmatch(first):
        return True
    return bool(_ATX.match(first)) or _is_yaml(lines)


def _is_yaml(lines: _Lines) -> bool:
    """`---`, a YAML mapping (or invalid YAML) and `---` or `...`: Pandoc's metadata block."""
    if lines[0].rstrip() != "---" or len(lines) < 2 or not lines[1].strip():
        return False
    end = next((n for n in range(1, len(lines)) if lines[n].rstrip() in ("---", "...")), None)
    if end is None:
        return False
    try:
        data = YAML(typ="safe", pure=True).load("\n".join(lines[1:end]))
    except YAMLError:
        return True
    return isinstance(data, dict)


# --- tokens ----------------------------------------------------------------------------------


def _push_table(state: StateBlock, start: int, table: Table) -> None:
    opening = state.push("table_open", "table", 1)
    opening.map = [start, start + table.lines]
    if any(table.widths):
        opening.meta["widths"] = table.widths
        _push_colgroup(state, table.widths)
    parts = (("thead", table.head, "th"), ("tbody", table.body, "td"),
             ("tfoot", table.foot, "td"))
    for part, rows, cell_tag in parts:
        if rows:
            state.push(f"{part}_open", part, 1)
            for row in rows:
                _push_row(state, start, row, table, cell_tag)
            state.push(f"{part}_close", part, -1)
    state.push("table_close", "table", -1)


def _push_colgroup(state: StateBlock, widths: Sequence[float]) -> None:
    state.tokens.extend(colgroup(widths, state.level))


def colgroup(widths: Sequence[float], level: int) -> list[Token]:
    """Pandoc's <colgroup>: each column's share of the text width, in whole per cent."""
    tokens = [Token("colgroup_open", "colgroup", 1, level=level, block=True)]
    for width in widths:
        col = Token("col", "col", 0, level=level + 1, block=True)
        col.attrs = {"style": f"width: {int(width * 100)}%"}
        tokens.append(col)
    return [*tokens, Token("colgroup_close", "colgroup", -1, level=level, block=True)]


def _push_row(state: StateBlock, start: int, row: Row, table: Table, tag: str) -> None:
    line = start + (row[0].line if row else 0)
    state.push("tr_open", "tr", 1).map = [line, line + 1]
    for cell in row:
        opening = state.push(f"{tag}_open", tag, 1)
        align = table.aligns[cell.column] if cell.column < len(table.aligns) else ""
        opening.attrs = _cell_attrs(cell, align)
        if table.blocks:
            _push_blocks(state, cell, start + cell.line)
        else:
            _push_inline(state, cell, start + cell.line)
        state.push(f"{tag}_close", tag, -1)
    state.push("tr_close", "tr", -1)


def _cell_attrs(cell: Cell, align: str) -> dict[str, str | int | float]:
    attrs: dict[str, str | int | float] = {}
    if align:
        attrs["style"] = f"text-align:{align}"
    if cell.colspan > 1:
        attrs["colspan"] = str(cell.colspan)
    if cell.rowspan > 1:
        attrs["rowspan"] = str(cell.rowspan)
    return attrs


def _push_inline(state: StateBlock, cell: Cell, line: int) -> None:
    token = state.push("inline", "", 0)
    token.content = cell.text
    token.map = [line, line + 1]
    token.children = []


def _push_blocks(state: StateBlock, cell: Cell, line: int) -> None:
    """A grid cell's blocks, parsed as a document of their own and set into the table: their
    levels below the cell's, their lines the table's. A blank line goes first so that a cell
    opening with `---` is never read as front matter."""
    tokens: list[Token] = []
    state.env[_DEPTH] = state.env.get(_DEPTH, 0) + 1
    try:
        state.md.block.parse("\n" + cell.text, state.md, state.env, tokens)
    finally:
        state.env[_DEPTH] -= 1
    for token in tokens:
        token.level += state.level
        if token.map:
            token.map = [token.map[0] + line - 1, token.map[1] + line - 1]
    if [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
        tokens[0].hidden = tokens[2].hidden = True  # Pandoc's Plain: no <p>
    state.tokens.extend(tokens)


# --- pipe tables -----------------------------------------------------------------------------


def _pipe_widths(state: StateBlock, start: int) -> None:
    """Pandoc gives a pipe table relative widths, from the lengths of the separator's dash
    runs, when one of its rows is longer than a line (72 characters)."""
    opening = next(t for t in reversed(state.tokens) if t.type == "table_open")
    lines = _Lines(state, start, state.line)
    parts = _pipe_cells(lines[1])
    lengths = [len(m.group(1)) for part in parts if (m := _PIPE_PART.fullmatch(part))]
    rows = [_pipe_cells(lines[n])[: len(lengths)] for n in range(len(lines)) if n != 1]
    longest = max((sum(text_width(cell) for cell in row) for row in rows), default=0)
    if not lengths or longest + len(lengths) + 1 <= COLUMNS:
        return
    widths = tuple(length / sum(lengths) for length in lengths)
    opening.meta["widths"] = widths
    at = state.tokens.index(opening) + 1
    state.tokens[at:at] = colgroup(widths, opening.level + 1)


def _pipe_cells(line: str) -> list[str]:
    """A pipe table row's raw cells: the text between unescaped pipes, outer pipes dropped."""
    text = line.strip(" \t")
    cells = re.split(r"(?<!\\)\|", text)
    if text.startswith("|"):
        cells = cells[1:]
    if text.endswith("|") and not text.endswith("\\|") and cells:
        cells = cells[:-1]
    return cells
