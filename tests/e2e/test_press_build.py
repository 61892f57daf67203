"""The sample's press edition as printers ask for it: PDF/X-4, CMYK output intent, crop marks
in the slug outside the bleed, TrimBox and BleedBox on every page, no live links."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from tests.conftest import SAMPLE
from tests.helpers import build

PRESS = "sino-russian-military-alignment/sino-russian-military-alignment-press.pdf"
DPI = 72  # one pixel per point: boxes map straight to pixels


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("press")
    assert build("pdf", SAMPLE, folder, command_options=("--press",)) == 0
    return folder


@pytest.fixture(scope="module")
def doc(out: Path) -> pikepdf.Pdf:
    return pikepdf.open(out / PRESS)


def box(page: pikepdf.Page, name: str) -> tuple[float, ...]:
    return tuple(float(v) for v in page.obj[name])


def test_cmyk_output_intent(doc: pikepdf.Pdf) -> None:
    (intent,) = doc.Root.OutputIntents
    assert intent.S == pikepdf.Name.GTS_PDFX and intent.Type == pikepdf.Name.OutputIntent
    profile = intent.DestOutputProfile
    assert int(profile.N) == 4
    header = profile.read_bytes()[:128]
    assert header[16:20] == b"CMYK" and header[12:16] == b"prtr"  # colour space, output class
    assert str(intent.OutputConditionIdentifier)


def test_pdf_x4_identification(doc: pikepdf.Pdf) -> None:
    assert doc.pdf_version <= "1.6"
    xmp = doc.Root.Metadata.read_bytes().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert doc.docinfo.get("/Trapped") == pikepdf.Name("/False")
    assert "/PDF/UA" not in xmp and "pdfuaid" not in xmp  # the press edition is PDF/X, not UA


def test_boxes_nest_on_every_page(doc: pikepdf.Pdf) -> None:
    for number, page in enumerate(doc.pages, 1):
        media, bleed, trim = (box(page, n) for n in ("/MediaBox", "/BleedBox", "/TrimBox"))
        assert (trim[2] - trim[0], trim[3] - trim[1]) in ((612, 792), (792, 612)), number
        assert bleed == pytest.approx((trim[0] - 9, trim[1] - 9, trim[2] + 9, trim[3] + 9))
        assert media[0] < bleed[0] and media[1] < bleed[1], number  # a slug beyond the bleed
        assert media[2] > bleed[2] and media[3] > bleed[3], number


def test_no_live_links(doc: pikepdf.Pdf) -> None:
    links = [a for page in doc.pages for a in page.obj.get("/Annots", [])
             if a.get("/Subtype") == pikepdf.Name.Link]
    assert links == []


def _operators(stream: pikepdf.Object | pikepdf.Page) -> set[str]:
    return {str(instruction.operator) for instruction in pikepdf.parse_content_stream(stream)}


def test_everything_is_drawn_in_cmyk(doc: pikepdf.Pdf) -> None:
    used: set[str] = set()
    for page in doc.pages:
        used |= _operators(page)
    forms = [o for o in doc.objects
             if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == pikepdf.Name.Form]
    for form in forms:
        used |= _operators(form)
        group = form.get("/Group")
        assert group is None or group.get("/CS") != pikepdf.Name.DeviceRGB
    assert not used & {"rg", "RG"} and {"k", "K"} <= used


def _render(out: Path, page: int) -> Image.Image:
    prefix = out / f"page{page}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", str(page), "-l", str(page),
                    "-png", "-singlefile", str(out / PRESS), str(prefix)], check=True)
    return Image.open(f"{prefix}.png").convert("L")


def _dark(image: Image.Image, area: tuple[float, float, float, float]) -> int:
    """Dark pixels in `area` (left, top, right, bottom, in pixels from the top left)."""
    region = image.crop(tuple(round(v) for v in area))  # type: ignore[arg-type]
    return sum(region.histogram()[:128])


@pytest.mark.parametrize("number", [3, 11, 20])
def test_crop_marks_sit_in_the_slug_outside_the_bleed(out: Path, doc: pikepdf.Pdf,
                                                      number: int) -> None:
    page = doc.pages[number - 1]
    media, trim = box(page, "/MediaBox"), box(page, "/TrimBox")
    image = _render(out, number)
    left, top = trim[0] - media[0], media[3] - trim[3]  # trim's corner in pixels
    right, bottom = left + trim[2] - trim[0], top + trim[3] - trim[1]
    # The 9 pt bleed band round an inside page is blank: no mark reaches into it.
    bands = [(left - 9, top - 9, right + 9, top), (left - 9, bottom, right + 9, bottom + 9),
             (left - 9, top, left, bottom), (right, top, right + 9, bottom)]
    assert [_dark(image, b) for b in bands] == [0, 0, 0, 0]
    # Each corner has its two marks in the slug, on the trim lines.
    for x, out_x in ((left, -1), (right, 1)):
        for y, out_y in ((top, -1), (bottom, 1)):
            along_x = sorted((x + out_x * 10, x + out_x * 34))
            along_y = sorted((y + out_y * 10, y + out_y * 34))
            assert _dark(image, (along_x[0], y - 1, along_x[1], y + 1)) > 10
            assert _dark(image, (x - 1, along_y[0], x + 1, along_y[1])) > 10


def test_the_cover_bleeds_but_stops_at_the_bleed_box(out: Path, doc: pikepdf.Pdf) -> None:
    page = doc.pages[0]
    media, trim = box(page, "/MediaBox"), box(page, "/TrimBox")
    image = _render(out, 1)
    mid_y = (media[3] - media[1]) / 2
    left = trim[0] - media[0]
    assert _dark(image, (left - 8, mid_y, left - 1, mid_y + 10)) == 70  # the blue runs into it
    assert _dark(image, (2, mid_y, left - 11, mid_y + 10)) == 0  # and is clipped beyond


def test_press_edition_is_byte_reproducible(out: Path, tmp_path: Path) -> None:
    assert build("pdf", SAMPLE, tmp_path, command_options=("--press",)) == 0
    assert (tmp_path / PRESS).read_bytes() == (out / PRESS).read_bytes()
