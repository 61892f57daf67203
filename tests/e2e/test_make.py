"""Make tracks every input: an edit rebuilds, a no-op build runs nothing."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.conftest import REPO, write_manuscript
from tests.helpers import run_cli


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, text=True,
                          capture_output=True, timeout=900, check=False)


def test_touching_a_chapter_rebuilds_and_a_second_run_does_nothing(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    out = tmp_path / "out"
    variables = [f"MANUSCRIPT={manuscript}", f"BUILD={out}"]
    first = make("pdf", *variables)
    assert first.returncode == 0, first.stderr
    pdf = out / "tiny-report/tiny-report.pdf"
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


def test_a_new_report_in_a_path_with_spaces_builds_and_cleans_only_itself(tmp_path: Path) -> None:
    folder = tmp_path / "Policy Reports 2026"
    report, out = folder / "arctic report", folder / "build output"
    assert run_cli("new", str(report)).returncode == 0
    other = write_manuscript(tmp_path / "other")  # a second book sharing the build folder
    mine = [f"MANUSCRIPT={report}", f"BUILD={out}"]
    built = make("pdf", *mine)
    assert built.returncode == 0, built.stderr
    pdf = out / "arctic-report" / "arctic-report.pdf"
    assert pdf.stat().st_size > 10_000
    assert make("-q", "pdf", *mine).returncode == 0  # every input found, spaces and all
    time.sleep(1.1)  # file times in whole seconds on some file systems
    os.utime(next((report / "chapters").glob("*.md")))
    assert make("-q", "pdf", *mine).returncode == 1
    site = make("site", *mine)  # the press PDF, the EPUB and the site, all under the space
    assert site.returncode == 0, site.stderr
    assert (out / "arctic-report" / "site" / "downloads" / "arctic-report.epub").is_file()
    assert make("pdf", f"MANUSCRIPT={other}", f"BUILD={out}").returncode == 0
    cleaned = make("clean", *mine)
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (out / "arctic-report").exists()
    assert (out / "tiny-report" / "tiny-report.pdf").is_file()  # the other book's stays


def test_help_lists_the_targets_and_the_variables() -> None:
    result = make("help")
    assert result.returncode == 0
    for word in ("pdf", "epub", "site", "preview", "MANUSCRIPT", "BUILD", "CHAPTER", "PORT"):
        assert word in result.stdout
