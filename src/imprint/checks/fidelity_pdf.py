"""The print edition's text, read back from the PDF file and cut into the model's sections.

Why PDFium (pypdfium2): the audit must cost under 5% of a build. Measured on the sample (57
pages, 130,000 characters): pypdf's extract_text takes about 2 s, poppler's pdftotext 0.31 s
for the text alone, PDFium 0.08 s, and 0.095 s with the marked-content filtering below. PDFium
also joins a hard hyphen at a line end (reported as U+FFFE) and keeps ligatures decomposable
by NFKC.

Only the running text is read: content marked `/Artifact` (running heads and folios, as
pdf_artifacts.py marks them) and content marked `/Figure` (the words inside an SVG chart) is
taken off the page in memory before PDFium extracts the text. The file is never modified.
The layout WeasyPrint made for this very PDF says which page each section starts on and which
footnotes each page carries; the words themselves all come from the file.
"""

from __future__ import annotations

import ctypes
import itertools
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from imprint.book.model import Publication
from imprint.checks.fidelity_text import JOINED_HYPHEN, Printed, normalize

UNREAD_MARKS = frozenset(f"{name}\0".encode("utf-16-le") for name in ("Artifact", "Figure"))
MARKED_TYPES = (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM)
FRONT_SECTIONS = ("titlepage", "copyright", "contents")
STACK_LINE = 6  # characters: a line PDFium may have made of characters set one above another


def page_texts(path: Path) -> tuple[str, ...]:
    """The text of every page, running heads, folios and chart labels left out."""
    document = pdfium.PdfDocument(str(path))
    try:
        return tuple(_page_text(document[index]) for index in range(len(document)))
    finally:
        document.close()


def _page_text(page: pdfium.PdfPage) -> str:
    unread = _unread_objects(page)
    for handle in unread:
        pdfium_c.FPDFPage_RemoveObject(page.raw, handle)
    textpage = page.get_textpage()
    try:
        return normalize(_unstacked(textpage, textpage.get_text_range()), lines=True)
    finally:
        textpage.close()
        for handle in unread:  # removed objects belong to us now
            pdfium_c.FPDFPageObj_Destroy(handle)
        page.close()


def _unstacked(textpage: pdfium.PdfTextPage, text: str) -> str:
    """`text` with a line break between characters PDFium joined though one stands below the
    other: it reads single characters set one above another (a chapter number over a one-letter
    title, "1" and "Q") as vertical writing and prints "1Q". Only short lines are looked at,
    and a hard hyphen PDFium joined to the next line's first character: at a page foot that
    is the first footnote's ("The joint-" over "159. The…" reads "The joint-159. The…")."""
    pieces, start = [], 0
    for line in text.split("\r\n"):
        end = start + len(line)
        cuts = [k + 1 for k in range(start, end - 1)
                if (1 < len(line) <= STACK_LINE or text[k] == JOINED_HYPHEN)
                and textpage.get_charbox(k + 1)[3] < textpage.get_charbox(k)[1]]
        bounds = [start, *cuts, end]
        pieces.append("\n".join(text[a:b] for a, b in itertools.pairwise(bounds)))
        start = end + 2
    return "\r\n".join(pieces)


def _unread_objects(page: pdfium.PdfPage) -> list[Any]:
    """Top-level text and form objects inside an /Artifact or /Figure marked sequence."""
    name = (ctypes.c_ushort * 16)()
    size = ctypes.c_ulong()
    found = []
    for index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        handle = pdfium_c.FPDFPage_GetObject(page.raw, index)
        if pdfium_c.FPDFPageObj_GetType(handle) not in MARKED_TYPES:
            continue
        for mark in range(pdfium_c.FPDFPageObj_CountMarks(handle)):
            pdfium_c.FPDFPageObjMark_GetName(pdfium_c.FPDFPageObj_GetMark(handle, mark), name,
                                             ctypes.sizeof(name), ctypes.byref(size))
            if bytes(name)[:size.value] in UNREAD_MARKS:
                found.append(handle)
                break
    return found


def pdf_sections(pub: Publication, texts: tuple[str, ...], anchors: dict[str, int]) -> Printed:
    """Pages grouped by the section that starts on them (`anchors`: each anchor's first
    page); footnotes set apart by chapter."""
    keys = [*FRONT_SECTIONS, *(f"chapter-{c.slug}" for c in pub.chapters), "notes",
            "bibliography"]
    starts = sorted((anchors[key], key) for key in keys if key in anchors)
    sections: dict[str, list[str]] = {"cover": list(texts[:starts[0][0]] if starts else texts)}
    for (first, key), (end, _) in zip(starts, [*starts[1:], (len(texts), "")], strict=True):
        sections[key] = list(texts[first:end])
    if pub.meta.notes == "footnotes":
        _set_footnotes_apart(pub, sections, texts, anchors, starts)
    return Printed("PDF", {key: "\n".join(pages) for key, pages in sections.items()})


def _set_footnotes_apart(pub: Publication, sections: dict[str, list[str]],
                         texts: tuple[str, ...], anchors: dict[str, int],
                         starts: list[tuple[int, str]]) -> None:
    """Each page prints its running text, then its footnotes: `12. The note…`."""
    by_page: dict[int, list[int]] = {}
    for chapter in pub.chapters:
        for note in chapter.notes:
            if f"note-{note.number}" in anchors:
                by_page.setdefault(anchors[f"note-{note.number}"], []).append(note.number)
    for (first, key), (end, _) in zip(starts, [*starts[1:], (len(texts), "")], strict=True):
        if not key.startswith("chapter-"):
            continue
        body, notes = [], []
        for index in range(first, end):
            cut = footnote_area(texts[index], sorted(by_page.get(index, [])))
            body.append(texts[index][:cut])
            notes.append(texts[index][cut:])
        sections[key] = body
        sections["footnotes-" + key.removeprefix("chapter-")] = [n for n in notes if n]


def footnote_area(text: str, numbers: list[int]) -> int:
    """Where the footnotes begin in a page's text: the line opening with the first one's
    marker, looked for from the end (the running text above may hold such a line too)."""
    if not numbers:
        return len(text)
    marker = f"{numbers[0]}. "
    if text.startswith(marker) and f"\n{marker}" not in text:
        return 0
    at = text.rfind(f"\n{marker}")
    return at + 1 if at >= 0 else len(text)
