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
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise ImprintError(Diagnostic(None, "the EPUB cover needs pdftoppm (poppler-utils): "
                                      "run `make bootstrap`"))
    document = rendered.document
    with tempfile.TemporaryDirectory() as scratch:
        pdf, png = Path(scratch) / "cover.pdf", Path(scratch) / "cover"
        document.copy([document.pages[0]]).write_pdf(pdf)
        subprocess.run([pdftoppm, "-png", "-r", str(dpi), "-singlefile", str(pdf), str(png)],
                       check=True, capture_output=True, timeout=120)
        return png.with_suffix(".png").read_bytes()
