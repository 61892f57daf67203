"""Footnotes for CSS `float: footnote`: each note's text moved to its call in the chapter's
tree, and, for a note WeasyPrint would still print a page late, a page break at its call."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from weasyprint.document import Document

from imprint.book.markup import Fragment, Node, Point, Slot, Spelling, before
from imprint.editions.html.transform import Transform
from imprint.editions.pdf.weasyprint_internals import (
    Box,
    box_children,
    box_element,
    box_text,
    is_generated,
    is_line_box,
    is_text_box,
    page_box,
)


def _call_number(element: Node) -> int | None:
    """The note number of a call as the renderer writes it (`a.noteref#noteref-N`)."""
    number = (element.get("id") or "").removeprefix("noteref-")
    return int(number) if element.get("class") == "noteref" and number.isdigit() else None


def _calls(fragment: Fragment) -> list[tuple[int, Node]]:
    found = ((_call_number(a), a) for a in fragment.root.iter("a"))
    return [(number, a) for number, a in found if number is not None]


def inline_notes(texts: dict[int, str]) -> Transform:
    """Replace each call by its note's text (`texts`: number -> the note's HTML)."""

    def inline(fragment: Fragment) -> None:
        for number, call in _calls(fragment):
            fragment.replace(call, _footnote(fragment, number, texts[number]))

    return inline


def _footnote(fragment: Fragment, number: int, html: str) -> Node:
    group = etree.Element("span")
    group.set("class", "footnote-group")
    # The empty anchor marks the call's page; `nowrap` keeps it on the call's line.
    anchor = etree.SubElement(group, "a")
    anchor.set("class", "footnote-call-anchor")
    anchor.set("id", f"noteref-{number}")
    body = fragment.read(html)
    for paragraph in body.iter("p"):  # a footnote is inline: its paragraphs become spans
        paragraph.tag = "span"
        paragraph.set("class", "footnote-para")
    body.tag = "span"
    body.set("class", "footnote")
    body.set("id", f"note-{number}")
    group.append(body)
    return group


def break_at_calls(fixes: Iterable[int | tuple[int, int]]) -> Transform:
    """Start a new page at the line carrying each of these note calls.

    `fixes`: (note number, how many words before the call its line starts, as laid out:
    `words_to_line_start`); a bare number breaks at the call's word. The paragraph is split
    where WeasyPrint broke that line, so its first part ends on a full justified line and the
    rest goes on unindented at the top of the next page, setting the same lines: only a reader
    with a ruler sees the seam. (A split at
    the call's word instead justified the few words before it across the measure.) Where the
    text before the call in its element is shorter than that, the split falls at the call's
    word; with no plain word before the call, before the paragraph (or its heading).
    """

    def breaks(fragment: Fragment) -> None:
        calls = dict(_calls(fragment))
        for fix in fixes:
            number, words = fix if isinstance(fix, tuple) else (fix, 1)
            call = calls.get(number)
            call = _first_of_run(call) if call is not None else None
            paragraph = _paragraph(call) if call is not None else None
            if call is not None and paragraph is not None:
                _split(fragment, paragraph, call, words)

    return breaks


def _first_of_run(call: Node) -> Node:
    """The first call of a run printed together ("relations.13,14": calls joined by
    separators, nothing between them): the text before the run is where a split can fall."""
    while True:
        separator = call.getprevious()
        if separator is None or separator.get("class") != "noteref-separator":
            return call
        previous = separator.getprevious()
        if (separator.tail or "").strip() or previous is None or (previous.tail or "").strip():
            return call
        if _call_number(previous) is None:
            return call
        call = previous


def _heading(paragraph: Node) -> Node | None:
    """The heading `paragraph` follows directly, if any."""
    previous = paragraph.getprevious()
    if previous is not None and previous.tag in ("h2", "h3", "h4", "h5", "h6"):
        return previous
    return None


def _paragraph(call: Node) -> Node | None:
    """The nearest plain `<p>` starting before the call (a split one has a class: passed over).
    For a call in a list item or a table cell that is the paragraph before the list."""
    found = call.xpath("(ancestor::p[not(@*)] | preceding::p[not(@*)])[last()]")
    return found[0] if isinstance(found, list) and found and isinstance(found[0], Node) else None


def _seam(text: str, words: int) -> int:
    """Where in `text` (the text before a call) its printed line starts: the index of the
    space before the `words`-th word from the end; the last space if there are fewer words;
    -1 (before the paragraph) for 0 words."""
    gaps = [m.start() for m in re.finditer(r"\s+(?=\S)", text)]
    if words == 0:
        return -1
    if len(gaps) >= words:
        return gaps[-words]
    return text.rfind(" ")


def _split(fragment: Fragment, paragraph: Node, call: Node, words: int = 1) -> None:
    slot = before(call)
    space = _seam(fragment.text(slot), words)
    if space < 0:  # no plain word before the call: break before the paragraph
        heading = _heading(paragraph)
        if heading is not None:  # or before its heading, not to leave it at the page foot
            heading.set("class", " ".join(filter(None, (heading.get("class"), "footnote-break"))))
            return
        empty = etree.Element("p")
        empty.set("class", "footnote-split")
        empty.tail = "\n"
        paragraph.addprevious(empty)
        paragraph.set("class", "footnote-break footnote-continued")
        return
    head, rest = fragment.spelling(slot).split(space)
    rest = rest.split(1)[1]  # the space itself becomes the seam
    paragraph.set("class", "footnote-split")
    if call.getparent() is paragraph:
        continued = etree.Element("p")
        continued.set("class", "footnote-break footnote-continued")
        fragment.put(slot, head)
        after = fragment.spelling(Slot(paragraph, tail=True))
        fragment.put(Slot(paragraph, tail=True), Spelling.escaped("\n"))
        paragraph.addnext(continued)
        fragment.put(Slot(continued, tail=True), after)
    else:
        # A call outside the paragraph's own text (in a list item, a link, a table cell): the
        # continuation starts at the call's word, after a stray `</p>`, and is closed by the
        # end of the call's parent: the markup the string-based version wrote, which HTML
        # parsers repair into an empty paragraph and a paragraph from the word on. Kept byte
        # for byte (the sample's footnote edition takes this path, for note 36): making it a
        # clean split changes that edition, so it is a change of its own.
        continued = fragment.read('<p class="footnote-break footnote-continued">')[0]
        fragment.put(slot, Spelling((*head.pieces, ("", "</p>"), ("\n", "\n"))))
        fragment.insert(Point(slot, len(fragment.text(slot))), continued)
    for sibling in [call, *call.itersiblings()]:
        continued.append(sibling)
    fragment.put(Slot(continued), rest)


def _leaves(box: Box) -> Iterator[Box]:
    """The boxes under `box` in document order, itself first (a footnote's own box is in the
    page's footnote area by now, not in its call's line)."""
    yield box
    for child in box_children(box):
        yield from _leaves(child)


def _line_text(leaves: Iterable[Box]) -> str:
    return "".join(box_text(b) for b in leaves if is_text_box(b) and not is_generated(b))


def _lines_of_call(document: Document, number: int) -> tuple[list[list[Box]], bool] | None:
    """The lines of the paragraph fragment holding call `number`, up to the call's line (its
    leaves cut at the call), and whether that line ends the paragraph; None if no page shows
    the call."""
    anchor = f"noteref-{number}"
    for index, page in enumerate(document.pages):
        if anchor not in page.anchors:
            continue
        for block in _leaves(page_box(page)):
            lines = [list(_leaves(c)) for c in box_children(block) if is_line_box(c)]
            for row, leaves in enumerate(lines):
                cut = next((i for i, b in enumerate(leaves) if not is_generated(b)
                            and _element_id(b) == anchor), None)
                if cut is not None:
                    last = row == len(lines) - 1 and not _goes_on(document, index + 1, block)
                    return [*lines[:row], leaves[:cut]], last
    return None


def _goes_on(document: Document, index: int, block: Box) -> bool:
    """Whether the paragraph of `block` goes on at the top of page `index`."""
    if index >= len(document.pages):
        return False
    element = box_element(block)
    return any(box_element(b) is element for b in _leaves(page_box(document.pages[index]))
               if is_line_box(b))


def _element_id(box: Box) -> str:
    element = box_element(box)
    return str(element.get("id") or "") if element is not None else ""


HYPHENS = ("-", "\u2010")


def words_to_line_start(document: Document, number: int) -> int | None:
    """How many words before call `number` the lines to move start (the call's own word
    included): the call's line; the line above too where the call's line ends its paragraph
    (else it goes on as a one-line widow); and a line above that opens inside a word
    hyphenated on it. 0: the whole paragraph goes (it opens on this page); None: nothing to
    move (its first lines are on the page before)."""
    found = _lines_of_call(document, number)
    if found is None:
        return None
    lines, last = found
    texts = [_line_text(line).strip() for line in lines]
    moved = 2 if last and len(texts) >= 4 else 1  # two lines stay behind, two go on
    while moved < len(texts) and texts[-moved - 1].endswith(HYPHENS):
        moved += 1  # the word hyphenated across the line end goes on whole
    if moved >= len(texts):
        return 0 if _opens_here(document, lines[0]) else None
    words = sum(len(text.split()) for text in texts[-moved:])
    return words - sum(1 for text in texts[-moved:-1] if text.endswith(HYPHENS))


def _opens_here(document: Document, first_line: list[Box]) -> bool:
    """Whether the paragraph whose first line on its page is `first_line` opens there."""
    element = next((box_element(b) for b in first_line if box_element(b) is not None), None)
    for index, page in enumerate(document.pages):
        if any(b is first_line[0] for b in _leaves(page_box(page))):
            return index == 0 or not any(box_element(b) is element for b in
                                         _leaves(page_box(document.pages[index - 1])))
    return False
