"""Whether a figure can be read on a phone, and how wide a page of its own must draw it.

The rule. The EPUB is read on screens down to READING_WIDTH (360 CSS px), where a figure in
the running text is at most as wide as the screen (`max-width: 100%`; a reading system's
margins only make it narrower, so the rule errs towards legible):
- an SVG draws its text at its font size × (the figure's width on screen / the SVG's width in
  user units). When the smallest text would show under LEGIBLE (12 CSS px), the figure gets a
  page of its own drawing it as wide as brings that text to 12 px;
- a raster image has no text to measure: one more than RASTER_DENSITY times as many pixels
  wide as the figure is on screen holds detail a 360 px screen cannot show even at two device
  pixels per CSS px, so its page draws it at that density (its pixel width / 2, in CSS px).
An author's `{width=50%}` makes the figure that share of the screen. Font sizes are read from
`font-size` attributes and `style` declarations (inherited, with px, pt, em, % and the
keywords); what an SVG's own `<style>` sheet or a `transform` does to them is not seen.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, UnidentifiedImageError

READING_WIDTH = 360  # CSS px: the narrowest common phone screen
LEGIBLE = 12.0  # CSS px: the smallest text a reader should have to read
RASTER_DENSITY = 2  # device pixels per CSS px a phone shows an image at
DEFAULT_FONT = 16.0  # CSS px: `medium`, the size an SVG's text has when nothing sets one
DEFAULT_WIDTH = 300.0  # CSS px: a replaced element's width when nothing gives one
SVG = "{http://www.w3.org/2000/svg}"
TEXT_TAGS = frozenset({f"{SVG}text", f"{SVG}tspan", f"{SVG}textPath"})
UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54,
         "mm": 96 / 25.4, "q": 96 / 101.6}
KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0,
            "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}
LENGTH = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z%]*)\s*$", re.I)
FONT_SIZE = re.compile(r"(?:^|;)\s*font-size\s*:\s*([^;]+)", re.I)
STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*([\d.]+)%", re.I)
# The manuscript's files are the author's, so the parser refuses network and entities.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


@dataclass(frozen=True)
class SvgText:
    """What decides an SVG's legibility: its smallest text and its width, in user units."""

    smallest: float  # font size of its smallest text
    width: float  # user units across (the viewBox's width)
    intrinsic: float | None  # its own width in CSS px, when it sets an absolute one


@dataclass(frozen=True)
class Zoom:
    """A figure too fine for a phone, and the width its own page draws it at."""

    width: int  # CSS px
    text_px: float | None  # its smallest text in the running text at 360 px; None: raster
    page_text_px: float | None  # the same text on its own page


def figure_zoom(path: Path, share: float = 1.0) -> Zoom | None:
    """The zoom the figure at `path` needs, shown at `share` of the screen; None when it is
    legible as it is (or cannot be read: the image checks report that)."""
    try:
        if path.suffix.lower() == ".svg":
            return svg_zoom(path.read_bytes(), share)
        with Image.open(path) as image:
            return raster_zoom(image.size[0], share)
    except (OSError, UnidentifiedImageError, etree.XMLSyntaxError, ValueError):
        return None


def svg_zoom(data: bytes, share: float = 1.0) -> Zoom | None:
    text = svg_text(data)
    if text is None:
        return None  # no text: nothing to read
    shown = min(READING_WIDTH * share, text.intrinsic or math.inf)
    text_px = text.smallest * shown / text.width
    if text_px >= LEGIBLE:
        return None
    width = math.ceil(text.width * LEGIBLE / text.smallest)
    return Zoom(width, round(text_px, 2), round(text.smallest * width / text.width, 2))


def raster_zoom(pixels: int, share: float = 1.0) -> Zoom | None:
    if pixels <= RASTER_DENSITY * READING_WIDTH * share:
        return None
    return Zoom(math.ceil(pixels / RASTER_DENSITY), None, None)


def svg_text(data: bytes) -> SvgText | None:
    """The SVG's smallest text and width; None when it has no text."""
    root = etree.fromstring(data, PARSER)
    sizes = list(_text_sizes(root, DEFAULT_FONT))
    if not sizes or root.tag != f"{SVG}svg":
        return None
    intrinsic = _absolute(root.get("width"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    width = float(box[2]) if len(box) == 4 else intrinsic or DEFAULT_WIDTH
    if width <= 0:
        return None
    return SvgText(min(sizes), width, intrinsic)


def _text_sizes(element: etree._Element, inherited: float) -> list[float]:
    """The font size of each text element that has characters of its own, in document order."""
    size = _declared(element, inherited)
    found = []
    if element.tag in TEXT_TAGS and _own_text(element):
        found.append(size)
    for child in element:
        if isinstance(child.tag, str):
            found += _text_sizes(child, size)
    return found


def _own_text(element: etree._Element) -> bool:
    return bool((element.text or "").strip() or any((c.tail or "").strip() for c in element))


def _declared(element: etree._Element, inherited: float) -> float:
    """The element's font size: its `style` wins over its attribute, as in CSS."""
    styled = FONT_SIZE.search(element.get("style") or "")
    value = styled.group(1) if styled else element.get("font-size")
    return inherited if value is None else font_size(value, inherited)


def font_size(value: str, parent: float) -> float:
    """A CSS font-size in px; `parent` is the inherited size (em and % refer to it)."""
    value = value.strip().lower().removesuffix("!important").strip()
    relative = {"smaller": parent / 1.2, "larger": parent * 1.2}
    if value in KEYWORDS or value in relative:
        return KEYWORDS.get(value) or relative[value]
    match = LENGTH.match(value)
    if match is None:
        return parent  # inherit, calc(), … : not resolved, the parent's size stands
    number, unit = float(match.group(1)), match.group(2).lower()
    scale = {"em": parent, "%": parent / 100, "rem": DEFAULT_FONT, "ex": parent / 2}.get(unit)
    if scale is None:
        scale = UNITS.get(unit, 0.0)
    return number * scale if number > 0 and scale > 0 else parent


def _absolute(value: str | None) -> float | None:
    """An absolute length in CSS px; None for a percentage, `auto` or nothing."""
    match = LENGTH.match(value or "")
    if match is None or match.group(2).lower() not in UNITS:
        return None
    px = float(match.group(1)) * UNITS[match.group(2).lower()]
    return px if px > 0 else None


def share_of_screen(style: str | None) -> float:
    """The share of the screen an author's `style="width:50%"` gives a figure (1 without)."""
    match = STYLE_WIDTH.search(style or "")
    percent = float(match.group(1)) if match else 100.0
    return min(percent, 100.0) / 100 if percent > 0 else 1.0
