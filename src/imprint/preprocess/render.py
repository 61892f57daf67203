"""Render stage: numbered tokens -> `Chapter`s holding the house's HTML and their notes."""

from __future__ import annotations

from markdown_it.token import Token

from imprint.book.model import Chapter, Loc, Note
from imprint.markdown.parse import ParsedChapter
from imprint.markdown.parser import parser
from imprint.preprocess.cite.format import Formatted
from imprint.preprocess.numbering import Numbering
from imprint.preprocess.renderer import ChapterRenderer, RenderContext

# CSL locales that put a full stop or comma inside closing quotation marks (American usage).
PUNCTUATION_IN_QUOTE = ("en", "en-US")


def render_chapters(
    chapters: list[ParsedChapter], numbering: Numbering, formatted: Formatted | None,
    language: str = "en-US",
) -> tuple[Chapter, ...]:
    citations = dict(formatted.citations) if formatted else {}
    in_quote = language in PUNCTUATION_IN_QUOTE
    return tuple(_render(chapter, numbering, citations, in_quote) for chapter in chapters)


def _render(chapter: ParsedChapter, numbering: Numbering, citations: dict,
            in_quote: bool) -> Chapter:
    tokens = list(chapter.tokens)
    split = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
    number = numbering.chapter_numbers[chapter.slug]
    ctx = RenderContext(numbering.targets, citations, number, in_quote)
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
    )


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
