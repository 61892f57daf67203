"""Number stage: chapters, headings, figures, tables and notes get their one book-wide number.

The parsed chapters are frozen and stay as they are: what this stage decides about a node (its
number, its id, its image file, that it is refused) is returned as a `Mark` under the node's
address, for the render stage to apply to its own tokens. The cross-reference targets and the
citations are returned for the later stages too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from imprint.book.files import local_asset
from imprint.book.images import image_problem
from imprint.book.locale import Locale, shipped_locale
from imprint.book.model import CitationRef, CiteItem, Diagnostic, Figure, Heading, Loc, Table
from imprint.markdown.attributes import css_length
from imprint.markdown.headings import (
    display_text,
    heading_classes,
    heading_text,
    pandoc_identifier,
)
from imprint.markdown.nodes import Address, FrozenMap, Node, line_of, walk_inline
from imprint.markdown.parse import ParsedChapter
from imprint.preprocess.anchors import Anchors, explicit_ids, xml_id


@dataclass(frozen=True)
class Target:
    id: str
    label: str  # what a cross-reference prints: "Figure 2", "Table 1", "Chapter 3"
    chapter: str  # slug of the chapter holding it
    kind: str  # "figure", "table", "section"
    number: str = ""  # what `[-@fig:x]` prints: "2" ("" prints the label)


@dataclass(frozen=True)
class Mark:
    """What numbering decided about one node; the render stage writes it onto its token."""

    number: int | None = None  # a figure's, a table's, a note call's or a note body's number
    id: str | None = None  # the anchor of a heading, figure or table; a citation's id
    note: int | None = None  # the note a citation becomes (None: it stays in the text)
    asset: str | None = None  # an image's file, relative to the manuscript folder
    blocked: bool = False  # an image or a `file:` link that is refused


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
    # chapter slug -> node address -> what was decided about that node
    marks: dict[str, dict[Address, Mark]] = field(default_factory=dict)
    slugs: frozenset[str] = frozenset()
    anchors: Anchors = field(default_factory=Anchors)  # ids as written -> ids as printed
    strict_alt: bool = False  # `accessibility: strict`: a figure without fig-alt is an error
    locale: Locale = field(default_factory=shipped_locale)  # "Figure {n}", "图{n}", …
    next_note: int = 1
    figures: int = 0
    tables: int = 0
    equations: int = 0

    def mark(self, chapter: ParsedChapter, address: Address, mark: Mark) -> None:
        self.marks.setdefault(chapter.slug, {})[address] = mark


def number_publication(
    root: Path, chapters: list[ParsedChapter], note_style: bool, *, strict_alt: bool = False,
    locale: Locale | None = None,
) -> Numbering:
    state = Numbering(slugs=frozenset(chapter.slug for chapter in chapters),
                      strict_alt=strict_alt, locale=locale or shipped_locale())
    state.anchors.hold(anchor(ident) for c in chapters for ident in explicit_ids(c.nodes))
    for chapter, number in zip(chapters, printed_numbers(chapters), strict=True):
        state.chapter_numbers[chapter.slug] = number
        state.marks.setdefault(chapter.slug, {})
        _number_blocks(root, chapter, state)
    for chapter in chapters:
        _number_notes(chapter, state, note_style)
    for chapter in chapters:  # a link may point at a span or div: their ids count too
        for ident in explicit_ids(chapter.nodes):
            state.anchors.register(chapter.slug, ident, anchor(ident))
    for chapter in chapters:
        _check_xrefs(chapter, state)
        _check_links(chapter, state)
    return state


def printed_numbers(chapters: Sequence[ParsedChapter]) -> list[int | None]:
    """The number the book prints over each chapter: body chapters count from 1 in order,
    skipping one whose title heading is `{-}` or `{.unnumbered}` (`# Preface {-}`); None for
    the others. The preview reads it too, so `CHAPTER=2` means the book's Chapter 2."""
    numbers: list[int | None] = []
    body = 0
    for chapter in chapters:
        numbered = chapter.spec.kind == "body" and _numbered(chapter)
        body += numbered
        numbers.append(body if numbered else None)
    return numbers


def _numbered(chapter: ParsedChapter) -> bool:
    """Is the chapter's title heading numbered (not `{-}` or `{.unnumbered}`)?"""
    title = next((n for n in chapter.nodes if n.type == "heading_open" and n.tag == "h1"), None)
    return title is None or heading_classes(str(title.attr("class") or ""))[0]


def anchor(identifier: str) -> str:
    """An id safe everywhere (XML ids may not contain ':'): `fig:exercises` -> `fig-exercises`;
    any character but a letter, digit, `_`, `.` or `-` becomes `-` as well."""
    return re.sub(r"[^\w.-]", "-", identifier)


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


def _add_target(state: Numbering, chapter: ParsedChapter, node: Node, key: str,
                label: str, kind: str, number: int | None = None) -> Target:
    """Register `key` (the id as the author wrote it) under its XML-safe anchor."""
    where = chapter.loc(line_of(node))
    if key in state.targets:
        state.problems.append(Diagnostic(where, f"duplicate id '{key}'"))
    elif reserved(anchor(key), state.slugs):
        state.problems.append(Diagnostic(where, f"id '{key}' is one imprint gives its own "
                                         "pages and notes; choose another"))
    target = Target(anchor(key), label, chapter.slug, kind, "" if number is None else str(number))
    state.targets[key] = target
    state.anchors.register(chapter.slug, key, target.id, heading=kind == "section")
    return target


def _number_blocks(root: Path, chapter: ParsedChapter, state: Numbering) -> None:
    headings = []
    nodes = chapter.nodes
    for index, node in enumerate(nodes):
        if node.type == "heading_open":
            headings.append(_heading(chapter, index, state))
        elif node.type == "figure_open":
            _figure(root, chapter, index, state)
        elif node.type == "table_open":
            has_caption = nodes[index + 1].type == "table_caption_open"
            _table(chapter, index, nodes[index + 2] if has_caption else None, state)
    for address, block, child in walk_inline(nodes):
        if child.type == "image":
            _inline_image(root, chapter, address, block, child, state)
        elif child.type == "math_display" and child.meta.text("label"):
            _equation(chapter, address, block, child, state)
        elif child.type == "link_open" and _is_local_file(str(child.attr("href") or "")):
            where = chapter.loc(line_of(block))
            state.mark(chapter, address, Mark(blocked=True))
            state.problems.append(Diagnostic(
                where, f"link '{child.attr('href')}' points at a local file; not linked",
                "warning"))
    state.headings[chapter.slug] = tuple(headings)


def _heading(chapter: ParsedChapter, index: int, state: Numbering) -> Heading:
    node, inline = chapter.nodes[index], chapter.nodes[index + 1]
    level = int(node.tag[1])
    text = display_text(inline.children or ())
    key = str(node.attr("id") or "")
    if key:
        number = state.chapter_numbers[chapter.slug] if level == 1 else None
        words = state.locale
        label = words.chapter_label(number) if number else words.section_label(text)
        ident = _add_target(state, chapter, node, key, label, "section", number).id
    else:
        ident = _free_id(chapter, heading_text(inline.children or ()), state)
    state.mark(chapter, (index,), Mark(id=ident))
    listed = heading_classes(str(node.attr("class") or ""))[1]
    return Heading(id=ident, level=level, text=text, listed=listed)


def _free_id(chapter: ParsedChapter, text: str, state: Numbering) -> str:
    """The id Pandoc gives a heading of `text` (so a link written for Pandoc finds it), printed
    as an XML id that no other heading, no author's id and none of imprint's own ids hold: the
    first chapter's "Introduction" is `introduction`, a later one's `introduction-1`."""
    written = state.anchors.pandoc_id(chapter.slug, pandoc_identifier(text) or "section")
    base = xml_id(written)
    if reserved(f"{base}-1", state.slugs):  # a form of imprint's (`ref-…`): no number frees it
        base = f"section-{base}"
    printed = state.anchors.free(base, lambda name: reserved(name, state.slugs))
    state.anchors.register(chapter.slug, written, printed, heading=True)
    return printed


def _figure(root: Path, chapter: ParsedChapter, index: int, state: Numbering) -> None:
    node, caption = chapter.nodes[index], chapter.nodes[index + 1]
    attrs = node.meta.mapping("attrs") or FrozenMap()
    where = chapter.loc(line_of(node))
    state.figures += 1
    fid = attrs.text("id") or f"figure-{state.figures}"
    alt = (attrs.text("fig-alt") or attrs.text("alt")).strip()
    if not alt:  # the caption serves, as Pandoc's alt text is the caption
        state.problems.append(Diagnostic(where, 'figure has no alt text (add fig-alt="…"); '
                                         "its caption serves as alt text",
                                         "error" if state.strict_alt else "warning"))
    _check_sizes(attrs, where, state)
    image = _check_image(root, node.meta.text("src"), where, state)
    label = state.locale.figure_reference(state.figures)
    target = _add_target(state, chapter, node, fid, label, "figure", state.figures)
    state.mark(chapter, (index,), replace(image, number=state.figures, id=target.id))
    state.figure_list.append(Figure(
        target.id, state.figures, image.asset or "", alt or _plain(caption), _plain(caption),
        attrs.text("source"), chapter.slug))


def _check_sizes(attrs: Mapping[str, object], where: Loc, state: Numbering) -> None:
    """A `width` or `height` Pandoc would ignore is said, not ignored silently."""
    for key in ("width", "height"):
        if key in attrs and css_length(str(attrs[key])) is None:
            state.problems.append(Diagnostic(
                where, f"image {key} '{attrs[key]}' is no length (write e.g. 50%, 3in, 8cm or "
                "300px); ignored", "warning"))


def _plain(inline: Node | None) -> str:
    children = inline.children or () if inline is not None else ()
    return "".join(c.content for c in children if c.type in ("text", "code_inline")).strip()


def _table(chapter: ParsedChapter, index: int, caption: Node | None, state: Numbering) -> None:
    attrs = chapter.nodes[index].meta.mapping("attrs")
    if attrs is None:
        return  # a table without a caption is not numbered
    state.tables += 1
    tid = attrs.text("id") or f"table-{state.tables}"
    label = state.locale.table_reference(state.tables)
    target = _add_target(state, chapter, chapter.nodes[index], tid, label, "table", state.tables)
    state.mark(chapter, (index,), Mark(number=state.tables, id=target.id))
    state.table_list.append(Table(target.id, state.tables, _plain(caption),
                                  attrs.text("source"), chapter.slug))


def _equation(chapter: ParsedChapter, address: Address, block: Node, node: Node,
              state: Numbering) -> None:
    """`$$…$$ {#eq:x}`: numbered in one sequence through the book, as pandoc-crossref does."""
    state.equations += 1
    label = state.locale.fill(state.locale.equation, n=state.equations)
    target = _add_target(state, chapter, block, node.meta.text("label"), label, "equation",
                         state.equations)
    state.mark(chapter, address, Mark(number=state.equations, id=target.id))


def _is_local_file(href: str) -> bool:
    return href.strip().lower().startswith("file:")


def _inline_image(root: Path, chapter: ParsedChapter, address: Address, block: Node,
                  image: Node, state: Numbering) -> None:
    where = chapter.loc(line_of(block))
    state.mark(chapter, address, _check_image(root, str(image.attr("src") or ""), where, state))
    _check_sizes(dict(image.attrs), where, state)
    ident = str(image.attr("id") or "")
    if ident.startswith(("fig:", "fig-")):  # meant as a figure, but only a captioned image is one
        state.problems.append(Diagnostic(where, f"image '#{ident}' has no caption, so it is "
                                         "not a figure (as in Pandoc); write one between the "
                                         "brackets", "warning"))


def _check_image(root: Path, src: str, where: Loc, state: Numbering) -> Mark:
    """The image's file if it may be embedded; else it is refused, with a warning."""
    path, reason = local_asset(root, src)
    if path is None:
        state.problems.append(Diagnostic(where, f"{reason}; not embedded", "warning"))
        return Mark(blocked=True)
    problem = image_problem(root / path)
    if problem:  # WeasyPrint would print the figure without it, or decode a bomb
        state.problems.append(Diagnostic(where, f"image '{src}' {problem}"))
        return Mark(blocked=True)
    state.assets.add(path)
    return Mark(asset=path)


def _number_notes(chapter: ParsedChapter, state: Numbering, note_style: bool) -> None:
    footnotes: dict[int, int] = {}
    for address, block, child in walk_inline(_before_notes(chapter.nodes)):
        if child.type == "footnote_ref":
            # The plugin's id: one per `[^label]` definition and one per inline `^[…]`.
            key = _footnote_id(child)
            if key not in footnotes:
                footnotes[key] = _take_note(state)
                state.footnote_numbers.append(footnotes[key])
                state.note_locs[footnotes[key]] = chapter.loc(line_of(block))
            state.mark(chapter, address, Mark(number=footnotes[key]))
        elif child.type == "citation":
            number = _take_note(state) if note_style else None
            _cite(chapter, address, block, child, number, False, state)
    _number_footnote_bodies(chapter, footnotes, state)


def _before_notes(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """The chapter's text: the nodes before the block of footnote definitions."""
    end = next((i for i, node in enumerate(nodes) if node.type == "footnote_block_open"),
               len(nodes))
    return nodes[:end]


def _footnote_id(node: Node) -> int:
    key = node.meta.integer("id")
    if key is None:
        raise ValueError(f"footnote node without an id: {node}")
    return key


def _take_note(state: Numbering) -> int:
    state.next_note += 1
    return state.next_note - 1


def _number_footnote_bodies(chapter: ParsedChapter, footnotes: dict[int, int],
                            state: Numbering) -> None:
    current: int | None = None
    for index, node in enumerate(chapter.nodes):
        if node.type == "footnote_open":
            current = footnotes.get(_footnote_id(node))
            if current is not None:
                state.mark(chapter, (index,), Mark(number=current))
            else:
                where = chapter.loc(_first_line_after(chapter.nodes, index))
                state.problems.append(Diagnostic(
                    where, f"footnote '[^{node.meta.get('label')}]' is never referenced",
                    "warning"))
        for at, child in enumerate(node.children or ()):
            if child.type == "citation" and current is not None:
                _cite(chapter, (index, at), node, child, current, True, state)


def _first_line_after(nodes: tuple[Node, ...], start: int) -> int:
    return next((line_of(node) for node in nodes[start:] if node.map), 0)


def _cite(chapter: ParsedChapter, address: Address, block: Node, child: Node,
          number: int | None, in_footnote: bool, state: Numbering) -> None:
    cid = f"cite-{len(state.citations) + 1}"
    state.mark(chapter, address, Mark(id=cid, note=number))
    line = child.meta.integer("line")
    loc = chapter.loc(line + 1 if line is not None else line_of(block))
    state.citations.append(CitationRef(cid, _cite_items(child), loc, number, in_footnote))
    if number is not None and not in_footnote:
        state.note_locs[number] = loc


def _cite_items(node: Node) -> tuple[CiteItem, ...]:
    items = node.meta.get("items")
    if not isinstance(items, tuple):
        raise ValueError(f"citation node without items: {node}")
    return tuple(item for item in items if isinstance(item, CiteItem))


def _check_xrefs(chapter: ParsedChapter, state: Numbering) -> None:
    for _, block, child in walk_inline(chapter.nodes):
        if child.type == "xref" and child.meta.text("target") not in state.targets:
            where = chapter.loc(line_of(block))
            state.problems.append(
                Diagnostic(where, f"unknown cross-reference '@{child.meta.get('target')}'"))


def _check_links(chapter: ParsedChapter, state: Numbering) -> None:
    """Point each `#id` link at the anchor its id stands for. A link to no id anywhere is a
    warning, and prints as its text: a dead link would only send the reader nowhere."""
    for address, block, child in walk_inline(chapter.nodes):
        href = str(child.attr("href") or "") if child.type == "link_open" else ""
        if len(href) < 2 or not href.startswith("#"):
            continue
        found = state.anchors.resolve(chapter.slug, href) or _bibliography_id(href, state)
        state.mark(chapter, address, Mark(id=found) if found else Mark(blocked=True))
        if found is None:
            breaks = sum(c.type in ("softbreak", "hardbreak")
                         for c in (block.children or ())[: address[1]])
            state.problems.append(Diagnostic(
                chapter.loc(line_of(block) + breaks),
                f"link '{unquote(href)}' points at no heading, figure or table", "warning"))


def _bibliography_id(href: str, state: Numbering) -> str | None:
    """Pandoc's ids for the bibliography (`#refs`) and its entries (`#ref-key`): imprint's
    bibliography has them too (as `bibliography` and `ref-key`) once a work is cited."""
    ident = unquote(href[1:])
    keys = {item.key for citation in state.citations for item in citation.items}
    if ident == "refs" and keys:
        return "bibliography"
    key = ident.removeprefix("ref-")
    return f"ref-{key.replace(':', '-')}" if ident.startswith("ref-") and key in keys else None
