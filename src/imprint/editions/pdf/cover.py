"""The EPUB's cover image: page 1 of the print layout, the house's typographic cover, as PNG.

WeasyPrint no longer writes rasters, so the one-page PDF goes through poppler's `pdftoppm`
(installed with poppler-utils by `make bootstrap`). Same layout in, same bytes out.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from imprint.book.model import Diagnostic, ImprintError
from imprint.editions.pdf.render import Rendered

DPI = 150  # a US Letter cover becomes 1275 x 1650 pixels: sharp on tablets, about 100 KiB


def cover_png(rendered: Rendered, dpi: int = DPI) -> bytes:
    document = rendered.document
    with tempfile.TemporaryDirectory() as scratch:
        pdf = Path(scratch) / "cover.pdf"
        document.copy([document.pages[0]]).write_pdf(pdf)
        return pdf_cover_png(pdf, dpi)


def pdf_cover_png(pdf: Path, dpi: int = DPI) -> bytes:
    """Page 1 of the PDF at `pdf` as PNG."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ImprintError(Diagnostic(None, "the EPUB cover needs pdftoppm (poppler-utils): "
                                      "run `make bootstrap`"))
    with tempfile.TemporaryDirectory() as scratch:
        png = Path(scratch) / "cover"
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(png)], check=True, capture_output=True, timeout=120)
        return png.with_suffix(".png").read_bytes()
