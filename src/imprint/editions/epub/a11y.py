"""Accessibility metadata derived from what the EPUB really contains, never fixed defaults.

The facts are read back from the finished XHTML (images and their alt text, tables and their
captions, headings, the navigation document, language changes), and every schema.org claim
and the summary are written from those facts: a publication without a page list does not
claim page navigation, and one image without a description withdraws `alternativeText` and
the WCAG conformance claim. The summary's sentences are the locale's (`a11y:` in
styles/locales/<lang>.yaml), in the book's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree import ElementTree

from imprint.book.locale import A11yWords

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"  # a standard's name: not translated
MEDIA = ("audio", "video", "canvas", "script")  # what could carry sound, motion or flashing
FULL_WIDTH_STOPS = ("。", "！", "？")


@dataclass(frozen=True)
class ContentFacts:
    images: int  # img elements, the cover included
    images_described: int  # of those, with non-empty alt text
    tables: int
    tables_captioned: int
    headings: int
    toc: bool  # the navigation document has a table of contents
    pages: int  # page-list entries; 0 when there is no page list
    media: int  # audio, video, canvas or script elements
    languages: tuple[str, ...]  # primary subtags of marked runs not in the main language


@dataclass(frozen=True)
class A11yMetadata:
    properties: tuple[tuple[str, str], ...]  # (OPF meta property, value), in order


def content_facts(documents: Iterable[bytes], language: str) -> ContentFacts:
    """Read the facts from every XHTML document of the package (navigation included)."""
    elements = [el for doc in documents for el in ElementTree.fromstring(doc).iter()]
    named = [(el.tag.removeprefix(XHTML), el) for el in elements]
    images = [el for tag, el in named if tag == "img"]
    tables = [el for tag, el in named if tag == "table"]
    navs = {el.get(EPUB_TYPE, ""): el for tag, el in named if tag == "nav"}
    page_list = navs.get("page-list")
    main = language.split("-")[0].lower()
    langs = {(el.get("lang") or el.get(XML_LANG) or "").split("-")[0].lower() for el in elements}
    return ContentFacts(
        images=len(images),
        images_described=sum(bool((el.get("alt") or "").strip()) for el in images),
        tables=len(tables),
        tables_captioned=sum(el.find(f"{XHTML}caption") is not None for el in tables),
        headings=sum(tag in ("h1", "h2", "h3", "h4", "h5", "h6") for tag, _ in named),
        toc="toc" in navs,
        pages=0 if page_list is None else len(page_list.findall(f".//{XHTML}li")),
        media=sum(tag in MEDIA for tag, _ in named),
        languages=tuple(sorted(lang for lang in langs if lang and lang != main)),
    )


def conforms(facts: ContentFacts) -> bool:
    """What we can verify of WCAG AA from the content: every image and table is described."""
    return facts.images == facts.images_described and facts.tables == facts.tables_captioned


def a11y_metadata(facts: ContentFacts, words: A11yWords, certifier: str = "") -> A11yMetadata:
    """`certifier`: who certified the publication (publication.yaml); only then, and only when
    the content bears it out, is WCAG conformance claimed. `words`: the summary's sentences."""
    props = [("schema:accessMode", "textual")]
    if facts.images:
        props.append(("schema:accessMode", "visual"))
    props += [("schema:accessModeSufficient", mode) for mode in _sufficient(facts)]
    props += [("schema:accessibilityFeature", feature) for feature in _features(facts)]
    props.append(("schema:accessibilityHazard", "unknown" if facts.media else "none"))
    props.append(("schema:accessibilitySummary", summary(facts, words, certifier)))
    if certifier and conforms(facts):
        props += [("dcterms:conformsTo", CONFORMANCE), ("a11y:certifiedBy", certifier)]
    return A11yMetadata(tuple(props))


def _sufficient(facts: ContentFacts) -> list[str]:
    if not facts.images:
        return ["textual"]
    described = facts.images == facts.images_described
    return ["textual,visual", *(["textual"] if described else [])]


def _features(facts: ContentFacts) -> list[str]:
    features = []
    if facts.headings:
        features.append("structuralNavigation")
    if facts.toc:
        features.append("tableOfContents")
    features += ["readingOrder", "displayTransformability"]  # one linear spine, reflowable CSS
    if facts.images and facts.images == facts.images_described:
        features.append("alternativeText")
    if facts.pages:
        features += ["pageNavigation", "printPageNumbers"]
    return features


def summary(facts: ContentFacts, words: A11yWords, certifier: str = "") -> str:
    """A plain-language account of the features above, sentence by sentence. What imprint
    checks itself is no certification, so without a certifier it claims no conformance."""
    said = []
    if certifier and conforms(facts):
        said.append(words.certified.format(standard=CONFORMANCE, certifier=certifier))
    else:
        said.append(words.no_claim)
    if facts.headings and facts.toc:
        said.append(words.structure)
    said.append(_described(facts.images, facts.images_described, words, "images"))
    if facts.tables:
        said.append(_described(facts.tables, facts.tables_captioned, words, "tables"))
    if facts.pages:
        said.append(words.pages.format(pages=facts.pages))
    if facts.languages:
        names = words.list_and.join(words.language_name(code) for code in facts.languages)
        said.append(words.languages.format(languages=names))
    said.append(words.media if facts.media else words.no_hazards)
    # Sentences ending in a full-width stop (Chinese, Japanese) run on without a space.
    return "".join(s + ("" if s.endswith(FULL_WIDTH_STOPS) else " ") for s in said).rstrip()


def _described(total: int, described: int, words: A11yWords, noun: str) -> str:
    """'All 4 images have a text description.', '1 of its 4 images lacks a caption.'"""
    missing = total - described
    if total == 0:
        case = "none"
    elif described == total:
        case = "one" if total == 1 else "all"
    else:
        case = "one_missing" if missing == 1 else "missing"
    pattern: str = getattr(words, f"{noun}_{case}")
    return pattern.format(total=total, missing=missing)
