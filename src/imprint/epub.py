"""Publication -> EPUB 3 through ebooklib, with our own XHTML and a byte-stable zip."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ebooklib import epub

from imprint.atomic import atomic_path
from imprint.model import Chapter, Publication
from imprint.templates import base_context, render

XHTML = "application/xhtml+xml"
MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp"}
ID_ATTR = re.compile(r'\sid="([^"]+)"')
LOCAL_HREF = re.compile(r'href="#([^"]+)"')
LANG_ATTR = re.compile(r'(\slang="([^"]+)")(?!\s+xml:lang)')


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
    context["href"] = lambda ident: f"#{ident}"  # made cross-file by _finish
    return context


def _landmarks(docs: list[Document]) -> list[dict[str, str]]:
    names = {doc.name for doc in docs}
    first_body = next((d.name for d in docs if d.body_type == "bodymatter"), None)
    candidates = [
        ("cover", "cover.xhtml", "Cover"),
        ("titlepage", "titlepage.xhtml", "Title Page"),
        ("toc", "contents.xhtml", "Contents"),
        ("bodymatter", first_body, "Start of Content"),
        ("endnotes", "notes.xhtml", "Notes"),
        ("bibliography", "bibliography.xhtml", "Bibliography"),
    ]
    return [{"type": t, "href": h, "label": label} for t, h, label in candidates if h in names]


def _metadata(book: epub.EpubBook, pub: Publication) -> None:
    meta = pub.meta
    book.set_identifier(meta.identifier)
    book.set_language(meta.language)
    book.add_metadata("DC", "title", meta.title, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        book.add_metadata("DC", "title", meta.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle",
                          {"refines": "#subtitle", "property": "title-type"})
    for index, author in enumerate(meta.authors, 1):
        book.add_author(author.name, uid=f"author-{index}")
    book.add_metadata("DC", "publisher", meta.publisher)
    book.add_metadata("DC", "rights", meta.rights)
    book.add_metadata("DC", "date", meta.date)
    if meta.abstract:
        book.add_metadata("DC", "description", meta.abstract)
    for keyword in meta.keywords:
        book.add_metadata("DC", "subject", keyword)


def _page(styles: Path, pub: Publication, doc: Document, body: str) -> bytes:
    xhtml = render(styles, "epub/page.xhtml.j2", meta=pub.meta, title=doc.title, content=body,
                   body_type=doc.body_type)
    return xhtml.encode("utf-8")


def build_book(pub: Publication, styles: Path) -> epub.EpubBook:
    context = _context(pub)
    docs = _documents(pub, styles, context)
    nav = Document("nav.xhtml", "Contents",
                   render(styles, "epub/nav.html.j2", **context, landmarks=_landmarks(docs)))
    owner = _link_rewriter(docs)
    book = epub.EpubBook()
    _metadata(book, pub)
    items = []
    for doc in docs:
        item = epub.EpubItem(uid=Path(doc.name).stem, file_name=doc.name, media_type=XHTML,
                             content=_page(styles, pub, doc, _finish(doc, owner)))
        book.add_item(item)
        items.append(item)
    nav_item = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type=XHTML,
                             content=_page(styles, pub, nav, _finish(nav, owner)))
    nav_item.properties = ["nav"]
    book.add_item(nav_item)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubItem(uid="style", file_name="style/epub.css", media_type="text/css",
                                content=(styles / "epub.css").read_bytes()))
    for asset in pub.assets:
        book.add_item(epub.EpubItem(uid=f"asset-{len(book.items)}", file_name=asset,
                                    media_type=MEDIA_TYPES.get(Path(asset).suffix.lower(),
                                                               "application/octet-stream"),
                                    content=(pub.root / asset).read_bytes()))
    book.toc = [epub.Link(d.name, d.title, Path(d.name).stem) for d in docs]
    book.spine = items
    return book


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


def write_epub(pub: Publication, styles: Path, target: Path) -> None:
    book = build_book(pub, styles)
    when = dt.date.fromisoformat(pub.meta.date)
    modified = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC)
    with atomic_path(target) as final:
        raw = final.with_name(final.name + ".raw")
        try:
            epub.write_epub(str(raw), book, {"mtime": modified, "raise_exceptions": True,
                                             "epub3_pages": False})
            _normalize_zip(raw, final, when)
        finally:
            raw.unlink(missing_ok=True)
