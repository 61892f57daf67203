"""Pandoc's `raw_attribute`: ```` ```{=html} ```` blocks and `` `<b>x</b>`{=html} `` inline.

HTML (`html`, `html5`) becomes raw HTML under imprint's raw-HTML policy (raw_html.py: comments
dropped, a few inline elements kept, the rest a located error). Any other format (`latex`,
`tex`, `openxml`, …) is for another of Pandoc's writers, and Pandoc's HTML leaves it out: so
does every edition, with one located warning per chunk.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from imprint.book.model import Diagnostic, Loc
from imprint.markdown.nodes import line_of

FORMAT = re.compile(r"\{=([A-Za-z0-9_+-]+)\}")
HTML_FORMATS = frozenset({"html", "html5"})
DROPPED = "raw_dropped"  # a chunk for another format, removed (with a warning) after parsing
PIECES = re.compile(r"(<!--.*?-->|<[^<>]*>)", re.S)
REACH = 20_000
LATEX = frozenset({"latex", "tex", "beamer", "context"})


def raw_attribute_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "raw_blocks", _raw_blocks)
    md.inline.ruler.before("backticks", "raw_inline", _raw_inline)


def _raw_blocks(state: StateCore) -> None:
    for token in state.tokens:
        found = FORMAT.fullmatch(token.info.strip()) if token.type == "fence" else None
        if found is None:
            continue
        fmt = found.group(1).lower()
        token.meta["format"] = fmt
        token.type = "html_block" if fmt in HTML_FORMATS else DROPPED
        if token.map and fmt in HTML_FORMATS:  # raw_html's messages name the HTML's own line
            token.map = [token.map[0] + 1, token.map[1]]


def _raw_inline(state: StateInline, silent: bool) -> bool:
    """A code span followed at once by `{=format}`."""
    start = state.pos
    if state.src[start] != "`":
        return False
    ticks = re.match(r"`+", state.src[start:])
    assert ticks is not None
    fence = ticks.group()
    # Bounded: a paragraph of unmatched backticks must stay linear (raw snippets are short).
    close = re.compile(rf"(?<!`){fence}(?!`)").search(state.src, start + len(fence),
                                                      start + REACH)
    found = close and FORMAT.match(state.src, close.end())
    if not close or not found:
        return False
    if not silent:
        content = state.src[start + len(fence):close.start()]
        _push_raw(state, content.strip() if content.strip() else content, found.group(1))
    state.pos = found.end()
    return True


def _push_raw(state: StateInline, content: str, fmt: str) -> None:
    if fmt.lower() not in HTML_FORMATS:
        token = state.push(DROPPED, "", 0)
        token.content, token.meta["format"] = content, fmt.lower()
        return
    for piece in PIECES.split(content):  # one token per tag, as markdown-it makes them
        if piece:
            token = state.push("html_inline" if PIECES.fullmatch(piece) else "text", "", 0)
            token.content = piece


def raw_attribute_problems(tokens: list[Token], path: str) -> list[Diagnostic]:
    """Remove the chunks for other formats, with one warning each."""
    problems: list[Diagnostic] = []
    kept = []
    for token in tokens:
        if token.type == DROPPED:
            problems.append(_warning(token.meta["format"], Loc(path, line_of(token))))
            continue
        children = token.children or []
        for child in (c for c in children if c.type == DROPPED):
            problems.append(_warning(child.meta["format"], Loc(path, line_of(token))))
        if children:
            token.children = [c for c in children if c.type != DROPPED]
        kept.append(token)
    tokens[:] = kept
    return problems


def _warning(fmt: str, where: Loc) -> Diagnostic:
    kind = "LaTeX" if fmt in LATEX else f"'{fmt}'"
    writer = "LaTeX" if fmt in LATEX else f"{fmt}"
    return Diagnostic(where, f"raw {kind} is for Pandoc's {writer} output; imprint leaves it "
                             "out", "warning")
