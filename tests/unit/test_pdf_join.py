"""Parts laid out and written one by one by WeasyPrint, joined into one whole PDF (join.py)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest
import weasyprint
from tests.helpers import pdf_pages

from imprint.editions.pdf.finish import mark_margin_artifacts, structure_elements
from imprint.editions.pdf.join import join_parts, write_part
from imprint.editions.pdf.list_items import fix_list_items

IDENTIFIER = b"0123456789abcdef0123456789abcdef"
# A running head in the margin: WeasyPrint tags it outside the tree (finish.py's artifacts).
STYLE = ("<style>@page { size: A6; margin: 2cm 1.5cm; @top-center { content: 'Running head' } }"
         " .new { break-before: page }</style>")


def html(body: str, title: str = "The Book") -> str:
    return (f'<html lang="en"><head><title>{title}</title>{STYLE}</head>'
            f"<body>{body}</body></html>")


FRONT = html("""
<h1 id="a-top">Contents</h1>
<p>The front matter of a small book, with its table of contents.</p>
<ul>
  <li><a href="#b-top">The first chapter</a></li>
  <li><a href="#b-target">A later section</a></li>
  <li><a href="#c-notes">Notes</a></li>
</ul>
<table><tr><th>Part</th><th>Pages</th></tr><tr><td>Front</td><td>1</td></tr></table>
""")

CHAPTER = html("""
<h1 id="b-top" class="new">The first chapter</h1>
<p>Chapter text with a note call<a href="#c-note-1">1</a> and a citation
<a href="#c-ref">(Author 2020)</a>.</p>
<ol><li>A numbered item</li><li>Another, back to the <a href="#a-top">contents</a></li></ol>
<h2 id="b-target" class="new">A later section</h2>
<p>Text of the later section, which opens a page of its own.</p>
<h3 id="b-deep">A subsection</h3>
<p>More text.</p>
<table><tr><th>Key</th><th>Value</th></tr><tr><td>k</td><td>v</td></tr></table>
""")

NOTES = html("""
<h1 id="c-notes" class="new" style="bookmark-state: closed">Notes</h1>
<ol><li id="c-note-1">A note, back to its <a href="#b-top">call</a>.</li></ol>
<h2 id="c-bib" class="new">Bibliography</h2>
<p id="c-ref">Author, A. (2020). <i>A Book</i>. Back to the <a href="#b-target">section</a>.</p>
""")

OUTLINE = [("Contents", "a-top"), ("The first chapter", "b-top"), ("A later section", "b-target"),
           ("A subsection", "b-deep"), ("Notes", "c-notes"), ("Bibliography", "c-bib")]


@dataclass(frozen=True)
class Book:
    parts: list[Path]
    stubs: list[frozenset[str]]
    joined: Path
    anchors: dict[str, int]  # anchor -> page index in the joined book, from the layouts
    links: list[set[str]]  # internal link targets of each page of the book, from the layouts
    kids: int  # top-level structure elements of all the parts
    finished: bool  # the parts went through finish.py's passes before the join


def lay_out(*documents: str) -> list[Any]:
    return [weasyprint.HTML(string=document).render() for document in documents]


def write(folder: Path, documents: list[Any]) -> tuple[list[Path], list[frozenset[str]]]:
    parts = [folder / f"part-{index}.pdf" for index in range(len(documents))]
    stubs = [write_part(document, path, IDENTIFIER)
             for document, path in zip(documents, parts, strict=True)]
    return parts, stubs


def finish(path: Path) -> int:
    """finish.py's passes on `path`, saved in place; how many artifacts they marked."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        count = mark_margin_artifacts(pdf)
        fix_list_items(pdf)
        pdf.save(path, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return count


# Parts as write_part leaves them, and as the build caches them: finished part by part.
@pytest.fixture(scope="module", params=["written", "finished"])
def book(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Book:
    folder = tmp_path_factory.mktemp("join")
    documents = lay_out(FRONT, CHAPTER, NOTES)
    parts, stubs = write(folder, documents)
    finished = request.param == "finished"
    if finished:
        for path in parts:
            finish(path)
    joined = folder / "book.pdf"
    join_parts(parts, stubs, joined)
    pages = [p for document in documents for p in document.pages]
    anchors: dict[str, int] = {}
    for index, layout in enumerate(pages):
        for name in layout.anchors:
            anchors.setdefault(name, index)
    links = [{target for kind, target, *_ in layout.links if kind == "internal"}
             for layout in pages]
    kids = 0
    for path in parts:
        with pikepdf.open(path) as pdf:
            kids += len(pdf.Root.StructTreeRoot.K[0].K)
    return Book(parts, stubs, joined, anchors, links, kids, finished)


def page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {p.obj.objgen: index for index, p in enumerate(pdf.pages)}


def destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    return dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())


def ua_failures(path: Path) -> list[tuple[str, str]]:
    report = page.validate_pdf(str(path), profile="ua1")
    return [(f.rule_id, f.message) for f in report.failures]


def test_stubs_are_the_targets_each_part_lacks(book: Book) -> None:
    assert book.stubs == [frozenset({"b-top", "b-target", "c-notes"}),
                          frozenset({"c-note-1", "c-ref", "a-top"}),
                          frozenset({"b-top", "b-target"})]


def test_pages_and_their_text_are_the_parts(book: Book) -> None:
    texts = [text for part in book.parts for text in pdf_pages(part)]
    assert len(texts) == len(book.links) == 5
    assert pdf_pages(book.joined) == texts
    assert "Chapter text" in texts[1] and "Running head" in texts[1]


def test_every_link_goes_to_the_page_holding_its_anchor(book: Book) -> None:
    with pikepdf.open(book.joined) as pdf:
        pages = page_index(pdf)
        dests = destinations(pdf)
        # Real anchors only: no stub survives as a destination of its own.
        assert set(dests) == set(book.anchors)
        for name, dest in dests.items():
            assert pages[dest[0].objgen] == book.anchors[name], name
        for index, p in enumerate(pdf.pages):
            names = {str(a.Dest) for a in p.obj.get("/Annots", [])
                     if a.get("/Subtype") == pikepdf.Name.Link}
            assert names == book.links[index], index  # no link lost, none added
            for name in names:
                assert pages[dests[name][0].objgen] == book.anchors[name], name
    stubbed = set().union(*book.stubs)
    assert stubbed <= set(dests)


def test_names_are_sorted_in_one_flat_tree(book: Book) -> None:
    with pikepdf.open(book.joined) as pdf:
        names = pdf.Root.Names.Dests.Names
        keys = [bytes(key) for key in names[0::2]]
        assert keys == sorted(set(keys))
        assert "/Kids" not in pdf.Root.Names.Dests


def test_the_outline_has_every_heading_in_order(book: Book) -> None:
    with pikepdf.open(book.joined) as pdf:
        pages = page_index(pdf)
        found: list[tuple[str, int, int]] = []

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                found.append((item.title, pages[item.destination[0].objgen], depth))
                walk(item.children, depth + 1)

        # The counts as WeasyPrint writes them: visible descendants, negative when closed.
        first = pdf.Root.Outlines.First
        assert int(pdf.Root.Outlines.Count) == len(OUTLINE) - 1  # "Notes" is closed
        assert [int(first.Count), int(first.Next.Count), int(first.Next.Next.Count)] == [0, 2, -1]
        with pdf.open_outline() as outline:
            walk(outline.root, 0)
        assert [(t, p) for t, p, _ in found] == [(t, book.anchors[a]) for t, a in OUTLINE]
        assert [d for *_, d in found] == [0, 0, 1, 2, 0, 1]


def elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return list(structure_elements(pdf.Root.StructTreeRoot))


def test_the_structure_tree_is_one_tree(book: Book) -> None:
    with pikepdf.open(book.joined) as pdf:
        root = pdf.Root.StructTreeRoot
        assert len(root.K) == 1
        document = root.K[0]
        assert pikepdf.Name.Document == document.S and document.P.objgen == root.objgen
        assert len(document.K) == book.kids
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        for element in elements(pdf):
            if element.objgen != document.objgen:
                assert "/P" in element and element.P.Type == pikepdf.Name.StructElem

        nums = root.ParentTree.Nums
        keys = [int(key) for key in nums[0::2]]
        assert keys == sorted(set(keys))
        assert int(root.ParentTreeNextKey) > max(keys)
        parents = dict(zip(keys, nums[1::2], strict=True))
        for p in pdf.pages:
            entries = parents[int(p.obj.StructParents)]
            assert len(entries) > 0
            for element in entries:
                if element is not None:  # None: margin text the passes made artifacts
                    assert element.Pg.objgen == p.obj.objgen
            for annotation in p.obj.get("/Annots", []):
                link = parents[int(annotation.StructParent)]
                assert pikepdf.Name.Link == link.S and link.Pg.objgen == p.obj.objgen
                assert [k for k in link.K if isinstance(k, pikepdf.Dictionary)
                        and k.Obj.objgen == annotation.objgen]
        # Every element the parent tree names, in the tree or not (margin text), has its
        # parents in the joined tree: no part's own /Document or root is left behind.
        for value in parents.values():
            for element in value if isinstance(value, pikepdf.Array) else [value]:
                while element is not None and "/P" in element:
                    element = element.P
                assert element is None or element.objgen == root.objgen
        assert [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary)
                and o.get("/S") == pikepdf.Name.Document] == [document]
        # Every key is a page's or an annotation's, once.
        used = [int(p.obj.StructParents) for p in pdf.pages] + [
            int(a.StructParent) for p in pdf.pages for a in p.obj.get("/Annots", [])]
        assert sorted(used) == keys


def table_of(element: pikepdf.Dictionary) -> tuple[int, int]:
    while pikepdf.Name.Table != element.S:
        element = element.P
    return element.objgen


def test_table_header_ids_stay_unique(tmp_path: Path) -> None:
    """WeasyPrint names table headers by object number, which each part starts again."""
    table = html("<h1>Tables</h1><table><tr><th>Key</th><th>Value</th></tr>"
                 "<tr><td>k</td><td>v</td></tr></table>")
    parts, stubs = write(tmp_path, lay_out(table, table))
    ids = []
    for path in parts:
        with pikepdf.open(path) as pdf:
            ids.append(sorted(bytes(e.ID) for e in elements(pdf) if "/ID" in e))
    assert len(ids[0]) == 2 and ids[0] == ids[1]  # the same names in both parts
    join_parts(parts, stubs, tmp_path / "joined.pdf")
    with pikepdf.open(tmp_path / "joined.pdf") as pdf:
        named = {bytes(e.ID): e for e in elements(pdf) if "/ID" in e}
        assert sorted(named) == sorted([*ids[0], *(b"p1-" + i for i in ids[1])])
        cells = [e for e in elements(pdf) if e.S == pikepdf.Name.TD]
        assert len(cells) == 4
        for cell in cells:
            headers = [named[bytes(h)] for h in cell.A.Headers]
            assert headers and all(table_of(h) == table_of(cell) for h in headers)
    assert ua_failures(tmp_path / "joined.pdf") == []


def test_pdf_ua_parts_and_join_alike(book: Book) -> None:
    for part in book.parts:
        assert ua_failures(part) == []
    assert ua_failures(book.joined) == []


def test_qpdf_checks_the_join(book: Book) -> None:
    result = subprocess.run(["qpdf", "--check", str(book.joined)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_the_finishing_passes_read_the_join_as_weasyprint_wrote_it(book: Book,
                                                                    tmp_path: Path) -> None:
    """finish.py's passes run on the join: its margin text is as many artifacts as the parts'
    (none left where the parts were finished already)."""
    copies = [shutil.copy(path, tmp_path / path.name) for path in [*book.parts, book.joined]]
    counts = [finish(Path(copy)) for copy in copies]
    assert counts[-1] == sum(counts[:-1])
    assert counts[-1] == 0 if book.finished else counts[-1] >= 5  # a running head a page
    assert ua_failures(Path(copies[-1])) == []


def test_joining_twice_gives_the_same_bytes(book: Book, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    join_parts(book.parts, book.stubs, again)
    assert again.read_bytes() == book.joined.read_bytes()
    with pikepdf.open(book.joined) as pdf:
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo


def test_the_base_keeps_its_catalog(book: Book) -> None:
    with pikepdf.open(book.parts[0]) as part, pikepdf.open(book.joined) as pdf:
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
            assert repr(pdf.Root[key]) == repr(part.Root[key])
        assert pdf.Root.Metadata.read_bytes() == part.Root.Metadata.read_bytes()
        assert dict(pdf.docinfo) == dict(part.docinfo)


def test_stubs_draw_nothing_and_leave_the_document_as_it_was(tmp_path: Path) -> None:
    stubbed, plain = lay_out(CHAPTER, CHAPTER)
    before = [dict(p.anchors) for p in stubbed.pages]
    assert write_part(stubbed, tmp_path / "stubbed.pdf", IDENTIFIER)
    assert [dict(p.anchors) for p in stubbed.pages] == before
    plain.write_pdf(tmp_path / "plain.pdf", pdf_identifier=IDENTIFIER, custom_metadata=True,
                    pdf_variant="pdf/ua-1", pdf_tags=True)
    with pikepdf.open(tmp_path / "stubbed.pdf") as a, pikepdf.open(tmp_path / "plain.pdf") as b:
        assert len(a.pages) == len(b.pages)
        for x, y in zip(a.pages, b.pages, strict=True):
            assert x.obj.Contents.read_bytes() == y.obj.Contents.read_bytes()
        # What the stubs add: the links to other parts, kept as named destinations.
        assert sum(len(p.obj.get("/Annots", [])) for p in a.pages) == 3
        assert sum(len(p.obj.get("/Annots", [])) for p in b.pages) == 0


def test_a_link_no_part_anchors_is_dropped_as_weasyprint_drops_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    first = html('<h1 id="x">One</h1><p><a href="#nowhere">Lost</a> and <a href="#y">found'
                 '</a>.</p><p id="dup">First of two.</p>')
    second = html('<h1 id="y">Two</h1><p id="dup">Second of two, <a href="#dup">to the first'
                  "</a>.</p>")
    parts, stubs = write(tmp_path, lay_out(first, second))
    assert stubs == [frozenset({"nowhere", "y"}), frozenset()]
    logger = logging.getLogger("weasyprint")
    propagate, logger.propagate = logger.propagate, True
    try:
        with caplog.at_level(logging.ERROR, logger="weasyprint"):
            join_parts(parts, stubs, tmp_path / "joined.pdf")
    finally:
        logger.propagate = propagate
    assert "No anchor #nowhere for internal URI reference" in caplog.messages
    with pikepdf.open(tmp_path / "joined.pdf") as pdf:
        pages = page_index(pdf)
        dests = destinations(pdf)
        assert set(dests) == {"x", "y", "dup"}
        assert pages[dests["dup"][0].objgen] == 0  # the first of duplicate ids, as in one pass
        links = [str(a.Dest) for p in pdf.pages for a in p.obj.get("/Annots", [])]
        assert links == ["y", "dup"]
        objrs = [k for e in elements(pdf) if pikepdf.Name.Link == e.S for k in e.K
                 if isinstance(k, pikepdf.Dictionary)]
        assert len(objrs) == 2
    assert ua_failures(tmp_path / "joined.pdf") == []


def test_one_part_is_joined_as_itself(book: Book, tmp_path: Path) -> None:
    shutil.copy(book.parts[1], tmp_path / "one.pdf")
    join_parts([tmp_path / "one.pdf"], [book.stubs[1]], tmp_path / "joined.pdf")
    with pikepdf.open(tmp_path / "joined.pdf") as pdf:
        # Its links to other parts have nowhere to go: dropped, and the stubs with them.
        assert set(destinations(pdf)) == {"b-top", "b-target", "b-deep"}
        assert not [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
    assert ua_failures(tmp_path / "joined.pdf") == []


def test_the_parts_and_their_stubs_must_pair() -> None:
    with pytest.raises(ValueError, match="2 parts and 1 stub sets"):
        join_parts([Path("a.pdf"), Path("b.pdf")], [frozenset()], Path("c.pdf"))


def body(document: str) -> str:
    return document.split("<body>")[1].split("</body>")[0]


def summary(path: Path) -> dict[str, Any]:
    """What a reader meets: pages' text, links, destinations, outline, structure types."""
    with pikepdf.open(path) as pdf:
        pages = page_index(pdf)
        outline = []
        item = pdf.Root.Outlines.First
        pending = [item]
        while pending:
            item = pending.pop()
            outline.append((str(item.Title), pages[item.Dest[0].objgen], int(item.Count)))
            pending += [i for i in (item.get("/Next"), item.get("/First")) if i is not None]
        return {
            "text": pdf_pages(path),
            "links": [sorted(str(a.Dest) for a in p.obj.get("/Annots", [])) for p in pdf.pages],
            "dests": {name: pages[dest[0].objgen] for name, dest in destinations(pdf).items()},
            "outline": (int(pdf.Root.Outlines.Count), outline),
            "structure": [str(e.S) for e in elements(pdf)],
        }


def test_the_join_reads_as_one_pass_of_the_whole_book(book: Book, tmp_path: Path) -> None:
    whole = html("".join(body(part) for part in (FRONT, CHAPTER, NOTES)))
    (document,) = lay_out(whole)
    document.write_pdf(tmp_path / "whole.pdf", pdf_identifier=IDENTIFIER, custom_metadata=True,
                       pdf_variant="pdf/ua-1", pdf_tags=True)
    if book.finished:
        finish(tmp_path / "whole.pdf")
    assert summary(book.joined) == summary(tmp_path / "whole.pdf")
