"""Pandoc attribute blocks `{#id .class key=value}`, read exactly as Pandoc's Markdown reader
reads them, and the inline rule that puts them on spans, links and images.

mdit-py-plugins' parser (djot's syntax) refuses an unquoted value holding anything but ASCII
letters, digits, `_`, `:` and `-`, so `{#fig:x width=90%}` printed as text and the figure lost
its number. Pandoc's grammar (checked against pandoc 3.9):

- `#id`: one or more letters, digits (any script) or `-_:.`; the last `#id` (or `id=`) wins.
- `.class` and a key: a letter, then letters, digits or `-_:.`; `class="a b"` adds two classes.
- a value: `"…"` or `'…'` (backslash escapes and character references decoded, a line break
  read as a space), `""`, or unquoted: any characters but spaces and `}` (`\\}` escapes one).
- `-` is the class `unnumbered`. Attributes need no space between them; spaces and one line
  break may stand anywhere between them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# A character reference Pandoc decodes in a quoted value: `&amp;`, `&#65;`, `&#x41;`.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# A name: letters, digits (any script), `_`, `-`, `:`, `.` (`\w` is a letter, digit or `_`).
_NAME = re.compile(r"[\w:.-]*")
# An unquoted value: anything but spaces and `}`, where a backslash escapes any character but a
# letter, a digit or a line break (a backslash before one of those is itself).
_UNQUOTED = re.compile(r"(?:\\(?:[^\w\n]|_)|[^ \t\n\r}])*")
_ESCAPE = re.compile(r"\\([^\w\n]|_)")
# Bounds that keep hostile input linear: a block is at most this long (a real one, long alt
# text and all, is far shorter), an unquoted value too (it runs to the next space or `}`, so
# `[a]{k=[a]{k=…` would read the whole paragraph once per brace), and a trailing block is
# looked for among the last few `{` of a text only.
_MAX_BLOCK = 10_000
_MAX_UNQUOTED = 1_000
_TRAILING_CANDIDATES = 32


class _Scanner:
    """One pass over `src` from an opening `{`, collecting the id, classes and pairs; a method
    that finds no match says so (None or False) and the block is not one."""

    def __init__(self, src: str, pos: int, end: int) -> None:
        self.src, self.pos, self.end = src, pos, min(end, pos + _MAX_BLOCK)
        self.ident = ""
        self.classes: list[str] = []
        self.pairs: dict[str, str] = {}

    def peek(self, offset: int = 0) -> str:
        at = self.pos + offset
        return self.src[at] if at < self.end else ""

    def block(self) -> int | None:
        """Read `{…}`; the position after the closing brace."""
        if self.peek() != "{":
            return None
        self.pos += 1
        self.spaces()
        while self.peek() != "}":
            if not self.attribute():
                return None
            self.spaces()
        return self.pos + 1

    def spaces(self) -> None:
        """Pandoc's `spnl`: spaces, at most one line break, spaces (a blank line ends it)."""
        self.pos = self._skip_blank(self.pos)
        if self.peek() == "\n":
            after = self._skip_blank(self.pos + 1)
            if after < self.end and self.src[after] != "\n":
                self.pos = after

    def _skip_blank(self, at: int) -> int:
        while at < self.end and self.src[at] in " \t":
            at += 1
        return at

    def attribute(self) -> bool:
        char = self.peek()
        if char == "#":
            self.pos += 1
            ident = self.name(first_letter=False)
            self.ident = ident or self.ident
            return bool(ident)
        if char == ".":
            self.pos += 1
            name = self.name(first_letter=True)
            self.classes += [name] if name else []
            return bool(name)
        if char == "-":
            self.pos += 1
            self.classes.append("unnumbered")
            return True
        return self.key_value()

    def name(self, *, first_letter: bool) -> str:
        if first_letter and not self.peek().isalpha():
            return ""
        match = _NAME.match(self.src, self.pos, self.end)
        assert match is not None  # `*`: it matches, if only the empty string
        self.pos = match.end()
        return match.group(0)

    def key_value(self) -> bool:
        key = self.name(first_letter=True)
        if not key or self.peek() != "=":
            return False
        self.pos += 1
        value = self.quoted('"') if self.peek() == '"' else None
        if value is None and self.peek() == "'":
            value = self.quoted("'")
        if value is None:
            value = self.unquoted()
        if value is None:
            return False
        if key == "id":
            self.ident = value
        elif key == "class":
            self.classes += value.split()
        else:
            self.pairs[key] = value
        return True

    def quoted(self, quote: str) -> str | None:
        """`"…"` (not starting with a space) or `""`; None leaves the value to `unquoted`."""
        if self.peek(1) == quote:
            self.pos += 2
            return ""
        if self.peek(1).isspace():
            return None
        at, out = self.pos + 1, []
        while at < self.end and self.src[at] != quote:
            at, char = self._literal(at)
            if char is None:
                return None
            out.append(char)
        if at >= self.end:
            return None
        self.pos = at + 1
        return "".join(out)

    def _literal(self, at: int) -> tuple[int, str | None]:
        """One character of a quoted value: an escape, a reference, a line break as a space."""
        char = self.src[at]
        if char == "\\" and at + 1 < self.end and _escapable(self.src[at + 1]):
            return at + 2, self.src[at + 1]
        if char == "&" and (match := _REFERENCE.match(self.src, at, self.end)):
            decoded = html.unescape(match.group(0))
            if decoded != match.group(0):
                return match.end(), decoded
        if char == "\n":
            rest = self._skip_blank(at + 1)
            return (at + 1, " ") if rest < self.end and self.src[rest] != "\n" else (at, None)
        return at + 1, char

    def unquoted(self) -> str | None:
        limit = min(self.end, self.pos + _MAX_UNQUOTED)
        match = _UNQUOTED.match(self.src, self.pos, limit)
        assert match is not None
        if match.end() == limit < self.end:
            return None  # longer than any real value: not an attribute block
        self.pos = match.end()
        value = match.group(0)
        return _ESCAPE.sub(r"\1", value) if "\\" in value else value

    def result(self) -> dict[str, str]:
        attrs = {"id": self.ident} if self.ident else {}  # `id=""` is no id, as in Pandoc
        if self.classes:
            attrs["class"] = " ".join(self.classes)
        attrs.update(self.pairs)
        return attrs


def _escapable(char: str) -> bool:
    """Pandoc's `all_symbols_escapable`: a backslash escapes any character but a letter, a
    digit or a line break."""
    return not char.isalnum() and char != "\n"


def scan_attrs(src: str, pos: int, end: int | None = None) -> tuple[int, dict[str, str]] | None:
    """The attribute block opening at `src[pos]`: (the position after its `}`, attributes as
    markdown-it keeps them: `id`, `class` space-separated, then the key-value pairs), or None
    when there is no well-formed block there."""
    scanner = _Scanner(src, pos, len(src) if end is None else end)
    after = scanner.block()
    return None if after is None else (after, scanner.result())


def parse_attrs(text: str) -> dict[str, str] | None:
    """`{#x .a .b k=v}` -> {'id': 'x', 'class': 'a b', 'k': 'v'}; None unless the whole text
    (spaces around it aside) is one well-formed block."""
    text = text.strip()
    found = scan_attrs(text, 0)
    return found[1] if found is not None and found[0] == len(text) else None


def trailing_attrs(text: str) -> tuple[int, dict[str, str]] | None:
    """(where it starts, attributes) of the block that ends `text` (spaces after it aside),
    the leftmost that does (`{k=a{b}` is one block), or None."""
    end = len(text.rstrip())
    if not text[:end].endswith("}"):
        return None
    starts = [m.start() for m in re.finditer(r"\{", text[:end]) if not _escaped(text, m.start())]
    for start in starts[-_TRAILING_CANDIDATES:]:
        found = scan_attrs(text, start, end)
        if found is not None and found[0] == end:
            return start, found[1]
    return None


def _escaped(text: str, at: int) -> bool:
    """Is `text[at]` escaped by an odd number of backslashes before it?"""
    count = 0
    while at - count - 1 >= 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def split_trailing_attrs(text: str) -> tuple[str, dict[str, str]]:
    """'Title {#x}' -> ('Title', {'id': 'x'}); text without a valid trailing block is unchanged."""
    found = trailing_attrs(text)
    if found is None:
        return text, {}
    return text[: found[0]], found[1]


# --- the inline rule: `[text]{…}`, `[text](url){…}`, `![alt](src){…}` ------------------------

# Attribute names that would run script, and those holding a URL markdown-it must validate.
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href"})
# What an element keeps under its own name; any other key becomes `data-key`, as in Pandoc's
# HTML writer, or the EPUB would hold attributes XHTML has not got (`<span k="v">`).
_HTML_ATTRS = frozenset({"id", "class", "lang", "dir", "title", "style", "role"})


def html_attribute(key: str) -> str:
    """The name a key-value attribute prints under: `lang` as itself, `k` as `data-k` (in
    lowercase, `:` as `-`: an XML name with a colon would need a namespace)."""
    if key in _HTML_ATTRS or key.startswith(("data-", "aria-")):
        return key.lower().replace(":", "-") if key.startswith("data-") else key
    return "data-" + key.lower().replace(":", "-")


def attrs_plugin(md: MarkdownIt, *, after: Sequence[str] = ("image", "link_close",
                                                             "span_close")) -> None:
    """Pandoc's bracketed spans `[text]{.class}` and attributes right after a link or an image,
    read with Pandoc's grammar (markdown-it's own attrs plugin reads djot's)."""
    md.inline.ruler.after("link", "span", _span)
    md.inline.ruler.push("attr", lambda state, silent: _after(state, silent, tuple(after)))


def _span(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    label_end = state.md.helpers.parseLinkLabel(state, state.pos, False)
    if label_end < 0 or label_end + 1 >= state.posMax:
        return False
    found = scan_attrs(state.src, label_end + 1, state.posMax)
    if found is None:
        return False
    if not silent:
        maximum = state.posMax
        state.pos, state.posMax = state.pos + 1, label_end
        _set_attrs(state.md, state.push("span_open", "span", 1), found[1], rename=True)
        state.md.inline.tokenize(state)
        state.push("span_close", "span", -1)
        state.posMax = maximum
    state.pos = found[0]
    return True


def _after(state: StateInline, silent: bool, after: tuple[str, ...]) -> bool:
    if state.pending or not state.tokens or state.tokens[-1].type not in after:
        return False
    found = scan_attrs(state.src, state.pos, state.posMax)
    opening = _opening(state.tokens)
    if found is None or opening is None:
        return False
    if not silent:
        token = state.tokens[opening]
        attrs = found[1]
        if "class" in attrs and token.attrGet("class"):
            attrs["class"] = f"{token.attrGet('class')} {attrs['class']}"
        # An image's attributes are read (fig-alt, width), never printed as they are.
        _set_attrs(state.md, token, attrs, rename=token.type != "image")
    state.pos = found[0]
    return True


def _opening(tokens: list[Token]) -> int | None:
    """The index of the token a closing token closes (the token itself if it closes nothing)."""
    index, level = len(tokens) - 1, 0
    while index >= 0:
        level += tokens[index].nesting
        if level == 0:
            return index
        index -= 1
    return None


def _set_attrs(md: MarkdownIt, token: Token, attrs: dict[str, str], *, rename: bool) -> None:
    """Event handlers (`on…`) and URLs markdown-it would refuse are kept out of the markup (in
    meta["insecure_attrs"]), as mdit-py-plugins' attrs plugin keeps them; `rename`: the others
    go under their `html_attribute` names."""
    refused = {}
    for key, value in attrs.items():
        if key.lower().startswith("on") or (
                key.lower() in _URL_ATTRS and not md.validateLink(md.normalizeLink(value.strip()))):
            refused[key] = value
        else:
            token.attrSet(html_attribute(key) if rename else key, value)
    if refused:
        token.meta["insecure_attrs"] = refused


# --- image sizes: `{width=90%}`, `{height=3in}` ------------------------------------------------

# The lengths Pandoc reads in `width` and `height` (Text.Pandoc.ImageSize): a number, then one
# of these units or none (pixels).
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)(cm|mm|in|inch|%|px|pt|pc|em)?")


def css_length(value: str) -> str | None:
    """An image's `width` or `height` as CSS, as Pandoc's HTML writer reads it: `90%`, `3in`,
    `2.5cm`, `300px`, a bare number in pixels (`300` -> `300px`); None when Pandoc ignores it."""
    match = _LENGTH.fullmatch(value)
    if match is None:
        return None
    number, unit = match.groups()
    if unit in (None, "px"):
        return f"{int(float(number))}px"
    return number + ("in" if unit == "inch" else unit)


def size_style(attrs: Mapping[str, object]) -> str:
    """The `style` an image's `width`/`height` give (`width:90%`), "" when they give none. A
    height alone keeps the proportions: the house styles set a figure's width, so it goes back
    to `auto`."""
    sizes = {key: css_length(str(attrs[key])) for key in ("width", "height") if key in attrs}
    rules = [f"{key}:{length}" for key, length in sizes.items() if length is not None]
    if sizes.get("height") and not sizes.get("width"):
        rules.append("width:auto")
    return ";".join(rules)
