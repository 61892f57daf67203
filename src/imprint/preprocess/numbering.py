"""Number stage: chapters, headings, figures, tables and notes get their one book-wide number.

Numbers are written onto the tokens' `meta` (the tokens are this pipeline's private working
copy), and the cross-reference targets and citations are returned for the later stages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from imprint.book.files import local_asset
from imprint.book.model import CitationRef, Diagnostic, Figure, Heading, Loc, Table
from imprint.markdown.parse import ParsedChapter, line_of


@dataclass(frozen=True)
class Target:
    id: str
    label: str  # what a cross-reference prints: "Figure 2", "Table 1", "Chapter 3"
    chapter: str  # slug of the chapter holding it
    kind: str  # "figure", "table", "section"


@dataclass
class Numbering:
    targets: dict[str, Target] = field(default_factory=dict)
    chapter_numbers: dict[str, int | None] = field(default_factory=dict)
    headings: dict[str, tuple[Heading, ...]] = field(default_factory=dict)
    citations: list[CitationRef] = field(default_factory=list)
    footnote_numbers: list[int] = field(default_factory=list)
    note_locs: dict[int, Loc] = field(default_factory=dict)
    assets: set[str] = field(default_factory=set)
    figure_list: list[Figure] = field(default_factory=list)
    table_list: list[Table] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    slugs: frozenset[str] = frozenset()
    next_note: int = 1
    figures: int = 0
    tables: int = 0


def walk_inline(tokens: tuple[Token, ...] | list[Token]) -> Iterator[tuple[Token, Token]]:
    """(block inline token, child) pairs in reading order."""
    for token in tokens:
        for child in token.children or []:
            yield token, child


def number_publication(
    root: Path, chapters: list[ParsedChapter], note_style: bool
) -> Numbering:
    state = Numbering(slugs=frozenset(chapter.slug for chapter in chapters))
    body = 0
    for chapter in chapters:
        if chapter.spec.kind == "body":
            body += 1
        state.chapter_numbers[chapter.slug] = body if chapter.spec.kind == "body" else None
        _number_blocks(root, chapter, state)
    for chapter in chapters:
        _number_notes(chapter, state, note_style)
    for chapter in chapters:
        _check_xrefs(chapter, state)
    return state


def anchor(identifier: str) -> str:
    """An id safe everywhere (XML ids may not contain ':'): `fig:exercises` -> `fig-exercises`;
    any character but a letter, digit, `_`, `.` or `-` becomes `-` as well."""
    return re.sub(r"[^\w.-]", "-", identifier)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


# Ids of imprint's own pages and furniture; an author's id must not take one, or a link to the
# notes or the copyright page would land in a chapter (and the EPUB would hold two).
_RESERVED = frozenset({
    "cover", "titlepage", "copyright", "contents", "contents-title", "toc", "landmarks",
    "page-list", "nav-title", "notes", "notes-title", "bibliography", "bibliography-title"})
_RESERVED_FORM = re.compile(r"(?:note|noteref|page|pagetarget|cite)-\d+|ref-.*")


def reserved(ident: str, slugs: frozenset[str]) -> bool:
    """Is `ident` (an anchor) an id that imprint generates?"""
    if ident in _RESERVED or _RESERVED_FORM.fullmatch(ident):
        return True
    prefix, _, rest = ident.partition("-")
    return prefix in ("chapter", "notes") and rest in slugs


def _add_target(state: Numbering, chapter: ParsedChapter, token: Token, key: str,
                label: str, kind: str) -> Target:
    """Register `key` (the id as the author wrote it) under its XML-safe anchor."""
    where = Loc(chapter.path, line_of(token))
    if key in state.targets:
        state.problems.append(Diagnostic(where, f"duplicate id '{key}'"))
    elif reserved(anchor(key), state.slugs):
        state.problems.append(Diagnostic(where, f"id '{key}' is one imprint gives its own "
                                         "pages and notes; choose another"))
    target = Target(anchor(key), label, chapter.slug, kind)
    state.targets[key] = target
    return target


def _number_blocks(root: Path, chapter: ParsedChapter, state: Numbering) -> None:
    headings = []
    tokens = chapter.tokens
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append(_heading(chapter, tokens, index, state))
        elif token.type == "figure_open":
            _figure(root, chapter, token, tokens[index + 1], state)
        elif token.type == "table_open":
            has_caption = tokens[index + 1].type == "table_caption_open"
            _table(chapter, token, tokens[index + 2] if has_caption else None, state)
    for block, child in walk_inline(tokens):
        if child.type == "image":
            _inline_image(root, chapter, block, child, state)
        elif child.type == "link_open" and _is_local_file(child.attrGet("href") or ""):
            where = Loc(chapter.path, line_of(block))
            child.meta["blocked"] = True
            state.problems.append(Diagnostic(
                where, f"link '{child.attrGet('href')}' points at a local file; not linked",
                "warning"))
    state.headings[chapter.slug] = tuple(headings)


def _heading(chapter: ParsedChapter, tokens: tuple[Token, ...], index: int,
             state: Numbering) -> Heading:
    token, inline = tokens[index], tokens[index + 1]
    level = int(token.tag[1])
    text = "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))
    key = str(token.attrGet("id") or "")
    if not key:
        key = _free_id(chapter.slug if level == 1 else f"{chapter.slug}-{slugify(text)}", state)
    number = state.chapter_numbers[chapter.slug]
    label = f"Chapter {number}" if level == 1 and number else f"“{text}”"
    target = _add_target(state, chapter, token, key, label, "section")
    token.attrSet("id", target.id)
    return Heading(id=target.id, level=level, text=text)


def _free_id(key: str, state: Numbering) -> str:
    """A generated heading id that neither an author's id nor imprint's own ids hold."""
    if reserved(anchor(key), state.slugs):
        key = f"section-{key}"
    while key in state.targets:
        key += "-1"
    return key


def _figure(root: Path, chapter: ParsedChapter, token: Token, caption: Token,
            state: Numbering) -> None:
    attrs = token.meta["attrs"]
    where = Loc(chapter.path, line_of(token))
    state.figures += 1
    token.meta["number"] = state.figures
    fid = attrs.get("id") or f"figure-{state.figures}"
    if not attrs.get("fig-alt", "").strip():
        state.problems.append(Diagnostic(where, 'figure has no alt text (add fig-alt="…")'))
    _check_image(root, chapter, token, token.meta["src"], where, state)
    token.meta["id"] = _add_target(state, chapter, token, fid, f"Figure {state.figures}",
                                   "figure").id
    state.figure_list.append(Figure(
        token.meta["id"], state.figures, token.meta.get("asset", ""), attrs.get("fig-alt", ""),
        _plain(caption), attrs.get("source", ""), chapter.slug))


def _plain(inline: Token | None) -> str:
    children = inline.children or [] if inline is not None else []
    return "".join(c.content for c in children if c.type in ("text", "code_inline")).strip()


def _table(chapter: ParsedChapter, token: Token, caption: Token | None,
           state: Numbering) -> None:
    attrs = token.meta.get("attrs")
    if attrs is None:
        return  # a table without a caption is not numbered
    state.tables += 1
    token.meta["number"] = state.tables
    tid = attrs.get("id") or f"table-{state.tables}"
    token.meta["id"] = _add_target(state, chapter, token, tid, f"Table {state.tables}",
                                   "table").id
    state.table_list.append(Table(token.meta["id"], state.tables, _plain(caption),
                                  attrs.get("source", ""), chapter.slug))


def _is_local_file(href: str) -> bool:
    return href.strip().lower().startswith("file:")


def _inline_image(root: Path, chapter: ParsedChapter, block: Token, image: Token,
                  state: Numbering) -> None:
    where = Loc(chapter.path, line_of(block))
    _check_image(root, chapter, image, image.attrGet("src") or "", where, state)
    ident = str(image.attrGet("id") or "")
    if ident.startswith("fig:"):  # meant as a figure, but only a captioned image is one
        state.problems.append(Diagnostic(where, f"image '#{ident}' has no caption, so it is "
                                         "not a figure (as in Pandoc); write one between the "
                                         "brackets", "warning"))


def _check_image(root: Path, chapter: ParsedChapter, token: Token, src: str, where: Loc,
                 state: Numbering) -> None:
    path, reason = local_asset(root, src)
    if path is None:
        token.meta["blocked"] = True
        state.problems.append(Diagnostic(where, f"{reason}; not embedded", "warning"))
    else:
        token.meta["asset"] = path
        state.assets.add(path)


def _number_notes(chapter: ParsedChapter, state: Numbering, note_style: bool) -> None:
    footnotes: dict[int, int] = {}
    in_block = False
    for token in chapter.tokens:
        if token.type == "footnote_block_open":
            in_block = True
        if in_block:
            continue
        for child in token.children or []:
            if child.type == "footnote_ref":
                # The plugin's id: one per `[^label]` definition and one per inline `^[…]`.
                key = child.meta["id"]
                if key not in footnotes:
                    footnotes[key] = _take_note(state)
                    state.footnote_numbers.append(footnotes[key])
                    state.note_locs[footnotes[key]] = Loc(chapter.path, line_of(token))
                child.meta["number"] = footnotes[key]
            elif child.type == "citation":
                number = _take_note(state) if note_style else None
                _cite(chapter, token, child, number, False, state)
    _number_footnote_bodies(chapter, footnotes, state)


def _take_note(state: Numbering) -> int:
    state.next_note += 1
    return state.next_note - 1


def _number_footnote_bodies(chapter: ParsedChapter, footnotes: dict[int, int],
                            state: Numbering) -> None:
    current: int | None = None
    for token in chapter.tokens:
        if token.type == "footnote_open":
            current = footnotes.get(token.meta["id"])
            token.meta["number"] = current
            if current is None:
                where = Loc(chapter.path, _first_line_after(chapter.tokens, token))
                state.problems.append(Diagnostic(
                    where, f"footnote '[^{token.meta['label']}]' is never referenced", "warning"))
        for child in token.children or []:
            if child.type == "citation" and current is not None:
                _cite(chapter, token, child, current, True, state)


def _first_line_after(tokens: tuple[Token, ...], token: Token) -> int:
    start = tokens.index(token)
    return next((line_of(t) for t in tokens[start:] if t.map), 0)


def _cite(chapter: ParsedChapter, block: Token, child: Token, number: int | None,
          in_footnote: bool, state: Numbering) -> None:
    cid = f"cite-{len(state.citations) + 1}"
    child.meta["id"] = cid
    child.meta["note"] = number
    line = child.meta.get("line")
    loc = Loc(chapter.path, line + 1 if line is not None else line_of(block))
    state.citations.append(CitationRef(cid, child.meta["items"], loc, number, in_footnote))
    if number is not None and not in_footnote:
        state.note_locs[number] = loc


def _check_xrefs(chapter: ParsedChapter, state: Numbering) -> None:
    for block, child in walk_inline(chapter.tokens):
        if child.type == "xref" and child.meta["target"] not in state.targets:
            where = Loc(chapter.path, line_of(block))
            state.problems.append(
                Diagnostic(where, f"unknown cross-reference '@{child.meta['target']}'"))
