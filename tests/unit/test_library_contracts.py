"""What imprint needs from WeasyPrint and ebooklib beyond their public API, checked against the
installed versions.

Every such use lives in `editions/pdf/weasyprint_internals.py` or
`editions/epub/ebooklib_internals.py`; each test here exercises one of their functions on a tiny
real input and, when a new library version changes the shape relied on, fails with a message
naming the change and the function to fix. Raise the pins in pyproject.toml only with this file
green. The last tests keep every other module off the libraries' private names.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import pikepdf
import pytest
from ebooklib import epub
from lxml import etree
from tests.conftest import REPO
from weasyprint import CSS, HTML
from weasyprint.document import Document

from imprint.editions.epub import ebooklib_internals
from imprint.editions.epub.ebooklib_internals import PackageWriter, set_manifest_properties
from imprint.editions.pdf import weasyprint_internals
from imprint.editions.pdf.finish import mark_margin_artifacts
from imprint.editions.pdf.render import weasyprint_warnings
from imprint.editions.pdf.weasyprint_internals import (
    Box,
    box_children,
    box_element,
    box_text,
    counter_styles,
    hyphenate_character,
    is_generated,
    is_page_furniture,
    is_replaced_box,
    is_text_box,
    notdef_code_point,
    page_box,
    tag_structure_languages,
)

SRC = REPO / "src" / "imprint"
FENCES = {
    Path(weasyprint_internals.__file__).resolve(),
    Path(ebooklib_internals.__file__).resolve(),
}

# --- WeasyPrint -------------------------------------------------------------------------------

PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4"
       "z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
MISSING = "\U0010fffd"  # a private-use code point no font has
HTML_TEXT = f"""<html lang="en"><head><title>t</title></head><body>
<p id="plain">Plain words<span class="fn">Footnote words</span> and more.</p>
<p class="shout">quiet words</p>
<p class="mark">marked</p>
<p class="hyphenated">incomprehensibilities</p>
<img src="{PNG}" alt="A pixel" />
<p>Missing: {MISSING}.</p>
</body></html>"""
CSS_TEXT = """
@page { size: 400px 600px; margin: 40px; @top-center { content: "Running head" } }
body { font: 12px/15px serif; }
.fn { float: footnote; }
.shout { text-transform: uppercase; }
.mark::before { content: "§ "; }
.hyphenated { width: 60px; hyphens: auto; hyphenate-character: "="; }
img { width: 20px; height: 20px; }
"""


class Laid:
    """The tiny document laid out once, with what its PDF drawing logged."""

    def __init__(self) -> None:
        with weasyprint_warnings() as messages:
            self.document: Document = HTML(string=HTML_TEXT).render(
                stylesheets=[CSS(string=CSS_TEXT)])
            self.pdf = self.document.write_pdf(pdf_variant="pdf/ua-1")
        self.messages = list(messages)

    @staticmethod
    def boxes_of(document: Document) -> list[Box]:
        found, stack = [], list(box_children(page_box(document.pages[0])))
        while stack:
            box = stack.pop(0)
            found.append(box)
            stack[:0] = list(box_children(box))
        return found

    def root(self) -> Box:
        return page_box(self.document.pages[0])

    def boxes(self, under: Box | None = None) -> list[Box]:
        """Every box below `under` (the page by default), depth first."""
        found, stack = [], list(box_children(self.root() if under is None else under))
        while stack:
            box = stack.pop(0)
            found.append(box)
            stack[:0] = list(box_children(box))
        return found

    def texts(self, under: Box | None = None) -> list[str]:
        return [box_text(b) for b in self.boxes(under) if is_text_box(b)]


@pytest.fixture(scope="module")
def laid() -> Laid:
    laid = Laid()
    assert len(laid.document.pages) == 1, "the contract document no longer fits on one page"
    return laid


def test_page_box(laid: Laid) -> None:
    try:
        root = page_box(laid.document.pages[0])
    except AttributeError:
        pytest.fail("WeasyPrint no longer exposes Page._page_box; "
                    "see weasyprint_internals.page_box")
    assert type(root).__name__ == "PageBox" and box_children(root), (
        "WeasyPrint's Page._page_box is no longer a PageBox with children; "
        "see weasyprint_internals.page_box")


def test_box_children(laid: Laid) -> None:
    text = next(b for b in laid.boxes() if is_text_box(b))
    assert not box_children(text), (
        "WeasyPrint text boxes now have children; see weasyprint_internals.box_children")
    assert all(isinstance(box_children(b), list | tuple) for b in laid.boxes()), (
        "WeasyPrint's Box.children is no longer a list or tuple; "
        "see weasyprint_internals.box_children")
    assert "Plain words" in laid.texts(), (
        "WeasyPrint's box tree no longer reaches the text through Box.children; "
        "see weasyprint_internals.box_children")


def test_page_furniture(laid: Laid) -> None:
    furniture = [b for b in box_children(laid.root()) if is_page_furniture(b)]
    kinds = sorted(type(b).__name__ for b in furniture)
    assert kinds == ["FootnoteAreaBox", "MarginBox"], (
        f"WeasyPrint's page furniture is now {kinds}, not a MarginBox and a FootnoteAreaBox "
        "among the page's children; see weasyprint_internals.is_page_furniture")
    inside = [t for box in furniture for t in laid.texts(box)]
    flow = [t for box in box_children(laid.root()) if not is_page_furniture(box)
            for t in laid.texts(box)]
    assert "Running head" in inside and "Footnote words" in inside, (
        "WeasyPrint no longer sets running heads in MarginBox and footnotes in "
        "FootnoteAreaBox; see weasyprint_internals.is_page_furniture")
    assert "Running head" not in flow and "Footnote words" not in flow, (
        "WeasyPrint now lays out margin or footnote text in the page's flow; "
        "see weasyprint_internals.is_page_furniture")


def test_box_element(laid: Laid) -> None:
    top = next(b for b in box_children(laid.root()) if not is_page_furniture(b))
    root = box_element(top)
    assert isinstance(root, Element) and root.tag.rsplit("}", 1)[-1] == "html", (
        "WeasyPrint's Box.element of the root box is no longer the <html> ElementTree "
        "element; see weasyprint_internals.box_element")
    tree = {id(element) for element in root.iter()}
    for box in laid.boxes(top):
        element = box_element(box)
        assert element is None or id(element) in tree, (
            "WeasyPrint's Box.element is no longer the very element of the parsed tree (the "
            "page map keys on its identity); see weasyprint_internals.box_element")
    plain = next(b for b in laid.boxes() if is_text_box(b) and box_text(b) == "Plain words")
    assert box_element(plain).get("id") == "plain", (
        "WeasyPrint's TextBox.element is no longer the element holding the text; "
        "see weasyprint_internals.box_element")


def test_is_generated(laid: Laid) -> None:
    generated = [box_text(b) for b in laid.boxes() if is_text_box(b) and is_generated(b)]
    assert "§ " in generated, (
        "WeasyPrint's Box.element_tag no longer marks ::before content with '::'; "
        "see weasyprint_internals.is_generated")
    assert "1" in generated, (
        "WeasyPrint's Box.element_tag no longer marks the ::footnote-call with '::'; "
        "see weasyprint_internals.is_generated")
    assert not any(is_generated(b) for b in laid.boxes()
                   if is_text_box(b) and box_text(b) == "marked"), (
        "WeasyPrint's Box.element_tag now marks document text as generated; "
        "see weasyprint_internals.is_generated")


def test_text_box(laid: Laid) -> None:
    texts = laid.texts()
    assert "QUIET WORDS" in texts, (
        "WeasyPrint's TextBox.text is no longer the laid-out text after text-transform; "
        "see weasyprint_internals.box_text and pagemap.normalize")
    lines = [t for t in texts if t.endswith("=")]
    assert lines, (
        "WeasyPrint's TextBox.text no longer ends a hyphenated line with the "
        "hyphenate-character; see weasyprint_internals.box_text and pagemap._needles")


def test_hyphenate_character(laid: Laid) -> None:
    box = next(b for b in laid.boxes() if is_text_box(b) and box_text(b).endswith("="))
    assert hyphenate_character(box) == "=", (
        "WeasyPrint's Box.style['hyphenate_character'] no longer gives the computed "
        "hyphenate-character; see weasyprint_internals.hyphenate_character")


def test_typography_reads(laid: Laid) -> None:
    """The typographic audit's reads: lines, extents, the page area, styles, pseudo-elements."""
    lines = [b for b in laid.boxes() if weasyprint_internals.is_line_box(b)]
    assert lines and all(type(b).__name__ == "LineBox" for b in lines), (
        "WeasyPrint no longer lays out text in boxes.LineBox; "
        "see weasyprint_internals.is_line_box")
    top, bottom = weasyprint_internals.page_area(laid.root())
    assert (top, bottom) == (40, 560), (
        "WeasyPrint's PageBox.content_box_y()/height no longer give the page's content area; "
        "see weasyprint_internals.page_area")
    first, last = weasyprint_internals.box_extent(lines[0])
    assert top <= first < last <= bottom and 12 <= last - first <= 24, (
        "WeasyPrint's Box.position_y/margin_height() no longer place a line on its page; "
        "see weasyprint_internals.box_extent")
    area = [b for b in box_children(laid.root()) if weasyprint_internals.is_footnote_area(b)]
    assert len(area) == 1, ("WeasyPrint's footnote area is no longer a boxes.FootnoteAreaBox; "
                            "see weasyprint_internals.is_footnote_area")
    assert weasyprint_internals.computed_style(lines[0], "font_size") == 12, (
        "WeasyPrint's Box.style no longer gives computed values by underscored name; "
        "see weasyprint_internals.computed_style")
    pseudos = {weasyprint_internals.pseudo_element(b) for b in laid.boxes()}
    assert {"", "before", "footnote-call"} <= pseudos, (
        "WeasyPrint's Box.element_tag no longer names the pseudo-element after '::'; "
        "see weasyprint_internals.pseudo_element")


def test_justification_spacing() -> None:
    document = HTML(string="<p style='width: 200px; text-align: justify'>a b c d e f g h i j "
                    "k l m n o p q r s t u v w x y z wide words</p>").render()
    texts = [b for page in document.pages for b in _all(page_box(page)) if is_text_box(b)]
    assert max(weasyprint_internals.justification_spacing(b) for b in texts) > 0, (
        "WeasyPrint's TextBox.justification_spacing no longer holds the width justification "
        "adds to a space; see weasyprint_internals.justification_spacing")


def _all(box: Box) -> list[Box]:
    return [box, *(b for child in box_children(box) for b in _all(child))]


def test_replaced_box(laid: Laid) -> None:
    replaced = [b for b in laid.boxes() if is_replaced_box(b)]
    assert [box_element(b).tag for b in replaced] == ["img"], (
        "WeasyPrint no longer lays out an <img> as a boxes.ReplacedBox; "
        "see weasyprint_internals.is_replaced_box")


def test_notdef_warning(laid: Laid) -> None:
    points = [p for m in laid.messages if (p := notdef_code_point(m)) is not None]
    assert points == [ord(MISSING)], (
        f"WeasyPrint's warning for a missing glyph changed wording (logged: {laid.messages}); "
        "see weasyprint_internals.NOTDEF and notdef_code_point")
    assert notdef_code_point("Ignored `foo: bar` at 1:2, unknown property.") is None


def test_margin_text_outside_the_structure_tree(laid: Laid) -> None:
    """Public API, undocumented output: finish.mark_margin_artifacts relies on WeasyPrint
    tagging margin-box text without linking it into the structure tree."""
    with pikepdf.open(io.BytesIO(laid.pdf)) as pdf:
        count = mark_margin_artifacts(pdf)
    assert count == 1, (
        f"WeasyPrint now tags margin-box text differently ({count} orphaned sequences, not "
        "1); see editions/pdf/finish.mark_margin_artifacts")


def test_structure_languages() -> None:
    """weasyprint_internals.tag_structure_languages wraps pdf.tags._build_box_tree: an element
    with `lang` gets a structure element with that /Lang, the document's stays in the catalog."""
    tag_structure_languages()
    html = '<html lang="en"><body><p>Plain <span lang="ru">слово</span> text.</p></body></html>'
    data = HTML(string=html).render().write_pdf(pdf_variant="pdf/ua-1")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found, stack = [], [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/Lang" in node:
                    found.append((str(node.get("/S")), str(node.Lang)))
                kids = node.get("/K")
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        assert str(pdf.Root.Lang) == "en"
    assert found == [("/Span", "ru")], (
        f"WeasyPrint's tagging changed (languages found: {found}); see "
        "weasyprint_internals.tag_structure_languages")


def test_counter_styles_are_shared() -> None:
    """weasyprint_internals.counter_styles: a `@counter-style` one sheet defines is used by
    the render that shares the store."""
    store = counter_styles()
    sheet = CSS(string="@counter-style stars { system: cyclic; symbols: '*'; suffix: ' ' }",
                counter_style=store)
    html = '<ol style="list-style-type: stars"><li>one</li></ol>'
    document = HTML(string=html).render(stylesheets=[sheet], counter_style=store)
    texts = [box_text(b) for b in Laid.boxes_of(document) if is_text_box(b)]
    assert "* " in texts, f"counter styles no longer shared ({texts}); see counter_styles"


def _pdf_text(document: Document) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=document.write_pdf(),
                          capture_output=True, check=True).stdout.decode()


def test_seed_targets() -> None:
    """`seed_targets`: target-counter() of an anchor laid out elsewhere prints its seed."""
    html = ('<style>a::after { content: " p. " target-counter(attr(href), page); }</style>'
            '<p><a href="#elsewhere">Chapter</a></p>')
    with weasyprint_internals.seed_targets({"elsewhere": 17}):
        document = HTML(string=html).render()
    assert "Chapter p. 17" in _pdf_text(document), (
        "seed_targets: TargetCollector/TargetLookupItem changed; fix seed_targets")


def test_shift_folios() -> None:
    """`keep_layout_context` and `shift_folios`: a laid-out part's folios drawn again further
    on, with its flow untouched."""
    weasyprint_internals.keep_layout_context()
    html = ('<style>@page { size: 300px 200px; @bottom-center { content: "folio " '
            'counter(page); } } p { break-after: page; }</style><p>One</p><p>Two</p>')
    document = HTML(string=html).render()
    context = weasyprint_internals.last_layout_context()
    weasyprint_internals.shift_folios(document.pages, context, 40)
    text = _pdf_text(document)
    assert "folio 41" in text and "folio 42" in text and "folio 1\n" not in text, (
        "shift_folios: make_margin_boxes or the page maker's states changed; fix shift_folios")
    assert "One" in text and "Two" in text


def test_cover_copy(laid: Laid) -> None:
    """Public API the cover uses: one page copied into a document of its own."""
    single = laid.document.copy([laid.document.pages[0]]).write_pdf()
    with pikepdf.open(io.BytesIO(single)) as pdf:
        assert len(pdf.pages) == 1, "WeasyPrint's Document.copy changed; see pdf/cover.py"


# --- ebooklib ---------------------------------------------------------------------------------

PAGE = (b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><title>t</title></head><body><p>Text.</p></body></html>")
MODIFIED = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
OPF = "{http://www.idpf.org/2007/opf}"


class _Probe(PackageWriter):
    def edit_package(self, root: Any) -> None:
        self.seen = root
        root.set("data-probe", "edited")


def _write(tmp_path: Path) -> tuple[_Probe, Any]:
    book = epub.EpubBook()
    book.set_identifier("urn:uuid:00000000-0000-4000-8000-000000000001")
    book.set_title("T")
    book.set_language("en")
    chapter = epub.EpubItem(uid="c1", file_name="c1.xhtml",
                            media_type="application/xhtml+xml", content=PAGE)
    book.add_item(chapter)
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml",
                        media_type="application/xhtml+xml", content=PAGE)
    set_manifest_properties(nav, ["nav"])
    book.add_item(nav)
    book.spine = [chapter]
    writer = _Probe(str(tmp_path / "book.epub"), book, {
        "raise_exceptions": True, "epub3_pages": False, "epub2_guide": False},
        modified=MODIFIED)
    writer.process()
    writer.write()
    with zipfile.ZipFile(tmp_path / "book.epub") as package:
        opf = etree.fromstring(package.read("EPUB/content.opf"))
    return writer, opf


def test_package_hook(tmp_path: Path) -> None:
    writer, opf = _write(tmp_path)
    assert hasattr(writer, "seen"), (
        "ebooklib no longer calls EpubWriter._write_opf_file(root); "
        "see ebooklib_internals.PackageWriter")
    parts = {child.tag for child in writer.seen}
    assert writer.seen.tag == "package" and {"metadata", "manifest", "spine"} <= parts, (
        "ebooklib's EpubWriter._write_opf_file no longer receives the finished <package> "
        "element; see ebooklib_internals.PackageWriter")
    assert opf.get("data-probe") == "edited", (
        "ebooklib now serializes the OPF before EpubWriter._write_opf_file sees it; "
        "see ebooklib_internals.PackageWriter")


def test_mtime_option(tmp_path: Path) -> None:
    _, opf = _write(tmp_path)
    modified = opf.find(f"{OPF}metadata/{OPF}meta[@property='dcterms:modified']")
    assert modified is not None and modified.text == "2026-01-15T00:00:00Z", (
        "ebooklib no longer writes the 'mtime' option as dcterms:modified; "
        "see ebooklib_internals.PackageWriter")


def test_manifest_properties(tmp_path: Path) -> None:
    _, opf = _write(tmp_path)
    items = {i.get("id"): i.get("properties") for i in opf.iter(f"{OPF}item")}
    assert items == {"c1": None, "nav": "nav"}, (
        "ebooklib no longer writes EpubItem.properties into the manifest; "
        "see ebooklib_internals.set_manifest_properties")


# --- the fence --------------------------------------------------------------------------------

LIBRARIES = ("weasyprint", "ebooklib")
PUBLIC_MODULES = {"weasyprint", "weasyprint.document", "ebooklib", "ebooklib.epub"}
# Private or undocumented names the fences use; none may appear anywhere else.
FENCED = re.compile(r"formatting_structure|_page_box|_write_opf|_write_items|_get_nav|_get_ncx"
                    r"|EpubWriter|element_tag|[\"']hyphenate_character|notdef glyph rendered"
                    r"|\b(?:Margin|FootnoteArea|Text|Replaced|Page|Parent|Line)Box\b")
OUTSIDE = sorted(p for p in SRC.rglob("*.py") if p.resolve() not in FENCES)


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _library_names(tree: ast.AST) -> set[str]:
    """Local names bound to anything imported from the two libraries."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names
                      if a.name.split(".")[0] in LIBRARIES}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in LIBRARIES:
            names |= {a.asname or a.name for a in node.names}
    return names


def _problems(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = [f"names {m.group(0)!r}" for m in FENCED.finditer(source)]
    library = _library_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""])
            for module in modules:
                if module.split(".")[0] in LIBRARIES and module not in PUBLIC_MODULES:
                    found.append(f"imports {module}")
            if isinstance(node, ast.ImportFrom) and modules[0].split(".")[0] in LIBRARIES:
                found += [f"imports {a.name}" for a in node.names if _private(a.name)]
        elif (isinstance(node, ast.Attribute) and _private(node.attr)
              and isinstance(node.value, ast.Name) and node.value.id in library):
            found.append(f"reads {node.value.id}.{node.attr}")
        elif isinstance(node, ast.ClassDef) and any(
                (b.id if isinstance(b, ast.Name) else getattr(b.value, "id", None)) in library
                for b in node.bases if isinstance(b, ast.Name | ast.Attribute)):
            found += [f"overrides {node.name}.{f.name}" for f in node.body
                      if isinstance(f, ast.FunctionDef) and _private(f.name)]
    return found


@pytest.mark.parametrize("path", OUTSIDE, ids=lambda p: str(p.relative_to(SRC)))
def test_private_names_stay_in_the_fences(path: Path) -> None:
    problems = _problems(path)
    assert not problems, (
        f"{path.relative_to(SRC)} {', '.join(problems)}: WeasyPrint and ebooklib internals "
        "belong in editions/pdf/weasyprint_internals.py or "
        "editions/epub/ebooklib_internals.py, with a contract test here")


def test_the_fence_check_catches_a_private_read(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from weasyprint.formatting_structure import boxes\n"
                      "from ebooklib import epub\n"
                      "class W(epub.EpubWriter):\n    def _write_opf_file(self, root): ...\n"
                      "def first(page):\n    return page._page_box\n", encoding="utf-8")
    problems = _problems(sample)
    assert "imports weasyprint.formatting_structure" in problems
    assert "overrides W._write_opf_file" in problems
    assert "names '_page_box'" in problems
