"""A chapter of the built Publication -> the preview page (styles/templates/preview/page.html.j2).

The chapter's HTML is the book's own; only its links change: a cross-reference into another
chapter points at that chapter's preview, and images get a version so a changed figure shows.
"""

from __future__ import annotations

import dataclasses
import html
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import TemplateError

from imprint.book.markup import Fragment
from imprint.book.model import Chapter, Publication
from imprint.editions.html.templates import render
from imprint.editions.html.transform import Transform, ids, retarget_links, rewrite
from imprint.preview.state import Snapshot

TEMPLATE = "preview/page.html.j2"
SCRIPT = "templates/preview/live-reload.js"


def chapter_url(slug: str) -> str:
    return f"/chapters/{quote(slug)}"


def stylesheet_url(snapshot: Snapshot) -> str:
    return f"/_styles/preview.css?v={snapshot.styles_serial}"


class PageRenderer:
    """Renders pages on demand and keeps them until the next change (many requests, one build)."""

    def __init__(self, styles: Path, boot: str) -> None:
        self.styles = styles
        self.boot = boot
        self._lock = threading.Lock()
        self._serial = -1
        self._pages: dict[str, tuple[int, str]] = {}
        self._owners: dict[str, str] = {}
        self._ids = ChapterIds()  # guarded by _lock, as the pages are

    def page(self, snapshot: Snapshot, slug: str) -> tuple[int, str]:
        """(HTTP status, HTML) of the preview of chapter `slug`."""
        with self._lock:
            if snapshot.serial != self._serial:
                self._serial, self._pages = snapshot.serial, {}
                self._owners = self._ids.owners(snapshot.pub) if snapshot.pub else {}
            cached = self._pages.get(slug)
            owners = self._owners
        if cached is None:
            cached = self._render(snapshot, slug, owners)
            with self._lock:
                if snapshot.serial == self._serial:
                    self._pages[slug] = cached
        return cached

    def _render(self, snapshot: Snapshot, slug: str, owners: dict[str, str]) -> tuple[int, str]:
        pub = snapshot.pub
        chapter = next((c for c in pub.chapters if c.slug == slug), None) if pub else None
        # With errors the page still answers 200: the overlay is what the author must see.
        status = 404 if chapter is None and not snapshot.errors else 200
        context = self._context(snapshot, pub, chapter, slug)
        if chapter is not None and pub is not None:
            context["chapter"] = previewed(chapter, owners, pub.root)
        try:
            return status, render(self.styles, TEMPLATE, **context)
        except TemplateError as error:  # a designer mid-edit: say where, and keep reloading
            return 500, self._fallback(snapshot, error)

    def _context(self, snapshot: Snapshot, pub: Publication | None, chapter: Chapter | None,
                 slug: str) -> dict[str, Any]:
        chapters = pub.chapters if pub else ()
        index = chapters.index(chapter) if chapter in chapters else -1
        warnings = [d for d in pub.diagnostics if d.loc and chapter
                    and d.loc.path in (chapter.files or (chapter.source.path,))] if pub else []
        return {
            "meta": pub.meta if pub else None,
            "locale": pub.locale if pub else None,
            "chapter": chapter,
            "slug": slug,
            "book_chapters": chapters,
            "body": [c for c in chapters if c.kind == "body"],
            "previous": chapters[index - 1] if index > 0 else None,
            "next": chapters[index + 1] if 0 <= index < len(chapters) - 1 else None,
            "chapter_url": chapter_url,
            "call_href": lambda _chapter: "",  # notes and their calls share the page
            "errors": snapshot.errors,
            "warnings": warnings,
            "stylesheet": stylesheet_url(snapshot),
            "serial": snapshot.serial,
            "boot": self.boot,
        }

    def _fallback(self, snapshot: Snapshot, error: TemplateError) -> str:
        """The page template itself is broken, so this page cannot come from a template."""
        # A syntax error names the template (`name`) and its line; others name neither.
        where = f"styles/templates/{getattr(error, 'name', None) or TEMPLATE}"
        line = getattr(error, "lineno", None)
        message = html.escape(f"{where}{f':{line}' if line else ''}: {error.message or error}")
        script_path = self.styles / SCRIPT
        script = script_path.read_text(encoding="utf-8") if script_path.is_file() else ""
        return (
            f'<!DOCTYPE html><html data-serial="{snapshot.serial}" data-boot="{self.boot}">'
            f'<head><meta charset="utf-8"><title>Template error</title></head><body>'
            f'<div id="preview-page"><div class="preview-overlay" role="alert">'
            f"<p>{message}</p></div></div><script>{script}</script></body></html>"
        )


class ChapterIds:
    """Which chapter holds each id, reading a chapter's ids again only when its HTML changed:
    reading them all on every save cost more than the rebuild in a long book."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[str, tuple[str, ...]]] = {}  # slug -> (html, its ids)

    def owners(self, pub: Publication) -> dict[str, str]:
        """Every id in the chapters -> the slug of the chapter holding it."""
        found = {chapter.slug: self._ids(chapter) for chapter in pub.chapters}
        self._found = found  # only the book's chapters: memory stays bounded
        owners: dict[str, str] = {}
        for chapter in pub.chapters:
            for ident in found[chapter.slug][1]:
                owners.setdefault(ident, chapter.slug)
        return owners

    def _ids(self, chapter: Chapter) -> tuple[str, tuple[str, ...]]:
        known = self._found.get(chapter.slug)
        if known is not None and (known[0] is chapter.html or known[0] == chapter.html):
            return known
        return chapter.html, tuple(ids(Fragment(chapter.html)))


def previewed(chapter: Chapter, owners: dict[str, str], root: Path) -> Chapter:
    """The chapter with its text's and its notes' links made for the preview."""
    notes = tuple(dataclasses.replace(note, html=preview_links(note.html, chapter.slug, owners,
                                                               root))
                  for note in chapter.notes)
    return dataclasses.replace(chapter, html=preview_links(chapter.html, chapter.slug, owners,
                                                           root), notes=notes)


def preview_links(text: str, slug: str, owners: dict[str, str], root: Path) -> str:
    """Point links into other chapters at their previews; version images by modification time."""

    def other_chapter(ident: str) -> str | None:
        owner = owners.get(ident)
        return chapter_url(owner) if owner is not None and owner != slug else None

    return rewrite(text, retarget_links(other_chapter), _versioned_images(root))


def _versioned_images(root: Path) -> Transform:
    """Images from the preview's asset route, with a version so a changed figure shows."""

    def version(fragment: Fragment) -> None:
        for image in fragment.root.iter("img"):
            relative = image.get("src")
            if not relative:
                continue
            try:
                stamp = (root / relative).stat().st_mtime_ns
            except OSError:
                continue  # not a file of the manuscript: left as it is
            image.set("src", f"/_assets/{quote(relative)}?v={stamp}")

    return version
