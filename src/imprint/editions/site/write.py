"""Publication -> the site folder: `index.html` (the landing page), `site.css`, the editions
under `downloads/`, the report's reference under `cite/`, the HTML edition under `read/`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imprint.book.model import Diagnostic, Publication
from imprint.editions.html.templates import base_context, render
from imprint.editions.pages import PrintLayout
from imprint.editions.site import cite, discovery
from imprint.editions.site.downloads import Download, size_text
from imprint.editions.site.edition import EditionPage, edition_pages
from imprint.editions.site.folder import atomic_folder, copy_file, write_text

READ = "read"  # the HTML edition's folder
CONTENTS = "contents.html"
STYLESHEET = "site.css"


@dataclass(frozen=True)
class SiteInput:
    """What the site takes from outside its layer: the built editions, the report's citation
    formatted by the house CSL style, and the site's public address ("" keeps links relative)."""

    downloads: tuple[Download, ...]
    citation_html: str
    base_url: str = ""


def site_folder(book: Path) -> Path:
    """`BUILD/<slug>/site/`: the editions are `BUILD/<slug>/<slug>.pdf` etc., beside it."""
    return book / "site"


def write_site(pub: Publication, styles: Path, target: Path, layout: PrintLayout,
               given: SiteInput, verify: Callable[[Path], None] | None = None
               ) -> list[Diagnostic]:
    """Write the whole folder atomically; return a warning per edition not built yet."""
    pages = edition_pages(pub, styles, layout)
    with atomic_folder(target) as folder:
        _landing(pub, styles, folder, given)
        _edition(pub, styles, folder, pages)
        copy_file(styles / STYLESHEET, folder, STYLESHEET)
        for download in given.downloads:
            if download.built:
                copy_file(download.source, folder, download.href)
        if verify is not None:
            verify(folder)
    return [Diagnostic(None, f"the site lists {d.source.name} as not built: build it first "
                       f"(make all)", "warning") for d in given.downloads if not d.built]


def _landing(pub: Publication, styles: Path, folder: Path, given: SiteInput) -> None:
    meta, base = pub.meta, given.base_url
    files = {"bib": f"cite/{meta.slug}.bib", "ris": f"cite/{meta.slug}.ris"}
    write_text(folder, files["bib"], cite.bibtex(meta, base))
    write_text(folder, files["ris"], cite.ris(meta, base))
    tags = [*discovery.highwire(meta, given.downloads, base), *discovery.dublin_core(meta),
            *discovery.open_graph(meta, base)]
    html = render(styles, "site/landing.html.j2", **base_context(pub), tags=tags,
                  json_ld=discovery.json_ld(meta, given.downloads, base),
                  downloads=given.downloads, size_text=size_text, cite_files=files,
                  citation_html=given.citation_html, read_href=f"{READ}/{CONTENTS}",
                  stylesheet=STYLESHEET)
    write_text(folder, "index.html", html)


def _edition(pub: Publication, styles: Path, folder: Path,
             pages: tuple[EditionPage, ...]) -> None:
    context: dict[str, Any] = base_context(pub)
    for index, page in enumerate(pages):
        html = render(styles, "site/page.html.j2", **context, page=page,
                      previous=pages[index - 1] if index else None,
                      next=pages[index + 1] if index + 1 < len(pages) else None,
                      contents=CONTENTS, home="../index.html", stylesheet=f"../{STYLESHEET}")
        write_text(folder, f"{READ}/{page.name}", html)
    for asset in pub.assets:  # the EPUB's links name them `assets/<path in the manuscript>`
        copy_file(pub.root / asset, folder, f"{READ}/assets/{asset}")
