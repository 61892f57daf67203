"""A book's PDF joined from parts that WeasyPrint wrote one by one, made whole with pikepdf.

Each part of a book (the front matter, each chapter, the notes and bibliography) is laid out by
WeasyPrint on its own, so parts are laid out in parallel, and a part whose source did not change
is reused from a cache. Each is written as its own tagged PDF/UA-1 file (`write_part`), and
`join_parts` makes one PDF of them that looks as WeasyPrint would have written it in one pass.

Links between parts. WeasyPrint drops every internal link whose anchor is not in the document
it writes (`resolve_links`, "No anchor #%s for internal URI reference"), and it writes the links
it keeps as named destinations (`/Dest (name)` on the annotation; `/Names /Dests` maps each
anchor to `[page /XYZ x y 0]`). `write_part` adds a stub anchor, on the part's first page, for
each link target the part does not hold, so the link is kept; the join drops the stubs and
maps each name to the part that holds its anchor.

What the join merges, with the first part as the base (its catalog is kept: /Lang, /MarkInfo,
/ViewerPreferences, /Metadata, /Info, /OutputIntents):
- pages, every part's in book order (each part keeps its own font subsets);
- the structure tree: the other parts' top-level elements become kids of the base's /Document
  element; each part's /ParentTree keys (its pages' /StructParents, its link annotations'
  /StructParent) move up by an offset so keys stay unique; one flat /ParentTree, with
  /ParentTreeNextKey; the parts' /RoleMap and /ClassMap; structure element /IDs (WeasyPrint's
  table headers), made unique with the part's number, and /IDTree where a part has one;
- named destinations: one sorted /Names /Dests tree, each name from the part holding its
  anchor (the first, as WeasyPrint takes the first of duplicate ids), no stub anywhere; a link
  whose anchor no part holds is dropped with WeasyPrint's own warning, as in one pass;
- the outline: every part's bookmarks in order, children and open or closed state kept.

Not merged: the other parts' /Info, XMP, /OutputIntents, /EmbeddedFiles and /AcroForm (a book
part has none of the last two). Each part's outline starts at the top level: as in one pass
where every part opens with a level-1 bookmark (a chapter's, the notes' or bibliography's h1),
not where a part's first bookmark is deeper (one pass would nest it under the part before).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from weasyprint.document import Document

from imprint.editions.pdf.finish import structure_elements

# The stubs' box (Page.anchors values are (x1, y1, x2, y2) in CSS px): stubs draw nothing, and
# their destinations never reach the joined file.
STUB_BOX = (0.0, 0.0, 0.0, 0.0)
# A link to an anchor no part holds is reported as WeasyPrint reports it in one pass, on its
# logger, so the build's collection of WeasyPrint's warnings sees it.
LOGGER = logging.getLogger("weasyprint")


def missing_anchors(document: Document) -> frozenset[str]:
    """Targets of the document's internal links that none of its pages holds."""
    held = {name for page in document.pages for name in page.anchors}
    return frozenset(target for page in document.pages for kind, target, *_ in page.links
                     if kind == "internal" and target not in held)


def write_part(document: Document, target: Path, identifier: bytes) -> frozenset[str]:
    """Write `document` as the single-pass writer does, keeping its links to other parts.

    Every internal link target missing from the document gets a stub anchor on its first page
    while it is written (the document is left as it was); return those stub names, which
    `join_parts` needs to tell the stubs from the anchors."""
    stubs = missing_anchors(document)
    anchors = document.pages[0].anchors if stubs else {}
    anchors.update(dict.fromkeys(sorted(stubs), STUB_BOX))
    try:
        document.write_pdf(target, pdf_identifier=identifier, custom_metadata=True,
                           pdf_variant="pdf/ua-1", pdf_tags=True)
    finally:
        for name in stubs:
            del anchors[name]
    return stubs


@dataclass
class _Bookmark:
    """An outline item read from a part: its entries (/Title, /Dest or /A, ...), its kids."""

    entries: dict[str, Any]
    closed: bool
    kids: list[_Bookmark] = field(default_factory=list)


@dataclass
class _Tree:
    """The joined structure tree as it is built."""

    root: pikepdf.Dictionary
    document: pikepdf.Dictionary
    nums: dict[int, Any] = field(default_factory=dict)
    next_key: int = 0
    ids: dict[bytes, Any] = field(default_factory=dict)
    id_tree: bool = False


def join_parts(parts: Sequence[Path], stubs: Sequence[frozenset[str]], target: Path) -> None:
    """Join the part PDFs written by `write_part` (in book order; `stubs[i]` is what it returned
    for part i) into one PDF at `target`, saved deterministically."""
    if not parts or len(parts) != len(stubs):
        raise ValueError(f"join_parts: {len(parts)} parts and {len(stubs)} stub sets")
    with ExitStack() as stack:
        pdfs = [stack.enter_context(pikepdf.open(path)) for path in parts]
        base = pdfs[0]
        outlines = [_read_outline(pdf.Root.get("/Outlines")) for pdf in pdfs]
        dests = [list(_name_tree(_dests(pdf))) for pdf in pdfs]
        tree = _base_tree(base)
        for index, part in enumerate(pdfs[1:], start=1):
            start = len(base.pages)
            for page in part.pages:  # append, not extend: no PageCopyWarning (the named
                base.pages.append(page)  # destinations it warns of are merged below)
            _graft_tree(base, part, tree, [page.obj for page in base.pages[start:]], index)
        chosen = _destinations(base, dests, stubs)
        _drop_dangling_links(base, tree, chosen)
        _write_tree(base, tree)
        _write_destinations(base, chosen)
        _write_outline(base, [_copy_bookmark(base, item, index > 0)
                              for index, items in enumerate(outlines) for item in items])
        # No timestamps and a content-derived /ID: the same parts give the same bytes. The
        # base's XMP is kept as WeasyPrint wrote it (pikepdf would rewrite it to fix a version).
        # Object streams hold the objects, as WeasyPrint writes them (the structure tree, a
        # third of a book's bytes written plain, is put in them anew).
        base.save(target, deterministic_id=True, compress_streams=True,
                  object_stream_mode=pikepdf.ObjectStreamMode.generate,
                  fix_metadata_version=False)


# Copying from a part ------------------------------------------------------------------------

def _copy(pdf: pikepdf.Pdf, value: Any) -> Any:
    """`value` from another part, in `pdf`: indirect objects through qpdf's foreign copy (one
    copy per object, so a page already appended is the appended page), direct ones rebuilt."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, item) for item in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(pdf, item) for key, item in value.items()})
    return value


def _dests(pdf: pikepdf.Pdf) -> Any:
    names = pdf.Root.get("/Names")
    return names.get("/Dests") if isinstance(names, pikepdf.Dictionary) else None


def _name_tree(node: Any) -> Iterator[tuple[pikepdf.String, Any]]:
    """A name tree's (key, value) pairs in order, keys as the strings stored."""
    if not isinstance(node, pikepdf.Dictionary):
        return
    names = node.get("/Names")
    if isinstance(names, pikepdf.Array):
        items = list(names)
        yield from zip(items[0::2], items[1::2], strict=True)
    for kid in node.get("/Kids", []):
        yield from _name_tree(kid)


# The structure tree -------------------------------------------------------------------------

def _document_element(pdf: pikepdf.Pdf) -> tuple[pikepdf.Dictionary, pikepdf.Dictionary]:
    """The StructTreeRoot and its one /Document element, as WeasyPrint writes them."""
    root = pdf.Root.get("/StructTreeRoot")
    kids = root.get("/K") if isinstance(root, pikepdf.Dictionary) else None
    if isinstance(kids, pikepdf.Array) and len(kids) == 1:
        kids = kids[0]
    if not (isinstance(root, pikepdf.Dictionary) and isinstance(kids, pikepdf.Dictionary)
            and kids.get("/S") == pikepdf.Name.Document):
        raise ValueError(f"{pdf.filename}: no tagged /Document element (not a write_part PDF)")
    return root, kids


def _number_tree(root: pikepdf.Dictionary) -> Iterator[tuple[int, Any]]:
    """The /ParentTree's (key, value) pairs."""
    parents = root.get("/ParentTree")
    if parents is None:
        return
    yield from pikepdf.NumberTree(parents).items()


def _next_key(root: pikepdf.Dictionary, keys: Sequence[int]) -> int:
    return max([int(root.get("/ParentTreeNextKey", 0)), *(key + 1 for key in keys)])


def _base_tree(base: pikepdf.Pdf) -> _Tree:
    root, document = _document_element(base)
    tree = _Tree(root, document, nums=dict(_number_tree(root)))
    tree.next_key = _next_key(root, list(tree.nums))
    tree.id_tree = "/IDTree" in root
    for element in structure_elements(root):
        if "/ID" in element:
            tree.ids.setdefault(bytes(element.ID), element)
    return tree


def _graft_tree(base: pikepdf.Pdf, part: pikepdf.Pdf, tree: _Tree,
                pages: list[pikepdf.Dictionary], index: int) -> None:
    """Part `index`'s structure into the base's, its pages (already appended) keyed anew."""
    root, document = _document_element(part)
    # The part's own root is not copied: its /Document stands in for it until the kids move.
    del document.P
    entries = list(_number_tree(root))
    offset = tree.next_key
    tree.next_key = offset + _next_key(root, [key for key, _ in entries])
    tree.id_tree = tree.id_tree or "/IDTree" in root
    copied = base.copy_foreign(document)
    assert isinstance(copied, pikepdf.Dictionary)
    grafted = [_copy(base, value) for _, value in entries]
    tree.nums.update((key + offset, value) for (key, _), value in zip(entries, grafted,
                                                                       strict=True))
    for element in structure_elements(copied):
        _rename_ids(element, f"p{index}-".encode(), tree)
    for kid in copied.K:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = tree.document
        tree.document.K.append(kid)
    _adopt_orphans(tree, copied, grafted)
    for page in pages:
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    for name in ("/RoleMap", "/ClassMap"):
        if name in root:
            mapping = tree.root.get(name)
            if mapping is None:
                mapping = tree.root[name] = pikepdf.Dictionary()
            for key, value in root[name].items():
                if key not in mapping:
                    mapping[key] = _copy(base, value)


def _adopt_orphans(tree: _Tree, copied: pikepdf.Dictionary, entries: list[Any]) -> None:
    """Elements the part kept outside its tree (margin boxes: finish.py) but whose parent is
    its /Document get the base's /Document as parent, as WeasyPrint sets it in one pass."""
    seen = {tree.document.objgen}
    for value in entries:
        for element in value if isinstance(value, pikepdf.Array) else [value]:
            while isinstance(element, pikepdf.Dictionary) and element.objgen not in seen:
                seen.add(element.objgen)
                parent = element.get("/P")
                if isinstance(parent, pikepdf.Dictionary) and parent.objgen == copied.objgen:
                    element.P = tree.document
                    break
                element = parent


def _rename_ids(element: pikepdf.Dictionary, prefix: bytes, tree: _Tree) -> None:
    """A structure element's /ID and the /Headers naming IDs, prefixed with the part's number
    (WeasyPrint numbers them by object number, which every part starts again)."""
    if "/ID" in element:
        element.ID = pikepdf.String(prefix + bytes(element.ID))
        tree.ids.setdefault(bytes(element.ID), element)
    attributes = element.get("/A")
    for owner in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        headers = owner.get("/Headers") if isinstance(owner, pikepdf.Dictionary) else None
        if isinstance(owner, pikepdf.Dictionary) and isinstance(headers, pikepdf.Array):
            owner.Headers = pikepdf.Array([pikepdf.String(prefix + bytes(h)) for h in headers])


def _write_tree(base: pikepdf.Pdf, tree: _Tree) -> None:
    nums: list[Any] = []
    for key in sorted(tree.nums):
        nums += [key, tree.nums[key]]
    tree.root.ParentTree = base.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    tree.root.ParentTreeNextKey = tree.next_key
    if tree.id_tree:
        names: list[Any] = []
        for raw in sorted(tree.ids):
            names += [pikepdf.String(raw), tree.ids[raw]]
        tree.root.IDTree = base.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))


# Named destinations and links ---------------------------------------------------------------

def _destinations(base: pikepdf.Pdf, dests: list[list[tuple[pikepdf.String, Any]]],
                  stubs: Sequence[frozenset[str]]) -> dict[bytes, Any]:
    """Each name's destination from the first part holding its anchor, keyed by the name's
    bytes (as links store it)."""
    chosen: dict[bytes, Any] = {}
    for index, (items, stubbed) in enumerate(zip(dests, stubs, strict=True)):
        for key, value in items:
            if str(key) in stubbed or bytes(key) in chosen:
                continue
            chosen[bytes(key)] = _copy(base, value) if index else value
    return chosen


def _write_destinations(base: pikepdf.Pdf, chosen: dict[bytes, Any]) -> None:
    """One flat /Dests name tree, sorted by the names' bytes as name trees are."""
    names = base.Root.get("/Names")
    if not chosen:
        if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
            del names.Dests
        return
    flat: list[Any] = []
    for raw in sorted(chosen):
        flat += [pikepdf.String(raw), chosen[raw]]
    if names is None:
        names = base.Root.Names = pikepdf.Dictionary()
    names.Dests = pikepdf.Dictionary(Names=pikepdf.Array(flat))


def _link_name(annotation: Any) -> pikepdf.String | None:
    """The destination name an internal link annotation goes to, if it names one."""
    if annotation.get("/Subtype") != pikepdf.Name.Link:
        return None
    dest = annotation.get("/Dest")
    action = annotation.get("/A")
    if dest is None and isinstance(action, pikepdf.Dictionary) and (
            action.get("/S") == pikepdf.Name.GoTo):
        dest = action.get("/D")
    return dest if isinstance(dest, pikepdf.String) else None


def _drop_dangling_links(base: pikepdf.Pdf, tree: _Tree,
                         chosen: dict[bytes, Any]) -> None:
    """Links to a name no part holds go, with their structure references, as WeasyPrint drops
    them in one pass (the /Link element stays, as it does there)."""
    for page in base.pages:
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        kept = []
        for annotation in annotations:
            name = _link_name(annotation)
            if name is None or bytes(name) in chosen:
                kept.append(annotation)
                continue
            LOGGER.error("No anchor #%s for internal URI reference", str(name))
            key = annotation.get("/StructParent")
            element = tree.nums.pop(int(key), None) if key is not None else None
            if isinstance(element, pikepdf.Dictionary):
                element.K = pikepdf.Array([
                    kid for kid in element.get("/K", [])
                    if not (isinstance(kid, pikepdf.Dictionary)
                            and kid.get("/Type") == pikepdf.Name.OBJR
                            and kid.Obj.objgen == annotation.objgen)])
        if len(kept) != len(annotations):
            if kept:
                page.obj.Annots = pikepdf.Array(kept)
            else:
                del page.obj.Annots


# The outline --------------------------------------------------------------------------------

def _read_outline(outlines: Any) -> list[_Bookmark]:
    items = []
    item = outlines.get("/First") if isinstance(outlines, pikepdf.Dictionary) else None
    seen: set[tuple[int, int]] = set()
    while isinstance(item, pikepdf.Dictionary) and item.objgen not in seen:
        seen.add(item.objgen)
        entries = {key: value for key, value in item.items()
                   if key not in ("/Parent", "/Prev", "/Next", "/First", "/Last", "/Count")}
        items.append(_Bookmark(entries, int(item.get("/Count", 0)) < 0, _read_outline(item)))
        item = item.get("/Next")
    return items


def _copy_bookmark(base: pikepdf.Pdf, item: _Bookmark, foreign: bool) -> _Bookmark:
    if not foreign:
        return item
    return _Bookmark({key: _copy(base, value) for key, value in item.entries.items()},
                     item.closed, [_copy_bookmark(base, kid, foreign) for kid in item.kids])


def _add_outline(pdf: pikepdf.Pdf, items: list[_Bookmark], parent: pikepdf.Dictionary
                 ) -> tuple[list[pikepdf.Dictionary], int]:
    """WeasyPrint's `add_outlines`: the items under `parent`, and how many show when open."""
    count = len(items)
    made: list[pikepdf.Dictionary] = []
    for item in items:
        outline = pdf.make_indirect(pikepdf.Dictionary(item.entries))
        outline.Parent = parent
        kids, kids_count = _add_outline(pdf, item.kids, outline)
        outline.Count = -kids_count if item.closed else kids_count
        if not item.closed:
            count += kids_count
        if made:
            outline.Prev = made[-1]
            made[-1].Next = outline
        if kids:
            outline.First, outline.Last = kids[0], kids[-1]
        made.append(outline)
    return made, count


def _write_outline(base: pikepdf.Pdf, items: list[_Bookmark]) -> None:
    if "/Outlines" in base.Root:
        del base.Root.Outlines
    if not items:
        return
    outlines = base.make_indirect(pikepdf.Dictionary())
    made, count = _add_outline(base, items, outlines)
    outlines.Count, outlines.First, outlines.Last = count, made[0], made[-1]
    base.Root.Outlines = outlines
