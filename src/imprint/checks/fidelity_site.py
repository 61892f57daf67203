"""The site's text, read back from the written folder and held to the model as the EPUB is.

The HTML edition (`read/*.html`) is the EPUB's documents as web pages, so its sections carry
the EPUB's ids (`chapter-<slug>`, `notes`, `bibliography`, `copyright`) and the EPUB audit's
three checks apply unchanged: no unrendered syntax, each section's words in the model's order,
and every heading, note, caption, entry and the funder's words present. The pages are read
along their `rel=next` links, as a reader turns them; only each page's `<main>` is the
edition's text (the header, pager and footer are the site's furniture). The landing page
(`index.html`) must show the title, the abstract, the funding statement and the disclaimer,
and no unrendered syntax either; and, as in the EPUB, no stylesheet may add text (but the
print page numbers).

Run by `imprint site` as `write_site`'s `verify`, on the finished temporary folder before it
replaces the old site: a site that fails is not written, and the old one stays.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
from lxml import etree

from imprint.book.config import CONFIG_NAME
from imprint.book.model import Diagnostic, ImprintError, Publication
from imprint.checks.fidelity import audit, presence_findings
from imprint.checks.fidelity_epub import SILENT, stylesheet_text
from imprint.checks.fidelity_locate import config_line
from imprint.checks.fidelity_model import Piece, expected_sections, model_text, pieces
from imprint.checks.fidelity_syntax import syntax_findings
from imprint.checks.fidelity_text import Printed, normalize, visible_text

EDITION = "HTML edition"
READ = "read"  # editions/site/write.READ; the checks sit below the site's layer
LANDING = "index.html"
PARSER = lxml.html.HTMLParser(encoding="utf-8", no_network=True)
# The one text the site's stylesheet may add: the print page numbers in the margin (or, on a
# narrow screen, in brackets in the line), from the page-break markers' `data-page`.
PAGE_NUMBERS = SILENT | {"attr(data-page)", '"[" attr(data-page) "]"'}


def audit_site(pub: Publication, folder: Path) -> None:
    """Audit the site written in `folder`; raise ImprintError with every finding.

    About 0.08 s on the sample (its 14 pages and the landing page; the site build itself
    takes about 12 s)."""
    model = model_text(pub)
    wanted = pieces(pub, model, footnotes=False)
    keys = {*expected_sections(pub, model, footnotes=False), *wanted, "contents"}
    findings = audit(pub, site_sections(folder, keys), footnotes=False, model=model)
    findings += landing_findings(pub, folder, wanted["copyright"])
    for css in sorted(folder.rglob("*.css")):
        name = css.relative_to(folder).as_posix()
        findings += stylesheet_text(name, css.read_text("utf-8", "replace"), "site", PAGE_NUMBERS)
    if findings:
        raise ImprintError(findings)


def reading_order(pages: Path) -> list[Path]:
    """The edition's pages from the first (the one no page precedes) along `rel=next`; a page
    the links miss comes after them, so no page goes unread."""
    files = sorted(pages.glob("*.html"))
    links = {path.name: _link(path, "next") for path in files}
    followed = set(links.values())
    order: list[Path] = []
    name = next((p.name for p in files if p.name not in followed and _link(p, "prev") == ""),
                "")
    while name in links and pages / name not in order:
        order.append(pages / name)
        name = links[name]
    return order + [path for path in files if path not in order]


def _link(path: Path, rel: str) -> str:
    found = _parse(path).xpath(f"//head/link[@rel='{rel}']/@href")
    return str(found[0]) if found else ""


def _parse(path: Path) -> etree._ElementTree:
    return lxml.html.parse(str(path), PARSER)


def site_sections(folder: Path, keys: set[str]) -> Printed:
    """As the EPUB audit reads its spine: each page's <main>, by section id; a page holding no
    section (the title page, the contents) goes to "other"."""
    sections: dict[str, str] = {}
    other: list[str] = []
    for path in reading_order(folder / READ):
        main = _parse(path).find(".//main")
        if main is None:
            continue
        held = [e for e in main.iter() if e.get("id") in keys]
        for element in held:
            sections[str(element.get("id"))] = normalize(visible_text(element))
        if not held:
            other.append(normalize(visible_text(main)))
    sections["other"] = "\n".join(other)
    return Printed(EDITION, sections)


def landing_findings(pub: Publication, folder: Path, funding: list[Piece]) -> list[Diagnostic]:
    """The landing page shows the report's title, abstract and funder's words, in that order,
    and no unrendered syntax."""
    path = folder / LANDING
    body = _parse(path).find(".//body") if path.exists() else None
    if body is None:
        return [Diagnostic(None, f"the site has no landing page ({LANDING})")]
    printed = Printed("site's landing page", {"landing": normalize(visible_text(body))})
    meta = pub.meta
    wanted = [Piece("title", normalize(meta.title), config_line(pub.root, CONFIG_NAME, "title"))]
    if meta.abstract:
        wanted.append(Piece("abstract", normalize(meta.abstract),
                            config_line(pub.root, CONFIG_NAME, "abstract")))
    return [*presence_findings(pub, printed, {"landing": [*wanted, *funding]}),
            *syntax_findings(pub, Printed(printed.edition, {"other": printed.sections["landing"]}),
                             {})]
