"""Cross-references in pandoc-crossref syntax: `@fig:id`, `@tbl:id`, `@sec:id`, `@eq:id`; in
brackets, `[@fig:id]` prints the same and `[-@fig:id]` the number alone ("Figure [-@fig:x]" ->
"Figure 2"). Quarto's spelling, `@fig-id` with `{#fig-id}` (likewise `tbl-`, `sec-`, `eq-`), is
the same reference: Quarto reserves those prefixes for cross-references, never citations.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

# `@fig:x.` ends at the period: an id may hold inner punctuation but ends on a word character.
XREF = re.compile(r"@((?:fig|tbl|sec|eq)[:-](?:[A-Za-z0-9_][A-Za-z0-9_:.-]*)?[A-Za-z0-9_])")

# Scripts written without spaces between words: an `@` right after one of their characters
# starts a reference (`见图@fig:x`, `王@wang2019`), where after a Latin letter or a digit it is
# part of a word (`name@example.com`). Han (with its iteration marks and numerals), kana and
# bopomofo; not Hangul, which Korean spaces as English does.
_IDEOGRAPHIC = ((0x3005, 0x3007), (0x3021, 0x3029), (0x3040, 0x30FF), (0x3100, 0x312F),
                (0x31A0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                (0xFF66, 0xFF9F), (0x20000, 0x3FFFF))


def ideographic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _IDEOGRAPHIC)


def glued(src: str, pos: int) -> bool:
    """Is the `@` at `src[pos]` part of a word, as in an e-mail address, and so no reference
    or citation? It is when a letter, digit or `_` stands right before it, unless that is a
    Chinese or Japanese character (Pandoc would not read `王@wang2019` as a citation either; a
    Chinese text has no space to put before it)."""
    if pos == 0:
        return False
    before = src[pos - 1]
    return (before.isalnum() or before == "_") and not ideographic(before)


def xrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "xref_bracket", _bracketed_xref)
    md.inline.ruler.before("emphasis", "xref", _xref)


def _xref(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@" or glued(state.src, state.pos):
        return False
    match = XREF.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("xref", "", 0)
        token.meta["target"] = match.group(1)
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _bracketed_xref(state: StateInline, silent: bool) -> bool:
    """`[@fig:x]` and `[-@fig:x]`: one reference alone in brackets, as pandoc-crossref reads
    them (`[-@…]` suppresses the "Figure" prefix)."""
    if not state.src.startswith(("[@", "[-@"), state.pos):
        return False
    at = state.pos + (2 if state.src[state.pos + 1] == "-" else 1)
    match = XREF.match(state.src, at, state.posMax)
    end = match.end() + 1 if match else 0
    if not match or end > state.posMax or state.src[end - 1] != "]" \
            or state.src[end : end + 1] in ("(", "["):
        return False  # not one reference alone, or a link: `[@fig:x](url)`
    if not silent:
        token = state.push("xref", "", 0)
        token.meta["target"] = match.group(1)
        token.meta["bare"] = at == state.pos + 2
        token.content = state.src[state.pos : end]
    state.pos = end
    return True
