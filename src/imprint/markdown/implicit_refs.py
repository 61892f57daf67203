"""Pandoc's `implicit_header_references`: `[Heading text]`, `[Heading text][]` and
`[words][Heading text]` link to the heading of that text, as if a reference `[Heading text]:
#its-id` had been written. A reference the author defined wins; of two headings with the same
text, the first is meant (both as in Pandoc). Only the chapter's own headings are known here:
the chapter is parsed alone, where Pandoc reads the whole book as one text.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from imprint.markdown.headings import pandoc_identifier

# What Pandoc's `stringify` keeps of a heading for its id (see headings.heading_text).
_TEXT = frozenset({"text", "code_inline", "text_special", "math_inline", "citation", "xref"})


def implicit_refs_plugin(md: MarkdownIt) -> None:
    # After heading_attrs (registered before it, also before "inline"): titles are bare.
    md.core.ruler.before("inline", "implicit_header_references", _references)


def _references(state: StateCore) -> None:
    references = state.env.setdefault("references", {})
    for index, token in enumerate(state.tokens[:-1]):
        inline = state.tokens[index + 1]
        if token.type != "heading_open" or inline.type != "inline" or not inline.content:
            continue
        # The heading's markup counts, as in Pandoc: "A *big* deal" is `[A *big* deal]`, not
        # `[A big deal]`; case and runs of white space do not.
        label = normalizeReference(inline.content)
        ident = str(token.attrGet("id") or "") or pandoc_identifier(_plain(state, inline.content))
        if ident and label not in references:
            references[label] = {"href": f"#{ident}", "title": ""}


def _plain(state: StateCore, title: str) -> str:
    """The heading's text as Pandoc's `stringify` has it (a link's target is not in it)."""
    parts: list[str] = []
    for block in state.md.parseInline(title, {}):
        _stringify(block.children or [], parts)
    return "".join(parts)


def _stringify(tokens: list[Token], parts: list[str]) -> None:
    for token in tokens:
        if token.type in _TEXT:
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            _stringify(token.children or [], parts)
