"""`imprint preview --pdf CHAPTER`: one chapter and its notes in the print style, for a quick
look at the page without laying out the whole book (seconds instead of the full PDF's wait).

The numbers are the full book's (the caller builds the whole Publication); the layout uses
print.css through the same sandboxed fetcher as the book's PDF.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from imprint.book.files import atomic_path
from imprint.book.markup import Fragment
from imprint.book.model import Chapter, Diagnostic, Publication
from imprint.editions.html.templates import base_context, render
from imprint.editions.html.transform import Transform, ids, rewrite
from imprint.editions.pdf.render import as_footnotes, lay_out, weasyprint_warnings

TEMPLATE = "preview/print.html.j2"


def chapter_pdf_path(build_dir: Path, slug: str) -> Path:
    return build_dir / "preview" / f"{slug}.pdf"


def unlinked(chapter: Chapter) -> Chapter:
    """Cross-references into other chapters become plain labels: their targets are not in
    this PDF (and WeasyPrint would warn about every one)."""
    fragment = Fragment(chapter.html)
    plain = _plain_xrefs(set(ids(fragment)))
    plain(fragment)
    notes = tuple(dataclasses.replace(n, html=rewrite(n.html, plain)) for n in chapter.notes)
    return dataclasses.replace(chapter, html=fragment.html(), notes=notes)


def _plain_xrefs(known: set[str]) -> Transform:
    def plain(fragment: Fragment) -> None:
        for link in fragment.root.iter("a"):
            href = link.get("href") or ""
            if link.get("class") == "xref" and href.startswith("#") and href[1:] not in known:
                link.tag = "span"
                del link.attrib["href"]

    return plain


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
