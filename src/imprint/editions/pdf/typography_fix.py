"""Mend what the typographic audit finds with local changes and a new layout; report the rest.

Each fix is one CSS rule for one element, added as a last stylesheet (the book's HTML is not
touched, so the EPUB and the fidelity audits see the same text): a stranded heading or caption
starts the next page, a paragraph whose hyphens stack or cross a page turn is set with
`hyphens: manual`, a callout that would leave a hole may split. A new layout is kept only if
it has fewer defects (and, the caller checks, every note in place); at most `ROUNDS` of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from weasyprint.document import Document

from imprint.book.model import Diagnostic, Loc, Publication
from imprint.editions.pdf.typography import HEADINGS, KINDS, Audit, Defect, Tree, audit_typography
from imprint.editions.pdf.typography_layout import Element

ROUNDS = 3
# The defects the house style forbids outright weigh more when two layouts are compared.
WEIGHTS = {"heading": 3, "caption": 3, "stacked": 3, "turn": 3, "call": 3, "hole": 3}
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
    for _ in range(limit):
        new = {s: d for s, d in fix_rules(audit, rules).items() if rules.get(s) != d}
        if not new:
            break
        rounds += 1
        candidate = relayout(stylesheet({**rules, **new}))
        if candidate is None:
            break
        again = audit_typography(document(candidate))
        if score(again) >= score(audit):
            break
        best, audit, rules = candidate, again, {**rules, **new}
    return best, replace(report(pub, audit, len(rules), rounds), rules=tuple(sorted(rules.items())))


def score(audit: Audit) -> int:
    return sum(WEIGHTS.get(d.kind, 1) for d in audit.defects)


def stylesheet(rules: dict[str, str]) -> str:
    return "".join(f"{selector} {{ {declarations} }}\n" for selector, declarations in
                   sorted(rules.items()))


def fix_rules(audit: Audit, applied: dict[str, str] | None = None) -> dict[str, str]:
    """selector -> declarations mending the defects a local change can mend. A paragraph
    whose hyphens still stack under the `applied` FEWER_HYPHENS gets NO_HYPHENS."""
    applied = applied or {}
    rules: dict[str, str] = {}
    for defect in audit.defects:
        for element, declarations in _fixes(defect, audit.tree):
            path = selector(element, audit.tree)
            if declarations in (FEWER_HYPHENS, NO_HYPHENS):
                # Hyphenation is inherited, and a span may set its own (Russian, say).
                path = f"{path}, {path} *"
                if NO_HYPHENS in (applied.get(path), rules.get(path)) or (
                        applied.get(path) == FEWER_HYPHENS):
                    declarations = NO_HYPHENS
            elif declarations == TIGHTER and applied.get(path) in (TIGHTER, TIGHTEST):
                declarations = TIGHTEST
            rules[path] = declarations
    return rules


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
    ancestor with an id (the document's parse is the same at every layout)."""
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
        children = [e for e in parent if isinstance(e.tag, str)]
        steps.append(f"{current.tag}:nth-child({children.index(current) + 1})")
        current = parent
    return " > ".join(reversed(steps))


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
