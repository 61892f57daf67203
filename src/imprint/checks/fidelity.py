"""Text-fidelity audits: every built edition is read back and compared with the model.

Validators check structure, not words; these checks read the words. A build fails (and writes
nothing) when an edition
1. prints Markdown syntax the model did not render (`[@key]`, `[^1]`, `{#id}`, `:::` …),
2. prints, in any chapter, notes or bibliography, a different sequence of words from the
   model's: a character a stylesheet adds (`::before { content: "," }`) or a space it loses,
3. lacks, or misorders, a heading, a note, a caption, a bibliography entry, the funding
   statement or the disclaimer;
and, since an edition cannot be truer than the model it is compared with, when the model's
own text lost a space the chapter file has (fidelity_source), or the EPUB's stylesheet adds
text that no XHTML file holds (fidelity_epub).
Each finding names the manuscript file and line it comes from, as near as the model allows.

Run from `write_pdf` and `write_epub` on the finished temporary file, before it is renamed into
place. Cost on the sample (57 pages): about 0.13 s for the PDF (3% of its build; PDFium's
parsing and text extraction are three quarters of it) and 0.04 s for the EPUB.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from imprint.book.model import Diagnostic, ImprintError, Loc, Publication
from imprint.checks.fidelity_epub import epub_sections, generated_text
from imprint.checks.fidelity_locate import chapter_files, line_before
from imprint.checks.fidelity_model import (
    Expected,
    ModelText,
    Piece,
    expected_sections,
    model_text,
    pieces,
)
from imprint.checks.fidelity_source import spacing_findings
from imprint.checks.fidelity_syntax import syntax_findings
from imprint.checks.fidelity_text import Printed, first_mismatch, squash

if TYPE_CHECKING:  # the EPUB's audit runs without the PDF's libraries loaded
    from weasyprint.document import Document

KIND_SUFFIX = re.compile(r" (\d+|'.*')$")  # "note 12" -> "note"
SHORT = 60  # characters of a missing piece quoted in its finding


def audit_pdf(pub: Publication, path: Path, layout: Document | dict[str, int]) -> None:
    """Audit the PDF at `path`; `layout` is the WeasyPrint layout it was written from, or the
    first page of each of its anchors (a book laid out in parts)."""
    from imprint.checks.fidelity_pdf import page_texts, pdf_sections
    from imprint.editions.pdf.audit import anchor_pages

    anchors = layout if isinstance(layout, dict) else anchor_pages(layout)
    printed = pdf_sections(pub, page_texts(path), anchors)
    _raise(audit(pub, printed, footnotes=pub.meta.notes == "footnotes"))


def audit_epub(pub: Publication, path: Path) -> None:
    """Audit the EPUB at `path`. It always collects the notes in one section."""
    model = model_text(pub)
    keys = {*expected_sections(pub, model, footnotes=False),
            *pieces(pub, model, footnotes=False), "contents"}
    findings = audit(pub, epub_sections(path, keys), footnotes=False, model=model)
    _raise([*findings, *generated_text(path)])


def _raise(findings: list[Diagnostic]) -> None:
    if findings:
        raise ImprintError(findings)


def audit(pub: Publication, printed: Printed, *, footnotes: bool,
          model: ModelText | None = None) -> list[Diagnostic]:
    """Every finding of the three checks; `footnotes`: the notes print with their chapters."""
    model = model or model_text(pub)
    expected = expected_sections(pub, model, footnotes=footnotes)
    return [*spacing_findings(pub, model),
            *syntax_findings(pub, printed, expected),
            *sequence_findings(pub, printed, expected),
            *presence_findings(pub, printed, pieces(pub, model, footnotes=footnotes))]


def describe(pub: Publication, key: str) -> str:
    """A section key as a reader would name it."""
    titles = {c.slug: c.title for c in pub.chapters}
    kind, _, slug = key.partition("-")
    if kind == "chapter" and slug in titles:
        return f"chapter '{titles[slug]}'"
    if kind == "footnotes" and slug in titles:
        return f"the footnotes of chapter '{titles[slug]}'"
    return {"copyright": "the copyright page"}.get(key, f"the {key}")


def sequence_findings(pub: Publication, printed: Printed,
                      expected: dict[str, Expected]) -> list[Diagnostic]:
    """Check 2: the first difference in each section's words, with both sides quoted."""
    found = []
    edition = printed.edition
    for key, wanted in expected.items():
        text = printed.sections.get(key)
        if text is None:
            loc = next((s.loc for s in wanted.segments if s.loc), None)
            found.append(Diagnostic(loc, f"the {edition} lacks {describe(pub, key)}"))
            continue
        mismatch = first_mismatch(wanted.text, text, wanted.repeats)
        if mismatch is not None:
            segment, inside = wanted.at(mismatch.expected_at)
            loc = segment.loc
            if loc is not None and segment.search:
                loc = line_before(pub.root, loc, segment.text, inside, chapter_files(pub, loc))
            found.append(Diagnostic(
                loc, f"the {edition} text of {describe(pub, key)} differs from the manuscript: "
                f"expected '{mismatch.expected}', the {edition} prints '{mismatch.printed}'"))
    return found


def presence_findings(pub: Publication, printed: Printed,
                      wanted: dict[str, list[Piece]]) -> list[Diagnostic]:
    """Check 3: every piece found in its section, each after the one before it."""
    found = []
    for key, section_pieces in wanted.items():
        if key not in printed.sections:
            if section_pieces:
                kinds = sorted({KIND_SUFFIX.sub("", p.kind) for p in section_pieces})
                found.append(Diagnostic(section_pieces[0].loc, (
                    f"the {printed.edition} lacks {describe(pub, key)}, and with it the "
                    f"{', '.join(kinds)}")))
            continue
        found += _missing_pieces(pub, printed, squash(printed.sections[key]), section_pieces)
    return found


def _missing_pieces(pub: Publication, printed: Printed, text: str,
                    section_pieces: list[Piece]) -> list[Diagnostic]:
    found, start = [], 0
    for piece in section_pieces:
        needle = squash(piece.text)
        at = text.find(needle, start)
        if at >= 0:
            start = at + len(needle)
            continue
        quoted = piece.text if len(piece.text) <= SHORT else piece.text[:SHORT] + "…"
        problem = "prints out of order" if needle in text else "lacks"
        found.append(Diagnostic(_piece_loc(pub, piece),
                                f"the {printed.edition} {problem} the {piece.kind} '{quoted}'"))
    return found


def _piece_loc(pub: Publication, piece: Piece) -> Loc | None:
    if piece.loc is None or not piece.search:
        return piece.loc
    return line_before(pub.root, piece.loc, piece.text, len(piece.text),
                       chapter_files(pub, piece.loc))
