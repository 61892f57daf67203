"""Publication -> print PDF through WeasyPrint, with every resource fetched through a sandbox."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pikepdf
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.document import Document

from imprint.book.files import atomic_path
from imprint.book.model import Diagnostic, ImprintError, Publication
from imprint.editions.html.transform import rewrite
from imprint.editions.pdf import remembered
from imprint.editions.pdf.audit import (
    NoteProblem,
    audit_glyphs,
    audit_notes,
    glyph_diagnostics,
    note_diagnostics,
)
from imprint.editions.pdf.book_html import plain_html
from imprint.editions.pdf.finish import add_page_labels, mark_margin_artifacts
from imprint.editions.pdf.footnotes import break_at_calls, inline_notes, words_to_line_start
from imprint.editions.pdf.list_items import fix_list_items
from imprint.editions.pdf.located import locate
from imprint.editions.pdf.math_svg import has_math, math_as_svg
from imprint.editions.pdf.press import finish_press
from imprint.editions.pdf.remembered import Remembered
from imprint.editions.pdf.typography_fix import ROUNDS, TypographyReport, stylesheet, typeset
from imprint.editions.pdf.weasyprint_internals import (
    counter_styles,
    notdef_code_point,
    tag_structure_languages,
)

FOOTNOTE_RETRIES = 3
Verify = Callable[[Path, Document], None]
# Footnotes whose call's line starts a new page: (number, words from the line start to the call)
Fixes = frozenset[tuple[int, int]]


class SandboxFetcher(URLFetcher):
    """Fetches only `file:` URLs inside the allowed folders (after resolving `..` and links)."""

    def __init__(self, allowed: tuple[Path, ...]) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.allowed = tuple(folder.resolve() for folder in allowed)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc or not any(path.is_relative_to(a) for a in self.allowed):
            self.refused.append(url)
            raise ValueError(f"refused by the imprint sandbox: {url}")
        return super().fetch(url, headers)


def as_footnotes(pub: Publication, fixes: Fixes) -> Publication:
    """Put each note's text at its call, for CSS `float: footnote` to carry to the page foot.

    Every footnote has `footnote-policy: line` (print.css), which moves a call's line to the next
    page with its note; measured on a stress manuscript it took misplaced notes from 59 of 191 to
    none. Where WeasyPrint still prints a note late (a call in a box it will not split), the
    notes in `fixes` start a new page at their call's line.
    """
    texts = {n.number: n.html for c in pub.chapters for n in c.notes}
    steps = (break_at_calls(sorted(fixes)), inline_notes(texts))
    return replace(pub, chapters=tuple(replace(c, html=rewrite(c.html, *steps))
                                       for c in pub.chapters))


def book_html(pub: Publication, styles: Path, fixes: Fixes | None = None) -> str:
    if pub.meta.notes == "footnotes":
        pub = as_footnotes(pub, fixes or frozenset())
    return plain_html(pub, styles)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_warnings() -> Iterator[list[str]]:
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
    typography: TypographyReport | None = None  # the typographic audit of these pages
    footnotes: Fixes = frozenset()  # the page breaks at late notes it was laid out with
    context: Any = None  # WeasyPrint's layout context, kept for a part's folios (parts.py)


# Lays the book (or a part) out with these note page breaks and this CSS added.
LayOut = Callable[[Fixes, str], Rendered]


def lay_out(html: str, root: Path, styles: Path, sheets: tuple[str, ...] = ("print.css",),
            css: str = "") -> tuple[Document, tuple[Diagnostic, ...]]:
    """WeasyPrint layout of `html` in the house style, every resource through the sandbox;
    `css` is added last (the typographic audit's fixes)."""
    if has_math(html):  # WeasyPrint has no MathML: the formulas go in drawn as SVG
        html = rewrite(html, math_as_svg)
    fetcher = SandboxFetcher((root, styles))
    with weasyprint_warnings() as messages:
        page = HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher)
        # One store of `@counter-style` rules for the sheets and the render (the footnotes').
        counters = counter_styles()
        stylesheets = [CSS(filename=str(styles / s), url_fetcher=fetcher, counter_style=counters)
                       for s in sheets]
        stylesheets += [CSS(string=css, url_fetcher=fetcher)] if css else []
        document = page.render(stylesheets=stylesheets, counter_style=counters)
    return document, tuple(Diagnostic(None, f"weasyprint: {m}", "warning") for m in messages)


def print_sheets(pub: Publication, *, press: bool = False) -> tuple[str, ...]:
    """The house style, then the paper size's page boxes (`paper:`), then the press's bleed."""
    return ("print.css", f"paper-{pub.meta.paper}.css", *(("press.css",) if press else ()))


def render_document(pub: Publication, styles: Path, fixes: Fixes | None = None, *,
                    press: bool = False, css: str = "") -> Rendered:
    """Lay the book out (the expensive step); the EPUB's page list reads the same layout."""
    html = book_html(pub, styles, fixes)
    sheets = print_sheets(pub, press=press)
    document, warnings = lay_out(html, pub.root, styles, sheets, css)
    return Rendered(html, document, locate(pub, warnings), footnotes=fixes or frozenset())


def render_audited(pub: Publication, styles: Path, *, press: bool = False,
                   cache_dir: Path | None = None) -> Rendered:
    """Lay out, check every note, retry the misplaced footnotes, fail on what is still wrong,
    then mend the typography. The fixes found are remembered in `cache_dir`: a rebuild of the
    same book lays it out once, with them (`remembered`)."""
    sheets = [styles / sheet for sheet in print_sheets(pub, press=press)]
    digest = remembered.key(book_html(pub, styles), sheets, press)

    def lay(fixes: Fixes, css: str) -> Rendered:
        return render_document(pub, styles, fixes or None, press=press, css=css)

    best, typography = audited(pub, lay, remembered.load(cache_dir, digest))
    remembered.store(cache_dir, digest, Remembered(best.footnotes, typography.rules))
    return replace(best, typography=typography)


def audited(pub: Publication, lay: LayOut, known: Remembered | None, *,
            pages: Callable[[Rendered], Document] = lambda r: r.document,
            numbers: Callable[[Document], frozenset[int] | None] = lambda _: None,
            ) -> tuple[Rendered, TypographyReport]:
    """The audited layout of the book or of one part (parts.py) that `lay` lays out: every
    note (or those `numbers` names) placed, from the `known` fixes if they still hold, then
    the typography mended; `pages` are the pages the typographic audit reads."""
    rendered, problems = _notes_placed(pub, lay, known, numbers)
    if problems and known:  # the remembered fixes no longer hold: find them afresh
        known = None
        rendered, problems = _notes_placed(pub, lay, None, numbers)
    if problems:
        raise ImprintError(note_diagnostics(pub, problems))

    def relayout(css: str) -> Rendered | None:
        # A typographic fix moves lines, and with them note calls: the notes it carries off
        # their page are placed again as for the first layout (a page break at the call's
        # line), from the first layout's breaks, so a break no longer needed is not kept.
        again, late = _placed(pub, lay, rendered.footnotes, css, numbers)
        return None if late else again

    start = dict(known.rules) if known else None
    return typeset(pub, rendered, pages, relayout, start, limit=0 if known else ROUNDS)


def _notes_placed(pub: Publication, lay: LayOut, known: Remembered | None,
                  numbers: Callable[[Document], frozenset[int] | None]
                  ) -> tuple[Rendered, list[NoteProblem]]:
    """A layout with every note on its call's page, starting from `known` fixes."""
    if known is None:
        return _placed(pub, lay, frozenset(), "", numbers)
    return _placed(pub, lay, known.footnotes, stylesheet(dict(known.rules)), numbers)


def _placed(pub: Publication, lay: LayOut, fixes: Fixes, css: str,
            numbers: Callable[[Document], frozenset[int] | None]
            ) -> tuple[Rendered, list[NoteProblem]]:
    """Laid out with `css`, every note on its call's page: footnote mode adds a page break
    before a late note's call to the `fixes` it starts from. The problems left when the
    retries run out."""
    rendered = lay(fixes, css)
    wanted = numbers(rendered.document)
    problems = audit_notes(pub, rendered.document, wanted)
    for _ in range(FOOTNOTE_RETRIES):
        if not problems or pub.meta.notes != "footnotes":
            break
        fixes |= {(problem.number, _words(rendered.document, problem.number))
                  for problem in problems}
        rendered = lay(fixes, css)
        problems = audit_notes(pub, rendered.document, wanted)
    return rendered, problems


def _words(document: Document, number: int) -> int:
    """Where note `number`'s page break goes: `words_to_line_start`, or at the call's word."""
    words = words_to_line_start(document, number)
    return 1 if words is None else words


def write_pdf(pub: Publication, styles: Path, target: Path, *, press: bool = False,
              rendered: Rendered | None = None,
              verify: Verify | None = None) -> list[Diagnostic]:
    """Render the book to `target` atomically; return WeasyPrint's warnings as diagnostics.

    The digital edition is PDF/UA-1, RGB, with live links; `press` makes the PDF/X-4 press
    edition (CMYK, bleed, crop marks, no links: press.py). A caller
    that also needs the layout (the EPUB's page list) passes its `render_audited` result.
    `verify(path, document)` reads the finished file before it takes the target's place (the
    fidelity audit, from the layer above); raising stops the build with nothing written.
    """
    rendered = rendered or render_audited(pub, styles, press=press)
    # A stable identifier derived from the content keeps rebuilds byte-identical.
    identifier = hashlib.sha256(rendered.html.encode()).hexdigest()[:32].encode()
    tag_structure_languages()
    with weasyprint_warnings() as messages, atomic_path(target) as temporary:
        rendered.document.write_pdf(temporary, pdf_identifier=identifier, custom_metadata=True,
                                    pdf_variant="pdf/x-4" if press else "pdf/ua-1",
                                    pdf_tags=True)  # the audit skips the artifacts by their tags
        missing = audit_glyphs(pub, messages)
        if missing:
            raise ImprintError(glyph_diagnostics(pub, missing))
        _finish(temporary, body_start(pub, rendered), identifier if press else None)
        if verify is not None:
            verify(temporary, rendered.document)
    return [*rendered.warnings, *written_warnings(pub, messages)]


def written_warnings(pub: Publication, messages: list[str]) -> tuple[Diagnostic, ...]:
    """WeasyPrint's log while writing, located; the missing glyphs are the glyph audit's."""
    drawn = [m for m in messages if notdef_code_point(m) is None]
    return locate(pub, (Diagnostic(None, f"weasyprint: {m}", "warning") for m in drawn))


def _finish(path: Path, body: int, press_seed: bytes | None = None) -> None:
    """What WeasyPrint does not write: page labels, and margin text marked as artifacts.

    The press edition (a `press_seed` for its XMP id) is PDF/X-4: see press.py."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        add_page_labels(pdf, body)
        mark_margin_artifacts(pdf)
        fix_list_items(pdf)  # a footnote inside a list item: list_items.py
        if press_seed is not None:
            finish_press(pdf, press_seed)
        # A content-derived ID and no new timestamps keep rebuilds byte-identical.
        pdf.save(path, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)


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
    return labels(body_start(pub, rendered), len(rendered.document.pages))


def labels(start: int, total: int) -> tuple[str, ...]:
    """The folios of `total` pages whose arabic folio 1 is page index `start`."""
    return tuple(_roman(i + 1) if i < start else str(i - start + 1) for i in range(total))
