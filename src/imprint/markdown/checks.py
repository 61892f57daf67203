"""Checks on a chapter's text and tokens that stop content from being lost without a word.

Each returns located diagnostics; the parse stage collects them with its own.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from imprint.book.config import LANGUAGE
from imprint.book.model import Diagnostic, Loc
from imprint.markdown.footnotes import FootnoteFindings
from imprint.markdown.nodes import line_of
from imprint.markdown.parser import MAX_NESTING

# C0 and C1 controls (but tab, line feed and carriage return) and the two non-characters XML
# forbids: no font draws them, and in the EPUB they make the XHTML ill-formed. U+2028 and
# U+2029 (line and paragraph separators, from word processors) are neither a line break nor a
# space to Markdown; no font draws them either, and in a table cell they crashed the layout.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029]")
_SEPARATORS = {"\u2028": "line separator", "\u2029": "paragraph separator"}


def control_characters(text: str, path: str) -> list[Diagnostic]:
    """One error per line holding a control character, naming the first one."""
    problems = []
    # Lines as the parser counts them: str.splitlines would also break at U+000B, U+000C,
    # U+001C-U+001E and U+0085, and so drop the very characters this looks for.
    for number, line in enumerate(re.split(r"\r\n?|\n", text), 1):
        match = _CONTROL.search(line)
        if match:
            code = f"U+{ord(match.group()):04X}"
            problems.append(Diagnostic(Loc(path, number), _problem(match.group(), code)))
    return problems


def _problem(character: str, code: str) -> str:
    if character in _SEPARATORS:
        return (f"{_SEPARATORS[character]} {code} in the text; use a line break or a blank "
                "line (it cannot print in any edition)")
    return f"control character {code} in the text; remove it (it cannot print in any edition)"


def footnote_problems(env: dict[str, Any], path: str) -> list[Diagnostic]:
    findings: FootnoteFindings = env.get("imprint_footnotes") or FootnoteFindings()
    problems = [
        Diagnostic(Loc(path, line), f"{_note(call)} is called inside {_note(note)}; a note "
                   "cannot call another note")
        for call, note, line in findings.nested
    ]
    problems += [
        Diagnostic(Loc(path, line), f"footnote '[^{label}]' is not defined; it prints as "
                   "written", "warning")
        for label, line in findings.undefined
    ]
    problems += [
        Diagnostic(Loc(path, line), f"footnote label '[^{label}]' holds a space, which a label "
                   "cannot; it prints as written", "warning")
        for label, line in findings.spaced
    ]
    problems += [
        Diagnostic(Loc(path, line), f"footnote '[^{label}]' is called again; this call "
                   "prints the same number and links to the one note (Pandoc would copy the "
                   "note)", "warning")
        for label, line in findings.repeated
    ]
    first: dict[str, int] = {}
    for label, line in findings.definitions:
        if label in first:
            problems.append(Diagnostic(Loc(path, line), f"footnote '[^{label}]' is defined "
                                       f"again (first at line {first[label]}); this later "
                                       "text is used, as in Pandoc", "warning"))
        first.setdefault(label, line)
    return problems


def _note(label: str) -> str:
    return f"footnote '[^{label}]'" if label else "an inline note '^[…]'"


def structure_problems(tokens: list[Token], path: str) -> list[Diagnostic]:
    """Fenced divs never closed, and nesting so deep that markdown-it would drop the rest."""
    problems = []
    for token in tokens:
        if token.type == "container_div_open" and token.meta.get("unclosed"):
            problems.append(Diagnostic(Loc(path, line_of(token)), f"fenced div '{token.markup} "
                                       f"{token.info.strip()}' is never closed; it runs to the "
                                       "end of its section", "warning"))
    deep = next((t for t in tokens if t.level >= MAX_NESTING - 1), None)
    if deep is not None:
        depth = _containers(tokens, deep)
        problems.append(Diagnostic(Loc(path, _deepest_line(tokens, deep)), "quotes, lists or "
                                   f"divs nested too deep (at least {depth}); imprint reads "
                                   f"{MAX_NESTING_QUOTES} quotes or {MAX_NESTING_LISTS} lists "
                                   "deep, and what is deeper would be lost"))
    return problems


# What MAX_NESTING (markdown-it's token levels) allows: a quote takes one level, a list two
# (the list and its item), and the paragraph inside the deepest one its own.
MAX_NESTING_QUOTES = MAX_NESTING - 3
MAX_NESTING_LISTS = (MAX_NESTING - 3) // 2
_OPENS = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open",
                    "container_div_open"})
_CLOSES = frozenset(kind.replace("_open", "_close") for kind in _OPENS)


def _containers(tokens: list[Token], deep: Token) -> int:
    """How many quotes, lists and divs are open at `deep`."""
    depth = most = 0
    for token in tokens[: tokens.index(deep) + 1]:
        depth += (token.type in _OPENS) - (token.type in _CLOSES)
        most = max(most, depth)
    return most


def language_problems(tokens: list[Token], path: str) -> list[Diagnostic]:
    """A `lang` that is no BCP 47 tag makes the EPUB invalid and picks no font or hyphenation."""
    problems, line = [], 0
    for token in tokens:
        line = line_of(token) or line
        for item in [token, *(token.children or [])]:
            lang = item.attrGet("lang") or ((item.meta or {}).get("attrs") or {}).get("lang")
            if lang is not None and not LANGUAGE.fullmatch(str(lang)):
                problems.append(Diagnostic(Loc(path, line), f"lang='{lang}' is not a language "
                                           "tag (BCP 47, e.g. ru or zh-Hans)"))
    return problems


def _deepest_line(tokens: list[Token], deep: Token) -> int:
    """The line of the token at the limit, or of the last block opened before it."""
    index = tokens.index(deep)
    return next((line_of(t) for t in reversed(tokens[: index + 1]) if t.map), 0)
