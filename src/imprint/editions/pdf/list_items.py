"""List items in the structure tree hold only a label and a body (PDF/UA-1, ISO 32000 14.8.4.3).

A footnote called inside a list item floats to the page foot, and WeasyPrint tags its box as a
kid of the item's /LI, beside /Lbl and /LBody; where the item runs onto the next page, the
continuation is an /LI holding only that note. The checker's rule PDFUA1-LI-KIDS-001 fails on
both. The note belongs to the item's body, where its call is: every other kid is moved to the
end of the item's /LBody (a new one where the item has none). Marked content moved with a
kid keeps its parent-tree entry pointing to the right element.
"""

from __future__ import annotations

from typing import Any

import pikepdf

from imprint.editions.pdf.finish import structure_elements

ALLOWED = (pikepdf.Name.Lbl, pikepdf.Name.LBody)


def _kids(node: pikepdf.Dictionary) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: Any) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _mcids(kid: Any) -> list[int]:
    """Marked-content ids a kid names directly (an integer, or a marked-content reference)."""
    if isinstance(kid, int):
        return [int(kid)]
    if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
        return [int(kid.MCID)]
    return []


def _body(pdf: pikepdf.Pdf, item: pikepdf.Dictionary, kids: list[Any]) -> pikepdf.Dictionary:
    bodies = [k for k in kids if _is_element(k) and pikepdf.Name.LBody == k.S]
    if bodies:
        return bodies[-1]  # type: ignore[no-any-return]
    body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                S=pikepdf.Name.LBody, P=item,
                                                K=pikepdf.Array([])))
    if "/Pg" in item:
        body.Pg = item.Pg
    return body


def _repoint(pdf: pikepdf.Pdf, item: pikepdf.Dictionary, body: pikepdf.Dictionary,
             mcids: list[int]) -> None:
    """Parent-tree entries of the item's page that named the item for `mcids` name `body`."""
    page = item.get("/Pg")
    key = page.get("/StructParents") if page is not None else None
    parents = pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree)
    if key is None or int(key) not in parents:
        return
    entries = parents[int(key)]
    for mcid in mcids:
        if mcid < len(entries):
            entries[mcid] = body


def fix_item(pdf: pikepdf.Pdf, item: pikepdf.Dictionary) -> bool:
    """Move every kid but /Lbl and /LBody into the body; True if anything moved."""
    kids = _kids(item)
    strays = [k for k in kids if not (_is_element(k) and k.S in ALLOWED)]
    if not strays:
        return False
    body = _body(pdf, item, kids)
    body_kids = _kids(body)
    for stray in strays:
        if _is_element(stray):
            stray.P = body
        body_kids.append(stray)
        _repoint(pdf, item, body, _mcids(stray))
    body.K = pikepdf.Array(body_kids)
    kept = [k for k in kids if _is_element(k) and k.S in ALLOWED and k.objgen != body.objgen]
    item.K = pikepdf.Array([*kept, body])
    return True


def fix_list_items(pdf: pikepdf.Pdf) -> int:
    """Give every /LI only /Lbl and /LBody kids; return how many items were mended."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return 0
    return sum(1 for node in structure_elements(tree)
               if node.S == pikepdf.Name.LI and fix_item(pdf, node))
