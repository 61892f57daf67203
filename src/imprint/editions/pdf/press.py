"""The press edition as printers ask for it, made with pikepdf after WeasyPrint's PDF/X-4.

WeasyPrint writes the PDF/X-4 metadata and the TrimBox; it draws in RGB, writes no output
intent without a CSS colour profile, draws crop marks inside the bleed and keeps live links.
Here: a CMYK output intent from Ghostscript's SWOP profile (Debian's `libgs-common`), every
colour converted to CMYK through that profile (neutral greys to black ink only, so text is not
printed in four colours), a 0.125 in BleedBox with the content clipped to it, crop marks in
registration colour in the slug beyond the bleed, and no link annotations.

The profile is the one file the build reads outside the manuscript and the house style: like
the fonts, it is a system resource from a Debian package (installed by `make system-deps`),
fixed by the package's version, so rebuilds stay byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
from PIL import Image, ImageCms

from imprint.book.model import Diagnostic, ImprintError
from imprint.editions.pdf.finish import structure_elements

PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Debian: libgs-common
BLEED = 9.0  # points: 0.125 in, what printers ask for
# press.css sets WeasyPrint's bleed to 0.5 in (36 pt): the bleed plus a slug for the marks.
MARK_FROM, MARK_TO = 12.0, 30.0  # crop marks run this far outside the trim: 3 pt clear of bleed
MARK_WIDTH = 0.25
Box = tuple[float, float, float, float]
Rgb = tuple[float, float, float]
Cmyk = tuple[float, float, float, float]


def cmyk_profile() -> bytes:
    try:
        data = PROFILE.read_bytes()
    except OSError:
        raise ImprintError(Diagnostic(
            None, f"the press edition needs the CMYK profile {PROFILE}: install Debian's "
            "libgs-common (make system-deps)")) from None
    if data[16:20] != b"CMYK":
        raise ImprintError(Diagnostic(None, f"{PROFILE} is not a CMYK profile"))
    return data


@cache
def _transform(profile: bytes) -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                   ImageCms.ImageCmsProfile(io.BytesIO(profile)), "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def to_cmyk(profile: bytes, rgb: Rgb) -> Cmyk:
    """An sRGB colour as the press prints it; a neutral grey in black ink alone."""
    r, g, b = rgb
    if r == g == b:
        return (0.0, 0.0, 0.0, round(1 - r, 4))
    pixel = Image.new("RGB", (1, 1), tuple(round(255 * v) for v in rgb))
    converted = ImageCms.applyTransform(pixel, _transform(profile))
    assert converted is not None  # applyTransform returns None only when converting in place
    values: tuple[int, ...] = converted.getpixel((0, 0))  # type: ignore[assignment]
    c, m, y, k = (round(v / 255, 4) for v in values)
    return (c, m, y, k)


def _convert_stream(pdf: pikepdf.Pdf, stream: Any, convert: Callable[[Rgb], Cmyk]) -> None:
    """Rewrite `rg`/`RG` (DeviceRGB fill and stroke) as `k`/`K` in one content stream."""
    instructions = []
    changed = False
    for instruction in pikepdf.parse_content_stream(stream):
        operands, operator = instruction  # type: ignore[misc]  # an inline image unpacks too
        if str(operator) in ("rg", "RG") and len(operands) == 3:
            operands = [*convert(tuple(float(v) for v in operands))]  # type: ignore[arg-type]
            operator = pikepdf.Operator("k" if str(operator) == "rg" else "K")
            changed = True
        instructions.append((operands, operator))
    if changed:
        data = pikepdf.unparse_content_stream(instructions)
        if isinstance(stream, pikepdf.Page):
            stream.obj.Contents = pdf.make_stream(data)
        else:
            stream.write(data)


def convert_colours(pdf: pikepdf.Pdf, profile: bytes) -> None:
    """Every page and form drawn in CMYK; RGB images tagged sRGB (device-independent)."""
    convert = cache(lambda rgb: to_cmyk(profile, rgb))
    for page in pdf.pages:
        _convert_stream(pdf, page, convert)
    srgb = pdf.make_stream(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
                           N=3)
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        if obj.get("/Subtype") == pikepdf.Name.Form:
            _convert_stream(pdf, obj, convert)
            group = obj.get("/Group")
            if isinstance(group, pikepdf.Dictionary) and group.get("/CS") == pikepdf.Name.DeviceRGB:
                group.CS = pikepdf.Name.DeviceCMYK
        elif obj.get("/Subtype") == pikepdf.Name.Image and obj.get("/ColorSpace") == "/DeviceRGB":
            obj.ColorSpace = pikepdf.Array([pikepdf.Name.ICCBased, srgb])


def add_output_intent(pdf: pikepdf.Pdf, profile: bytes) -> None:
    description = str(ImageCms.getProfileDescription(
        ImageCms.ImageCmsProfile(io.BytesIO(profile)))).strip()
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(description),
        OutputCondition=pikepdf.String(f"{description} (Ghostscript, Debian libgs-common)"),
        Info=pikepdf.String(description),
        DestOutputProfile=pdf.make_stream(profile, N=4))
    pdf.Root.OutputIntents = pikepdf.Array([intent])


def _box(page: pikepdf.Page, name: str) -> Box:
    x0, y0, x1, y1 = (float(v) for v in page.obj[name])
    return (x0, y0, x1, y1)


def _mark_segments(trim: Box) -> list[Box]:
    """Two short lines at each corner, on the trim lines, in the slug outside the bleed."""
    x0, y0, x1, y1 = trim
    segments = []
    for x, out_x in ((x0, -1), (x1, 1)):
        for y, out_y in ((y0, -1), (y1, 1)):
            segments.append((x + out_x * MARK_FROM, y, x + out_x * MARK_TO, y))
            segments.append((x, y + out_y * MARK_FROM, x, y + out_y * MARK_TO))
    return segments


def _frame_page(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """BleedBox 0.125 in round the trim, content clipped to it, crop marks in the slug."""
    x0, y0, x1, y1 = trim = _box(page, "/TrimBox")
    bleed = (x0 - BLEED, y0 - BLEED, x1 + BLEED, y1 + BLEED)
    page.obj.BleedBox = pikepdf.Array(bleed)
    clip = (f"q {bleed[0]:g} {bleed[1]:g} {bleed[2] - bleed[0]:g} {bleed[3] - bleed[1]:g} "
            "re W n\n").encode()
    strokes = "".join(f"{a:g} {b:g} m {c:g} {d:g} l S\n" for a, b, c, d in _mark_segments(trim))
    marks = (f"Q\n/Artifact BMC q /Registration CS 1 SC {MARK_WIDTH:g} w 0 J\n{strokes}Q EMC\n"
             ).encode()
    page.contents_coalesce()
    contents = page.obj.Contents
    contents.write(clip + contents.read_bytes() + b"\n" + marks)


def _registration(pdf: pikepdf.Pdf) -> pikepdf.Array:
    """Registration colour: the marks print on every plate."""
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1],
                              N=1)
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK,
                          pdf.make_indirect(tint)])


def drop_links(pdf: pikepdf.Pdf) -> None:
    """No live links on paper: the annotations go, and with them their tags.

    A tagged link is a /Link element whose kids are its text and an object reference to the
    annotation; the element becomes a /Span and the reference and its parent-tree entry go.
    """
    dropped: set[tuple[int, int]] = set()
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is None:
            continue
        links = [a for a in annots if a.get("/Subtype") == pikepdf.Name.Link]
        dropped |= {a.objgen for a in links}
        kept = [a for a in annots if a.get("/Subtype") != pikepdf.Name.Link]
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj["/Annots"]
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is not None and dropped:
        _untag_links(tree, dropped)


def _untag_links(tree: pikepdf.Object, dropped: set[tuple[int, int]]) -> None:
    parents = pikepdf.NumberTree(tree.ParentTree)
    for node in structure_elements(tree):
        kids = node.get("/K")
        if pikepdf.Name.Link == node.S:
            node.S = pikepdf.Name.Span
        if isinstance(kids, pikepdf.Array):
            kept = [k for k in kids if not _dropped_reference(k, dropped, parents)]
            node.K = pikepdf.Array(kept)
        elif _dropped_reference(kids, dropped, parents):
            node.K = pikepdf.Array([])


def _dropped_reference(kid: Any, dropped: set[tuple[int, int]],
                       parents: pikepdf.NumberTree) -> bool:
    if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR):
        return False
    annot = kid.Obj
    if annot.objgen not in dropped:
        return False
    key = annot.get("/StructParent")
    if key is not None and int(key) in parents:
        del parents[int(key)]
    return True


def stable_document_id(pdf: pikepdf.Pdf, seed: bytes) -> None:
    """WeasyPrint's PDF/X XMP has a random xmpMM:DocumentID; derive it from the content."""
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return
    document_id = uuid.UUID(bytes=hashlib.sha256(seed).digest()[:16])
    xml = re.sub(rb"xmp\.did:[0-9a-fA-F-]{36}", f"xmp.did:{document_id}".encode(),
                 metadata.read_bytes())
    metadata.write(xml)


def finish_press(pdf: pikepdf.Pdf, seed: bytes) -> None:
    """PDF/X-4 as printers ask for it (see the module's note); `seed` derives the XMP id."""
    profile = cmyk_profile()
    add_output_intent(pdf, profile)
    convert_colours(pdf, profile)
    registration = _registration(pdf)
    for page in pdf.pages:
        resources = page.obj.Resources
        if "/ColorSpace" not in resources:
            resources.ColorSpace = pikepdf.Dictionary()
        resources.ColorSpace.Registration = registration
        _frame_page(pdf, page)
    drop_links(pdf)
    stable_document_id(pdf, seed)
