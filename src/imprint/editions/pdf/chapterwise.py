"""The print edition laid out part by part (parts.py), in parallel (part_pool.py), reusing the
parts a previous build laid out (part_cache.py), and joined into one PDF (join.py).

A single WeasyPrint pass lays out the whole book for every change, and its typographic audit's
re-layouts lay out the whole book again each. Here each part is audited and re-laid alone, the
parts run on every core, and a part whose inputs are unchanged costs nothing. The joined PDF
prints what a single pass prints, page for page (tests/e2e/test_chapterwise_layout.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf

from imprint.book.files import atomic_path
from imprint.book.model import Diagnostic, ImprintError, Publication
from imprint.editions.pages import PageMap
from imprint.editions.pdf import part_cache
from imprint.editions.pdf.audit import (
    audit_glyphs,
    audit_notes,
    glyph_diagnostics,
    note_diagnostics,
)
from imprint.editions.pdf.finish import add_page_labels
from imprint.editions.pdf.join import join_parts
from imprint.editions.pdf.located import locate
from imprint.editions.pdf.part_layout import Book, LaidPart, PartJob, pdf_name
from imprint.editions.pdf.part_pool import Anchors, lay_out_parts
from imprint.editions.pdf.parts import Part, first_ids, part_sources, plan_parts
from imprint.editions.pdf.render import (
    book_html,
    labels,
    print_sheets,
    weasyprint_warnings,
    written_warnings,
)
from imprint.editions.pdf.typography_fix import TypographyReport, merge_reports

Verify = Callable[[Path, dict[str, int]], None]


@dataclass(frozen=True)
class LaidBook:
    """The book's parts as laid out, placed one after another."""

    parts: tuple[LaidPart, ...]  # in book order
    firsts: tuple[int, ...]  # each part's first page in the book
    body_start: int  # the page where arabic folio 1 is
    anchors: dict[str, int]  # each anchor's first page in the book
    typography: TypographyReport
    warnings: tuple[Diagnostic, ...]

    @property
    def pages(self) -> int:
        return self.firsts[-1] + self.parts[-1].pages

    def page_map(self) -> PageMap:
        names = labels(self.body_start, self.pages)
        starts = [start for part in self.parts for start in part.starts]
        return PageMap(tuple(replace(s, label=n) for s, n in zip(starts, names, strict=True)))


def lay_out_book(pub: Publication, styles: Path, cache_dir: Path,
                 progress: Callable[[str], None] = lambda _: None) -> LaidBook | None:
    """The digital edition laid out in parts; None for a book that is one part (it has no
    body chapter): `render.render_audited` lays it out whole."""
    html = book_html(pub, styles)
    plan = plan_parts(html)
    if len(plan) < 2:
        return None
    jobs = _Jobs(pub, styles, cache_dir / "parts", html, plan)
    book = Book(pub, styles, False, jobs.folder)
    laid = lay_out_parts(book, [jobs.job(p) for p in plan[1:]], jobs.front, jobs.reuse,
                         progress)
    placed = _placed(pub, [laid[p.index] for p in plan])
    jobs.keep(placed)
    return placed


class _Jobs:
    """The parts' jobs, keyed for the cache, and what the cache gives back."""

    def __init__(self, pub: Publication, styles: Path, folder: Path, html: str,
                 plan: tuple[Part, ...]) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.pub, self.folder, self.plan = pub, folder, plan
        self.sheets = [styles / sheet for sheet in print_sheets(pub)]
        self.assets = [pub.root / asset for asset in pub.assets]
        self.sources = part_sources(html, plan)
        files = {f"chapter-{c.slug}": c.source.path for c in pub.chapters} | {
            "notes": "the notes"}
        self.names = tuple("the front matter" if part.front else files.get(first, first)
                           for part, first in zip(plan, first_ids(html, plan), strict=True))

    def job(self, part: Part, seeds: Anchors = ()) -> PartJob:
        text = self.sources[part.index] + "".join(f"\0{n}\0{p}" for n, p in seeds)
        key = part_cache.part_key(text, self.sheets, self.assets, self.pub.meta.notes, False)
        return PartJob(part, part_cache.remembered(self.folder, key), seeds, key, len(text),
                       self.names[part.index])

    def front(self, counts: dict[int, int], anchors: dict[int, Anchors]) -> PartJob:
        return self.job(self.plan[0], _seeds(self.plan, counts, anchors))

    def reuse(self, wanted: PartJob, shift: int) -> LaidPart | None:
        kept = part_cache.load(self.folder, wanted.key)
        if kept is None or kept[1] != shift:
            return None
        if not (self.folder / pdf_name(wanted.key, shift)).exists():
            return None
        return replace(kept[0], index=wanted.part.index, name=wanted.name)

    def keep(self, laid: LaidBook) -> None:
        """Record this build's parts; remove every other part kept."""
        for part, first in zip(laid.parts, laid.firsts, strict=True):
            shift = first - laid.firsts[1] if part.index else 0
            part_cache.store(self.folder, part.key, part, shift)
        part_cache.prune(self.folder, {f"part-{part.key}.json" for part in laid.parts}
                         | {Path(part.pdf).name for part in laid.parts})


def _seeds(plan: tuple[Part, ...], counts: dict[int, int],
           anchors: dict[int, Anchors]) -> Anchors:
    """Every body anchor's page counter (its folio), for the contents' page numbers."""
    seeds, shift = [], 0
    for part in plan[1:]:
        seeds += [(name, shift + page + 1) for name, page in anchors[part.index]]
        shift += counts[part.index]
    return tuple(sorted(seeds))


def _placed(pub: Publication, parts: list[LaidPart]) -> LaidBook:
    firsts, page = [], 0
    for part in parts:
        firsts.append(page)
        page += part.pages
    anchors: dict[str, int] = {}
    for part, first in zip(parts, firsts, strict=True):
        for name, local in part.anchors:
            anchors.setdefault(name, first + local)
    warnings = locate(pub, (Diagnostic(None, w, "warning") for p in parts for w in p.warnings))
    report = merge_reports([(p.typography, f) for p, f in zip(parts, firsts, strict=True)])
    return LaidBook(tuple(parts), tuple(firsts), firsts[1], anchors, report, tuple(warnings))


def write_book(pub: Publication, laid: LaidBook, target: Path,
               verify: Verify | None = None) -> list[Diagnostic]:
    """Join the parts into `target` atomically, after the audits the layout could not make
    part by part (every note printed; every glyph drawn); `verify` reads the joined file
    before it takes the target's place."""
    problems = audit_notes(pub, laid.anchors)
    if problems:
        raise ImprintError(note_diagnostics(pub, problems))
    written = [m for part in laid.parts for m in part.written]
    missing = audit_glyphs(pub, written)
    if missing:
        raise ImprintError(glyph_diagnostics(pub, missing))
    with weasyprint_warnings() as joined, atomic_path(target) as temporary:
        join_parts([Path(p.pdf) for p in laid.parts], [p.stubs for p in laid.parts], temporary)
        with pikepdf.open(temporary, allow_overwriting_input=True) as pdf:
            add_page_labels(pdf, laid.body_start)
            # Object streams generated afresh: the parts' objects come in uncompressed.
            pdf.save(temporary, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        if verify is not None:
            verify(temporary, laid.anchors)
    return [*laid.warnings, *written_warnings(pub, [*written, *joined])]
