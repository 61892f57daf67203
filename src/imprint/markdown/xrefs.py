"""Cross-references in pandoc-crossref syntax: `@fig:id`, `@tbl:id`, `@sec:id`."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

# `@fig:x.` ends at the period: an id may hold inner punctuation but ends on a word character.
XREF = re.compile(r"@((?:fig|tbl|sec):(?:[A-Za-z0-9_][A-Za-z0-9_:.-]*)?[A-Za-z0-9_])")


def xrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "xref", _xref)


def _xref(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    if state.pos > 0 and (state.src[state.pos - 1].isalnum() or state.src[state.pos - 1] == "_"):
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
