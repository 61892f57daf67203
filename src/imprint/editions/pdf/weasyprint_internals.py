"""Every use of WeasyPrint beyond its public API, in one place.

WeasyPrint's public API is what its root package exports (`HTML`, `CSS`, `Document`, `Page`,
`URLFetcher`, ...) and the documented `weasyprint.document.Document`: pages, their anchors,
`copy` and `write_pdf`. It says nothing about where a page's text came from, and reports a
missing glyph only as a log line. Two things here therefore read what WeasyPrint does not
promise to keep:

- the laid-out box tree (`Page._page_box` and the classes and attributes of
  `weasyprint.formatting_structure.boxes`), which the EPUB's page list replays to find the
  character each printed page begins with (`pagemap.page_map`);
- the text of the ".notdef glyph rendered" warning, which the glyph audit parses
  (`audit.audit_glyphs`).

Callers use only the small functions below, so a new WeasyPrint breaks this module alone, and
`tests/unit/test_library_contracts.py` checks each of them against the installed version and
names the function to fix. That is why pyproject.toml pins `weasyprint>=70,<71`: raise the pin
only with that test green.
"""

from __future__ import annotations

import re
from typing import Any

import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF writer, pinned with it
from weasyprint import Page
from weasyprint.formatting_structure import boxes

# A node of WeasyPrint's layout (`boxes.Box`). The tree has no public type, so callers only
# pass boxes back to the functions below.
Box = Any


def page_box(page: Page) -> Box:
    """The root of one page's laid-out box tree.

    Needs: `Page._page_box`, the `boxes.PageBox` a public `Page` wraps. The public `Page` gives
    only anchors, links and bookmarks, none of which say which character starts the page.
    """
    return page._page_box


def box_children(box: Box) -> list[Box] | tuple[Box, ...]:
    """A box's child boxes in document order; empty for a box that holds none.

    Needs: `Box.children` (a list or tuple; text boxes hold none), undocumented.
    """
    return getattr(box, "children", None) or []


def is_page_furniture(box: Box) -> bool:
    """Whether the box is outside the page's flow: a margin box (running heads, folios) or the
    footnote area, whose text is not the text the page begins with.

    Needs: the classes `boxes.MarginBox` and `boxes.FootnoteAreaBox`, undocumented.
    """
    return isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox))


def is_generated(box: Box) -> bool:
    """Whether the box holds generated content (`::before`, `::after`, `::marker`, ...),
    text that is in the layout but not in the document.

    Needs: `Box.element_tag`, which WeasyPrint sets to "tag::pseudo" for pseudo-elements and
    to None for boxes of no element (pages, margins), undocumented.
    """
    return "::" in (box.element_tag or "")


def pseudo_element(box: Box) -> str:
    """The pseudo-element a generated box was made for ("before", "footnote-call", ...), or ""
    for a box of document content.

    Needs: `Box.element_tag`, "tag::pseudo" for pseudo-elements (see `is_generated`).
    """
    return (box.element_tag or "").partition("::")[2]


def box_element(box: Box) -> Any:
    """The element of the HTML document the box was made for (an
    `xml.etree.ElementTree.Element`), or None for boxes of no element (pages, margins).

    Needs: `Box.element`, the very element object of WeasyPrint's parsed tree (the page map
    keys its counts on the element's identity), undocumented. Typed Any, as the page map
    knows from the kind of box when it is None.
    """
    return box.element


def is_text_box(box: Box) -> bool:
    """Whether the box is a run of laid-out text. Needs: `boxes.TextBox`, undocumented."""
    return isinstance(box, boxes.TextBox)


def is_replaced_box(box: Box) -> bool:
    """Whether the box is a replaced element (an image). Needs: `boxes.ReplacedBox`,
    undocumented."""
    return isinstance(box, boxes.ReplacedBox)


def box_text(box: Box) -> str:
    """A text box's text as laid out: after text-transform, with soft hyphens removed and an
    inserted hyphen at a hyphenated line end. Needs: `TextBox.text`, undocumented."""
    text: str = box.text
    return text


def hyphenate_character(box: Box) -> Any:
    """The hyphen WeasyPrint appends when it hyphenates this box's line (a string, normally).

    Needs: `Box.style`, the computed style mapping, keyed by the property name with
    underscores (`hyphenate_character`), undocumented.
    """
    return box.style["hyphenate_character"]


def is_line_box(box: Box) -> bool:
    """Whether the box is one laid-out line of a block's text (what the typographic audit
    counts). Needs: `boxes.LineBox`, undocumented."""
    return isinstance(box, boxes.LineBox)


def is_footnote_area(box: Box) -> bool:
    """Whether the box is the page's footnote area, which takes its share of the page.
    Needs: `boxes.FootnoteAreaBox`, undocumented."""
    return isinstance(box, boxes.FootnoteAreaBox)


def box_extent(box: Box) -> tuple[float, float]:
    """Top and bottom of the box's margin area on its page, in CSS px from the page's top.

    Needs: `Box.position_y` and `Box.margin_height()`, undocumented.
    """
    top = float(box.position_y)
    return top, top + float(box.margin_height())


def page_area(page: Box) -> tuple[float, float]:
    """Top and bottom of a page box's content area (inside the page margins), in CSS px.

    Needs: `PageBox.content_box_y()` and `PageBox.height` (the content area's height once
    laid out), undocumented.
    """
    top = float(page.content_box_y())
    return top, top + float(page.height)


def justification_spacing(box: Box) -> float:
    """The width justification added to each space of a text box (0 when not justified).

    Needs: `TextBox.justification_spacing`, set by `layout.inline.add_word_spacing`,
    undocumented.
    """
    return float(getattr(box, "justification_spacing", 0) or 0)


def computed_style(box: Box, name: str) -> Any:
    """A computed CSS property of the box, by its name with underscores (`break_before`,
    `font_size` in px, `text_align_all`, `word_spacing`).

    Needs: `Box.style`, the computed style mapping, undocumented.
    """
    return box.style[name]


# WeasyPrint's only report of a character no font has is this warning, logged while the PDF is
# drawn on the logger named "weasyprint" (documented) in a wording that is not (WeasyPrint 70:
# draw/text.py, '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)').
# `render.write_pdf` drops these messages from the warnings it reports, as the glyph audit
# turns them into errors.
NOTDEF = re.compile(r"\.notdef glyph rendered .*\(U\+([0-9A-F]{4,6})\)")


def notdef_code_point(message: str) -> int | None:
    """The code point of the character a ".notdef glyph rendered" warning is about, or None
    for any other message. Needs: the warning's wording (above), undocumented."""
    match = NOTDEF.search(message)
    return int(match.group(1), 16) if match else None


def tag_structure_languages() -> None:
    """Give each structure element made for an HTML element with `lang` that language (`/Lang`),
    so a screen reader reads a Chinese or Russian title in its own language (PDF/UA-1 7.2;
    WCAG 3.1.2). WeasyPrint 70 tags the document's language in the catalog only. Idempotent.

    Needs: `weasyprint.pdf.tags._build_box_tree(box, parent, pdf, page_number, nums,
    annotations, tags)`, a generator that yields the structure elements (pydyf dictionaries
    with `/P` set to `parent.reference`) it made for `box`, or for its children when `box` is
    the page, `html` or `body`; it calls itself through the module global for child boxes.
    """
    from weasyprint.pdf import tags

    if getattr(tags._build_box_tree, "imprint_languages", False):
        return
    original = tags._build_box_tree

    def build(box: Box, parent: Any, *args: Any) -> Any:
        lang = _own_language(box)
        for element in original(box, parent, *args):
            if lang and element.get("P") == parent.reference and "Lang" not in element:
                element["Lang"] = pydyf.String(lang)
            yield element

    build.imprint_languages = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


def _own_language(box: Box) -> str:
    """The `lang` of the element `box` was made for; "" for the page, `html` and `body`
    (whose language is the document's) and for boxes of no element."""
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", None) in ("html", "body"):
        return ""
    lang = element.get("lang") or element.get("{http://www.w3.org/XML/1998/namespace}lang")
    return str(lang or "")


def counter_styles() -> Any:
    """A store of `@counter-style` rules that several stylesheets and the render share, so a
    counter style one sheet defines (the footnotes' markers) applies to the whole book.

    Needs: `weasyprint.css.counters.CounterStyle`, which `CSS(counter_style=…)` and
    `HTML.render(counter_style=…)` take (documented parameters of an undocumented class).
    """
    from weasyprint.css.counters import CounterStyle

    return CounterStyle()


# The layout context of the latest render in this process, kept by `keep_layout_context`'s
# hook so a part's folios can be set after its layout (parts.py), and the shift it applies.
_MARGINS: dict[str, Any] = {"context": None, "shift": 0}


def keep_layout_context() -> None:
    """Have every render keep its layout context, and draw page counters shifted by
    `_MARGINS["shift"]`, so `shift_folios` can make a laid-out part's margin boxes again once
    the parts before it say where its folios start. Idempotent.

    Needs: `weasyprint.layout.make_margin_boxes(context, page, state)`, looked up as a module
    global by `layout_document` after the pages are laid out; `state[1]` is the page's counter
    values (a dict of lists) and `context.page_maker[i][3]` page i's state (1-based i).
    """
    from weasyprint import layout

    if getattr(layout.make_margin_boxes, "imprint_folios", False):
        return
    original = layout.make_margin_boxes

    def margin_boxes(context: Any, page: Box, state: Any) -> Any:
        _MARGINS["context"] = context
        shift = _MARGINS["shift"]
        if shift and "page" in state[1]:
            values = {**state[1], "page": [value + shift for value in state[1]["page"]]}
            state = (state[0], values, *state[2:])
        return original(context, page, state)

    margin_boxes.imprint_folios = True  # type: ignore[attr-defined]
    layout.make_margin_boxes = margin_boxes


def last_layout_context() -> Any:
    """The layout context of the latest render (`keep_layout_context` must be on), handed
    over: it is not kept here, as it holds that render's whole layout."""
    context, _MARGINS["context"] = _MARGINS["context"], None
    return context


def shift_folios(pages: list[Page], context: Any, shift: int) -> None:
    """Make the margin boxes of `pages` (one render's, with its `context`) again with every
    page counter `shift` higher: the folios of a part laid out alone, moved to where the
    book's folios put it. Nothing in the page's flow moves.

    Needs: `keep_layout_context`; `PageBox.children` (the flow's root, the footnote and note
    areas, then the margin boxes); `context.current_page`, the 1-based page `string()` is
    read for; `weasyprint.layout.background.layout_backgrounds(page, get_image_from_uri)`.
    """
    from weasyprint import layout
    from weasyprint.layout.background import layout_backgrounds

    _MARGINS["shift"] = shift
    try:
        for index, page in enumerate(pages):
            box = page._page_box
            flow = tuple(b for b in box.children if not isinstance(b, boxes.MarginBox))
            context.current_page = index + 1
            state = context.page_maker[index + 1][3]
            box.children = (*flow, *layout.make_margin_boxes(context, box, state))
            layout_backgrounds(box, context.get_image_from_uri)
    finally:
        _MARGINS["shift"] = 0


def seed_targets(pages: dict[str, int]) -> Any:
    """A context manager: while it is open, a render resolves `target-counter(…, page)` for
    each anchor in `pages` (its page counter value) though the anchor is in another part of
    the book, laid out elsewhere (the contents' page numbers).

    Needs: `weasyprint.document.TargetCollector` (instantiated by name once per render) and
    `weasyprint.css.targets.TargetLookupItem` with `state`, `target_box` (whose
    `cached_counter_values` `target-counter()` reads) and `cached_page_counter_values`.
    """
    from contextlib import contextmanager
    from types import SimpleNamespace

    from weasyprint import document
    from weasyprint.css.targets import TargetCollector, TargetLookupItem

    class Seeded(TargetCollector):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            for name, value in pages.items():
                item = TargetLookupItem("up-to-date")
                item.target_box = SimpleNamespace(cached_counter_values={"page": [value]})
                item.cached_page_counter_values = {"page": [value]}
                self.target_lookup_items[name] = item

    @contextmanager
    def seeded() -> Any:
        document.TargetCollector = Seeded
        try:
            yield
        finally:
            document.TargetCollector = TargetCollector

    return seeded()
