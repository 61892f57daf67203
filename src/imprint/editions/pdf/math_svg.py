"""The print edition's math: every MathML formula drawn in place as vector paths.

WeasyPrint has no MathML. ziamath (pure Python, with its own STIX Two Math font) draws the very
MathML the EPUB and the preview carry (`markdown/tex.py` made it from the TeX) as SVG paths, and
the SVG goes inline into the HTML WeasyPrint lays out. So the PDF holds each formula as vector
graphics, with no font to embed and no text for a reader to copy; WeasyPrint tags it as a
Figure whose alternate text is the SVG's <title>, the TeX source.

The drawing is reproducible: paths only (ziamath's SVG 2 mode would define a <symbol> per
glyph, and one HTML document would then repeat their ids), coordinates rounded by ziamath,
nothing random. Its size is in em, so a formula takes the size of the text around it, and
an inline formula's baseline (y = 0 in ziamath's drawing) sits on the line's baseline.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

from lxml import etree

from imprint.book.markup import Fragment
from imprint.book.model import Diagnostic, ImprintError

SVG = "{http://www.w3.org/2000/svg}svg"  # the drawing's tag, as WeasyPrint's parser names it
SIZE = 24.0  # ziamath's units per em; any size will do, as the SVG is scaled to the text's em
MARGIN = 0.5  # units of white around the ink, so antialiasing at the edges is not clipped
PRECISION = 4  # decimals of the em sizes


def math_as_svg(fragment: Fragment) -> None:
    """Replace each <math> of the fragment with its drawing (a tree transform)."""
    for math in list(fragment.root.iter("math")):
        svg = fragment.read(drawing(etree.tostring(math, encoding="unicode")))[0]
        fragment.replace(math, svg)


def has_math(html: str) -> bool:
    """Cheap test first: a book without math is never parsed for it."""
    return "<math" in html


@lru_cache(maxsize=4096)
def drawing(mathml: str) -> str:
    """The SVG of one `<math>` element (as markup), sized in em and set on the baseline."""
    with warnings.catch_warnings():  # ziamath loads its font with a deprecated importlib call
        warnings.simplefilter("ignore", DeprecationWarning)
        from ziamath.config import config  # on first use only: ziamath loads its math font
        from ziamath.zmath import Math
    config.svg2 = False  # paths only: no <symbol> ids to repeat in one document
    tex = etree.fromstring(mathml).get("alttext", "")
    try:
        svg = etree.fromstring(Math(mathml, size=SIZE, title=tex, margin=MARGIN).svg())
    except Exception as error:  # markdown/tex.py refuses what ziamath is known to fail on
        raise ImprintError([Diagnostic(None, f"invalid TeX math '{tex}': it cannot be drawn "
                                             f"for the PDF ({type(error).__name__})")]) from error
    width, height = float(svg.attrib.pop("width")), float(svg.attrib.pop("height"))
    top = float(svg.get("viewBox", "0 0 0 0").split()[1])
    depth = top + height  # how far the drawing reaches below its baseline
    svg.set("class", "math-drawing")
    svg.set("style", f"width: {_em(width)}; height: {_em(height)}; "
                     f"vertical-align: {_em(-depth)}")
    etree.cleanup_namespaces(svg)
    return etree.tostring(svg, encoding="unicode")


def _em(units: float) -> str:
    return f"{round(units / SIZE, PRECISION):g}em"
