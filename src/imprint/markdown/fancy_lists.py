"""Pandoc's `fancy_lists` and `startnum`: ordered lists numbered `a.`, `B)`, `(iii)`, `#.`.

markdown-it's list rule knows only `1.` and `1)`, so this is that rule (markdown-it-py 4's
`rules_block/list.py`, item loop unchanged) with Pandoc's markers:

- a number, `#` (the next number), a letter or a roman numeral, then `.` or `)`, or the
  whole marker in parentheses: `(a)`. Lower-case `i` alone is roman, any other single letter
  alphabetic, as in Pandoc (`v.` is the 22nd letter; `ii.` is two).
- a capital letter, or a roman numeral of one letter (I, V, X, L, C, D, M), followed by a
  period needs two spaces after it: "B. Russell" at the start of a line stays prose.
- `p. 5` at the start of a line is a page reference, not a list.
- The items of one list share style and delimiter; a change starts a new list, as in Pandoc.

The list is `<ol start=… type=…>` as Pandoc's HTML writes it, plus a `style` with the
`list-style-type` and the counter, since WeasyPrint reads neither `type` nor `start`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.rules_block.list import markTightParagraphs, skipBulletListMarker
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.token import Token

DECIMAL, DEFAULT, EXAMPLE = "decimal", "default", "example"
CSS_TYPES = {"lower-alpha": "a", "upper-alpha": "A", "lower-roman": "i", "upper-roman": "I"}
ROMAN = re.compile(r"M{0,4}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# The body of a marker: digits, `#`, letters (a roman numeral or one letter), or `@label`
# (Pandoc's example lists: example_lists.py numbers them through the chapter).
BODY = re.compile(r"[0-9]{1,9}|#|[A-Za-z]+|@[\w-]*")
PAGE_REFERENCE = re.compile(r"p\.[ \t]+[0-9]")


@dataclass(frozen=True)
class Marker:
    """One ordered list marker: where its text starts, its number, style and delimiter."""

    end: int  # the position after the marker
    number: int
    style: str  # decimal, default (`#`), example (`@`), lower-alpha, …, upper-roman
    delimiter: str  # ".", ")" or "()"

    def same_list(self, other: Marker) -> bool:
        numbered = {DECIMAL, DEFAULT}
        kinds = {self.style, other.style}
        return self.delimiter == other.delimiter and (len(kinds) == 1 or kinds <= numbered)


def fancy_lists_plugin(md: MarkdownIt) -> None:
    """Replace the `list` rule (before blocks.py wraps it), keeping its place and `alt`."""
    rule = next(r for r in md.block.ruler.__rules__ if r.name == "list")
    md.block.ruler.at("list", list_block, {"alt": list(rule.alt)})


def ordered_marker(state: StateBlock, line: int, like: Marker | None = None) -> Marker | None:
    """The ordered list marker starting `line`, read as an item of `like`'s list if given."""
    pos = state.bMarks[line] + state.tShift[line]
    # The line alone (never the source up to it: this runs at every block's first line).
    src = state.src[pos:state.eMarks[line]]
    if like is None and PAGE_REFERENCE.match(src):
        return None
    parens = src.startswith("(")
    body = BODY.match(src, int(parens))
    if body is None:
        return None
    read = _number(body.group(), like.style if like else None)
    if read is None:
        return None
    end, closing = body.end(), src[body.end():body.end() + 1]
    if closing not in ((")",) if parens else (".", ")")):
        return None
    marker = Marker(end + 1, read[0], read[1], "()" if parens else closing)
    return replace(marker, end=pos + marker.end) if _spaced(src, marker) else None


def _number(body: str, style: str | None) -> tuple[int, str] | None:
    """The number and style of a marker's body; `style` when it must be read as one."""
    if body.startswith("@"):  # numbered later, through the chapter
        return (1, EXAMPLE) if style in (None, EXAMPLE) else None
    if body.isdigit() or body == "#":
        found = (int(body) if body.isdigit() else 1, DECIMAL if body.isdigit() else DEFAULT)
        return found if style in (None, DECIMAL, DEFAULT) else None
    lower = "lower" if body.islower() else "upper" if body.isupper() else None
    if lower is None:
        return None
    roman = _roman(body.upper())
    alpha = ord(body.lower()) - ord("a") + 1 if len(body) == 1 else None
    if style is None:  # Pandoc: `i` alone is roman, any other single letter alphabetic
        style = f"{lower}-roman" if body.lower() == "i" or alpha is None else f"{lower}-alpha"
    if style == f"{lower}-roman" and roman is not None:
        return roman, style
    if style == f"{lower}-alpha" and alpha is not None:
        return alpha, style
    return None


def _roman(text: str) -> int | None:
    if not text or ROMAN.fullmatch(text) is None:
        return None
    values = [ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v
               for i, v in enumerate(values))


def _spaced(src: str, marker: Marker) -> bool:
    """A space or the line's end after the marker; two spaces where it could be an initial."""
    after = src[marker.end:marker.end + 2]
    initial = marker.delimiter == "." and (
        marker.style == "upper-alpha"
        or (marker.style == "upper-roman" and marker.number in ROMAN_VALUES.values()))
    if initial:
        return len(after) == 2 and after.strip(" \t") == ""
    return after[:1] in ("", " ", "\t")


def _open_list(state: StateBlock, marker: Marker | None, markup: str) -> Token:
    if marker is None:
        token = state.push("bullet_list_open", "ul", 1)
    else:
        token = state.push("ordered_list_open", "ol", 1)
        if marker.number != 1 and marker.style != EXAMPLE:
            token.attrs["start"] = marker.number
        if marker.style in CSS_TYPES:
            token.attrs["type"] = CSS_TYPES[marker.style]
        style = list_style(marker.style, marker.number)
        if style:
            token.attrs["style"] = style
        token.meta["delimiter"] = marker.delimiter
        if marker.style == EXAMPLE:
            token.attrs["class"] = "example"
    token.markup = markup
    return token


def list_style(style: str, start: int) -> str:
    """The CSS that WeasyPrint needs for `type` and `start` (it reads neither attribute):
    the marker's style, and the counter set one below `start` (CSS Lists 3's UA rule)."""
    css = [f"list-style-type: {style}"] if style in CSS_TYPES else []
    if start != 1:
        css.append(f"counter-reset: list-item {start}; counter-increment: list-item -1")
    return "; ".join(css)


def list_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's list rule with Pandoc's ordered markers (see the module's docstring)."""
    if state.is_code_block(start_line):
        return False
    if (state.listIndent >= 0 and state.sCount[start_line] - state.listIndent >= 4
            and state.sCount[start_line] < state.blkIndent):
        return False  # a paragraph continuation indented like a list item
    terminating = (silent and state.parentType == "paragraph"
                   and state.sCount[start_line] >= state.blkIndent)
    marker = ordered_marker(state, start_line)
    if marker is not None:
        after = marker.end
        if terminating and marker.number != 1:
            return False
    else:
        after = skipBulletListMarker(state, start_line)
        if after < 0:
            return False
    if terminating and state.skipSpaces(after) >= state.eMarks[start_line]:
        return False
    if silent:
        return True
    _items(state, start_line, end_line, marker, after)
    return True


def _items(state: StateBlock, start_line: int, end_line: int,
           marker: Marker | None, after: int) -> None:
    """Every item of the list (markdown-it's loop); ends where the next marker differs."""
    first = marker
    markup = state.src[after - 1]
    list_index = len(state.tokens)
    opening = _open_list(state, marker, markup)
    opening.map = lines = [start_line, 0]
    next_line, tight, previous_empty = start_line, True, False
    terminators = state.md.block.ruler.getRules("list")
    old_parent, state.parentType = state.parentType, "list"
    while next_line < end_line:
        item_tight, next_line = _item(state, start_line, end_line, after, markup)
        if not item_tight or previous_empty:
            tight = False
        previous_empty = (state.line - start_line) > 1 and state.isEmpty(state.line - 1)
        start_line = next_line
        if next_line >= end_line or state.sCount[next_line] < state.blkIndent:
            break
        if state.is_code_block(start_line) or any(
                rule(state, next_line, end_line, True) for rule in terminators):
            break
        if first is not None:
            marker = ordered_marker(state, next_line, first)
            if marker is None or not marker.same_list(first):
                break
            after = marker.end
        else:
            after = skipBulletListMarker(state, next_line)
            if after < 0:
                break
        if markup != state.src[after - 1]:
            break
    closing = state.push("ordered_list_close" if first else "bullet_list_close",
                         "ol" if first else "ul", -1)
    closing.markup = markup
    lines[1] = next_line
    state.line = next_line
    state.parentType = old_parent
    if tight:
        markTightParagraphs(state, list_index)


def _item(state: StateBlock, start_line: int, end_line: int, after: int,
          markup: str) -> tuple[bool, int]:
    """One list item (markdown-it's loop body): whether it is tight, and the next line."""
    start = state.bMarks[start_line] + state.tShift[start_line]
    pos, maximum = after, state.eMarks[start_line]
    initial = offset = state.sCount[start_line] + after - start
    while pos < maximum and state.src[pos] in " \t":
        if state.src[pos] == "\t":
            offset += 4 - (offset + state.bsCount[start_line]) % 4
        else:
            offset += 1
        pos += 1
    content_start = pos
    indent_after = 1 if content_start >= maximum else offset - initial
    if indent_after > 4:
        indent_after = 1  # the rest is an indented code block
    token = state.push("list_item_open", "li", 1)
    token.markup = markup
    token.map = item_lines = [start_line, 0]
    token.info = state.src[start:after].strip()
    old_tight, old_shift, old_count = state.tight, state.tShift[start_line], \
        state.sCount[start_line]
    old_list_indent = state.listIndent
    state.listIndent, state.blkIndent = state.blkIndent, initial + indent_after
    state.tight = True
    state.tShift[start_line] = content_start - state.bMarks[start_line]
    state.sCount[start_line] = offset
    if content_start >= maximum and state.isEmpty(start_line + 1):
        state.line = min(state.line + 2, end_line)  # an empty item ends the list
    else:
        state.md.block.tokenize(state, start_line, end_line)
    tight = state.tight
    state.blkIndent, state.listIndent = state.listIndent, old_list_indent
    state.tShift[start_line], state.sCount[start_line] = old_shift, old_count
    state.tight = old_tight
    state.push("list_item_close", "li", -1).markup = markup
    item_lines[1] = state.line
    return tight, state.line
