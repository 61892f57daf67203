"""A warm `imprint epub` (the print layout cached) never loads the layout engine: importing
WeasyPrint and pikepdf was half of the EPUB build's time over pandoc's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import write_manuscript
from tests.helpers import build, output

PROBE = """
import sys
from imprint.cli import main
code = main(["--quiet", "--manuscript", sys.argv[1], "--build", sys.argv[2], "epub"])
print(code, *sorted(m for m in ("weasyprint", "pikepdf", "pypdfium2") if m in sys.modules))
"""


def loaded(manuscript: Path, out: Path) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, str(manuscript), str(out)], text=True,
                          capture_output=True, check=True, timeout=600).stdout.strip()


def test_a_warm_epub_build_imports_no_layout_engine(tmp_path: Path) -> None:
    manuscript, out = write_manuscript(tmp_path / "m"), tmp_path / "out"
    assert loaded(manuscript, out) == "0 pikepdf weasyprint"  # cold: lays the book out
    output(out, "tiny-report.epub").unlink()  # built again, not found up to date (uptodate.py)
    assert loaded(manuscript, out) == "0"  # warm: the cached page map serves
    assert build("pdf", manuscript, out) == 0  # the PDF build stores the same layout
    assert loaded(manuscript, out) == "0"  # found up to date: nothing but the digest runs
    chapter = manuscript / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    assert loaded(manuscript, out).startswith("0 pikepdf")  # an edit lays out again
    assert output(out, "tiny-report.epub").is_file()
