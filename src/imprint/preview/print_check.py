"""`imprint preview --pdf CHAPTER`: one chapter and its notes in the print style, for a quick
look at the page without laying out the whole book (seconds instead of the full PDF's wait).

The numbers are the full book's (the caller builds the whole Publication); the layout uses
print.css through the same sandboxed fetcher as the book's PDF.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from imprint.book.files import atomic_path
from imprint.book.model import Chapter, Diagnostic, Publication
from imprint.editions.html.templates import base_context, render
from imprint.editions.pdf.render import as_footnotes, lay_out, weasyprint_warnings
from imprint.preview.page import ID_ATTR

TEMPLATE = "preview/print.html.j2"
XREF = re.compile(r'<a class="xref" href="#([^"]+)">(.*?)</a>')


def chapter_pdf_path(build_dir: Path, slug: str) -> Path:
    return build_dir / "preview" / f"{slug}.pdf"


def unlinked(chapter: Chapter) -> Chapter:
    """Cross-references into other chapters become plain labels: their targets are not in
    this PDF (and WeasyPrint would warn about every one)."""
    ids = set(ID_ATTR.findall(chapter.html))

    def label(match: re.Match[str]) -> str:
        return match.group(0) if match.group(1) in ids else \
            f'<span class="xref">{match.group(2)}</span>'

    notes = tuple(dataclasses.replace(n, html=XREF.sub(label, n.html)) for n in chapter.notes)
    return dataclasses.replace(chapter, html=XREF.sub(label, chapter.html), notes=notes)


def chapter_html(pub: Publication, chapter: Chapter, styles: Path) -> str:
    one = dataclasses.replace(pub, chapters=(unlinked(chapter),))
    if pub.meta.notes == "footnotes":
        # The book's own conversion, so notes fall at the page foot exactly as in the PDF.
        one = as_footnotes(one, frozenset())
    context = base_context(one)
    context["chapter"] = one.chapters[0]
    return render(styles, TEMPLATE, **context)


def write_chapter_pdf(pub: Publication, chapter: Chapter, styles: Path,
                      target: Path) -> list[Diagnostic]:
    """Write the chapter's PDF to `target` atomically; return WeasyPrint's warnings."""
    html = chapter_html(pub, chapter, styles)
    # Derived from the content, so an unchanged chapter gives a byte-identical file.
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    document, warnings = lay_out(html, pub.root, styles)
    with weasyprint_warnings() as messages, atomic_path(target) as temporary:
        document.write_pdf(temporary, pdf_identifier=identifier)
    return [*warnings, *(Diagnostic(None, f"weasyprint: {m}", "warning") for m in messages)]
