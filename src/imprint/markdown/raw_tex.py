"""Pandoc's `raw_tex` outside math: `\\index{…}`, `\\newpage`, `\\label{…}`, environments.

Pandoc keeps such commands for its LaTeX output and leaves them out of HTML; every edition
does the same, with one located warning per chapter counting what was left out. A command is
a backslash, letters, an optional `*`, then any `[…]` and balanced `{…}` arguments written
right after it; the spaces after it go too when it has no arguments (as in Pandoc) or
stands between spaces (so no doubled space is left);
`\\begin{x}…\\end{x}` goes as a whole. Math (math.py) is read first, so `$\\alpha$` is never
raw TeX; `\\$`, `\\,` and the other escapes are CommonMark's. Unlike Pandoc, a command right
after `:`, `/` or `\\`, or one without arguments right after a letter or digit, is text, so
a path such as `C:\\Users\\x` prints as written (`term\\index{term}` is still TeX).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import cast

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from imprint.book.model import Diagnostic, Loc
from imprint.markdown.nodes import line_of

TYPE = "raw_tex"
COMMAND = re.compile(r"\\([A-Za-z]+)\*?")
OPTION = re.compile(r"\[[^\[\]\n]*\]")
PATH = re.compile(r"[:/\\]")  # `C:\Users`, `a/\b`, `\\`: never TeX
WORD = re.compile(r"\w")
SPACES = re.compile(r"[ \t]*")
# How far an environment's end is looked for: bounded, so a paragraph of unclosed
# `\begin{x}` stays linear (a real environment is shorter).
REACH = 20_000
BRACES = "imprint_raw_tex_braces"  # env: (the inline run, its brace pairs), made once per run


def raw_tex_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("escape", "raw_tex", _raw_tex)


def _raw_tex(state: StateInline, silent: bool) -> bool:
    pos, src = state.pos, state.src
    found = COMMAND.match(src, pos) if src[pos] == "\\" else None
    if found is None or (pos > 0 and PATH.match(src, pos - 1)):
        return False
    end = _arguments(state, found.end())
    if end == found.end() and pos > 0 and WORD.match(src, pos - 1):
        return False  # `C:\Users\x`: a path, not TeX
    name = found.group(1)
    if name in ("begin", "end"):  # an environment goes whole; half of one is text (Pandoc)
        closing = src.find("\\end" + src[found.end():end].strip(), end, end + REACH)
        if name == "end" or closing < 0:
            return False
        environment = src[found.end():end].strip()
        name, end = name + environment, closing + 4 + len(environment)  # `\begin{center}`
    if end == found.end() or pos == 0 or src[pos - 1] in " \t\n":
        end = SPACES.match(src, end).end()  # type: ignore[union-attr]  # no doubled space
    if not silent:
        token = state.push(TYPE, "", 0)
        token.content, token.meta["command"] = src[pos:end], name
    state.pos = end
    return True


def _arguments(state: StateInline, pos: int) -> int:
    """The end of the `[…]` and balanced `{…}` groups written at `pos`."""
    src, closes = state.src, _braces(state)
    while pos < len(src):
        option = OPTION.match(src, pos)
        if option:
            pos = option.end()
        elif src[pos] == "{" and pos in closes:
            pos = closes[pos]
        else:
            return pos
    return pos


def _braces(state: StateInline) -> dict[int, int]:
    """Each `{` of the inline run that closes -> the position after its `}` (`\\{` is no
    brace). Found once per run, so a paragraph of unclosed braces stays linear."""
    cached = state.env.get(BRACES)
    if cached is not None and cached[0] is state.src:
        return cast(dict[int, int], cached[1])
    closes: dict[int, int] = {}
    stack: list[int] = []
    escaped = False
    for index, char in enumerate(state.src):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            stack.append(index)
        elif char == "}" and stack:
            closes[stack.pop()] = index + 1
    state.env[BRACES] = (state.src, closes)
    return closes


def raw_tex_problems(tokens: list[Token], path: str) -> list[Diagnostic]:
    """Remove the raw TeX (and a paragraph left empty by it); one warning for the chapter."""
    counts: Counter[str] = Counter()
    first = 0
    kept: list[Token] = []
    for token in tokens:
        children = token.children or []
        if any(child.type == TYPE for child in children):
            counts.update(c.meta["command"] for c in children if c.type == TYPE)
            first = first or line_of(token)
            token.children = _without_tex(children)
            if not "".join(c.content for c in token.children).strip() and all(
                    c.type in ("text", "softbreak") for c in token.children):
                _drop_paragraph(kept)
                continue
        elif _after_dropped(token, kept):
            continue
        kept.append(token)
    tokens[:] = kept
    if not counts:
        return []
    listed = ", ".join(f"\\{name} ×{n}" if n > 1 else f"\\{name}"
                       for name, n in counts.most_common())
    return [Diagnostic(Loc(path, first), f"raw TeX left out ({listed}): it is for Pandoc's "
                                         "LaTeX output", "warning")]


def _without_tex(children: list[Token]) -> list[Token]:
    """The run without its raw TeX, and without a line break it left at the start."""
    kept = [child for child in children if child.type != TYPE]
    while kept and kept[0].type == "softbreak" and children[0].type == TYPE:
        kept.pop(0)
    return kept


def _drop_paragraph(kept: list[Token]) -> None:
    """The inline token was a paragraph's: its opening goes, and it marks its closing."""
    if kept and kept[-1].type == "paragraph_open":
        kept[-1].meta["raw_tex_empty"] = True


def _after_dropped(token: Token, kept: list[Token]) -> bool:
    """A paragraph's closing after an emptied inline: remove both."""
    if token.type == "paragraph_close" and kept and kept[-1].meta.get("raw_tex_empty"):
        kept.pop()
        return True
    return False
