"""The print edition's HTML before layout, in a module that imports no layout engine: the EPUB
build keys its cached page map on this HTML and, when the cache is current, never loads
WeasyPrint or pikepdf (a third of a warm `imprint epub`)."""

from __future__ import annotations

from pathlib import Path

from imprint.book.model import Publication
from imprint.editions.html.templates import base_context, render
from imprint.editions.html.transform import break_urls, rewrite


def plain_html(pub: Publication, styles: Path) -> str:
    """The book's HTML with the notes where the model has them (an endnotes section); footnote
    mode moves them to their calls from this same publication (`render.as_footnotes`)."""
    context = base_context(pub)
    context["fonts"] = pub.locale.fonts_colophon
    return rewrite(render(styles, "book.html.j2", **context), break_urls)
