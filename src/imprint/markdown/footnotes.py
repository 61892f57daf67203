"""What mdit-py-plugins' footnote rules do silently, recorded so the parse stage can say it.

markdown-it keeps the last of two `[^a]:` definitions, prints an undefined `[^x]` as text and
lets a note call another note (which then has no number); Pandoc warns about the first and we
refuse the last. Inline notes `^[…]` also get their source line here, which the plugin drops.

    md = MarkdownIt().use(footnote_plugin).use(footnote_checks_plugin)
    md.parse(text, env)
    env["imprint_footnotes"]  # FootnoteFindings
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from imprint.markdown.nodes import line_of

UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
SPACED_LABEL = re.compile(r"\[\^([^\]]*\s[^\]]*)\]")


@dataclass
class FootnoteFindings:
    """Per-document facts, with 1-based lines (0 when unknown)."""

    definitions: list[tuple[str, int]] = field(default_factory=list)  # (label, line)
    # (call, in note, line); a label "" is an inline note `^[…]`
    nested: list[tuple[str, str, int]] = field(default_factory=list)
    undefined: list[tuple[str, int]] = field(default_factory=list)  # (label, line)
    spaced: list[tuple[str, int]] = field(default_factory=list)  # (label, line)
    repeated: list[tuple[str, int]] = field(default_factory=list)  # (label, line)


def footnote_checks_plugin(md: MarkdownIt) -> None:
    """Install after `footnote_plugin` (it wraps its inline rule and runs before its tail)."""
    _wrap_inline_rule(md, "footnote_inline", _record_offset)
    md.core.ruler.before("footnote_tail", "footnote_checks", _check_footnotes)


def _wrap_inline_rule(md: MarkdownIt, name: str, after: Callable[[StateInline, int], None]) -> None:
    rule = next(r for r in md.inline.ruler.__rules__ if r.name == name)
    original = rule.fn

    def wrapped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        found = original(state, silent)
        if found and not silent:
            after(state, start)
        return found

    md.inline.ruler.at(name, wrapped)


def _record_offset(state: StateInline, start: int) -> None:
    """An inline note's line: the newlines before it in its paragraph."""
    state.tokens[-1].meta["line_offset"] = state.src.count("\n", 0, start)


def _check_footnotes(state: StateCore) -> None:
    findings = FootnoteFindings()
    state.env["imprint_footnotes"] = findings
    notes = state.env.get("footnotes", {}).get("list", {})
    inside: str | None = None
    for block in state.tokens:
        if block.type == "footnote_reference_open":
            inside = block.meta["label"]
            findings.definitions.append((inside, line_of(block)))
        elif block.type == "footnote_reference_close":
            inside = None
        elif block.type == "inline" and block.children:
            first = line_of(block)
            _check_inline(block, block.children, first, inside, notes, findings)


def _check_inline(block: Token, children: list[Token], first: int, inside: str | None,
                  notes: dict[int, dict[str, Any]], findings: FootnoteFindings) -> None:
    for child, line in _with_lines(block, children, first):
        if child.type == "footnote_ref":
            label = child.meta.get("label") or ""  # "": an inline note
            if child.meta.get("subId"):
                findings.repeated.append((label, line))
            if inside is not None:
                findings.nested.append((label, inside, line))
            inline_note = notes.get(child.meta["id"], {}).get("tokens")
            if inline_note is not None:
                _set_citation_lines(inline_note, line)
                _check_inline(block, inline_note, line, "", notes, findings)
        elif child.type == "text":
            findings.undefined += [(m.group(1), line) for m in UNDEFINED_CALL.finditer(
                child.content)]
            findings.spaced += [(m.group(1), line) for m in SPACED_LABEL.finditer(
                child.content)]


def _with_lines(block: Token, children: list[Token], first: int) -> Iterator[tuple[Token, int]]:
    """Each child with its 1-based line, counting the soft and hard breaks before it."""
    line = first
    for child in children:
        offset = child.meta.get("line_offset") if child.meta else None
        yield child, (first + offset if offset is not None else line)
        if child.type in ("softbreak", "hardbreak"):
            line += 1


def _set_citation_lines(tokens: list[Token], line: int) -> None:
    """Citations inside an inline note: 0-based lines, as the citation rule sets them."""
    for token in tokens:
        if token.type == "citation":
            token.meta["line"] = line - 1 + token.meta.get("line_offset", 0)
