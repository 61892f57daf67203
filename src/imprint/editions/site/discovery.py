"""What search engines and link previews read from the landing page: Highwire Press tags (as
Google Scholar indexes them), Dublin Core, Open Graph and a schema.org `Report` in JSON-LD."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from imprint.book.model import Metadata
from imprint.editions.site.downloads import Download


@dataclass(frozen=True)
class Tag:
    attribute: str  # "name" or "property" (Open Graph)
    key: str
    content: str


def absolute(base: str, href: str) -> str:
    """`href` under the site's public address, or as it is when none was given."""
    return f"{base.rstrip('/')}/{href}" if base else href


def highwire(meta: Metadata, downloads: tuple[Download, ...], base: str) -> list[Tag]:
    tags = [Tag("name", "citation_title", meta.title)]
    for author in meta.authors:  # Scholar pairs an institution with the author before it
        tags.append(Tag("name", "citation_author", author.name))
        if author.affiliation:
            tags.append(Tag("name", "citation_author_institution", author.affiliation))
    tags.append(Tag("name", "citation_publication_date", meta.date.replace("-", "/")))
    pdf = next((d for d in downloads if d.kind == "pdf" and d.built), None)
    if pdf is not None:
        tags.append(Tag("name", "citation_pdf_url", absolute(base, pdf.href)))
    tags += [Tag("name", "citation_publisher", meta.publisher),
             Tag("name", "citation_technical_report_institution", meta.publisher),
             Tag("name", "citation_language", meta.language)]
    if meta.keywords:
        tags.append(Tag("name", "citation_keywords", "; ".join(meta.keywords)))
    return tags


def dublin_core(meta: Metadata) -> list[Tag]:
    tags = [Tag("name", "DC.title", meta.title)]
    tags += [Tag("name", "DC.creator", a.name) for a in meta.authors]
    tags += [Tag("name", "DC.date", meta.date), Tag("name", "DC.publisher", meta.publisher),
             Tag("name", "DC.language", meta.language), Tag("name", "DC.type", "Text"),
             Tag("name", "DC.identifier", meta.identifier),
             Tag("name", "DC.rights", meta.rights)]
    tags += [Tag("name", "DC.subject", keyword) for keyword in meta.keywords]
    if meta.abstract:
        tags.append(Tag("name", "DC.description", " ".join(meta.abstract.split())))
    return [tag for tag in tags if tag.content]


def open_graph(meta: Metadata, base: str) -> list[Tag]:
    tags = [Tag("property", "og:type", "article"), Tag("property", "og:title", meta.title),
            Tag("property", "og:site_name", meta.publisher),
            Tag("property", "og:locale", meta.language.replace("-", "_"))]
    if meta.abstract:
        tags.append(Tag("property", "og:description", " ".join(meta.abstract.split())))
    if base:
        tags.append(Tag("property", "og:url", absolute(base, "")))
    tags += [Tag("property", "article:author", a.name) for a in meta.authors]
    tags.append(Tag("property", "article:published_time", meta.date))
    return [tag for tag in tags if tag.content]


def json_ld(meta: Metadata, downloads: tuple[Download, ...], base: str) -> str:
    """The schema.org `Report`, safe inside <script> (no `</` can close it)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Report", "name": meta.title,
        "headline": meta.title, "alternativeHeadline": meta.subtitle or None,
        "author": [_person(a.name, a.affiliation) for a in meta.authors],
        "datePublished": meta.date, "inLanguage": meta.language,
        "publisher": {"@type": "Organization", "name": meta.publisher},
        "identifier": meta.identifier, "keywords": ", ".join(meta.keywords) or None,
        "abstract": " ".join(meta.abstract.split()) or None, "license": meta.rights or None,
        "url": absolute(base, "") if base else None,
        "encoding": [{"@type": "MediaObject", "contentUrl": absolute(base, d.href),
                      "encodingFormat": _media_type(d), "contentSize": str(d.size)}
                     for d in downloads if d.built] or None,
    }
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False,
                      indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _person(name: str, affiliation: str) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person", "name": name}
    if affiliation:
        person["affiliation"] = {"@type": "Organization", "name": affiliation}
    return person


def _media_type(download: Download) -> str:
    return "application/epub+zip" if download.kind == "epub" else "application/pdf"
