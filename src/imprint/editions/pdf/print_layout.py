"""What the EPUB takes from the print edition's layout: its page starts and its cover.

Laying the book out is the expensive step of a build (seconds, against a fraction of a second
for the EPUB itself), so the result is cached in BUILD/.cache under a hash of everything the
layout reads: the book's HTML, the print stylesheet, the embedded assets and WeasyPrint's
version. A repeated `imprint epub` then lays nothing out.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from imprint.book.files import atomic_path
from imprint.book.model import Diagnostic, Publication
from imprint.editions.pages import PageMap, PrintLayout
from imprint.editions.pdf.book_html import plain_html

if TYPE_CHECKING:
    from imprint.editions.pdf.chapterwise import LaidBook
    from imprint.editions.pdf.render import Rendered

FORMAT = "print-layout-3"  # bump when PageMap or the cover changes meaning
PREFIX = "print-layout-"


def print_layout(pub: Publication, styles: Path, cache_dir: Path) -> PrintLayout:
    """The layout of this build's print edition, from the cache when nothing changed."""
    key = layout_key(pub, styles)
    cached = _load(cache_dir, key)
    if cached is not None:
        return cached
    # Imported only now: a current cache spares the EPUB build loading the layout engine.
    from imprint.editions.pdf.chapterwise import lay_out_book
    from imprint.editions.pdf.render import render_audited

    # The same calls as the digital edition's build makes, so the pages are the PDF's.
    laid = lay_out_book(pub, styles, cache_dir)
    if laid is not None:
        return store_laid(pub, styles, cache_dir, laid)
    return store_layout(pub, styles, cache_dir, render_audited(pub, styles, cache_dir=cache_dir))


def store_layout(pub: Publication, styles: Path, cache_dir: Path,
                 rendered: Rendered) -> PrintLayout:
    """Derive the EPUB's share of `rendered` and cache it (the PDF build may call this too)."""
    from imprint.editions.pdf.cover import cover_png
    from imprint.editions.pdf.pagemap import page_map
    from imprint.editions.pdf.render import page_labels

    layout = PrintLayout(page_map(rendered, page_labels(pub, rendered)), cover_png(rendered),
                         rendered.warnings)
    _store(cache_dir, layout_key(pub, styles), layout)
    return layout


def store_laid(pub: Publication, styles: Path, cache_dir: Path, laid: LaidBook) -> PrintLayout:
    """As `store_layout`, for a book laid out in parts: the cover is the front part's page 1."""
    from imprint.editions.pdf.cover import pdf_cover_png

    layout = PrintLayout(laid.page_map(), pdf_cover_png(Path(laid.parts[0].pdf)), laid.warnings)
    _store(cache_dir, layout_key(pub, styles), layout)
    return layout


OTHER_EDITIONS = frozenset({"epub.css", "site.css", "preview.css"})


def layout_key(pub: Publication, styles: Path) -> str:
    # Footnote mode's HTML is a function of this HTML and the mode, so both make the key.
    digest = hashlib.sha256(f"{FORMAT}\0{version('weasyprint')}\0{pub.meta.notes}\0".encode())
    digest.update(plain_html(pub, styles).encode())
    # The templates are in the book's HTML already; the other editions' stylesheets and the
    # locales' words (in the HTML too) change nothing the print layout reads.
    layout_styles = [p for p in sorted(styles.rglob("*")) if p.is_file()
                     and "templates" not in p.relative_to(styles).parts
                     and p.name not in OTHER_EDITIONS]
    for path in [*layout_styles, *(pub.root / asset for asset in pub.assets)]:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _load(cache_dir: Path, key: str) -> PrintLayout | None:
    data, png = cache_dir / f"{PREFIX}{key}.json", cache_dir / f"{PREFIX}{key}.png"
    if not (data.exists() and png.exists()):
        return None
    saved = json.loads(data.read_text(encoding="utf-8"))
    warnings = tuple(Diagnostic(None, message, "warning") for message in saved["warnings"])
    return PrintLayout(PageMap.from_data(saved["pages"]), png.read_bytes(), warnings)


def _store(cache_dir: Path, key: str, layout: PrintLayout) -> None:
    for old in cache_dir.glob(f"{PREFIX}*"):  # one layout is kept: the latest
        old.unlink(missing_ok=True)
    saved = {"pages": layout.pages.as_data(), "warnings": [w.message for w in layout.warnings]}
    with atomic_path(cache_dir / f"{PREFIX}{key}.png") as temporary:
        temporary.write_bytes(layout.cover_png)
    with atomic_path(cache_dir / f"{PREFIX}{key}.json") as temporary:
        temporary.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")
