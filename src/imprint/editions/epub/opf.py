"""The package metadata: Dublin Core from publication.yaml, the cover, the pagination source
and the accessibility metadata derived from the content."""

from __future__ import annotations

from ebooklib import epub

from imprint.book.locale import Locale
from imprint.book.model import Metadata
from imprint.editions.epub.a11y import ContentFacts, a11y_metadata

COVER_ID = "cover-image"


def describe(book: epub.EpubBook, meta: Metadata, facts: ContentFacts, locale: Locale) -> None:
    _dublin_core(book, meta)
    # EPUB 2 reading systems find the cover image through this meta; EPUB 3 through the
    # manifest's cover-image property.
    book.add_metadata(None, "meta", "", {"name": "cover", "content": COVER_ID})
    if facts.pages:
        _pagination_source(book, meta)
    for prop, value in a11y_metadata(facts, locale.a11y, certifier=meta.certified_by).properties:
        book.add_metadata(None, "meta", value, {"property": prop})


def _dublin_core(book: epub.EpubBook, meta: Metadata) -> None:
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


def _pagination_source(book: epub.EpubBook, meta: Metadata) -> None:
    """The page list follows the print edition, which carries the same identifier on its
    copyright page. `source-of` marks it as the pagination source (EPUB 3.3);
    `pageBreakSource` is its successor, which EPUBCheck 5.3 accepts while it incubates."""
    book.add_metadata("DC", "source", meta.identifier, {"id": "print-edition"})
    book.add_metadata(None, "meta", "pagination",
                      {"refines": "#print-edition", "property": "source-of"})
    book.add_metadata(None, "meta", meta.identifier, {"property": "pageBreakSource"})
