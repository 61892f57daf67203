"""A typographic audit of the laid-out book, page by page, as a typesetter reads proofs.

LaTeX judges every line and page it sets; WeasyPrint does not, so this audit does: headings
and captions stranded at a page foot, more than two hyphenated line ends in a row, a word
hyphenated across a page turn (or broken there at its own hyphen), loose lines in justified
text, note calls at a line start, widows and orphans, and pages left less than 80% full.
`typography_fix` then mends what a local change can mend and reports the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from weasyprint.document import Document

from imprint.editions.pdf.typography_layout import Element, Line, PageLayout, read_layout
from imprint.editions.pdf.weasyprint_internals import (
    box_children,
    box_element,
    is_page_furniture,
    page_box,
)

HEADINGS = frozenset({"h1", "h2", "h3", "h4"})
PARAGRAPHS = frozenset({"p", "li", "dd", "blockquote"})
MAX_HYPHENS = 2  # hyphenated line ends in a row the house style allows
LOOSE = 2.0  # a word space this many times the paragraph's median is a loose line
FULL = 0.8  # a page with less than this share of its area used is a hole
HARD = "at the word's own hyphen"  # the detail of a turn at a hard hyphen

# Every kind of defect, in the order the summary gives them: (key, singular, plural).
KINDS = (
    ("heading", "stranded heading", "stranded headings"),
    ("caption", "stranded caption", "stranded captions"),
    ("stacked", "stack of hyphens", "stacks of hyphens"),
    ("turn", "hyphen across a page turn", "hyphens across page turns"),
    ("loose", "loose line", "loose lines"),
    ("call", "note call at a line start", "note calls at line start"),
    ("widow", "widow", "widows"),
    ("orphan", "orphan", "orphans"),
    ("hole", "hole", "holes"),
)


@dataclass(frozen=True)
class Defect:
    kind: str  # a key of KINDS
    page: int  # 0-based page index
    element: Element  # the element to mend and to place in the source
    detail: str = ""


class Tree:
    """Parent links over WeasyPrint's parsed document (ElementTree keeps none)."""

    def __init__(self, root: Element) -> None:
        self.root = root
        self.parents = {id(child): parent for parent in root.iter() for child in parent}

    def parent(self, element: Element) -> Element | None:
        return self.parents.get(id(element))

    def ancestors(self, element: Element) -> Iterator[Element]:
        current = self.parent(element)
        while current is not None:
            yield current
            current = self.parent(current)

    def section(self, element: Element) -> Element | None:
        return next((a for a in self.ancestors(element) if a.tag == "section"), None)


@dataclass(frozen=True)
class Audit:
    pages: tuple[PageLayout, ...]
    tree: Tree
    defects: tuple[Defect, ...]

    def count(self, kind: str) -> int:
        return sum(1 for d in self.defects if d.kind == kind)


def audit_typography(document: Document) -> Audit:
    pages = read_layout(document)
    tree = Tree(_root(document))
    checks = (_stranded(pages, tree), _hyphens(pages), _loose(pages), _calls(pages),
              _widows(pages, tree), _holes(pages, tree))
    defects = sorted((d for found in checks for d in found), key=lambda d: d.page)
    return Audit(pages, tree, tuple(defects))


def _root(document: Document) -> Element:
    first = page_box(document.pages[0])
    return next(box_element(b) for b in box_children(first) if not is_page_furniture(b))


def _text(page: PageLayout) -> list[Line]:
    return [line for line in page.lines if line.text]


def _is_intro(line: Line, tree: Tree) -> bool:
    """A heading, or a caption set before what it captions (a table's, or a figure's first)."""
    element = line.element
    if element.tag in HEADINGS:
        return True
    parent = tree.parent(element)
    return element.tag == "caption" or (
        element.tag == "figcaption" and parent is not None and len(parent) > 0
        and parent[0] is element)


def _stranded(pages: Sequence[PageLayout], tree: Tree) -> Iterator[Defect]:
    """A heading or caption with nothing after it on its page but other headings."""
    for page in pages[:-1]:
        lines = list(page.lines)
        last = max((i for i, line in enumerate(lines) if not _is_intro(line, tree)), default=-1)
        body = {id(line.element) for line in lines[: last + 1]}
        tail = [line for line in lines[last + 1:] if id(line.element) not in body]
        if tail and any(p.lines for p in pages[page.index + 1:]):
            kind = "heading" if tail[0].element.tag in HEADINGS else "caption"
            yield Defect(kind, page.index, tail[0].element)


def _hyphens(pages: Sequence[PageLayout]) -> Iterator[Defect]:
    for page in pages:
        run: list[Line] = []
        for line in [*_text(page), None]:
            if line is not None and line.hyphen and (not run or run[-1].element is line.element):
                run.append(line)
                continue
            if len(run) > MAX_HYPHENS:
                yield Defect("stacked", page.index, run[0].element, f"{len(run)} in a row")
            run = [line] if line is not None and line.hyphen else []
        flow = [line for line in _text(page) if not line.in_table]
        if flow and page.index + 1 < len(pages) and (flow[-1].hyphen or flow[-1].hard_hyphen):
            # A word broken at its own hyphen ("joint-" overleaf "exercise") is turned too.
            yield Defect("turn", page.index, flow[-1].element,
                         HARD if flow[-1].hard_hyphen else "")


def _loose(pages: Sequence[PageLayout]) -> Iterator[Defect]:
    """Justified lines whose word spaces exceed twice their paragraph's median."""
    paragraphs: dict[int, list[tuple[int, Line]]] = defaultdict(list)
    for page in pages:
        for line in _text(page):
            if line.justified and line.spaces and not line.in_table:
                paragraphs[id(line.element)].append((page.index, line))
    for lines in paragraphs.values():
        if len(lines) < 3:  # too few lines for a median to mean anything
            continue
        middle = median(line.space for _, line in lines)
        for index, line in lines:
            if line.space > LOOSE * middle:
                yield Defect("loose", index, line.element,
                             f"word spaces {line.space / middle:.1f}x the paragraph's")


def _calls(pages: Sequence[PageLayout]) -> Iterator[Defect]:
    for page in pages:
        for line in _text(page):
            if line.call_first:
                yield Defect("call", page.index, line.element)


def paragraph_key(element: Element, tree: Tree) -> Element:
    """The paragraph a line belongs to: a footnote edition's paragraph split at a page break
    (footnotes.break_at_calls) is one paragraph in two elements."""
    if "footnote-continued" in (element.get("class") or "").split():
        parent = tree.parent(element)
        siblings = list(parent) if parent is not None else []
        index = siblings.index(element) if element in siblings else 0
        if index and "footnote-split" in (siblings[index - 1].get("class") or ""):
            return siblings[index - 1]
    return element


def _widows(pages: Sequence[PageLayout], tree: Tree) -> Iterator[Defect]:
    """A paragraph's first line alone at a page foot (orphan) or last alone at a top (widow)."""
    runs: dict[int, list[list[tuple[int, Line]]]] = defaultdict(list)
    for page in pages:
        for line in _text(page):
            if line.element.tag not in PARAGRAPHS or line.in_table:
                continue
            key = runs[id(paragraph_key(line.element, tree))]
            if key and key[-1][-1][0] == page.index:
                key[-1].append((page.index, line))
            else:
                key.append([(page.index, line)])
    for parts in runs.values():
        if len(parts) < 2:
            continue
        if len(parts[0]) == 1:
            yield Defect("orphan", parts[0][0][0], parts[0][0][1].element)
        if len(parts[-1]) == 1:
            yield Defect("widow", parts[-1][0][0], parts[-1][0][1].element)


def _holes(pages: Sequence[PageLayout], tree: Tree) -> Iterator[Defect]:
    """A page under 80% full whose next page goes on with the same section, unforced."""
    for page, after in pairwise(pages):
        if not page.lines or not after.lines or page.fill >= FULL or after.forced_start:
            continue
        if tree.section(page.lines[-1].element) is not tree.section(after.lines[0].element):
            continue
        yield Defect("hole", page.index, after.lines[0].element, f"{page.fill:.0%} full")
