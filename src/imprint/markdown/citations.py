"""Pandoc citation syntax for markdown-it: `[@key]`, `[see @a, ch. 2; @b, 10]`,
`[-@key]` and bare `@key`.

    md = MarkdownIt().use(citations_plugin)

Each citation becomes one token of type ``citation`` with
``token.meta["items"]`` (a tuple of `CiteItem`) and ``token.meta["line"]``, the 0-based source
line it starts on (also inside footnote definitions). Keys follow Pandoc's rules: they start
with a letter, digit or `_` and may contain internal punctuation `:.#$%&-+?<>~/`; `@{...}`
quotes any other key. Keys of cross-references (`@fig:x`, `@tbl:x`, `@sec:x`, `@eq:x`) are
left to the cross-reference plugin, and bracketed text without a key is left to links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from imprint.book.model import CiteItem, CiteMode
from imprint.markdown.xrefs import glued

XREF_PREFIXES = ("fig:", "tbl:", "sec:", "eq:", "fig-", "tbl-", "sec-", "eq-")  # and Quarto's

_KEY = r"(?:\{(?P<braced>[^{}\s]+)\}|(?P<plain>\w+(?:[:.#$%&\-+?<>~/]+\w+)*))"
_BARE_KEY = re.compile(_KEY)
# A key inside brackets: `@` at the start or after a space or an opening bracket.
_BRACKET_KEY = re.compile(rf"(?:^|(?<=[\s(\[]))(?P<dash>-?)@{_KEY}")
_SPACES = re.compile(r"\s+")
# `@key [p. 45]`: brackets right after a bare key, holding no key or note and not a link.
_BARE_SUFFIX = re.compile(r"[ \t]*\n?[ \t]*\[(?!\^)([^\[\]@]*[^\[\]@\s][^\[\]@]*)\](?![(\[:])")


def citations_plugin(md: MarkdownIt) -> None:
    """Add the citation inline rules, the line-number core rule and a fallback renderer."""
    md.inline.ruler.before("link", "citation_bracket", _bracketed_citation)
    md.inline.ruler.after("citation_bracket", "citation_bare", _bare_citation)
    md.core.ruler.after("inline", "citation_lines", _citation_lines)
    md.add_render_rule("citation", _render_citation)


def _bracketed_citation(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if state.src[start] != "[":
        return False
    end = _matching_bracket(state.src, start, state.posMax)
    if end is None or _is_link(state, end + 1):
        return False
    items = parse_citation_items(state.src[start + 1 : end])
    if items is None:
        return False
    if not silent:
        _push_token(state, start, end + 1, items)
    state.pos = end + 1
    return True


def _bare_citation(state: StateInline, silent: bool) -> bool:
    start = state.pos
    if state.src[start] != "@" or glued(state.src, start):  # `王@wang2019` is one
        return False
    match = _BARE_KEY.match(state.src, start + 1, state.posMax)
    if not match:
        return False
    key = match.group("braced") or match.group("plain")
    if key.startswith(XREF_PREFIXES):
        return False
    end, suffix = match.end(), ""
    locator = _BARE_SUFFIX.match(state.src, end, state.posMax)
    if locator:  # Pandoc's `@key [p. 45] says`: the brackets hold the suffix
        end, suffix = locator.end(), _SPACES.sub(" ", locator.group(1)).strip()
    if not silent:
        _push_token(state, start, end, (CiteItem(key, suffix=suffix, mode="author-in-text"),))
    state.pos = end
    return True


def parse_citation_items(inner: str) -> tuple[CiteItem, ...] | None:
    """Parse the text between the brackets of `[see @a, 45; @b]`; None if not a citation.

    Every `;`-separated part must hold exactly one key; the text before it is the prefix,
    the text after it (leading comma and all) the suffix.
    """
    items = []
    for part in _split_top_level(inner):
        match = _BRACKET_KEY.search(part)
        if not match or _BRACKET_KEY.search(part, match.end()):
            return None
        key = match.group("braced") or match.group("plain")
        if key.startswith(XREF_PREFIXES):
            return None
        mode: CiteMode = "suppress-author" if match.group("dash") else "normal"
        prefix = _SPACES.sub(" ", part[: match.start()]).strip()
        suffix = _SPACES.sub(" ", part[match.end() :]).rstrip()
        items.append(CiteItem(key, prefix, suffix, mode))
    return tuple(items)


def _split_top_level(text: str) -> list[str]:
    """Split on `;` outside nested brackets and braced keys, honouring backslash escapes."""
    parts, depth, last, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 1
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(text[last:i])
            last = i + 1
        i += 1
    parts.append(text[last:])
    return parts


def _matching_bracket(src: str, start: int, limit: int) -> int | None:
    depth, i = 0, start
    while i < limit:
        char = src[i]
        if char == "\\":
            i += 1
        elif char == "`":  # a code span hides its brackets
            close = src.find(char, i + 1, limit)
            i = close if close != -1 else i
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _is_link(state: StateInline, pos: int) -> bool:
    """`[@a](url)` is a link, and so is `[@a][label]` when the label is defined."""
    if pos >= state.posMax:
        return False
    if state.src[pos] == "(":
        return True
    if state.src[pos] == "[":
        close = state.src.find("]", pos + 1, state.posMax)
        references = state.env.get("references", {})
        if close != -1 and normalizeReference(state.src[pos + 1 : close]) in references:
            return True
    return False


def _push_token(state: StateInline, start: int, end: int, items: tuple[CiteItem, ...]) -> None:
    token = state.push("citation", "", 0)
    token.content = state.src[start:end]
    token.meta = {"items": items, "line_offset": state.src.count("\n", 0, start)}


def _citation_lines(state: StateCore) -> None:
    """Set meta["line"]: the inline block's first line plus the newlines before the token."""
    first_line = 0
    for block in state.tokens:
        if block.map:
            first_line = block.map[0]
        if block.type == "inline" and block.children:
            _set_lines(block.children, first_line)


def _set_lines(children: Sequence[Token], first_line: int) -> None:
    for token in children:
        if token.type == "citation":
            token.meta["line"] = first_line + token.meta.get("line_offset", 0)
        if token.children:
            _set_lines(token.children, first_line)


def _render_citation(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Fallback rendering: the source text in a span (the publication renderer replaces it)."""
    token = tokens[idx]
    keys = " ".join(item.key for item in token.meta["items"])
    text = token.content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<span class="citation" data-cites="{keys.replace(chr(34), "&quot;")}">{text}</span>'
