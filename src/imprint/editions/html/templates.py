"""The Jinja2 environment over `styles/templates/` and the context every edition shares."""

from __future__ import annotations

import datetime as dt
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


def date_text(iso: str) -> str:
    """'2026-11-28' -> 'November 2026', as reports print their date."""
    return dt.date.fromisoformat(iso).strftime("%B %Y")


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
        "date_text": date_text(pub.meta.date),
        "fonts": "",
        # One document holds every chapter and the notes; the EPUB overrides both for its files.
        "href": lambda ident: f"#{ident}",
        "call_href": lambda chapter: "",
    }


def render(styles: Path, name: str, **context: Any) -> str:
    return environment(styles).get_template(name).render(**context)
