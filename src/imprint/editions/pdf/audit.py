"""Audit a laid-out book before it is written: every note present (and, for footnotes, on its
call's page) and every character drawn with a real glyph.

WeasyPrint 70 silently drops about one footnote in 170, moves some to the page after their call,
and draws a missing glyph as .notdef with only a log line. We read its layout to catch all three.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from weasyprint.document import Document

from imprint.book.model import Diagnostic, Loc, Publication
from imprint.editions.pdf.weasyprint_internals import notdef_code_point


@dataclass(frozen=True)
class NoteProblem:
    number: int
    message: str


@dataclass(frozen=True)
class MissingGlyph:
    character: str
    chapter: str  # slug, or "" outside chapters


def anchor_pages(document: Document) -> dict[str, int]:
    """First page index of every anchor (element id) in the layout."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            pages.setdefault(name, index)
    return pages


def audit_notes(pub: Publication, document: Document | dict[str, int],
                numbers: frozenset[int] | None = None) -> list[NoteProblem]:
    """Every note (or those `numbers`) printed, with a call, and in footnote mode on its
    call's page; `document` is a layout or its `anchor_pages`."""
    pages = document if isinstance(document, dict) else anchor_pages(document)
    footnotes = pub.meta.notes == "footnotes"
    problems = []
    for chapter in pub.chapters:
        for note in chapter.notes:
            if numbers is not None and note.number not in numbers:
                continue
            call, body = pages.get(f"noteref-{note.number}"), pages.get(f"note-{note.number}")
            if body is None:
                problems.append(NoteProblem(note.number, "is missing from the PDF"))
            elif call is None:
                problems.append(NoteProblem(note.number, "has no call in the text"))
            elif footnotes and body != call:
                problems.append(NoteProblem(
                    note.number, f"prints on page {body + 1}, its call on page {call + 1}"))
    return problems


def note_diagnostics(pub: Publication, problems: list[NoteProblem]) -> list[Diagnostic]:
    locs = {n.number: n.source for c in pub.chapters for n in c.notes}
    return [Diagnostic(locs.get(p.number), f"note {p.number} {p.message}") for p in problems]


def audit_glyphs(pub: Publication, messages: list[str]) -> list[MissingGlyph]:
    """Missing glyphs from WeasyPrint's drawing log, placed in the chapters that use them.

    WeasyPrint knows the character but not where it came from; the chapters' text does.
    """
    found: dict[tuple[str, str], MissingGlyph] = {}
    for message in messages:
        point = notdef_code_point(message)
        if point is None:
            continue
        character = chr(point)
        holders = [c.slug for c in pub.chapters
                   if character in c.html or any(character in n.html for n in c.notes)]
        for slug in holders or [""]:
            found.setdefault((character, slug), MissingGlyph(character, slug))
    return list(found.values())


def glyph_diagnostics(pub: Publication, missing: list[MissingGlyph]) -> list[Diagnostic]:
    sources = {c.slug: c.source for c in pub.chapters}
    return [
        Diagnostic(_line_of(pub, sources.get(m.chapter), m.character),
                   f"character {_shown(m.character)}(U+{ord(m.character):04X}) has no glyph in the "
                   "house fonts; it would not print")
        for m in missing
    ]


def _shown(character: str) -> str:
    """The character quoted, unless it would break or garble the message's one line."""
    if unicodedata.category(character) in ("Cc", "Zl", "Zp"):  # controls, U+2028, U+2029
        return ""
    return f"'{character}' "


def _line_of(pub: Publication, source: Loc | None, character: str) -> Loc | None:
    """The first line of the chapter's files holding the character, for the editor to jump
    to (a chapter may be several files)."""
    if source is None:
        return None
    files = next((c.files for c in pub.chapters if c.source == source and c.files),
                 (source.path,))
    for file in files:
        try:
            text = (pub.root / file).read_text(encoding="utf-8")
        except OSError:
            continue
        lines = re.split(r"\r\n?|\n", text)  # as the parser counts lines
        line = next((n for n, ln in enumerate(lines, 1) if character in ln), 0)
        if line:
            return Loc(file, line)
    return Loc(source.path, 1)
