"""Publication -> print PDF through WeasyPrint, with every resource fetched through a sandbox."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML, URLFetcher
from weasyprint.document import Document

from imprint.atomic import atomic_path
from imprint.model import Diagnostic, Publication
from imprint.templates import base_context, render

FONTS_COLOPHON = (
    "Set in Noto Serif and Noto Sans, with Noto Serif CJK SC and Noto Sans CJK SC for Chinese."
)


class SandboxFetcher(URLFetcher):
    """Fetches only `file:` URLs inside the allowed folders (after resolving `..` and links)."""

    def __init__(self, allowed: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.allowed = tuple(folder.resolve() for folder in allowed)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None):  # type: ignore[override]
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc or not any(path.is_relative_to(a) for a in self.allowed):
            self.refused.append(url)
            raise ValueError(f"refused by the imprint sandbox: {url}")
        return super().fetch(url, headers)


def book_html(pub: Publication, styles: Path) -> str:
    context = base_context(pub)
    context["fonts"] = FONTS_COLOPHON
    context["href"] = lambda ident: f"#{ident}"
    context["call_href"] = lambda chapter: ""
    return render(styles, "book.html.j2", **context)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    previous, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


@dataclass(frozen=True)
class Rendered:
    """A laid-out book: WeasyPrint's pages, plus what the render said."""

    html: str
    document: Document
    warnings: tuple[Diagnostic, ...]


def render_document(pub: Publication, styles: Path) -> Rendered:
    """Lay the book out (the expensive step); the EPUB's page list reads the same layout."""
    html = book_html(pub, styles)
    fetcher = SandboxFetcher((pub.root, styles))
    with _weasyprint_warnings() as messages:
        page = HTML(string=html, base_url=pub.root.as_uri() + "/", url_fetcher=fetcher)
        stylesheet = CSS(filename=str(styles / "print.css"), url_fetcher=fetcher)
        document = page.render(stylesheets=[stylesheet])
    warnings = tuple(Diagnostic(None, f"weasyprint: {m}", "warning") for m in messages)
    return Rendered(html, document, warnings)


def write_pdf(pub: Publication, styles: Path, target: Path) -> list[Diagnostic]:
    """Render the book to `target` atomically; return WeasyPrint's warnings as diagnostics."""
    rendered = render_document(pub, styles)
    # A stable identifier derived from the content keeps rebuilds byte-identical.
    identifier = hashlib.sha256(rendered.html.encode()).hexdigest()[:32].encode()
    with _weasyprint_warnings() as messages, atomic_path(target) as temporary:
        rendered.document.write_pdf(temporary, pdf_identifier=identifier, custom_metadata=True)
    return [*rendered.warnings, *(Diagnostic(None, f"weasyprint: {m}", "warning")
                                  for m in messages)]


def _roman(number: int) -> str:
    numerals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in numerals:
        count, number = divmod(number, value)
        out += letters * count
    return out


def body_start(pub: Publication, rendered: Rendered) -> int:
    """Index of the page where the first body chapter opens (arabic folio 1)."""
    first = next((c for c in pub.chapters if c.kind == "body"), None)
    if first is None:
        return len(rendered.document.pages)
    anchor = f"chapter-{first.slug}"
    return next(i for i, page in enumerate(rendered.document.pages) if anchor in page.anchors)


def page_labels(pub: Publication, rendered: Rendered) -> tuple[str, ...]:
    """The folio of every page as printed: lower-roman front matter, arabic from the body."""
    start = body_start(pub, rendered)
    total = len(rendered.document.pages)
    return tuple(_roman(i + 1) if i < start else str(i - start + 1) for i in range(total))
