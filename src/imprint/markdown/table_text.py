"""Pandoc's simple and multiline tables, read from plain lines (no markdown-it here).

Both kinds are laid out by a line of dashes under the header: each run of dashes is a column,
the text above it decides the column's alignment (flush left with the dashes: left; flush
right: right; inside them: centred; both flush: default), and in a multiline table the runs'
lengths give the relative column widths. Columns are cut at character positions, counting an
East Asian wide character as two, exactly as Pandoc cuts them (checked against pandoc 3.9):
text that strays across a column's edge is cut there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

Align: TypeAlias = Literal["", "left", "right", "center"]

# Pandoc's `--columns`: the width, in characters, that relative column widths are taken of.
COLUMNS = 72
# A run of dashes and the spaces after it, after at most three spaces of indentation.
_DASH_LINE = re.compile(r"( {0,3})((?:-+[ \t]*)+)")
_DASH_RUN = re.compile(r"-+[ \t]*")


@dataclass(frozen=True)
class Cell:
    """One cell's source: a line of inlines (simple and multiline tables, lines joined by line
    breaks) or blocks (grid tables); `line` is its first line, counted from the table's."""

    text: str
    line: int
    column: int  # the first column it stands in
    rowspan: int = 1
    colspan: int = 1


Row: TypeAlias = "tuple[Cell, ...]"


@dataclass(frozen=True)
class Table:
    """A table as Pandoc reads it: column alignments and relative widths (0.0: none given),
    header, body and footer rows, and how many source lines it takes."""

    aligns: tuple[Align, ...]
    widths: tuple[float, ...]
    head: tuple[Row, ...]
    body: tuple[Row, ...]
    lines: int
    foot: tuple[Row, ...] = ()
    blocks: bool = False  # cells hold blocks (grid tables), not one run of inlines


def char_width(char: str) -> int:
    """Columns a character takes in plain text: 2 for East Asian wide ones, 0 for marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def split_columns(line: str, indices: Sequence[int]) -> list[str]:
    """`line` cut at the columns `indices` (Pandoc's splitTextByIndices): each piece takes
    characters until it has filled its width, so a wide character across an edge stays whole
    and pushes the following edges along."""
    pieces, at = [], 0
    for width in (b - a for a, b in zip((0, *indices), indices, strict=False)):
        start = at
        while width > 0 and at < len(line):
            width -= char_width(line[at])
            at += 1
        pieces.append(line[start:at])
    pieces.append(line[at:])
    return pieces


def dash_line(line: str) -> tuple[int, list[tuple[int, int]]] | None:
    """A line of dash runs (Pandoc's dashedLine, after at most three spaces): the indentation
    and, per run, (dashes, dashes and the spaces after them)."""
    match = _DASH_LINE.fullmatch(line)
    if match is None:
        return None
    runs = [(len(run.rstrip(" \t")), len(run)) for run in _DASH_RUN.findall(match.group(2))]
    return len(match.group(1)), runs


def is_blank(line: str) -> bool:
    return not line.strip(" \t")


def _indices(indent: int, runs: list[tuple[int, int]]) -> list[int]:
    """Where each column starts, and where the last one ends (Pandoc's scanl)."""
    indices = [indent]
    for _, length in runs:
        indices.append(indices[-1] + length)
    return indices


def align_type(texts: Sequence[str], dashes: int) -> Align:
    """Pandoc's alignType: the shortest non-empty line of a column's header decides."""
    lines = sorted((t.rstrip() for t in texts if t.rstrip()), key=len)
    if not lines:
        return ""
    left, right = lines[0][0] in " \t", len(lines[0]) < dashes
    return ("center" if right else "right") if left else ("left" if right else "")


def widths_from_indices(indices: Sequence[int]) -> tuple[float, ...]:
    """Pandoc's widthsFromIndices: the columns' shares of the text width, counted in
    characters of a 72-column line (or of the table when it is wider). The last column is
    counted one wider, and as wide as the one before it when it falls short of it by one or
    two: the space between columns is counted in every column but the last."""
    lengths = [b - a for a, b in zip((0, *indices), indices, strict=False)]
    lengths[-1] += 1
    if len(lengths) > 1 and lengths[-1] < lengths[-2] <= lengths[-1] + 2:
        lengths[-1] = lengths[-2]
    total = sum(lengths)
    columns = max(COLUMNS, indices[-1])
    quotient = total if total > columns else columns
    return tuple(length / quotient for length in lengths[1:])


@dataclass(frozen=True)
class _Header:
    aligns: tuple[Align, ...]
    indices: list[int]
    cells: Row | None  # None: a headless table


def _header(raw: Sequence[str], dashes: tuple[int, list[tuple[int, int]]],
            headless: bool) -> _Header:
    """The header from its raw lines; for a headless table `raw` is the first row's first
    line, which only decides the alignments."""
    indices = _indices(*dashes)
    parts = [split_columns(line, indices[:-1])[1:] for line in raw]
    aligns = tuple(align_type([p[i] for p in parts], dashes[1][i][0])
                   for i in range(len(dashes[1])))
    if headless:
        return _Header(aligns, indices, None)
    cells = tuple(Cell(_join([p[i] for p in parts]), 0, i) for i in range(len(aligns)))
    return _Header(aligns, indices, cells)


def _join(lines: Sequence[str]) -> str:
    """A cell's lines, each trimmed, joined by line breaks (Pandoc: `unlines . map trim`)."""
    return "\n".join(line.strip() for line in lines).strip()


def _row(lines: Sequence[str], first: int, indices: list[int]) -> Row:
    parts = [split_columns(line, indices[:-1])[1:] for line in lines]
    return tuple(Cell(_join([p[i] for p in parts]), first, i) for i in range(len(indices) - 1))


def _is_row_line(lines: Sequence[str], at: int) -> bool:
    """Pandoc's rawTableLine: a line that is neither blank nor a table's closing dashes."""
    return at < len(lines) and not is_blank(lines[at]) and dash_line(lines[at]) is None


def _dashes_at(lines: Sequence[str], at: int) -> tuple[int, list[tuple[int, int]]] | None:
    return dash_line(lines[at]) if at < len(lines) else None


def simple_table(lines: Sequence[str], headless: bool) -> Table | None:
    """A header line (unless headless) over a line of dashes, then one line per row, ended by
    a blank line or a line of dashes (a headless table must end with the dashes)."""
    top = 0 if headless else 1
    dashes = _dashes_at(lines, top)
    if dashes is None or is_blank(lines[0]):
        return None
    end = top + 1
    while _is_row_line(lines, end):
        end += 1
    footer = _dashes_at(lines, end) is not None
    if end == top + 1 or (headless and not footer):
        return None
    header = _header([lines[top + 1] if headless else lines[0]], dashes, headless)
    body = tuple(_row([lines[n]], n, header.indices) for n in range(top + 1, end))
    head = () if header.cells is None else (header.cells,)
    return Table(header.aligns, (0.0,) * len(header.aligns), head, body, end + footer)


def multiline_table(lines: Sequence[str], headless: bool) -> Table | None:
    """Dashes over the header lines (unless headless), the column dashes, rows of one or more
    lines separated by blank lines, and closing dashes."""
    top = 0
    if not headless:
        if _dashes_at(lines, 0) is None or len(lines) < 2 or is_blank(lines[1]):
            return None
        top = 1
        while top < len(lines) and dash_line(lines[top]) is None:
            top += 1
    dashes = _dashes_at(lines, top)
    if dashes is None or (not headless and top == 1):
        return None
    rows, end = _multiline_rows(lines, top + 1)
    if not rows or _dashes_at(lines, end) is None:
        return None
    header = _header(rows[0][1][:1] if headless else lines[1:top], dashes, headless)
    body = tuple(_row(row, first, header.indices) for first, row in rows)
    head = () if header.cells is None else (header.cells,)
    return Table(header.aligns, widths_from_indices(header.indices), head, body, end + 1)


def _multiline_rows(lines: Sequence[str],
                    start: int) -> tuple[list[tuple[int, Sequence[str]]], int]:
    """Rows of consecutive row lines with blank lines between them; where the rows end."""
    rows: list[tuple[int, Sequence[str]]] = []
    at = start
    while _is_row_line(lines, at):
        first = at
        while _is_row_line(lines, at):
            at += 1
        rows.append((first, lines[first:at]))
        while at < len(lines) and is_blank(lines[at]):
            at += 1
    return rows, at
