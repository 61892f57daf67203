"""Mend what the typographic audit finds with local changes and a new layout; report the rest.

Each fix is one CSS rule for one element, added as a last stylesheet (the book's HTML is not
touched, so the EPUB and the fidelity audits see the same text): a stranded heading or caption
starts the next page, a paragraph whose hyphens stack or cross a page turn is set with
`hyphens: manual`, a word broken at its own hyphen across a turn sends lines overleaf, a
callout that would leave a hole may split, a figure too tall for it may shrink, and a hole
nothing else mends borrows lines from the page before. A new layout is kept only if it has
fewer defects (and, the caller checks, every note on its page: in footnote mode the caller
places the notes a fix moved again); at most `ROUNDS` of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from math import ceil, floor
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

from lxml import etree
from weasyprint.document import Document

from imprint.book.model import Diagnostic, Loc, Publication
from imprint.editions.pdf.typography import (
    FULL,
    HARD,
    HEADINGS,
    KINDS,
    Audit,
    Defect,
    Tree,
    audit_typography,
)
from imprint.editions.pdf.typography_layout import Element

ROUNDS = 8
# The defects the house style forbids outright weigh more when two layouts are compared.
# (10: a layout with one fewer of them is kept even if it has a few more loose lines, which
# the house style dislikes but allows; measured on the stress manuscript, tests/fixtures.)
WEIGHTS = {"heading": 10, "caption": 10, "stacked": 10, "turn": 10, "call": 10, "hole": 10}
T = TypeVar("T")
# Stacked hyphens: fewer breaks first (words of 8 letters or more, 4 on each side; measured
# on the sample: no stack left and 9 loose lines, against 14 with no hyphenation at all),
# none if the stack stays; a word across a page turn: none.
FEWER_HYPHENS = "hyphenate-limit-chars: 8 4 4 !important;"
NO_HYPHENS = "hyphens: manual !important;"
# A loose line: the paragraph set 1.5% tighter, as a compositor tracks a paragraph to pull a
# word up from the next line (no reader sees 1.5%; a 2x word space they do).
TIGHTER = "letter-spacing: -0.015em !important;"
TIGHTEST = "letter-spacing: -0.025em !important;"  # if 1.5% did not do it
# A figure too tall for the rest of its page may shrink to fill the hole it would leave, to
# no less than this share of the measure: a chart drawn without words to half of it (some
# 68 mm, a journal's column), an image that may hold words (a raster) to 60%; a chart with
# words not at all (its smallest text prints at the house minimum of 7 pt across the
# measure: issue #14). SLACK (CSS px) is for the figure's margins and rounding.
SMALLEST = 0.6
SMALLEST_WORDLESS = 0.5
SLACK = 30.0
WIDTH = "width: "
# The manuscript's files are the author's: no network, no entities.
SVG_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
WIDTH_SHARE = re.compile(r"(?<![-\w])width:\s*(\d+(?:\.\d+)?)%")
ORPHANS = 2  # print.css: the lines a paragraph keeps at a page foot
PULLED = 3  # lines a page may send over to fill a hole after it (more would empty it)
# The second part of a paragraph split at a late note's call (footnotes.break_at_calls).
CONTINUED = "footnote-continued"
PLACED = f":not(.{CONTINUED})"


@dataclass(frozen=True)
class TypographyReport:
    counts: tuple[tuple[str, int], ...]  # (plural name, count) in KINDS order
    pages: tuple[int, ...]  # 1-based pages with a defect left
    diagnostics: tuple[Diagnostic, ...]
    fixes: int  # rules applied in the layout kept
    rounds: int  # layouts made after the first
    rules: tuple[tuple[str, str], ...] = ()  # those rules: selector -> declarations

    @property
    def summary(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in self.counts)
        where = f" (pages {', '.join(map(str, self.pages))})" if self.pages else ""
        return f"typography: {counts}{where}; {self.fixes} local fixes, re-layouts: {self.rounds}"


def typeset(pub: Publication, first: T, document: Callable[[T], Document],
            relayout: Callable[[str], T | None],
            start: dict[str, str] | None = None,
            limit: int = ROUNDS) -> tuple[T, TypographyReport]:
    """The best of up to `ROUNDS` + 1 layouts. `relayout(css)` lays the book out again with
    `css` added, or returns None when that layout fails another audit (a note off its page).
    `first` was laid out with the rules `start` (remembered from the last build), if any;
    `limit` 0 keeps that layout, so a rebuild prints what the build before it printed."""
    best, audit = first, audit_typography(document(first))
    rules: dict[str, str] = dict(start or {})
    rounds = 0
    forbidden: frozenset[str] | None = None  # all kinds, until a round mending them fails
    while rounds < limit:
        new = {s: d for s, d in fix_rules(audit, rules, forbidden, pub.root).items()
               if rules.get(s) != d}
        if not new:
            break
        rounds += 1
        candidate = relayout(stylesheet({**rules, **new}))
        again = None if candidate is None else audit_typography(document(candidate))
        if candidate is None or again is None or score(again) >= score(audit):
            if forbidden is not None:
                break
            # The loose lines' tracking moves many lines: mend only what the house style
            # forbids, and see if that layout is better.
            forbidden = frozenset(WEIGHTS)
            continue
        best, audit, rules = candidate, again, {**rules, **new}
    return best, replace(report(pub, audit, len(rules), rounds), rules=tuple(sorted(rules.items())))


def score(audit: Audit) -> int:
    return sum(WEIGHTS.get(d.kind, 1) for d in audit.defects)


def stylesheet(rules: dict[str, str]) -> str:
    return "".join(f"{selector} {{ {declarations} }}\n" for selector, declarations in
                   sorted(rules.items()))


def fix_rules(audit: Audit, applied: dict[str, str] | None = None,
              kinds: frozenset[str] | None = None, root: Path | None = None) -> dict[str, str]:
    """selector -> declarations mending the defects a local change can mend (of `kinds`, or
    all). A paragraph whose hyphens still stack under the `applied` FEWER_HYPHENS gets
    NO_HYPHENS; a figure already set smaller is set smaller still. `root`: the manuscript,
    where a figure's image is read to see whether it draws words."""
    applied = applied or {}
    rules: dict[str, str] = {}
    for defect in (d for d in audit.defects if kinds is None or d.kind in kinds):
        for element, declarations in _mends(defect, audit, applied, root):
            path = selector(element, audit.tree)
            if declarations in (FEWER_HYPHENS, NO_HYPHENS):
                path = _hyphens_path(element, audit.tree)
                said = f"{applied.get(path, '')} {rules.get(path, '')}"
                if NO_HYPHENS in said or FEWER_HYPHENS in applied.get(path, ""):
                    declarations = NO_HYPHENS
            elif declarations in (TIGHTER, TIGHTEST) or declarations.startswith("widows"):
                path = ", ".join(_with_split_part(path, element))
                if declarations == TIGHTER and "letter-spacing" in applied.get(path, ""):
                    declarations = TIGHTEST
            if declarations:
                rules[path] = merged(rules.get(path) or applied.get(path), declarations)
    return rules


def merged(before: str | None, declarations: str) -> str:
    """`declarations` added to those `before` for the same element (a paragraph may need
    both tracking and a line sent overleaf); a property given again takes the new value."""
    properties = dict(_declarations(before or ""))
    properties.update(_declarations(declarations))
    return " ".join(f"{name}: {value};" for name, value in properties.items())


def _declarations(text: str) -> Iterator[tuple[str, str]]:
    for part in text.split(";"):
        name, colon, value = part.partition(":")
        if colon:
            yield name.strip(), value.strip()


def _mends(defect: Defect, audit: Audit, applied: dict[str, str], root: Path | None
           ) -> Iterator[tuple[Element, str]]:
    if defect.kind == "turn" and defect.detail == HARD:
        yield from _hard_turn(defect, audit, applied)
        return
    mends = [*_fixes(defect, audit.tree), *_shrink(defect, audit, applied, root)]
    yield from mends
    if defect.kind == "hole" and not mends:  # the last resort: a page run short
        yield from _pull_lines(defect, audit)


def _pull_lines(defect: Defect, audit: Audit) -> Iterator[tuple[Element, str]]:
    """A hole a few lines short of FULL whose page opens inside a paragraph from the page
    before: that paragraph sends the lines wanted over (`widows`), as a compositor runs a
    page short to fill the next one. (Often the figure that ends a chapter and fits on
    neither page: the hole page is then as full as the house asks.)"""
    page = audit.pages[defect.page]
    if not page.lines or defect.page == 0:
        return
    element = page.lines[0].element
    here = [line for line in page.lines if line.element is element]
    before = sum(1 for line in audit.pages[defect.page - 1].lines if line.element is element)
    if len(here) < 2 or not before:
        return
    pitch = here[1].top - here[0].top
    wanted = ceil(((FULL - page.fill) * page.height + SLACK / 2) / pitch) if pitch > 0 else 0
    if 0 < wanted <= PULLED and before >= ORPHANS + wanted:
        yield element, f"widows: {len(here) + wanted} !important;"


def _hyphens_path(element: Element, tree: Tree) -> str:
    # Hyphenation is inherited, and a span may set its own (Russian, say).
    return ", ".join(f"{p}, {p} *" for p in _with_split_part(selector(element, tree), element))


def _hard_turn(defect: Defect, audit: Audit, applied: dict[str, str]
               ) -> Iterator[tuple[Element, str]]:
    """A word broken at its own hyphen across a page turn. No CSS forbids that break, so the
    turn moves: the paragraph's last lines on the page go overleaf (`widows`), as few as
    leave a line ending in no hyphen at the foot and two lines behind. Else its lines are
    broken elsewhere, as for a soft hyphen: without hyphens if some of them on the page end
    in one, else tracked tighter (then tightest)."""
    element = defect.element
    if _split_for_a_note(element):
        return  # footnotes.break_at_calls chose its break in this paragraph's present lines
    here = [line for line in audit.pages[defect.page].lines if line.element is element]
    overleaf = sum(1 for line in audit.pages[defect.page + 1].lines if line.element is element)
    sent = next((k for k in range(1, len(here) - ORPHANS + 1)
                 if not (here[-1 - k].hyphen or here[-1 - k].hard_hyphen)), 0)
    if sent and overleaf:
        yield element, f"widows: {overleaf + sent} !important;"
    elif any(line.hyphen for line in here) and NO_HYPHENS not in applied.get(
            _hyphens_path(element, audit.tree), ""):
        yield element, NO_HYPHENS
    else:
        yield element, TIGHTER  # TIGHTEST if it is set already (`fix_rules`)


def _fixes(defect: Defect, tree: Tree) -> Iterator[tuple[Element, str]]:
    if defect.kind == "heading":
        yield _run_start(defect.element, tree), "break-before: page !important;"
        after = _next(defect.element, tree)
        # A footnote edition's break before a paragraph (footnotes.break_at_calls) is what
        # strands the heading above it: the two now start a page together.
        if after is not None and "footnote-break" in str(after.get("class") or "").split():
            yield after, "break-before: auto !important;"
    elif defect.kind == "caption":
        yield _captioned(defect.element, tree), "break-before: page !important;"
    elif defect.kind in ("stacked", "turn") and _split_for_a_note(defect.element):
        return  # footnotes.break_at_calls chose its break in this paragraph's present lines
    elif defect.kind in ("stacked", "turn"):
        yield defect.element, FEWER_HYPHENS if defect.kind == "stacked" else NO_HYPHENS
    elif defect.kind == "loose":
        yield defect.element, TIGHTER
    elif defect.kind == "hole":
        box = next((a for a in [defect.element, *tree.ancestors(defect.element)]
                    if a.tag in ("aside", "blockquote")), None)
        if box is not None:  # a callout kept whole: it may split
            yield box, "break-inside: auto !important;"


def _shrink(defect: Defect, audit: Audit, applied: dict[str, str], root: Path | None
            ) -> Iterator[tuple[Element, str]]:
    """A hole left by a figure too tall for the rest of its page: the figure's image set
    smaller, so that it fits there (as a compositor scales a plate to its page), if it keeps
    its `smallest_share` of the measure. Its width follows, the figure keeps its place in
    the text: the reading order is the manuscript's."""
    figure = defect.element  # the figure's block holds the line its image is set on
    if figure.tag == "img":
        figure = audit.tree.parent(figure)
    image = figure.find("img") if figure is not None and figure.tag == "figure" else None
    if defect.kind != "hole" or image is None or defect.page + 1 >= len(audit.pages):
        return
    hole, after = audit.pages[defect.page], audit.pages[defect.page + 1]
    inside = {id(e) for e in figure.iter()}
    parts = [line for line in after.lines if id(line.element) in inside]
    if not parts or figure[0] is not image:  # a figure that opens with its caption, say
        return
    tall = parts[0].bottom - parts[0].top
    free = (1 - hole.fill) * hole.height - SLACK
    scale = (tall - (parts[-1].bottom - parts[0].top - free)) / tall if tall else 0.0
    # Its width now: an earlier fix's, or the author's (`{width=50%}`), or the measure.
    now = WIDTH_SHARE.search(applied.get(selector(image, audit.tree))
                             or str(image.get("style") or ""))
    width = floor(scale * (float(now.group(1)) if now else 100.0))
    if 0 < scale < 1 and width >= smallest_share(image, root) * 100:
        yield image, f"{WIDTH}{width}% !important; display: block; margin: 0 auto;"


def smallest_share(image: Element, root: Path | None) -> float:
    """The smallest share of the measure the image may print at (see SMALLEST)."""
    if root is None:
        return 1.0
    source = (root / unquote(str(image.get("src") or ""))).resolve()
    if not source.is_relative_to(root.resolve()) or not source.is_file():
        return 1.0  # never a file outside the manuscript
    if source.suffix.lower() != ".svg":
        return SMALLEST
    try:
        tree = etree.parse(str(source), SVG_PARSER)
    except (OSError, etree.XMLSyntaxError):
        return 1.0
    words = any(isinstance(e.tag, str) and etree.QName(e).localname == "text"
                for e in tree.iter())
    return 1.0 if words else SMALLEST_WORDLESS


def _with_split_part(path: str, element: Element) -> list[str]:
    """A paragraph's selector, and its second part's if a late note's page break splits it
    in a later layout: the break was found on a layout where the whole paragraph had the
    rule, so both parts keep it."""
    return [path] if _has_class(element, CONTINUED) else [path, f"{path} + .{CONTINUED}"]


def _split_for_a_note(element: Element) -> bool:
    return "footnote-split" in str(element.get("class") or "").split()


def _next(element: Element, tree: Tree) -> Element | None:
    """The block after `element`, passing over the empty paragraph a footnote edition's
    break leaves (footnotes._split)."""
    parent = tree.parent(element)
    siblings = [e for e in parent if isinstance(e.tag, str)] if parent is not None else []
    index = siblings.index(element) if element in siblings else len(siblings)
    for after in siblings[index + 1:]:
        if len(after) or (after.text or "").strip():
            return after
    return None


def _run_start(heading: Element, tree: Tree) -> Element:
    """The first of the headings set one after the other up to this one (h2 then h3)."""
    parent = tree.parent(heading)
    if parent is None:
        return heading
    siblings = [e for e in parent if isinstance(e.tag, str)]
    index = siblings.index(heading)
    while index and siblings[index - 1].tag in HEADINGS:
        index -= 1
    return siblings[index]


def _captioned(caption: Element, tree: Tree) -> Element:
    """The outermost block that begins with the caption (the table's wrapper, the figure)."""
    current = caption
    for parent in tree.ancestors(caption):
        children = [e for e in parent if isinstance(e.tag, str)]
        if parent.tag in ("section", "body") or not children or children[0] is not current:
            break
        current = parent
    return current


def selector(element: Element, tree: Tree) -> str:
    """A CSS selector for this one element: a path of `:nth-child` steps from its nearest
    ancestor with an id (the document's parse is the same at every layout). A footnote
    edition's re-layout may split other paragraphs at a late note's call
    (footnotes.break_at_calls): the steps count no paragraph such a split adds, so a rule
    found on one layout holds on the next."""
    steps: list[str] = []
    current: Element | None = element
    while current is not None:
        ident = current.get("id")
        if ident:
            steps.append(f'[id="{_escaped(ident)}"]')
            break
        parent = tree.parent(current)
        if parent is None:
            steps.append(str(current.tag))
            break
        steps.append(_step(current, parent))
        current = parent
    return " > ".join(reversed(steps))


def _step(element: Element, parent: Element) -> str:
    """`element` among its siblings: by its place among those a split does not add, or as
    the part after its split paragraph."""
    children = [e for e in parent if isinstance(e.tag, str)]
    index = children.index(element)
    if _has_class(element, CONTINUED):
        if index and _has_class(children[index - 1], "footnote-split"):
            return f"{_step(children[index - 1], parent)} + {element.tag}"
        return f"{element.tag}:nth-child({index + 1})"  # markup repaired by the parser
    placed = [e for e in children if not _has_class(e, CONTINUED)]
    return f"{element.tag}:nth-child({placed.index(element) + 1} of {PLACED})"


def _has_class(element: Element, name: str) -> bool:
    return name in str(element.get("class") or "").split()


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def report(pub: Publication, audit: Audit, fixes: int, rounds: int) -> TypographyReport:
    locate = _Locator(pub, audit.tree)
    names = {key: (one, many) for key, one, many in KINDS}
    diagnostics = tuple(
        Diagnostic(locate(d.element), f"page {d.page + 1}: {names[d.kind][0]}"
                   + (f" ({d.detail})" if d.detail else ""), "warning")
        for d in audit.defects)
    return TypographyReport(
        tuple((many, audit.count(key)) for key, _, many in KINDS),
        tuple(sorted({d.page + 1 for d in audit.defects})), diagnostics, fixes, rounds)


def merge_reports(reports: list[tuple[TypographyReport, int]]) -> TypographyReport:
    """One report for parts audited apart, each given with its first page in the book."""
    counts: dict[str, int] = {}
    for report, _ in reports:
        for name, count in report.counts:
            counts[name] = counts.get(name, 0) + count
    return TypographyReport(
        tuple(counts.items()),
        tuple(page + first for report, first in reports for page in report.pages),
        tuple(_shifted(d, first) for report, first in reports for d in report.diagnostics),
        sum(r.fixes for r, _ in reports), sum(r.rounds for r, _ in reports),
        tuple(sorted({rule for r, _ in reports for rule in r.rules})))


def _shifted(diagnostic: Diagnostic, first: int) -> Diagnostic:
    """`report`'s "page N: …" counted from the part's first page in the book."""
    number, colon, rest = diagnostic.message.removeprefix("page ").partition(":")
    if not (colon and number.isdigit()):
        return diagnostic
    return replace(diagnostic, message=f"page {int(number) + first}:{rest}")


WORD = re.compile(r"\w+")
PHRASE = (6, 4, 3, 2, 1)  # words of the element's text looked for, most specific first


def _words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


class _Locator:
    """The chapter line an element's text starts on; a note's own line for a note."""

    def __init__(self, pub: Publication, tree: Tree) -> None:
        self.pub, self.tree = pub, tree
        self.notes = {f"note-{n.number}": n.source for c in pub.chapters for n in c.notes}
        self.files: dict[str, list[tuple[str, Loc]]] = {}

    def __call__(self, element: Element) -> Loc | None:
        for holder in [element, *self.tree.ancestors(element)]:
            ident = str(holder.get("id") or "")
            if ident in self.notes:
                return self.notes[ident]
            if holder.tag == "section" and ident.startswith("chapter-"):
                return self._find(ident.removeprefix("chapter-"), element)
        return None

    def _find(self, slug: str, element: Element) -> Loc | None:
        chapter = next((c for c in self.pub.chapters if c.slug == slug), None)
        if chapter is None:
            return None
        words = self._source(chapter.files or (chapter.source.path,))
        said = _words(" ".join(_own_text(element)))
        for size in PHRASE:
            if len(said) < size:
                continue
            for start in range(len(words) - size + 1):
                if [w for w, _ in words[start:start + size]] == said[:size]:
                    return words[start][1]
        return chapter.source

    def _source(self, files: tuple[str, ...]) -> list[tuple[str, Loc]]:
        key = "\0".join(files)
        if key not in self.files:
            found: list[tuple[str, Loc]] = []
            for name in files:
                path = self.pub.root / name
                text = path.read_text(encoding="utf-8") if path.is_file() else ""
                for number, line in enumerate(text.splitlines(), 1):
                    found += [(word, Loc(name, number)) for word in _words(line)]
            self.files[key] = found
        return self.files[key]


def _own_text(element: Element) -> list[str]:
    """The element's text without footnotes set inside it (footnote mode)."""
    parts = [element.text or ""]
    for child in element:
        if "footnote" not in str(child.get("class") or "").split() and isinstance(child.tag, str):
            parts += _own_text(child)
        parts.append(child.tail or "")
    return parts
