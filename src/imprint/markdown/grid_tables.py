"""Pandoc's grid tables, traced cell by cell as Pandoc's gridtables library traces them.

A grid table is drawn with `+`, `-`, `|` (and `=` under the header, and over a footer). Each
cell is found by walking its border: right along the top to a `+`, down that column to a `+`,
left along the bottom and back up, so cells may span several rows or columns. Cells hold
blocks (paragraphs, lists); their text is handed back with one leading space removed, as
Pandoc removes it. Colons in the first line or the header separator (`+:===+====:+`) align the
columns. Checked against pandoc 3.9.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from imprint.markdown.table_text import COLUMNS, Align, Cell, Row, Table, char_width

# The first line: `+`, then runs of dashes (colons at either end) each closed by `+`.
FIRST_LINE = re.compile(r"\+(?::?-+:?\+)+[ \t]*")
# A table larger than this is not traced (tracing a hostile grid costs cubic time).
MAX_AREA = 200_000
PAD = ""  # the second column of a wide character
MISSING = None  # past the end of a short line

Grid = list[list[str | None]]


@dataclass(frozen=True)
class _Traced:
    top: int
    left: int
    bottom: int
    right: int
    lines: tuple[str, ...]


@dataclass
class _Trace:
    rows: set[int]
    cols: set[int]
    cells: list[_Traced]


def grid_table(lines: Sequence[str]) -> Table | None:
    """The grid table starting at `lines[0]`, or None."""
    if not lines or not FIRST_LINE.fullmatch(lines[0]):
        return None
    end = 1
    while end < len(lines) and lines[end][:1] in ("+", "|"):
        end += 1
    if end == 1:
        return None
    rows = [lines[0].rstrip(" \t"), *(line.rstrip() for line in lines[1:end])]
    if max(map(len, rows)) * len(rows) > MAX_AREA:
        return None
    return _table(_char_grid(rows), end)


def _char_grid(lines: list[str]) -> Grid:
    """One entry per column: a wide character takes two (the second is PAD), a zero-width
    character joins the character after it, and short lines are padded with MISSING."""
    rows: list[list[str | None]] = []
    for line in lines:
        row: list[str | None] = []
        pending = ""
        for char in line:
            if char_width(char) == 0:
                pending += char
                continue
            row.append(pending + char)
            pending = ""
            if char_width(char) == 2:
                row.append(PAD)
        if pending:
            row.append(pending)
        rows.append(row)
    width = max(len(row) for row in rows)
    return [row + [MISSING] * (width - len(row)) for row in rows]


def _col_specs(grid: Grid, row: int, fill: str) -> list[Align] | None:
    """The alignments of a border line drawn with `fill` (`-` or `=`), or None if the line is
    not one: `+`, then runs of `fill` (a colon may open or close each) closed by `+`."""
    line, last = grid[row], len(grid[row]) - 1
    if line[0] != "+":
        return None
    aligns: list[Align] = []
    at = 1
    while at < last:
        end = at + 1
        while end <= last and line[end] == fill:
            end += 1
        right = end + 1 <= last and line[end] == ":" and line[end + 1] == "+"
        if right:
            end += 1
        elif end > last or line[end] != "+":
            return None
        left = line[at] == ":"
        aligns.append(("center" if right else "left") if left else ("right" if right else ""))
        at = end + 1
    return aligns


def _table(grid: Grid, end: int) -> Table | None:
    separators = [(row, specs) for row in range(len(grid))
                  if (specs := _col_specs(grid, row, "=")) is not None]
    first = _col_specs(grid, 0, "-")
    for row in [0, *(row for row, _ in separators)]:
        grid[row] = ["-" if c in ("=", ":") else c for c in grid[row]]
    trace = _Tracer(grid).trace()
    if not trace.cells:
        return None
    rows, cols = sorted(trace.rows), sorted(trace.cols)
    widths = [b - a - 1 for a, b in itertools.pairwise(cols)]
    aligns = (separators[0][1] if separators else first or []) + [""] * len(widths)
    cells = _place(trace, rows, cols)
    head, foot = _parts(separators, rows)
    head_rows, body = cells[:head], cells[head:foot if foot is not None else len(cells)]
    if len(head_rows) == 1 and all(not c.text.strip() and c.rowspan == c.colspan == 1
                                   for c in head_rows[0]):
        head_rows = []  # Pandoc drops a header row of empty cells
    norm = max(sum(w + 1 for w in widths) + len(widths) - 2, COLUMNS)
    return Table(
        aligns=tuple(aligns[: len(widths)]),
        widths=tuple((w + 1) / norm for w in widths),
        head=tuple(head_rows), body=tuple(body),
        foot=tuple(cells[foot:]) if foot is not None else (),
        lines=end, blocks=True)


def _parts(separators: list[tuple[int, list[Align]]], rows: list[int]) -> tuple[int, int | None]:
    """How many rows the header holds, and where the footer starts (None: no footer)."""
    index = {row: at for at, row in enumerate(rows)}
    head = index.get(separators[0][0], 0) if separators else 0
    foot = None
    if len(separators) >= 2 and separators[-1][0] == rows[-1]:
        foot = index.get(separators[-2][0])
    return head, foot


def _place(trace: _Trace, rows: list[int], cols: list[int]) -> list[Row]:
    """The traced cells in their rows, with spans; a position no cell covers gets an empty
    cell, as Pandoc gives it. Where cells overlap (a wide character pushed a border out of
    line), the one nearer the top left wins, as in Pandoc."""
    r_index = {row: at for at, row in enumerate(rows)}
    c_index = {col: at for at, col in enumerate(cols)}
    slots: dict[tuple[int, int], Cell | None] = {}
    for traced in sorted(trace.cells, key=lambda c: (c.top, c.left), reverse=True):
        r, c = r_index[traced.top], c_index[traced.left]
        span_r, span_c = r_index[traced.bottom] - r, c_index[traced.right] - c
        for rr in range(r, r + span_r):
            for cc in range(c, c + span_c):
                slots[rr, cc] = None
        slots[r, c] = Cell(_cell_text(traced.lines), traced.top + 1, c, span_r, span_c)
    placed = []
    for r in range(len(rows) - 1):
        row = []
        for c in range(len(cols) - 1):
            if (r, c) not in slots:
                row.append(Cell("", rows[r] + 1, c))
            elif (cell := slots[r, c]) is not None:
                row.append(cell)
        placed.append(tuple(row))
    return placed


def _cell_text(lines: tuple[str, ...]) -> str:
    """The cell's lines, right-trimmed and without one leading space when every line has one
    (or is empty), as Pandoc hands them to its block parser."""
    trimmed = [line.rstrip() for line in lines]
    if all(line[:1] in ("", " ") for line in trimmed):
        trimmed = [line[1:] for line in trimmed]
    return "".join(line + "\n" for line in trimmed)


# --- tracing ---------------------------------------------------------------------------------


class _Tracer:
    """Pandoc's tracing over one grid. For each line, where the last character that cannot be
    part of a horizontal border (`+`, `-`) stands up to each column, and the same down each
    column for vertical borders (`+`, `|`): so checking a border is one look-up, and a hostile
    grid of thousands of `+` costs seconds, not minutes."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.last_col = len(grid[0]) - 1
        self.h_break = [_breaks(row, ("+", "-")) for row in grid]
        columns = [[row[col] for row in grid] for col in range(len(grid[0]))]
        self.v_break = [_breaks(column, ("+", "|")) for column in columns]

    def horizontal(self, row: int, start: int, end: int) -> bool:
        """Is `row` all `+` and `-` from `start` to `end` (inclusive)?"""
        return end < start or self.h_break[row][end] < start

    def vertical(self, col: int, start: int, end: int) -> bool:
        return end < start or self.v_break[col][end] < start

    def trace(self) -> _Trace:
        """Trace every cell from the top-left corner on; each cell found adds its top-right
        and bottom-left corners as the next cells' top-left corners."""
        trace = _Trace({0}, {0}, [])
        corners, done = [(0, 0)], set()
        while corners:
            top, left = heapq.heappop(corners)
            if (top, left) in done:
                continue
            done.add((top, left))
            found = self.scan_right(top, left)
            if found is None:
                continue
            (bottom, right), rows, cols = found
            trace.rows |= rows
            trace.cols |= cols
            trace.cells.append(_Traced(top, left, bottom, right,
                                       _lines(self.grid, top, left, bottom, right)))
            heapq.heappush(corners, (top, right))
            heapq.heappush(corners, (bottom, left))
        return trace

    def scan_right(self, top: int, left: int) -> _Found | None:
        """Along the top border to each `+`, then down from it; failing that, the last cell
        of a row whose right border is missing."""
        line = self.grid[top]
        cols: set[int] = set()
        failed = []
        col = left + 1
        while col < len(line) and line[col] in ("-", "+"):
            if line[col] == "+":
                cols.add(col)
                down = self.scan_down(top, left, col)
                if down is not None:
                    return down[0], down[1], cols | down[2]
                failed.append(col)
            col += 1
        # Pandoc tries each failed `+` from the right; only one right before the end of a
        # short line can be a row's last cell (past it the line is MISSING).
        return self.last_cell_in_row(top, left, failed[-1] + 1) if failed else None

    def scan_down(self, top: int, left: int, right: int) -> _Found | None:
        rows: set[int] = set()
        for row in range(top + 1, len(self.grid)):
            char = self.grid[row][right]
            if char == "+":
                rows.add(row)
                if (self.grid[row][left] == "+" and self.horizontal(row, left + 1, right - 1)
                        and self.vertical(left, top + 1, row - 1)):
                    return (row, right), rows | self._marks(left, top, row), \
                        {col for col in range(left + 1, right) if self.grid[row][col] == "+"}
            elif char != "|" and right != self.last_col:
                return None
        return None

    def _marks(self, col: int, top: int, bottom: int) -> set[int]:
        return {row for row in range(top + 1, bottom) if self.grid[row][col] == "+"}

    def last_cell_in_row(self, top: int, left: int, right: int) -> _Found | None:
        """A row's last cell without its right border: the first line below whose border
        runs from `left` to the end of the grid (or to where its line ends)."""
        if _at(self.grid, top, right) is not MISSING:
            return None
        for row in range(top + 1, len(self.grid)):
            line = self.grid[row]
            if line[left] == "+" and all(c in ("+", "-", MISSING) for c in line[left + 1:]):
                return (row, self.last_col), {row}, {self.last_col}
        return None


_Found: TypeAlias = "tuple[tuple[int, int], set[int], set[int]]"


def _breaks(line: Sequence[str | None], border: tuple[str, str]) -> list[int]:
    """For each position, the last position up to it holding no `border` character."""
    out, last = [], -1
    for at, char in enumerate(line):
        if char not in border:
            last = at
        out.append(last)
    return out


def _at(grid: Grid, row: int, col: int) -> str | None:
    if 0 <= row < len(grid) and 0 <= col < len(grid[row]):
        return grid[row][col]
    return "\n"  # outside the grid: matches no border character


def _lines(grid: Grid, top: int, left: int, bottom: int, right: int) -> tuple[str, ...]:
    return tuple("".join(c for c in grid[row][left + 1 : right] if c) for row in
                 range(top + 1, bottom))
