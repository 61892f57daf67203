"""The report's own reference: a CSL-JSON item (formatted in the house style by the pandoc
citeproc run of `preprocess/cite`), and the BibTeX and RIS files a reader imports."""

from __future__ import annotations

from typing import Any

from imprint.book.model import Author, Metadata


def name_parts(author: Author) -> tuple[str, str]:
    """(family, given): the last word is the family name, as for the sample's authors. A
    single word (an organisation) is all family name."""
    given, _, family = author.name.rpartition(" ")
    return family, given


def csl_item(meta: Metadata, url: str = "") -> dict[str, Any]:
    """The report as CSL-JSON, keyed by its slug."""
    year, month, day = (int(part) for part in meta.date.split("-"))
    item: dict[str, Any] = {
        "id": meta.slug,
        "type": "report",
        "title": _full_title(meta),
        "author": [dict(zip(("family", "given"), name_parts(a), strict=True))
                   for a in meta.authors],
        "issued": {"date-parts": [[year, month, day]]},
        "publisher": meta.publisher,
        "language": meta.language,
    }
    if url:
        item["URL"] = url
    return item


def _full_title(meta: Metadata) -> str:
    return f"{meta.title}: {meta.subtitle}" if meta.subtitle else meta.title


def bibtex(meta: Metadata, url: str = "") -> str:
    """A `@techreport` entry; braces around the title keep its capitals."""
    names = " and ".join(f"{{{family}}}, {given}" if given else f"{{{family}}}"
                         for family, given in map(name_parts, meta.authors))
    fields = [("title", f"{{{_tex(_full_title(meta))}}}"), ("author", _tex(names)),
              ("institution", _tex(meta.publisher)), ("year", meta.date[:4]),
              ("month", str(int(meta.date[5:7]))), ("date", meta.date),
              ("langid", meta.language)]
    if url:
        fields.append(("url", url))
    body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
    return f"@techreport{{{meta.slug},\n{body}\n}}\n"


def _tex(text: str) -> str:
    """Escape the characters BibTeX would read as markup (braces in names are ours)."""
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text


def ris(meta: Metadata, url: str = "") -> str:
    """An RIS record (`TY  - RPRT`), CRLF line ends as the format's readers expect."""
    lines = [("TY", "RPRT"), ("TI", meta.title)]
    if meta.subtitle:
        lines.append(("T2", meta.subtitle))
    lines += [("AU", f"{family}, {given}" if given else family)
              for family, given in map(name_parts, meta.authors)]
    lines += [("PY", meta.date[:4]), ("DA", meta.date.replace("-", "/")),
              ("PB", meta.publisher), ("LA", meta.language)]
    lines += [("KW", keyword) for keyword in meta.keywords]
    if meta.abstract:
        lines.append(("AB", " ".join(meta.abstract.split())))
    if url:
        lines.append(("UR", url))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)
