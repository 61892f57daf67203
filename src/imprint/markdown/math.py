"""TeX math as Pandoc reads it (`tex_math_dollars`), plus `\\(…\\)` and `\\[…\\]`.

    md = MarkdownIt().use(math_plugin)

- `$…$` is inline math: the opening `$` has a non-space character right after it, the closing
  `$` one right before it and no digit after it (so `$5 and $6` is text); `\\$` is a dollar.
  Inside, a backslash takes the next character with it (`$a\\$b$` is one formula) and
  `\\text{…}` may hold a `$`. White space inside may run over a line end.
- `$$…$$` is display math. As in Pandoc it is part of its paragraph (it may span lines, but
  not a blank line); `$$…$$ {#eq:label}` numbers it (pandoc-crossref's syntax), and
  `@eq:label` refers to it. A `$$` that is never closed is an error, where Pandoc prints it.
- `\\(…\\)` is inline and `\\[…\\]` display math (Pandoc's `tex_math_single_backslash`, not
  on in its default Markdown). Pandoc's own Markdown writer escapes a literal bracket as `\\[`
  (a Word file's "[sic]" arrives as `\\[sic\\]`), so `\\[…\\]` is math only when it holds a
  TeX command, `^`, `_` or `{`; otherwise it stays the escaped brackets it was written as.

Each formula is one token, `math_inline` or `math_display`, whose `content` is the TeX; its
meta holds `mathml` (from `tex.to_mathml`), `label` (the `eq:` id, for numbering) and `line`
(0-based). A formula that cannot be converted keeps `problem` instead of `mathml`, and
`math_problems` turns each into a located error, so emphasis, smart quotes and escapes never
touch TeX, and bad TeX never prints as source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from imprint.book.model import Diagnostic, Loc
from imprint.markdown.tex import TexError, to_mathml

INLINE, DISPLAY = "math_inline", "math_display"
# `{#eq:label}` after display math; the id ends on a word character, as in `@eq:label.`
_LABEL = re.compile(r"[ \t]*\{#(eq[:-](?:[A-Za-z0-9_][A-Za-z0-9_:.-]*)?[A-Za-z0-9_])\}")
_TEXT_COMMAND = re.compile(r"\\text\{")
_BRACKET_MATH = re.compile(r"\\[A-Za-z]|[\^_{]")
SNIPPET = 40  # characters of a formula quoted in a message


@dataclass(frozen=True)
class _Found:
    end: int  # where the source after the math begins
    tex: str
    display: bool
    opener: str  # `$`, `$$`, `\(` or `\[`
    label: str = ""
    problem: str = ""


# A paragraph that is one LaTeX math environment is display math, as Pandoc reads it
# (`raw_tex`: its LaTeX reader makes these environments math). bookdown books write them so.
_ENVIRONMENT = re.compile(r"\\begin\{(equation|align|gather|multline|eqnarray|alignat|flalign)"
                          r"(\*?)\}.*\\end\{\1\2\}", re.DOTALL)


def math_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "math_environments", _environments)
    # Before `escape`, which would take `\(` for an escaped parenthesis.
    md.inline.ruler.before("escape", "math", _math)
    # Last, so the formulas of inline notes `^[…]` are in the token stream by then.
    md.core.ruler.push("math_convert", _convert)
    md.add_render_rule(INLINE, render_math)
    md.add_render_rule(DISPLAY, render_math)


def _environments(state: StateCore) -> None:
    """`\\begin{equation*}…\\end{equation*}` alone in its paragraph: read as `$$…$$`."""
    for index, token in enumerate(state.tokens[1:], 1):
        if token.type == "inline" and state.tokens[index - 1].type == "paragraph_open" \
                and _ENVIRONMENT.fullmatch(token.content.strip()):
            token.content = f"$${token.content.strip()}$$"


def _math(state: StateInline, silent: bool) -> bool:
    if state.src.startswith("$$$$", state.pos):  # text, as in Pandoc (not an unclosed `$$`)
        if not silent:
            state.push("text", "", 0).content = "$$$$"
        state.pos += 4
        return True
    found = _scan(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        token = state.push(DISPLAY if found.display else INLINE, "math", 0)
        token.content = found.tex
        token.markup = found.opener
        token.meta = {"line_offset": state.src.count("\n", 0, state.pos)}
        if found.label:
            token.meta["label"] = found.label
        if found.problem:
            token.meta["problem"] = found.problem
    state.pos = found.end
    return True


def _scan(src: str, start: int, end: int) -> _Found | None:
    if src.startswith("$$", start):
        return _display(src, start, end, "$$")
    if src.startswith("$", start):
        return _inline_dollar(src, start, end)
    if src.startswith("\\(", start):
        close = _closing(src, start + 2, end, "\\)")
        return None if close is None else _Found(close + 2, _inline_tex(src[start + 2:close]),
                                                  False, "\\(")
    if src.startswith("\\[", start):
        close = _closing(src, start + 2, end, "\\]")
        if close is None or not _BRACKET_MATH.search(src, start + 2, close):
            return None
        return _display(src, start, end, "\\[")
    return None


def _closing(src: str, pos: int, end: int, closer: str) -> int | None:
    """Where `closer` first stands, a backslash always taking the next character with it."""
    while pos < end:
        if src.startswith(closer, pos):
            return pos
        pos += 2 if src[pos] == "\\" else 1
    return None


def _display(src: str, start: int, end: int, opener: str) -> _Found | None:
    closer = "$$" if opener == "$$" else "\\]"
    close = _closing(src, start + 2, end, closer)
    if close is None:
        if opener != "$$":
            return None
        rest = src[start:end].split("\n", 1)[0]
        return _Found(start + 2, rest[2:], True, opener, problem=(
            "'$$' is never closed (display math ends at its closing '$$', and a blank line "
            "ends it too); write '\\$' for a dollar sign"))
    label = _LABEL.match(src, close + 2, end)
    return _Found(label.end() if label else close + 2, src[start + 2:close], True, opener,
                  label.group(1) if label else "")


def _inline_dollar(src: str, start: int, end: int) -> _Found | None:
    """Pandoc's rules for `$…$` (Text.Pandoc.Parsing.mathInlineWith)."""
    pos = start + 1
    if pos >= end or src[pos].isspace() or src[pos] == "$":
        return None
    while pos < end:
        char = src[pos]
        if char == "\\":
            text = _TEXT_COMMAND.match(src, pos)
            pos = _after_group(src, text.end(), end) if text else pos + 2
        elif char.isspace():
            while pos < end and src[pos].isspace():
                pos += 1
            if pos < end and src[pos] == "$":
                return None  # the closing `$` must follow a non-space character
        elif char == "$":
            if pos + 1 < end and src[pos + 1].isdigit():
                return None  # `$5`
            return _Found(pos + 1, _inline_tex(src[start + 1:pos]), False, "$")
        else:
            pos += 1
    return None


def _inline_tex(tex: str) -> str:
    """Inline TeX with each run of white space (a line end too) as one space, as Pandoc has it."""
    return " ".join(tex.split())


def _after_group(src: str, pos: int, end: int) -> int:
    """Just after the `}` closing the group opened before `pos` (or `end`)."""
    depth = 1
    while pos < end and depth:
        depth += {"{": 1, "}": -1}.get(src[pos], 0)
        pos += 2 if src[pos] == "\\" else 1
    return pos


def _convert(state: StateCore) -> None:
    """Convert every formula once; a failure stays on the token, with its line."""
    first_line = 0
    for block in state.tokens:
        if block.map:
            first_line = block.map[0]
        for token in _formulas(block.children or []):
            token.meta["line"] = first_line + token.meta.pop("line_offset", 0)
            if "problem" in token.meta:
                continue
            try:
                token.meta["mathml"] = to_mathml(token.content, token.type == DISPLAY)
            except TexError as error:
                token.meta["problem"] = str(error)


def _formulas(tokens: Sequence[Token]) -> list[Token]:
    found = []
    for token in tokens:
        if token.type in (INLINE, DISPLAY):
            found.append(token)
        found += _formulas(token.children or [])
    return found


def math_problems(tokens: Sequence[Token], path: str) -> list[Diagnostic]:
    """One located error per formula that could not be converted."""
    problems = []
    for block in tokens:
        for token in _formulas(block.children or []):
            problem = token.meta.get("problem")
            if problem:
                tex = token.markup + token.content
                quoted = tex if len(tex) <= SNIPPET else tex[:SNIPPET] + "…"
                problems.append(Diagnostic(Loc(path, token.meta.get("line", 0) + 1),
                                           f"invalid TeX math '{quoted}': {problem}"))
    return problems


def render_math(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """`<span class="math inline|display">` around the MathML; a numbered display carries its
    anchor and, after the formula, its number. The PDF edition draws the MathML as SVG."""
    token = tokens[idx]
    kind = "display" if token.type == DISPLAY else "inline"
    mathml = token.meta.get("mathml")
    if mathml is None:  # refused (the build stops); shown as written, e.g. in a preview
        return f'<span class="math {kind}">{escape(token.markup + token.content)}</span>'
    number, ident = token.meta.get("number"), token.meta.get("id")
    if kind == "inline" or number is None:
        return f'<span class="math {kind}">{mathml}</span>'
    return (f'<span class="math display" id="{escape(str(ident))}">{mathml}'
            f'<span class="equation-number">({number})</span></span>')
