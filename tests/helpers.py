"""Running imprint for tests: in-process for speed, as a subprocess where exit codes matter."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader

from imprint.cli import main
from tests.conftest import REPO


def build(kind: str, manuscript: Path, out: Path, *extra: str) -> int:
    return main(["--quiet", "--manuscript", str(manuscript), "--build", str(out), *extra, kind])


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imprint.cli", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600, check=False)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def epub_text(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"EPUB/{name}").decode("utf-8")
