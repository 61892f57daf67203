"""Publication -> EPUB 3 through ebooklib, with our own XHTML and a byte-stable zip.

The print edition's layout (`PrintLayout`) supplies the cover image and where each printed
page begins; the markers, page list, NCX and accessibility metadata are all made here from the
documents as finally rendered.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ebooklib import epub

from imprint.a11y import content_facts
from imprint.atomic import atomic_path
from imprint.epub_nav import landmarks, ncx, toc_points
from imprint.epub_opf import COVER_ID, describe
from imprint.model import Chapter, Publication
from imprint.pagebreaks import PageLink, place_markers
from imprint.print_layout import PrintLayout
from imprint.templates import base_context, render

XHTML = "application/xhtml+xml"
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}
ID_ATTR = re.compile(r'\sid="([^"]+)"')
LOCAL_HREF = re.compile(r'href="#([^"]+)"')
LANG_ATTR = re.compile(r'(\slang="([^"]+)")(?!\s+xml:lang)')
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
COVER_SRC = "images/cover.png"


@dataclass(frozen=True)
class Document:
    """One XHTML file of the package, in spine order."""

    name: str  # file name inside the package
    title: str
    body: str  # rendered body content (before cross-document link rewriting)
    body_type: str = ""


def chapter_file(chapter: Chapter) -> str:
    return f"{chapter.slug}.xhtml"


def _documents(pub: Publication, styles: Path, context: dict[str, Any]) -> list[Document]:
    def part(name: str, **extra: Any) -> str:
        return render(styles, name, **context, **extra)

    docs = [
        Document("cover.xhtml", "Cover", part("epub/cover.html.j2"), "cover"),
        Document("titlepage.xhtml", "Title Page", part("partials/titlepage.html.j2", pdf=False),
                 "frontmatter"),
        Document("copyright.xhtml", "Copyright", part("partials/copyright.html.j2"),
                 "frontmatter"),
        Document("contents.xhtml", "Contents", part("epub/contents.html.j2"), "frontmatter"),
    ]
    for chapter in context["front"] + context["body"]:
        docs.append(_chapter_doc(chapter, part))
    if context["has_endnotes"]:
        docs.append(Document("notes.xhtml", "Notes", part("partials/notes.html.j2"), "backmatter"))
    if pub.bibliography:
        docs.append(Document("bibliography.xhtml", "Bibliography",
                             part("partials/bibliography.html.j2"), "backmatter"))
    docs += [_chapter_doc(chapter, part) for chapter in context["back"]]
    return docs


def _chapter_doc(chapter: Chapter, part: Any) -> Document:
    kind = {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}[chapter.kind]
    return Document(chapter_file(chapter), chapter.title,
                    part("partials/chapter.html.j2", chapter=chapter), kind)


def _link_rewriter(docs: list[Document]) -> dict[str, str]:
    """id -> file holding it, so `#id` links can point across files."""
    owner: dict[str, str] = {}
    for doc in docs:
        for ident in ID_ATTR.findall(doc.body):
            owner.setdefault(ident, doc.name)
    return owner


def _finish(doc: Document, owner: dict[str, str]) -> str:
    def rewrite(match: re.Match[str]) -> str:
        target = owner.get(match.group(1))
        if target is None or target == doc.name:
            return match.group(0)
        return f'href="{target}#{match.group(1)}"'

    body = LOCAL_HREF.sub(rewrite, doc.body)
    return LANG_ATTR.sub(lambda m: f'{m.group(1)} xml:lang="{m.group(2)}"', body)


def _context(pub: Publication) -> dict[str, Any]:
    context = base_context(pub)
    files = {c.slug: chapter_file(c) for c in pub.chapters}
    context["call_href"] = lambda chapter: files[chapter.slug]
    # `href` stays "#id": _finish points it at the right file once every file's ids are known.
    context["cover_src"] = COVER_SRC
    # Print may set notes at the foot of the page; a reflowable book has no page foot, so the
    # EPUB always collects them in its notes section, numbered as in print.
    context["has_endnotes"] = any(c.notes for c in pub.chapters)
    return context


def _page(styles: Path, pub: Publication, doc: Document, body: str) -> bytes:
    xhtml = render(styles, "epub/page.xhtml.j2", meta=pub.meta, title=doc.title, content=body,
                   body_type=doc.body_type)
    return xhtml.encode("utf-8")


@dataclass(frozen=True)
class Package:
    """Every XHTML file of the package, finished: markers placed, links made cross-file."""

    docs: tuple[Document, ...]
    pages: tuple[bytes, ...]  # the XHTML of each document, in spine order
    nav: bytes
    page_links: tuple[PageLink, ...]


def render_package(pub: Publication, styles: Path, layout: PrintLayout) -> Package:
    context = _context(pub)
    docs = _documents(pub, styles, context)
    owner = _link_rewriter(docs)
    bodies, links = place_markers([d.name for d in docs], [_finish(d, owner) for d in docs],
                                  layout.pages, pub.meta.language)
    nav = Document("nav.xhtml", "Contents", render(
        styles, "epub/nav.html.j2", **context, landmarks=landmarks(docs), pages=links))
    pages = tuple(_page(styles, pub, doc, body) for doc, body in zip(docs, bodies, strict=True))
    return Package(tuple(docs), pages, _page(styles, pub, nav, _finish(nav, owner)), links)


def build_book(pub: Publication, styles: Path, layout: PrintLayout) -> epub.EpubBook:
    package = render_package(pub, styles, layout)
    book = epub.EpubBook()
    describe(book, pub.meta, content_facts([*package.pages, package.nav], pub.meta.language))
    for doc, xhtml in zip(package.docs, package.pages, strict=True):
        book.add_item(epub.EpubItem(uid=Path(doc.name).stem, file_name=doc.name,
                                    media_type=XHTML, content=xhtml))
    book.spine = list(book.items)
    _item(book, "nav", "nav.xhtml", XHTML, package.nav, "nav")
    _item(book, "ncx", "toc.ncx", "application/x-dtbncx+xml",
          ncx(styles, pub.meta, toc_points(package.nav), package.page_links))
    _item(book, "style", "style/epub.css", "text/css", (styles / "epub.css").read_bytes())
    _item(book, COVER_ID, COVER_SRC, "image/png", layout.cover_png, "cover-image")
    for asset in pub.assets:
        media_type = MEDIA_TYPES.get(Path(asset).suffix.lower(), "application/octet-stream")
        _item(book, f"asset-{len(book.items)}", asset, media_type,
              (pub.root / asset).read_bytes())
    return book


def _item(book: epub.EpubBook, uid: str, name: str, media_type: str, content: bytes,
          properties: str = "") -> None:
    item = epub.EpubItem(uid=uid, file_name=name, media_type=media_type, content=content)
    if properties:
        item.properties = [properties]  # ebooklib writes them into the manifest
    book.add_item(item)


class _Writer(epub.EpubWriter):
    """ebooklib's writer, plus xml:lang on <package>, where Ace looks for the language."""

    def _write_opf_file(self, root: Any) -> None:
        root.set(XML_LANG, self.book.language)
        super()._write_opf_file(root)


def _normalize_zip(source: Path, target: Path, when: dt.date) -> None:
    """Rewrite the zip with fixed timestamps and order so rebuilds are byte-identical."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            fresh = zipfile.ZipInfo(info.filename, date_time=stamp)
            fresh.external_attr = 0o644 << 16
            stored = info.filename == "mimetype"
            fresh.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            new.writestr(fresh, data, compresslevel=None if stored else 9)


def write_epub(pub: Publication, styles: Path, target: Path, layout: PrintLayout) -> None:
    book = build_book(pub, styles, layout)
    when = dt.date.fromisoformat(pub.meta.date)
    modified = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    with atomic_path(target) as final:
        raw = final.with_name(final.name + ".raw")
        try:
            writer = _Writer(str(raw), book, {"mtime": modified, "raise_exceptions": True,
                                              "epub3_pages": False, "epub2_guide": False})
            writer.process()
            writer.write()
            _normalize_zip(raw, final, when)
        finally:
            raw.unlink(missing_ok=True)
