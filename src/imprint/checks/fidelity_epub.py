"""The EPUB's text, read back from the package and cut into the model's sections.

The XHTML files are read in spine order, as a reading system would. A section is the element
whose id names it (`chapter-<slug>`, `notes`, `bibliography`, `copyright`, `contents`), the
same ids the print edition has; a spine file holding none of them goes to "other" (cover,
title page), where only unrendered syntax is looked for. Page-break markers are empty
elements and print no text, so they need no special case. Unlike a PDF's, the text has no
line breaks: a reading system shows every run of white space as one space, so each is one.

A figure too fine for a phone has a page of its own, outside the reading order
(editions/epub/figure_pages.py): a non-linear spine item repeating the figure's caption, with
a link back to the figure. It is read as part of the section holding that figure: its caption
counts once only when its words equal the caption in the chapter (which the audit holds to the
model), its link back is the template's words (looked at, as "other", for unrendered syntax),
and any other word on it is added to the chapter's text, which then differs from the model's.
"""

from __future__ import annotations

import copy
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
    return [name for name, _ in spine_items(archive)]


def spine_items(archive: zipfile.ZipFile) -> list[tuple[str, bool]]:
    """(name inside the zip, whether it is in the reading order) of each spine document."""
    container = etree.fromstring(archive.read(CONTAINER), PARSER)
    opf_name = container.xpath("//c:rootfile/@full-path", namespaces=NS)[0]
    opf = etree.fromstring(archive.read(opf_name), PARSER)
    hrefs = {item.get("id"): item.get("href")
             for item in opf.xpath("//opf:manifest/opf:item", namespaces=NS)}
    folder = posixpath.dirname(opf_name)
    return [(posixpath.join(folder, hrefs[ref.get("idref")]), ref.get("linear") != "no")
            for ref in opf.xpath("//opf:spine/opf:itemref", namespaces=NS)]


def epub_sections(path: Path, keys: set[str]) -> Printed:
    """The visible text of each section named in `keys`, and of everything else as "other"."""
    sections: dict[str, str] = {}
    other: list[str] = []
    figures: dict[str, tuple[str, str]] = {}  # "file#id" -> (its section, its caption's words)
    apart: list[tuple[str, etree._Element]] = []  # the documents outside the reading order
    with zipfile.ZipFile(path) as archive:
        for name, linear in spine_items(archive):
            body = etree.fromstring(archive.read(name), PARSER).find("x:body", NS)
            if body is None:
                continue
            if not linear:
                apart.append((name, body))
                continue
            held = [e for e in body.iter() if e.get("id") in keys]
            for element in held:
                sections[str(element.get("id"))] = normalize(visible_text(element))
                for target, figure in _captions(name, element).items():
                    figures.setdefault(target, figure)  # the outer section holds it
            if not held:
                other.append(normalize(visible_text(body)))
    for name, body in apart:
        page = figure_page(name, body, figures)
        if page is None:
            other.append(normalize(visible_text(body)))
            continue
        key, rest, back = page
        sections[key] = f"{sections[key]} {rest}" if rest else sections[key]
        other.append(back)
    sections["other"] = "\n".join(other)
    return Printed("EPUB", sections)


def _captions(name: str, section: etree._Element) -> dict[str, tuple[str, str]]:
    """Each figure in a section, as a link names it, with the section and its caption's words."""
    key = str(section.get("id"))
    found = {}
    for figure in section.iter(f"{{{NS['x']}}}figure"):
        caption = figure.find("x:figcaption", NS)
        if figure.get("id") and caption is not None:
            found[f"{name}#{figure.get('id')}"] = (key, normalize(visible_text(caption)))
    return found


def figure_page(name: str, body: etree._Element,
                figures: dict[str, tuple[str, str]]) -> tuple[str, str, str] | None:
    """A figure's page as (the section holding the figure, its words beyond the figure's
    caption, the words of its link back); None when no link on it leads to a figure."""
    page = copy.deepcopy(body)
    links = [(a, _target(name, a.get("href") or "")) for a in page.iter(f"{{{NS['x']}}}a")]
    back = next(((a, target) for a, target in links if target in figures), None)
    if back is None:
        return None
    key, caption = figures[back[1]]
    shown = page.find(".//x:figcaption", NS)
    if shown is not None and normalize(visible_text(shown)) == caption:
        _empty(shown)  # the caption, repeated: a different one stays, as words of its own
    words = normalize(visible_text(back[0]))
    _empty(back[0])
    return key, normalize(visible_text(page)), words


def _target(name: str, href: str) -> str:
    """A link's target as `file#id` inside the zip, from the document `name`."""
    file, _, fragment = href.partition("#")
    if "://" in file or not fragment:
        return ""
    where = posixpath.normpath(posixpath.join(posixpath.dirname(name), file)) if file else name
    return f"{where}#{fragment}"


def _empty(element: etree._Element) -> None:
    """No text or children left in `element`; the text after it stays."""
    tail = element.tail
    element.clear()
    element.tail = tail


def generated_text(path: Path) -> list[Diagnostic]:
    """Text the EPUB's stylesheets add (`p::after { content: "," }`): a reading system shows
    it, but it is in no XHTML file, so the text checks cannot see it."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in (n for n in archive.namelist() if n.endswith(".css")):
            found += stylesheet_text(name, archive.read(name).decode("utf-8", "replace"))
    return found


def stylesheet_text(name: str, css: str, edition: str = "EPUB",
                    silent: frozenset[str] = SILENT) -> list[Diagnostic]:
    """Each `content:` of the stylesheet `name` that adds text, unless its value is `silent`
    (the site lets `attr(data-page)` show its print page numbers)."""
    found = []
    css = CSS_COMMENT.sub(lambda m: "\n" * m.group().count("\n"), css)
    for match in CONTENT.finditer(css):
        value = match.group(1).strip()
        if value in silent:
            continue
        rule = css[css.rfind("}", 0, match.start()) + 1:match.start()]
        selector = " ".join(rule.split("{")[-2].split()) if "{" in rule else "?"
        found.append(Diagnostic(
            Loc(name, css.count("\n", 0, match.start()) + 1),
            f"the {edition}'s stylesheet adds text the manuscript does not have: "
            f"{selector} {{ content: {value} }}"))
    return found
