"""A build whose inputs did not change lays nothing out: it gives the last build's warnings
again and stops (touch-only saves, checkouts); any change, to an input or to the edition
itself, builds again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tests.conftest import write_manuscript
from tests.helpers import output, pdf_text, run_cli

from imprint.uptodate import input_digest

WARNED = "\nSee [the web page](#nowhere).\n"  # a link to no id: one located warning


def build(manuscript: Path, out: Path, *command: str) -> tuple[int, list[str]]:
    result = run_cli("--manuscript", str(manuscript), "--build", str(out), *command)
    return result.returncode, result.stderr.splitlines()


def warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if "warning:" in line]


@pytest.mark.parametrize("command", [("pdf",), ("pdf", "--press"), ("epub",)])
def test_touching_without_changing_lays_nothing_out(tmp_path: Path,
                                                    command: tuple[str, ...]) -> None:
    manuscript, out = write_manuscript(tmp_path / "m"), tmp_path / "out"
    chapter = manuscript / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + WARNED, encoding="utf-8")
    code, first = build(manuscript, out, *command)
    assert code == 0, first
    name = "tiny-report-press.pdf" if "--press" in command else f"tiny-report.{command[0]}"
    target = output(out, name)
    written = target.read_bytes()
    assert warnings(first), first
    time.sleep(1.1)  # file times in whole seconds on some file systems
    os.utime(chapter)
    code, second = build(manuscript, out, *command)
    assert code == 0 and any("is up to date" in line for line in second), second
    assert warnings(second) == warnings(first)  # the same warnings, given again
    assert target.read_bytes() == written and target.stat().st_mtime >= chapter.stat().st_mtime
    code, strict = build(manuscript, out, "--strict", *command)
    assert code == 1 and warnings(strict) == warnings(first)  # --strict still fails on them


def test_a_change_to_an_input_or_to_the_edition_builds_again(tmp_path: Path) -> None:
    manuscript, out = write_manuscript(tmp_path / "m"), tmp_path / "out"
    assert build(manuscript, out, "pdf")[0] == 0
    target = output(out, "tiny-report.pdf")
    target.write_bytes(target.read_bytes() + b"\n")  # an edition changed by hand
    code, lines = build(manuscript, out, "pdf")
    assert code == 0 and not any("up to date" in line for line in lines)
    chapter = manuscript / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more line.\n",
                       encoding="utf-8")
    code, lines = build(manuscript, out, "pdf")
    assert code == 0 and not any("up to date" in line for line in lines)
    assert "One more line." in pdf_text(output(out, "tiny-report.pdf"))


def test_the_digest_follows_no_link_and_opens_no_fifo(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    outside = tmp_path / "secret.txt"
    outside.write_text("one", encoding="utf-8")
    (manuscript / "link.txt").symlink_to(outside)
    os.mkfifo(manuscript / "pipe")  # opening it would block the build forever
    styles = Path(__file__).resolve().parents[2] / "styles"
    before = input_digest(manuscript, styles, ("pdf",))
    outside.write_text("two", encoding="utf-8")
    assert input_digest(manuscript, styles, ("pdf",)) == before  # the outside is not read
    (manuscript / "chapters" / "02-second.md").write_text("# Changed\n", encoding="utf-8")
    assert input_digest(manuscript, styles, ("pdf",)) != before
