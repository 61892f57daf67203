"""The sample report's EPUB, checked with the real validators and read back from the package.

The sample manuscript is built once per module: the PDF first (its page labels and cover are
what the EPUB must match), then the EPUB. EPUBCheck and DAISY Ace must be installed (`make
bootstrap`); a missing validator fails these tests, it never skips them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader
from tests.conftest import MINIMAL_CONFIG, SAMPLE, write_manuscript
from tests.helpers import build

from imprint.checks.validators import run_ace, run_epubcheck
from imprint.pipeline import build_publication

SLUG = "sino-russian-military-alignment"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MARKER = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-([^"]+)"'
                    r'(?: lang="[^"]+" xml:lang="[^"]+")? aria-label="\1"></span>')
HAN_OR_CYRILLIC = re.compile(r"[\u3400-\u9fff\u0400-\u04ff]")


@dataclass(frozen=True)
class Built:
    out: Path
    epub: Path
    pdf: Path
    files: dict[str, bytes]  # name inside EPUB/ -> bytes

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8")

    def xml(self, name: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.files[name])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("sample-epub")
    assert build("pdf", SAMPLE, out) == 0
    assert build("epub", SAMPLE, out, "--strict") == 0
    epub = out / f"{SLUG}/{SLUG}.epub"
    with zipfile.ZipFile(epub) as archive:
        files = {n.removeprefix("EPUB/"): archive.read(n) for n in archive.namelist()}
    return Built(out, epub, out / f"{SLUG}/{SLUG}.pdf", files)


@pytest.fixture(scope="module")
def pdf_text(built: Built) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(built.pdf).pages]


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build_publication(SAMPLE, tmp_path_factory.mktemp("cache"))


def spine(built: Built, *, linear: bool = True) -> list[str]:
    """The reading order; `linear=False`: the pages only a link leads to (enlarged figures)."""
    opf = built.xml("content.opf")
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", NS)}
    return [hrefs[ref.get("idref")] for ref in opf.iterfind(".//opf:spine/opf:itemref", NS)
            if (ref.get("linear") != "no") == linear]


def metas(built: Built, prop: str) -> list[str]:
    opf = built.xml("content.opf")
    return [m.text or "" for m in opf.iterfind(".//opf:meta", NS) if m.get("property") == prop]


def nav_links(built: Built, kind: str) -> list[tuple[str, str]]:
    nav = next(n for n in built.xml("nav.xhtml").iter(f"{X}nav") if n.get(EPUB_TYPE) == kind)
    return [("".join(a.itertext()).strip(), a.get("href", "")) for a in nav.iter(f"{X}a")]


def canonical(text: str) -> str:
    """Letters and digits only, lower case: immune to hyphenation, spacing and small caps."""
    return "".join(char for char in text.lower() if char.isalnum())


def words(xhtml: str) -> list[str]:
    """The canonical words of an XHTML fragment's text, markers left out."""
    text = unescape(re.sub(r"<[^>]+>", " ", MARKER.sub(" ", xhtml)))
    return [w for w in (canonical(word) for word in text.split()) if w]


def in_order(needles: list[str], page: str) -> bool:
    """The words occur in this order on the page, close together (the PDF's text adds folios,
    leaders and running heads between them, never whole lines)."""
    if not needles:
        return True
    window = 3 * sum(map(len, needles)) + 40
    first = page.find(needles[0])
    while first >= 0:
        position = first + len(needles[0])
        for needle in needles[1:]:
            found = page.find(needle, position)
            position = found + len(needle) if found >= 0 else -1
            if found < 0:
                break
        if 0 <= position - first <= window:
            return True
        first = page.find(needles[0], first + 1)
    return False


def test_epubcheck_reports_nothing(built: Built) -> None:
    report = run_epubcheck(built.epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages


def test_ace_reports_no_violations(built: Built) -> None:
    report = run_ace(built.epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages


def test_spine_follows_the_manuscript(built: Built, pub) -> None:  # type: ignore[no-untyped-def]
    def files(kind: str) -> list[str]:
        return [f"chapter-{c.slug}.xhtml" for c in pub.chapters if c.kind == kind]

    expected = ["cover.xhtml", "titlepage.xhtml", "copyright.xhtml", "contents.xhtml",
                *files("front"), *files("body"), "notes.xhtml", "bibliography.xhtml",
                *files("back")]
    assert spine(built) == expected
    assert "chapter-about-the-authors.xhtml" in expected
    # The sample's three charts are too small to read at 360 px: each has an enlarged page.
    assert spine(built, linear=False) == ["figure-1.xhtml", "figure-2.xhtml", "figure-3.xhtml"]


def test_cover_image_is_page_one_of_the_pdf(built: Built, tmp_path: Path) -> None:
    opf = built.xml("content.opf")
    cover = [i for i in opf.iterfind(".//opf:manifest/opf:item", NS)
             if "cover-image" in (i.get("properties") or "")]
    assert [(i.get("href"), i.get("media-type")) for i in cover] == [
        ("images/cover.png", "image/png")]
    subprocess.run([shutil.which("pdftoppm") or "pdftoppm", "-f", "1", "-l", "1", "-r", "150",
                    "-png", "-singlefile", str(built.pdf), str(tmp_path / "page1")], check=True)
    assert built.files["images/cover.png"] == (tmp_path / "page1.png").read_bytes()
    image = next(built.xml("cover.xhtml").iter(f"{X}img"))
    assert image.get("src") == "images/cover.png" and image.get("role") == "doc-cover"
    assert "Understanding the Broader Transatlantic" in image.get("alt", "")


def test_copyright_page_has_the_funding_statement_and_disclaimer(built: Built, pub) -> None:  # type: ignore[no-untyped-def]
    page = built.text("copyright.xhtml")
    assert 'epub:type="copyright-page"' in page
    assert pub.meta.funding.statement in page and pub.meta.funding.disclaimer in page


def test_landmarks(built: Built) -> None:
    links = dict((href, label) for label, href in nav_links(built, "landmarks"))
    nav = next(n for n in built.xml("nav.xhtml").iter(f"{X}nav")
               if n.get(EPUB_TYPE) == "landmarks")
    kinds = {a.get(EPUB_TYPE): a.get("href") for a in nav.iter(f"{X}a")}
    assert kinds == {"cover": "cover.xhtml", "titlepage": "titlepage.xhtml",
                     "toc": "contents.xhtml", "bodymatter": "chapter-introduction.xhtml",
                     "endnotes": "notes.xhtml", "bibliography": "bibliography.xhtml"}
    assert len(links) == 6


def test_contents_nest_level_two_headings_in_nav_and_ncx(built: Built, pub) -> None:  # type: ignore[no-untyped-def]
    toc = next(n for n in built.xml("nav.xhtml").iter(f"{X}nav") if n.get(EPUB_TYPE) == "toc")
    top = toc.findall("x:ol/x:li", NS)
    for chapter in [c for c in pub.chapters if c.kind != "back"]:
        entry = next(li for li in top if chapter.title in "".join(li.find("x:a", NS).itertext()))
        sections = [h.text for h in chapter.headings if h.level == 2]
        assert ["".join(a.itertext()) for a in entry.findall("x:ol/x:li/x:a", NS)] == sections
    ncx = built.xml("toc.ncx")
    points = ncx.findall("ncx:navMap/ncx:navPoint", NS)
    assert len(points) == len(top)
    nested = [len(p.findall("ncx:navPoint", NS)) for p in points]
    assert nested == [len(li.findall("x:ol/x:li", NS)) for li in top]


def test_page_list_equals_the_pdf_page_labels(built: Built) -> None:
    labels = PdfReader(built.pdf).page_labels
    assert [label for label, _ in nav_links(built, "page-list")] == labels
    targets = built.xml("toc.ncx").findall("ncx:pageList/ncx:pageTarget", NS)
    assert [t.find("ncx:navLabel/ncx:text", NS).text for t in targets] == labels
    found = {m.group(1): name for name in spine(built) for m in MARKER.finditer(built.text(name))}
    assert sorted(found) == sorted(labels)  # one marker per page, none missing, none twice
    assert [href for _, href in nav_links(built, "page-list")] == [
        f"{found[label]}#page-{label}" for label in labels]


def test_markers_follow_the_spine_in_page_order(built: Built) -> None:
    order = [m.group(1) for name in spine(built) for m in MARKER.finditer(built.text(name))]
    assert order == PdfReader(built.pdf).page_labels


def markers_in_context(built: Built) -> dict[str, tuple[str, list[str], list[str]]]:
    """label -> (document, words before the marker, words after it) within its document."""
    found = {}
    for name in spine(built):
        xhtml = built.text(name)
        body = xhtml[xhtml.index("<body"):]
        for match in MARKER.finditer(body):
            found[match.group(1)] = (name, words(body[: match.start()]),
                                     words(body[match.end():]))
    return found


def test_text_after_each_marker_is_on_that_pdf_page(built: Built, pdf_text: list[str]) -> None:
    labels = PdfReader(built.pdf).page_labels
    pages = [canonical(text) for text in pdf_text]
    context = markers_in_context(built)
    checked = 0
    for index, label in enumerate(labels):
        name, _, after = context[label]
        if not pages[index]:
            continue  # a blank page: its marker stands just before the next page's
        if name == "cover.xhtml":
            continue  # the cover is an image here; its text is its alt text
        # The first word may have begun on the page before (hyphenated): start at the second.
        assert in_order(after[1:7], pages[index]), (label, after[:8])
        checked += 1
    assert checked == sum(1 for page in pages if page) - 1


def test_text_before_each_marker_is_on_an_earlier_page(built: Built,
                                                       pdf_text: list[str]) -> None:
    """The converse: no marker comes late (the words just before it are on an earlier page)."""
    labels = PdfReader(built.pdf).page_labels
    pages = [canonical(text) for text in pdf_text]
    context = markers_in_context(built)
    checked = 0
    for index, label in enumerate(labels):
        _, before, _ = context[label]
        if not before or not pages[index]:
            continue  # the marker opens its document, or the page is blank
        earlier = next(i for i in range(index - 1, -1, -1) if pages[i])
        assert in_order(before[-6:], pages[earlier]), (label, before[-8:])
        checked += 1
    assert checked >= len(labels) // 2


def test_notes_link_both_ways_with_the_pdf_numbering(built: Built, pub) -> None:  # type: ignore[no-untyped-def]
    calls: dict[str, tuple[str, str]] = {}  # note id -> (file, call id)
    for name in spine(built):
        for a in built.xml(name).iter(f"{X}a"):
            if a.get(EPUB_TYPE) == "noteref":
                assert a.get("role") == "doc-noteref"
                calls[a.get("href", "").split("#")[1]] = (name, a.get("id", ""))
                assert a.get("href") == f"notes.xhtml#{a.text and 'note-' + a.text}"
    notes = built.xml("notes.xhtml")
    section = next(s for s in notes.iter(f"{X}section") if s.get("id") == "notes")
    assert section.get("role") == "doc-endnotes"
    items = [li for li in section.iter(f"{X}li") if (li.get("id") or "").startswith("note-")]
    assert all(li.get("role") is None for li in items)  # doc-endnote is deprecated
    numbers = [int(li.get("id", "").removeprefix("note-")) for li in items]
    assert numbers == [n.number for c in pub.chapters for n in c.notes] == list(
        range(1, len(items) + 1))
    for li in items:
        back = li.find("x:a", NS)
        assert back is not None and back.get("role") == "doc-backlink"
        call_file, call_id = calls[li.get("id", "")]
        assert back.get("href") == f"{call_file}#{call_id}"
    assert len(calls) == len(items)


def test_semantics_of_bibliography_figures_and_tables(built: Built) -> None:
    bibliography = built.xml("bibliography.xhtml")
    assert any(s.get("role") == "doc-bibliography" for s in bibliography.iter(f"{X}section"))
    figures = tables = 0
    for name in spine(built):
        for figure in built.xml(name).iter(f"{X}figure"):
            image, caption = figure.find(".//x:img", NS), figure.find("x:figcaption", NS)
            assert image is not None and image.get("alt", "").strip() and caption is not None
            figures += 1
        for table in built.xml(name).iter(f"{X}table"):
            assert table.find("x:caption", NS) is not None
            tables += 1
    assert figures == 3 and tables >= 1


def test_every_run_in_another_language_is_marked(built: Built) -> None:
    unmarked: list[str] = []

    def visit(element: ElementTree.Element, lang: str) -> None:
        if element.get("lang") is not None:
            assert element.get(XML_LANG) == element.get("lang")
        lang = element.get("lang") or lang
        for text in (element.text, *(child.tail for child in element)):
            if text and HAN_OR_CYRILLIC.search(text) and lang.startswith("en"):
                unmarked.append(text.strip()[:40])
        for child in element:
            visit(child, lang)

    for name in [*spine(built), "nav.xhtml"]:
        visit(built.xml(name), "")
    assert not unmarked
    bibliography = built.text("bibliography.xhtml") + built.text("notes.xhtml")
    assert 'lang="ru" xml:lang="ru"' in bibliography
    assert 'lang="zh-Hans" xml:lang="zh-Hans"' in bibliography


def test_package_metadata(built: Built, pub) -> None:  # type: ignore[no-untyped-def]
    opf = built.xml("content.opf")
    assert opf.get(XML_LANG) == "en-US"
    titles = {t.get("id"): t.text for t in opf.iterfind(".//dc:title", NS)}
    assert titles["subtitle"] == pub.meta.subtitle
    assert "subtitle" in metas(built, "title-type")
    assert set(metas(built, "schema:accessMode")) == {"textual", "visual"}
    assert set(metas(built, "schema:accessModeSufficient")) == {"textual", "textual,visual"}
    assert set(metas(built, "schema:accessibilityFeature")) >= {
        "structuralNavigation", "tableOfContents", "readingOrder", "alternativeText",
        "pageNavigation", "printPageNumbers"}
    assert metas(built, "schema:accessibilityHazard") == ["none"]
    pages = len(PdfReader(built.pdf).pages)
    assert f"The {pages} page numbers of the print edition" in metas(
        built, "schema:accessibilitySummary")[0]
    # Nobody has certified the sample, so it claims no conformance (publication.yaml would say).
    assert metas(built, "dcterms:conformsTo") == [] == metas(built, "a11y:certifiedBy")
    assert "claims no conformance" in metas(built, "schema:accessibilitySummary")[0]
    source = opf.find(".//dc:source", NS)
    assert source is not None and source.text == pub.meta.identifier
    assert metas(built, "source-of") == ["pagination"]
    assert metas(built, "pageBreakSource") == [pub.meta.identifier]


def test_stylesheet_is_reflowable(built: Built) -> None:
    css = built.text("style/epub.css")
    assert "@page" not in css
    assert not re.search(r"\b(?:width|height|font-size|margin|padding)[^;{}]*\d(?:px|pt|in|cm)",
                         css)
    colours = re.findall(r"(?:^|[;{\s])color\s*:\s*([^;}]+)", css)
    assert {c.strip() for c in colours} <= {"inherit", "currentColor"}  # the reader's colour
    body_rules = re.findall(r"(?:^|\})\s*(?:html|body|p)\b[^{]*\{([^}]*)\}", css)
    assert not any("background" in rule or "font-family" in rule for rule in body_rules)


def test_rebuilds_are_byte_identical_from_cache_or_not(built: Built, tmp_path: Path) -> None:
    assert build("epub", SAMPLE, built.out) == 0  # the print layout comes from the cache
    assert built.epub.read_bytes() == (built.out / f"{SLUG}/{SLUG}.epub").read_bytes()
    assert build("epub", SAMPLE, tmp_path) == 0  # laid out afresh
    assert (tmp_path / f"{SLUG}/{SLUG}.epub").read_bytes() == built.epub.read_bytes()


def test_a_second_epub_build_lays_nothing_out(built: Built,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("laid the book out again")

    monkeypatch.setattr("imprint.editions.pdf.render.render_audited", refuse)
    # Without its stamp the EPUB is built again (not found up to date), from the cached layout.
    (built.out / SLUG / ".cache" / f"stamp-{SLUG}.epub.json").unlink()
    assert build("epub", SAMPLE, built.out) == 0


def test_footnote_mode_collects_the_notes_and_keeps_the_page_list(tmp_path: Path) -> None:
    """Print puts the notes at the page foot; the EPUB still has them, and the footnote text
    that print inserts at each call must not shift the page markers after it."""
    long = " ".join(f"Sentence {i} of a chapter long enough to fill pages." for i in range(150))
    chapters = {"01-intro.md": f"# Introduction\n\n{long} A call.[^a] {long}\n\n"
                               f"[^a]: The note, {'with words ' * 40}ending here.\n",
                "02-second.md": "# Second\n\nShort text with a note.[^b]\n\n[^b]: Second.\n"}
    manuscript = write_manuscript(tmp_path / "m", MINIMAL_CONFIG + "notes: footnotes\n",
                                  chapters)
    out = tmp_path / "out"
    assert build("pdf", manuscript, out) == 0 and build("epub", manuscript, out) == 0
    epub = out / "tiny-report/tiny-report.epub"
    report = run_epubcheck(epub)
    assert (report.errors, report.warnings) == (0, 0), report.messages
    with zipfile.ZipFile(epub) as archive:
        notes = archive.read("EPUB/notes.xhtml").decode()
        intro = archive.read("EPUB/chapter-intro.xhtml").decode()
    assert 'id="note-1"' in notes and 'id="note-2"' in notes and "ending here." in notes
    reader = PdfReader(out / "tiny-report/tiny-report.pdf")
    pages = [canonical(p.extract_text() or "") for p in reader.pages]
    body = intro[intro.index("<body"):]
    numbered = [m for m in MARKER.finditer(body) if m.group(1).isdigit()]
    assert len(numbered) >= 4
    for match in numbered[1:]:
        after = words(body[match.end():])[1:6]
        assert in_order(after, pages[reader.page_labels.index(match.group(1))]), after
