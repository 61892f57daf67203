"""What WeasyPrint does not write, added with pikepdf after it: page labels and artifacts.

PDF /PageLabels, so a viewer's page box shows "iii" in the front matter and "1" at the body:
WeasyPrint writes none, so the number tree is added after the fact.

Running heads and folios as artifacts, so screen readers skip them.

WeasyPrint tags margin-box text with marked content but keeps it out of the structure tree
(its note: an Artifact in the tree is a PDF 2.0 feature). We rewrite those orphaned sequences as
PDF 1.7 artifacts (`/Artifact BMC`) and drop them from the parent tree.
"""


from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pikepdf


def add_page_labels(pdf: pikepdf.Pdf, body_start: int) -> None:
    """Lower-roman from the first page, arabic from 1 where the body opens (page index)."""
    # pikepdf converts Python ints itself; its stubs only admit pikepdf Objects.
    nums: list[Any] = [0, pikepdf.Dictionary(S=pikepdf.Name.r, St=1)]
    if body_start < len(pdf.pages):
        nums += [body_start, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)]
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


def structure_elements(root: pikepdf.Object) -> Iterator[pikepdf.Dictionary]:
    """Every structure element below `root` (the StructTreeRoot). An element's kids are read
    when the caller resumes, so a caller may change an element's /K before they are walked."""
    pending = [root.get("/K")]
    while pending:
        node = pending.pop()
        if isinstance(node, pikepdf.Array):
            pending.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            pending.append(node.get("/K"))


def _reachable(root: pikepdf.Object) -> set[tuple[int, int]]:
    """Structure elements linked to the document's structure tree."""
    return {node.objgen for node in structure_elements(root)}


def _orphans(entries: pikepdf.Object, linked: set[tuple[int, int]]) -> set[int]:
    return {mcid for mcid, element in enumerate(entries)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in linked}


# How WeasyPrint 70 opens a marked-content sequence: the tag, its properties and the operator
# each on a line of their own; its text is shown in hex strings, so the pattern occurs in no
# string. A page whose stream does not hold each orphan this way is rewritten in full.
MARKED = re.compile(rb"/[A-Za-z0-9]+\n<</MCID (\d+)>>\nBDC\n")


def _as_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> None:
    """Turn the orphaned sequences into artifacts: in the stream's bytes where they are
    written as WeasyPrint writes them (a twentieth of the time), else operator by operator."""
    contents = page.obj.Contents
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        found = [int(m.group(1)) for m in MARKED.finditer(data)]
        if orphans <= set(found) and len(found) == len(set(found)):
            page.obj.Contents = pdf.make_stream(MARKED.sub(
                lambda m: b"/Artifact BMC\n" if int(m.group(1)) in orphans else m.group(0),
                data))
            return
    _rewrite_operators(pdf, page, orphans)


def _rewrite_operators(pdf: pikepdf.Pdf, page: pikepdf.Page, orphans: set[int]) -> None:
    instructions = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction  # type: ignore[misc]  # an inline image unpacks too
        props = operands[1] if str(operator) == "BDC" and len(operands) == 2 else None
        if isinstance(props, pikepdf.Dictionary) and int(props.get("/MCID", -1)) in orphans:
            operands, operator = [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
        instructions.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def mark_margin_artifacts(pdf: pikepdf.Pdf) -> int:
    """Rewrite every page's untreed marked content as artifacts; return how many."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return 0
    linked = _reachable(tree)
    parents = pikepdf.NumberTree(tree.ParentTree)
    count = 0
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parents:
            continue
        entries = parents[int(key)]
        orphans = _orphans(entries, linked)
        if orphans:
            _as_artifacts(pdf, page, orphans)
            for mcid in orphans:
                entries[mcid] = pikepdf.Object.parse(b"null")
            count += len(orphans)
    return count
