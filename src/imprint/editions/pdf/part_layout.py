"""One part of the book laid out alone, audited and written: what a layout worker does.

The same audits as a single pass (`render.render_audited`), on the part's pages only: in
footnote mode every note of the part on its call's page, then the typographic audit and its
local fixes, each re-layout laying out this part alone. Then the folios: a part's page count
does not depend on its folios (they are in the margins), so the worker says how many pages it
has, is told where its folios start, makes its margin boxes again (`shift_folios`), and writes
the part's PDF for `join.join_parts`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf
from weasyprint.document import Document

from imprint.book.files import atomic_path
from imprint.book.model import Publication
from imprint.editions.pages import PageStart
from imprint.editions.pdf.audit import anchor_pages
from imprint.editions.pdf.finish import mark_margin_artifacts
from imprint.editions.pdf.join import write_part
from imprint.editions.pdf.list_items import fix_list_items
from imprint.editions.pdf.pagemap import page_map
from imprint.editions.pdf.parts import TAIL_PAGES, Part, part_html
from imprint.editions.pdf.remembered import Remembered
from imprint.editions.pdf.render import (
    Fixes,
    Rendered,
    audited,
    book_html,
    lay_out,
    print_sheets,
    weasyprint_warnings,
)
from imprint.editions.pdf.typography_fix import TypographyReport
from imprint.editions.pdf.weasyprint_internals import (
    keep_layout_context,
    last_layout_context,
    seed_targets,
    shift_folios,
    tag_structure_languages,
)


@dataclass(frozen=True)
class Book:
    """What every part's layout reads: the same in each worker."""

    pub: Publication
    styles: Path
    press: bool
    folder: Path  # where the parts' PDFs are written


@dataclass(frozen=True)
class PartJob:
    part: Part
    known: Remembered | None  # the fixes a previous build found for this part
    seeds: tuple[tuple[str, int], ...] = ()  # page counters of anchors in other parts
    key: str = ""  # the part's cache key (part_cache.part_key): its PDF's name
    size: int = 0  # the length of its HTML: the larger parts are laid out first
    name: str = ""  # what the progress line calls it: "chapters/03-arms.md", "the notes"


@dataclass(frozen=True)
class LaidPart:
    """A part as laid out and written: all its result the parent needs, as plain data."""

    index: int
    name: str
    key: str  # the part's cache key (PartJob.key)
    pages: int  # in the book: the tail's page is not counted
    anchors: tuple[tuple[str, int], ...]  # each anchor's first page, counted in the part
    starts: tuple[PageStart, ...]  # the page map's entries, labels left empty
    typography: TypographyReport  # pages counted in the part
    warnings: tuple[str, ...]  # the layout's diagnostics ("weasyprint: …")
    written: tuple[str, ...]  # WeasyPrint's log while writing (the glyph audit reads it)
    remembered: Remembered
    pdf: str
    stubs: frozenset[str]  # names `write_part` added for links into other parts


@dataclass(frozen=True)
class Held:
    """A part laid out and audited, kept in its worker until its folios are known."""

    job: PartJob
    laid: Rendered
    typography: TypographyReport
    pages: int  # in the book: the tail's page is not counted
    anchors: tuple[tuple[str, int], ...]


def lay_out_part(book: Book, job: PartJob) -> Held:
    """The part laid out, audited and mended; its folios are drawn by `finish_part`."""
    keep_layout_context()
    laid, typography = _audited(book, job)
    pages = _trimmed(laid, job.part).pages
    anchors = tuple(sorted(anchor_pages(_trimmed(laid, job.part)).items()))
    return Held(job, laid, typography, len(pages), anchors)


def finish_part(book: Book, held: Held, shift: int) -> LaidPart:
    """The part's folios drawn `shift` on (the pages of the body parts before it), and its
    PDF written."""
    document = held.laid.document
    if shift:
        shift_folios(document.pages, held.laid.context, shift)
    kept = _trimmed(held.laid, held.job.part)
    target = book.folder / pdf_name(held.job.key, shift)
    with weasyprint_warnings() as messages, atomic_path(target) as temporary:
        stubs = _write(kept, temporary, _identifier(held.laid.html))
    rendered = held.laid
    starts = page_map(replace(rendered, document=kept), ("",) * held.pages).pages
    return LaidPart(held.job.part.index, held.job.name, held.job.key, held.pages,
                    held.anchors, starts, held.typography,
                    tuple(w.message for w in rendered.warnings), tuple(messages),
                    Remembered(rendered.footnotes, held.typography.rules), str(target), stubs)


def pdf_name(key: str, shift: int) -> str:
    return f"part-{key}-{shift}.pdf"


def _write(document: Document, path: Path, identifier: bytes) -> frozenset[str]:
    """The part's PDF, with what WeasyPrint does not write that a part can hold alone: its
    margin text marked as artifacts and its list items mended (finish.py, list_items.py)."""
    tag_structure_languages()
    stubs = write_part(document, path, identifier)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        mark_margin_artifacts(pdf)
        fix_list_items(pdf)
        pdf.save(path, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return stubs


def _identifier(html: str) -> bytes:
    return hashlib.sha256(html.encode()).hexdigest()[:32].encode()


def _audited(book: Book, job: PartJob) -> tuple[Rendered, TypographyReport]:
    """The part audited as `render.render_audited` audits the book, on its own pages."""
    return audited(book.pub, lambda fixes, css: _render(book, job, fixes, css), job.known,
                   pages=lambda rendered: _trimmed(rendered, job.part),
                   numbers=lambda document: _note_numbers(book.pub, document))


def _trimmed(rendered: Rendered, part: Part) -> Document:
    """The part's pages as the book prints them: the audit never sees the tail's page."""
    document = rendered.document
    return document if part.last else document.copy(document.pages[:-TAIL_PAGES])


def _note_numbers(pub: Publication, document: Document) -> frozenset[int]:
    """The notes this part must place: in footnote mode those whose call it prints; none in
    endnote mode, where calls and notes are in different parts (the join checks them)."""
    if pub.meta.notes != "footnotes":
        return frozenset()
    anchors = anchor_pages(document)
    return frozenset(n.number for c in pub.chapters for n in c.notes
                     if f"noteref-{n.number}" in anchors)


_HTML: dict[tuple[str, Fixes], str] = {}  # the latest part HTML, by its key and note fixes


def _part_html(book: Book, job: PartJob, fixes: Fixes) -> str:
    """A re-layout adds CSS only: the part's HTML is made once per set of note fixes."""
    if (job.key, fixes) not in _HTML:
        _HTML.clear()
        _HTML[job.key, fixes] = part_html(book_html(book.pub, book.styles, fixes or None),
                                          job.part)
    return _HTML[job.key, fixes]


def _render(book: Book, job: PartJob, fixes: Fixes, css: str) -> Rendered:
    html = _part_html(book, job, fixes)
    sheets = print_sheets(book.pub, press=book.press)
    with seed_targets(dict(job.seeds)):
        document, warnings = lay_out(html, book.pub.root, book.styles, sheets, css)
    return Rendered(html, document, warnings, footnotes=fixes, context=last_layout_context())
