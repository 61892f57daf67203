"""Pandoc heading attributes: `## Title {#sec:id .class}` sets the heading's id and classes;
`{-}` and `{.unnumbered}` leave it unnumbered, `{.unlisted}` out of the contents.

The block is taken off the heading's source before markdown-it parses its inline content, so
the title is read as Pandoc reads it: escapes, quotes and entities in the block are the
attribute grammar's, never the typographer's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from imprint.markdown.attributes import html_attribute, trailing_attrs
from imprint.markdown.nodes import Node

# The optional closing sequence of an ATX heading. markdown-it removes it only at the end of
# the line, so before an attribute block `## Title ## {#id}` it stays in the title; Pandoc
# removes it there too. It must follow a space (or be all there is), as in CommonMark, so that
# `## C# {#x}` keeps its "C#" (Pandoc would print "C").
CLOSING_HASHES = re.compile(r"(?:(?<=\s)|^)#+\s*$")


def heading_attrs_plugin(md: MarkdownIt) -> None:
    md.core.ruler.before("inline", "heading_attrs", _heading_attrs)


def _heading_attrs(state: StateCore) -> None:
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open" or tokens[index + 1].type != "inline":
            continue
        inline = tokens[index + 1]
        found = trailing_attrs(inline.content)
        if found is None:
            continue
        title = inline.content[: found[0]].rstrip()
        if token.markup.startswith("#"):  # ATX: `## Title ## {#id}` closes before the block
            title = CLOSING_HASHES.sub("", title).rstrip()
        inline.content = title
        for key, value in found[1].items():
            token.attrSet(html_attribute(key), value)


def heading_classes(classes: str) -> tuple[bool, bool]:
    """(numbered, listed) for a heading's `class` attribute, as Pandoc reads them."""
    names = classes.split()
    return "unnumbered" not in names, "unlisted" not in names


def pandoc_identifier(text: str) -> str:
    """Pandoc's `auto_identifiers` for a heading's plain text: lowercase, keep letters and
    digits (any script), `_`, `-` and `.`, words joined by `-`, everything before the first
    letter dropped; "" when nothing is left (the caller's "section")."""
    kept = "".join(c for c in text.lower() if c.isspace() or c.isalnum() or c in "_-.")
    ident = "-".join(kept.split())
    start = next((i for i, char in enumerate(ident) if char.isalpha()), len(ident))
    return ident[start:]


# Inline nodes whose text Pandoc's `stringify` keeps: a citation or cross-reference as written
# (`[@key]`, `@fig:x`), code and math as their source. Note calls go, except a `[^label]`,
# which Pandoc has not resolved yet when it makes the id ("Method[^m]" -> "methodm").
_TEXT_NODES = frozenset({"text", "code_inline", "citation", "xref", "math_inline",
                         "math_display", "text_special"})


# What a contents entry, a running head or a bookmark shows of a heading: its words, code and
# formulas (as their TeX), never Markdown syntax, a link's target, a note call or a citation.
_SHOWN = frozenset({"text", "code_inline", "math_inline", "math_display", "text_special"})


def display_text(children: Sequence[Node]) -> str:
    """A heading's words as plain text: `The *real* $x^2$ [story](#s)` -> `The real x^2 story`."""
    return " ".join(_stringify(children, _SHOWN, notes=False).split())


def heading_text(children: Sequence[Node]) -> str:
    """A heading's text as Pandoc's `stringify` sees it, for its automatic identifier."""
    return _stringify(children, _TEXT_NODES, notes=True)


def _stringify(children: Sequence[Node], kinds: frozenset[str], *, notes: bool) -> str:
    parts = []
    for child in children:
        if child.type in kinds:
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_stringify(child.children or (), kinds, notes=notes))
        elif notes and child.type == "footnote_ref" and "label" in child.meta:
            parts.append(f"[^{child.meta.text('label')}]")
    return "".join(parts)
