"""Make tracks every input: an edit rebuilds, a no-op build runs nothing."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.conftest import REPO, write_manuscript


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=900, check=False)


def test_touching_a_chapter_rebuilds_and_a_second_run_does_nothing(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    out = tmp_path / "out"
    variables = [f"MANUSCRIPT={manuscript}", f"BUILD={out}"]
    first = make("pdf", *variables)
    assert first.returncode == 0, first.stderr
    pdf = out / "tiny-report.pdf"
    assert pdf.exists()
    assert make("-q", "pdf", *variables).returncode == 0  # up to date: nothing would run
    second = make("pdf", *variables)
    assert "imprint" not in second.stdout and second.returncode == 0
    stamp = pdf.stat().st_mtime
    time.sleep(1.1)
    chapter = manuscript / "chapters" / "02-second.md"
    os.utime(chapter)
    assert make("-q", "pdf", *variables).returncode == 1  # stale after the touch
    third = make("pdf", *variables)
    assert third.returncode == 0 and pdf.stat().st_mtime > stamp



def test_help_lists_the_targets_and_the_variables() -> None:
    result = make("help")
    assert result.returncode == 0
    for word in ("pdf", "epub", "site", "preview", "MANUSCRIPT", "BUILD", "CHAPTER", "PORT"):
        assert word in result.stdout
