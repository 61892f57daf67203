"""The HTML edition: the EPUB's documents as finally rendered (chapters, contents, notes,
bibliography, with the print edition's page-break markers and cross-file links already placed
by `editions/epub`), written as HTML pages. Nothing is rendered twice, so the web text is the
EPUB's, which its fidelity audit holds to the model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from imprint.book.model import Publication
from imprint.editions.epub.package import render_package
from imprint.editions.pages import PrintLayout

EPUB_SUFFIX, HTML_SUFFIX = ".xhtml", ".html"
SKIPPED = frozenset({"cover.xhtml"})  # the print cover as an image: the landing page has it
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class EditionPage:
    name: str  # file name inside the edition folder: "chapter-arms.html"
    title: str
    body: str  # HTML, ready for site/page.html.j2
    kind: str  # the EPUB's body type: "frontmatter", "bodymatter", "backmatter"


def html_name(name: str) -> str:
    return name.removesuffix(EPUB_SUFFIX) + HTML_SUFFIX if name.endswith(EPUB_SUFFIX) else name


def edition_pages(pub: Publication, styles: Path, layout: PrintLayout) -> tuple[EditionPage, ...]:
    package = render_package(pub, styles, layout)
    return tuple(EditionPage(html_name(doc.name), doc.title, body_html(xhtml), doc.body_type)
                 for doc, xhtml in zip(package.docs, package.pages, strict=True)
                 if doc.name not in SKIPPED)


def body_html(xhtml: bytes) -> str:
    """The body of one EPUB document as HTML: plain element names (MathML keeps its own, as
    an HTML parser puts `<math>` in the MathML namespace), no `epub:` or `xml:` attributes,
    links to `.xhtml` files pointed at the `.html` pages."""
    root = etree.fromstring(xhtml, PARSER)
    body = root.find(f"{XHTML_NS}body")
    if body is None:
        return ""
    # Every element, the root too: a namespace still declared above the body would be
    # written out on its first child.
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = etree.QName(element).localname
        for key in [k for k in element.attrib if k.startswith("{")]:
            del element.attrib[key]
        href = element.get("href")
        if href is not None:
            element.set("href", _page_link(href))
        if element.get("role") == "doc-pagebreak":
            _page_number(element)
    etree.cleanup_namespaces(root)
    parts = [body.text or ""]
    parts += [etree.tostring(child, method="html", encoding="unicode", with_tail=True)
              for child in body]
    return "".join(parts).strip() + "\n"


def _page_link(href: str) -> str:
    """`chapter-arms.xhtml#n3` -> `chapter-arms.html#n3`; other links stay as they are."""
    page, hash_, fragment = href.partition("#")
    if "/" in page or ":" in page or not page.endswith(EPUB_SUFFIX):
        return href
    return html_name(page) + hash_ + fragment


def _page_number(marker: etree._Element) -> None:
    """The EPUB's page-break marker, as HTML allows it: ARIA gives `doc-pagebreak` to <hr>
    only, which cannot stand inside a paragraph, so the web marker is a plain empty span whose
    number the stylesheet shows in the margin (`data-page`)."""
    label = marker.get("aria-label", "")
    for key in ("role", "aria-label"):
        marker.attrib.pop(key, None)
    marker.set("class", "pagebreak")
    marker.set("data-page", label)
