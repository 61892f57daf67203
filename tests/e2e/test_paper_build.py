"""`paper: letter | a4` in publication.yaml: the sample builds on both (audits on), each page
box the right size, and the measure the same on both."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from tests.conftest import SAMPLE
from tests.helpers import build

from imprint.book.config import load_config
from imprint.book.model import ImprintError

SLUG = "sino-russian-military-alignment"
SIZES = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
MEASURE = 385.2  # 5.35 in: the house measure on either paper


@pytest.fixture(scope="module", params=["letter", "a4"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
          ) -> tuple[str, Path]:
    paper = str(request.param)
    root = tmp_path_factory.mktemp(f"paper-{paper}")
    manuscript = root / "manuscript"
    shutil.copytree(SAMPLE, manuscript)
    config = manuscript / "publication.yaml"
    text = re.sub(r"(?m)^paper:.*\n", "", config.read_text(encoding="utf-8"))
    config.write_text(text + f"paper: {paper}\n", encoding="utf-8")
    assert build("pdf", manuscript, root / "out") == 0  # the fidelity audits run in the build
    return paper, root / "out" / f"{SLUG}/{SLUG}.pdf"


def test_every_page_has_the_paper_size(built: tuple[str, Path]) -> None:
    paper, pdf = built
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            x0, y0, x1, y1 = (float(v) for v in page.MediaBox)
            assert sorted((x1 - x0, y1 - y0)) == pytest.approx(sorted(SIZES[paper]), abs=0.1)


def _widest_lines(pdf: Path, first: int, last: int) -> list[float]:
    """Widths of the widest text lines (justified lines fill the measure) on some pages."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", "-f", str(first), "-l", str(last),
                          str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    widths = [float(x1) - float(x0) for x0, x1 in
              re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', xml)]
    return sorted(widths)[-20:]


def test_the_measure_is_kept(built: tuple[str, Path]) -> None:
    _, pdf = built
    widths = _widest_lines(pdf, 12, 16)  # body pages of running text
    assert widths[0] == pytest.approx(MEASURE, abs=1.5) and widths[-1] <= MEASURE + 1.5


def test_paper_is_checked_with_its_line(tmp_path: Path) -> None:
    manuscript = tmp_path / "manuscript"
    shutil.copytree(SAMPLE, manuscript)
    config = manuscript / "publication.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    config.write_text("\n".join([*lines, "paper: legal"]) + "\n", encoding="utf-8")
    with pytest.raises(ImprintError) as error:
        load_config(manuscript)
    assert f"publication.yaml:{len(lines) + 1}:" in str(error.value)
    assert "'paper' must be one of letter, a4" in str(error.value)
