"""Will a table fit the printed measure? An estimate from each column's longest word.

A table cannot be narrower than the sum of its columns' longest unbreakable words, and a
table wider than the text block runs off the page. So each table gets a fit, kept in
`table_open.meta["fit"]` and printed as classes on its wrapper: "" (it fits), "wide" (it fits
in smaller type), "wide landscape" (it needs a landscape page), "wide landscape overfull"
(not even that: its words may break anywhere). The numbers below are the print style's
(`styles/print.css`, the table rules): keep them in step with it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from imprint.markdown.table_text import char_width

PORTRAIT_PT = 385.2  # the text block of a US Letter page: 8.5in - 1.2in - 1.95in
LANDSCAPE_PT = 662.4  # the text block of a landscape page: 11in - 2 * 0.9in
NORMAL = (8.5, 6.0)  # a table's type size and the padding right of each cell, in points
SMALL = (7.0, 4.0)  # the same in a table.wide
# The width of a character in Noto Sans, in ems: generous (bold header text, capitals, digits)
# so that a table estimated to fit does fit.
EM_PER_CHAR = 0.6
BREAKS_AFTER = "-‐–—/"  # a line may break after these (Unicode line breaking)


def table_fit(state: StateCore) -> None:
    """Give every table its fit (a core rule: it reads the cells' parsed inline text)."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type == "table_open":
            token.meta["fit"] = fit(column_words(tokens, index))


def fit(words: Sequence[int]) -> str:
    """The fit of a table whose columns' longest words are `words` characters wide."""
    if _needed(words, *NORMAL) <= PORTRAIT_PT:
        return ""
    if _needed(words, *SMALL) <= PORTRAIT_PT:
        return "wide"
    if _needed(words, *SMALL) <= LANDSCAPE_PT:
        return "wide landscape"
    return "wide landscape overfull"


def _needed(words: Sequence[int], size: float, padding: float) -> float:
    return sum(width * EM_PER_CHAR * size + padding for width in words)


def column_words(tokens: Sequence[Token], opening: int) -> list[int]:
    """The width (in characters, a wide one counting two) of the longest unbreakable word in
    each column of the table opened at `opening`; a cell spanning columns counts in none."""
    widths: dict[int, int] = {}
    for column, span, cell in _cells(tokens, opening):
        if span == 1:
            widths[column] = max(widths.get(column, 0), _longest_word(cell))
    return [widths.get(column, 0) for column in range(max(widths, default=-1) + 1)]


def _cells(tokens: Sequence[Token], opening: int) -> Iterator[tuple[int, int, list[Token]]]:
    """(column, column span, the cell's tokens) for each cell, rows' spans accounted for."""
    below: dict[int, int] = {}  # column -> rows a cell from above still covers
    index, depth, column = opening + 1, 0, 0
    while index < len(tokens) and not (depth == 0 and tokens[index].type == "table_close"):
        token = tokens[index]
        if depth == 0 and token.type == "tr_open":
            column = 0
            below = {c: n - 1 for c, n in below.items() if n > 1}
        elif depth == 0 and token.type in ("th_open", "td_open"):
            while below.get(column, 0) > 0:
                column += 1
            end = _close(tokens, index)
            span, rows = int(token.attrGet("colspan") or 1), int(token.attrGet("rowspan") or 1)
            for c in range(column, column + span):
                below[c] = rows
            yield column, span, list(tokens[index + 1 : end])
            column += span
            index = end
        elif token.type == "table_open":
            depth += 1
        elif token.type == "table_close":
            depth -= 1
        index += 1


def _close(tokens: Sequence[Token], opening: int) -> int:
    kind = tokens[opening].type.replace("_open", "_close")
    depth = 0
    for index in range(opening + 1, len(tokens)):
        if tokens[index].type == tokens[opening].type:
            depth += 1
        elif tokens[index].type == kind:
            if depth == 0:
                return index
            depth -= 1
    return len(tokens)


def _longest_word(cell: list[Token]) -> int:
    longest, link = 0, 0
    for token in cell:
        for child in token.children or ():
            if child.type == "link_open":
                link += str(child.attrGet("href") or "").startswith(("http:", "https:"))
            elif child.type == "link_close":
                link = max(link - 1, 0)
            elif child.content and not link:  # a web address may break anywhere in print
                longest = max(longest, *(_word_width(w) for w in child.content.split()), 0)
    return longest


def _word_width(word: str) -> int:
    """The widest part of `word` that cannot break: a wide (CJK) character stands alone, and
    a line may break after a hyphen, a dash or a slash."""
    widest = run = 0
    for char in word:
        width = char_width(char)
        if width == 2:
            widest, run = max(widest, run, 2), 0
            continue
        run += width
        if char in BREAKS_AFTER:
            widest, run = max(widest, run), 0
    return max(widest, run)
