"""The EPUB's text, read back from the package and cut into the model's sections.

The XHTML files are read in spine order, as a reading system would. A section is the element
whose id names it (`chapter-<slug>`, `notes`, `bibliography`, `copyright`, `contents`), the
same ids the print edition has; a spine file holding none of them goes to "other" (cover,
title page), where only unrendered syntax is looked for. Page-break markers are empty
elements and print no text, so they need no special case. Unlike a PDF's, the text has no
line breaks: a reading system shows every run of white space as one space, so each is one.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from imprint.book.model import Diagnostic, Loc
from imprint.checks.fidelity_text import Printed, normalize, visible_text

CONTAINER = "META-INF/container.xml"
NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container",
      "opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml"}
# The EPUB files are imprint's own output, but the parser still refuses network and entities.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CONTENT = re.compile(r"(?<![\w-])content\s*:\s*([^;}]+)")
SILENT = frozenset({"none", "normal", '""', "''"})


def spine(archive: zipfile.ZipFile) -> list[str]:
    """Names inside the zip of the spine's documents, in reading order."""
    container = etree.fromstring(archive.read(CONTAINER), PARSER)
    opf_name = container.xpath("//c:rootfile/@full-path", namespaces=NS)[0]
    opf = etree.fromstring(archive.read(opf_name), PARSER)
    hrefs = {item.get("id"): item.get("href")
             for item in opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
    folder = posixpath.dirname(opf_name)
    return [posixpath.join(folder, hrefs[ref])
            for ref in opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)]


def epub_sections(path: Path, keys: set[str]) -> Printed:
    """The visible text of each section named in `keys`, and of everything else as "other"."""
    sections: dict[str, str] = {}
    other: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in spine(archive):
            body = etree.fromstring(archive.read(name), PARSER).find("x:body", NS)
            if body is None:
                continue
            held = [e for e in body.iter() if e.get("id") in keys]
            for element in held:
                sections[str(element.get("id"))] = normalize(visible_text(element))
            if not held:
                other.append(normalize(visible_text(body)))
    sections["other"] = "\n".join(other)
    return Printed("EPUB", sections)


def generated_text(path: Path) -> list[Diagnostic]:
    """Text the EPUB's stylesheets add (`p::after { content: "," }`): a reading system shows
    it, but it is in no XHTML file, so the text checks cannot see it."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in (n for n in archive.namelist() if n.endswith(".css")):
            css = CSS_COMMENT.sub(lambda m: "\n" * m.group().count("\n"),
                                  archive.read(name).decode("utf-8", "replace"))
            for match in CONTENT.finditer(css):
                value = match.group(1).strip()
                if value in SILENT:
                    continue
                rule = css[css.rfind("}", 0, match.start()) + 1:match.start()]
                selector = " ".join(rule.split("{")[-2].split()) if "{" in rule else "?"
                found.append(Diagnostic(
                    Loc(name, css.count("\n", 0, match.start()) + 1),
                    f"the EPUB's stylesheet adds text the manuscript does not have: "
                    f"{selector} {{ content: {value} }}"))
    return found
