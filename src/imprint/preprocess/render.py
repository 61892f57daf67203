"""Render stage: plain nodes and numbering's marks -> `Chapter`s holding the house's HTML and
their notes.

The renderer is markdown-it's, so each chapter's nodes become fresh markdown-it tokens here,
with numbering's decisions written onto them: the tokens are this stage's private copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markdown_it.token import Token

from imprint.book.locale import Locale, shipped_locale
from imprint.book.model import Chapter, Loc, Note
from imprint.markdown.nodes import Address, FrozenMap, Node, Value
from imprint.markdown.parse import ParsedChapter
from imprint.markdown.parser import parser
from imprint.preprocess.cite.format import CitationText, Formatted
from imprint.preprocess.numbering import Mark, Numbering
from imprint.preprocess.renderer import ChapterRenderer, RenderContext

# CSL locales that put a full stop or comma inside closing quotation marks (American usage).
PUNCTUATION_IN_QUOTE = ("en", "en-US")


def render_chapters(
    chapters: list[ParsedChapter], numbering: Numbering, formatted: Formatted | None,
    language: str = "en-US", locale: Locale | None = None,
) -> tuple[Chapter, ...]:
    citations = dict(formatted.citations) if formatted else {}
    in_quote = language in PUNCTUATION_IN_QUOTE
    words = locale or shipped_locale()
    return tuple(_render(chapter, numbering, citations, in_quote, words) for chapter in chapters)


def _render(chapter: ParsedChapter, numbering: Numbering, citations: dict[str, CitationText],
            in_quote: bool, locale: Locale) -> Chapter:
    tokens = thaw(chapter.nodes, numbering.marks.get(chapter.slug, {}))
    split = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    number = numbering.chapter_numbers[chapter.slug]
    ctx = RenderContext(numbering.targets, citations, number, in_quote, locale=locale)
    renderer = ChapterRenderer()
    options = parser().options
    env = {"imprint": ctx}
    html = renderer.render(tokens[:split], options, env)
    for start, end in _footnotes(tokens, split):
        note_number = tokens[start].meta.get("number")
        if note_number is not None:
            ctx.notes[note_number] = renderer.render(tokens[start + 1 : end], options, env)
    notes = tuple(
        Note(n, ctx.notes[n].strip(), numbering.note_locs.get(n, Loc(chapter.path)), chapter.slug)
        for n in sorted(ctx.notes)
    )
    return Chapter(
        slug=chapter.slug,
        title=chapter.title,
        short_title=chapter.short_title,
        number=number,
        kind=chapter.spec.kind,
        source=Loc(chapter.path, 1),
        html=html,
        headings=numbering.headings[chapter.slug],
        notes=notes,
        files=chapter.spec.files,
    )


def thaw(nodes: tuple[Node, ...], marks: Mapping[Address, Mark]) -> list[Token]:
    """Fresh markdown-it tokens for `nodes`, each with the mark at its address applied."""
    tokens = []
    for index, node in enumerate(nodes):
        token = to_token(node)
        for at, child in enumerate(token.children or []):
            _apply(child, marks.get((index, at)))
        _apply(token, marks.get((index,)))
        tokens.append(token)
    return tokens


def to_token(node: Node) -> Token:
    """The markdown-it token `node` was frozen from (`parse.freeze` undone)."""
    return Token(
        type=node.type,
        tag=node.tag,
        nesting=node.nesting,
        attrs=dict(node.attrs),
        map=list(node.map) if node.map is not None else None,
        level=node.level,
        children=None if node.children is None else [to_token(c) for c in node.children],
        content=node.content,
        markup=node.markup,
        info=node.info,
        meta=_thaw_map(node.meta),
        block=node.block,
        hidden=node.hidden,
    )


def _thaw_map(frozen: FrozenMap) -> dict[str, Any]:
    return {key: _thaw_value(value) for key, value in frozen.pairs}


def _thaw_value(value: Value) -> Any:
    if isinstance(value, FrozenMap):
        return _thaw_map(value)
    if isinstance(value, tuple):
        return tuple(_thaw_value(item) for item in value)
    return value


def _apply(token: Token, mark: Mark | None) -> None:
    """Write numbering's decision where the renderer reads it: a heading's id is an HTML
    attribute, the rest is meta (a citation's `note` even when None: it stays in the text)."""
    if mark is None:
        return
    if token.type == "heading_open" and mark.id is not None:
        token.attrSet("id", mark.id)
        return
    if token.type == "link_open" and mark.id is not None:  # `#id` resolved to its anchor
        token.attrSet("href", f"#{mark.id}")
        return
    decided = {"number": mark.number, "id": mark.id, "asset": mark.asset}
    token.meta.update((key, value) for key, value in decided.items() if value is not None)
    if token.type == "citation":
        token.meta["note"] = mark.note
    if mark.blocked:
        token.meta["blocked"] = True


def _footnotes(tokens: list[Token], start: int) -> list[tuple[int, int]]:
    """(open, close) index pairs of each footnote definition after `start`."""
    spans, opening = [], None
    for index in range(start, len(tokens)):
        if tokens[index].type == "footnote_open":
            opening = index
        elif tokens[index].type == "footnote_close" and opening is not None:
            spans.append((opening, index))
            opening = None
    return spans
