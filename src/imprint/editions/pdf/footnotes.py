"""Footnotes for CSS `float: footnote`: each note's text moved to its call in the chapter's
tree, and, for a note WeasyPrint would still print a page late, a page break at its call."""

from __future__ import annotations

from lxml import etree

from imprint.book.markup import Fragment, Node, Point, Slot, Spelling, before
from imprint.editions.html.transform import Transform


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


def break_at_calls(numbers: list[int]) -> Transform:
    """Start a new page at the word carrying each of these note calls.

    The paragraph is split there: its first part keeps a justified last line, the rest goes on
    unindented at the top of the next page, so only a reader with a ruler sees the seam. With
    no plain word before the call, the page breaks before the paragraph.
    """

    def breaks(fragment: Fragment) -> None:
        calls = dict(_calls(fragment))
        for number in numbers:
            call = calls.get(number)
            paragraph = _paragraph(call) if call is not None else None
            if call is not None and paragraph is not None:
                _split(fragment, paragraph, call)

    return breaks


def _paragraph(call: Node) -> Node | None:
    """The nearest plain `<p>` starting before the call (a split one has a class: passed over).
    For a call in a list item or a table cell that is the paragraph before the list."""
    found = call.xpath("(ancestor::p[not(@*)] | preceding::p[not(@*)])[last()]")
    return found[0] if isinstance(found, list) and found and isinstance(found[0], Node) else None


def _split(fragment: Fragment, paragraph: Node, call: Node) -> None:
    slot = before(call)
    space = fragment.text(slot).rfind(" ")
    if space < 0:  # no plain word before the call: break before the paragraph
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
