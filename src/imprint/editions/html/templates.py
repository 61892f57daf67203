"""The Jinja2 environment over `styles/templates/` and the context every edition shares."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from imprint.book.model import Publication


@cache
def environment(styles: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(styles / "templates"),
        autoescape=select_autoescape(["html", "xhtml", "j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def base_context(pub: Publication) -> dict[str, Any]:
    chapters = pub.chapters
    return {
        "meta": pub.meta,
        "chapters": chapters,
        "front": [c for c in chapters if c.kind == "front"],
        "body": [c for c in chapters if c.kind == "body"],
        "back": [c for c in chapters if c.kind == "back"],
        "bibliography": pub.bibliography,
        "has_endnotes": pub.meta.notes == "endnotes" and any(c.notes for c in chapters),
        # The fixed words in the book's language (styles/locales/): `locale.contents`, …
        "locale": pub.locale,
        "date_text": pub.locale.date_text(pub.meta.date),  # 'November 2026', '2026年11月'
        "authors_text": pub.locale.join(a.name for a in pub.meta.authors),
        "fonts": "",
        # One document holds every chapter and the notes; the EPUB overrides both for its files.
        "href": lambda ident: f"#{ident}",
        "call_href": lambda chapter: "",
    }


def render(styles: Path, name: str, **context: Any) -> str:
    return environment(styles).get_template(name).render(**context)
