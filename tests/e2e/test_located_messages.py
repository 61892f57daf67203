"""Every refused input is one located line on the command line: exit 1, no traceback, and the
build folder as it was (a previous edition is never touched)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import run_cli

from imprint.book.files import local_asset


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_one_located_line(manuscript: Path, tmp_path: Path, expected: str,
                            command: str = "pdf") -> None:
    out = tmp_path / "build"
    (out / "tiny-report").mkdir(parents=True, exist_ok=True)
    (out / "tiny-report" / "tiny-report.pdf").write_bytes(b"the previous edition")
    before = snapshot(out)
    result = run_cli("--quiet", "--manuscript", str(manuscript), "--build", str(out), command)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [expected]  # one line, and no traceback
    assert snapshot(out) == before


def line_of(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


@pytest.mark.parametrize("command", ["pdf", "epub", "check"])
def test_publication_yaml_not_utf8_is_located_at_the_bad_byte(tmp_path: Path,
                                                              command: str) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    config = manuscript / "publication.yaml"
    config.write_bytes(config.read_bytes().replace(b"Test Press", b"Test Pr\xe9ss"))
    line = line_of(MINIMAL_CONFIG, "publisher:")
    assert_one_located_line(manuscript, tmp_path, f"publication.yaml:{line}: not valid UTF-8: "
                            "byte 0xE9 at column 19; save the file as UTF-8", command)


def test_a_chapter_not_utf8_is_located_at_the_bad_byte(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    chapter = manuscript / "chapters" / "02-second.md"
    # Windows line endings before it: lines are counted as the parser counts them.
    chapter.write_bytes(b"# The Second Chapter {#sec:second}\r\n\r\nCaf\xe9 text.\r\n")
    assert_one_located_line(manuscript, tmp_path, "chapters/02-second.md:3: not valid UTF-8: "
                            "byte 0xE9 at column 4; save the file as UTF-8")


def test_a_chapter_outside_the_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text("# Outside\n", encoding="utf-8")
    config = MINIMAL_CONFIG.replace("chapters/02-second.md", "../outside.md")
    manuscript = write_manuscript(tmp_path / "m", config)
    assert_one_located_line(manuscript, tmp_path, f"publication.yaml:{line_of(config, '../')}: "
                            "chapter file '../outside.md' is outside the manuscript folder")


def test_a_chapter_that_is_a_link_leading_out_says_so(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    (tmp_path / "secret.md").write_text("# Secret\n", encoding="utf-8")
    chapter = manuscript / "chapters" / "02-second.md"
    chapter.unlink()
    chapter.symlink_to(tmp_path / "secret.md")
    line = line_of(MINIMAL_CONFIG, "02-second.md")
    assert_one_located_line(manuscript, tmp_path, f"publication.yaml:{line}: chapter file "
                            "'chapters/02-second.md' is a symbolic link leading out of the "
                            "manuscript folder")


def test_a_chapter_that_is_a_fifo_says_so_and_is_never_opened(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    chapter = manuscript / "chapters" / "02-second.md"
    chapter.unlink()
    os.mkfifo(chapter)  # opening it would block the build forever
    line = line_of(MINIMAL_CONFIG, "02-second.md")
    assert_one_located_line(manuscript, tmp_path, f"publication.yaml:{line}: chapter file "
                            "'chapters/02-second.md' is a FIFO (named pipe), not a regular file")


def test_a_bibliography_that_is_a_link_leading_out_says_so(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text("@book{a, title={A}}\n", encoding="utf-8")
    config = MINIMAL_CONFIG + "bibliography:\n  - references.bib\n"
    manuscript = write_manuscript(tmp_path / "m", config)
    (manuscript / "references.bib").symlink_to(tmp_path / "refs.bib")
    assert_one_located_line(manuscript, tmp_path, f"publication.yaml:{line_of(config, 'refer')}"
                            ": bibliography file 'references.bib' is a symbolic link leading "
                            "out of the manuscript folder")


def test_an_image_that_is_not_a_file_is_refused_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    os.mkfifo(tmp_path / "figures" / "pipe.png")
    (tmp_path / "figures" / "out.png").symlink_to("/etc/hostname")
    assert local_asset(tmp_path, "figures/pipe.png") == (
        None, "image 'figures/pipe.png' is a FIFO (named pipe), not a regular file")
    assert local_asset(tmp_path, "figures/out.png") == (
        None, "image 'figures/out.png' is a symbolic link leading out of the manuscript folder")
    assert local_asset(tmp_path, "figures") == (
        None, "image 'figures' is a folder, not a regular file")
    assert local_asset(tmp_path, "../x.png")[1] == \
        "image '../x.png' points outside the manuscript folder"


ONE_CHAPTER = ONE_CHAPTER_CONFIG


@pytest.mark.parametrize("command", ["pdf", "epub"])
def test_a_corrupt_image_is_a_located_error(tmp_path: Path, command: str) -> None:
    """WeasyPrint would print the figure without its image and exit 0 (issue #15)."""
    chapter = ("# Intro\n\nText.\n\n"
               "![A chart.](figures/chart.png){#fig:chart fig-alt=\"A chart\"}\n")
    manuscript = write_manuscript(tmp_path / "m", ONE_CHAPTER, {"01-intro.md": chapter})
    (manuscript / "figures").mkdir()
    (manuscript / "figures" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    assert_one_located_line(
        manuscript, tmp_path, "chapters/01-intro.md:5: image 'figures/chart.png' is not an "
        "image imprint can read (PNG, JPEG, GIF, WebP or SVG)", command)


def test_a_decompression_bomb_is_a_located_error(tmp_path: Path) -> None:
    from tests.unit.test_images import png_claiming

    chapter = "# Intro\n\nText ![](figures/bomb.png) inline.\n"
    manuscript = write_manuscript(tmp_path / "m", ONE_CHAPTER, {"01-intro.md": chapter})
    (manuscript / "figures").mkdir()
    png_claiming(manuscript / "figures" / "bomb.png", 60000, 60000)
    assert_one_located_line(
        manuscript, tmp_path, "chapters/01-intro.md:3: image 'figures/bomb.png' is 3,600 "
        "megapixels; imprint decodes at most 60 megapixels an image: scale it down")


def test_weasyprints_warning_is_placed_at_its_chapter_line(tmp_path: Path) -> None:
    chapter = "# Intro\n\nPlain text.\n\nSome [red text]{style=\"colr: red\"} here.\n"
    manuscript = write_manuscript(tmp_path / "m", ONE_CHAPTER, {"01-intro.md": chapter})
    result = run_cli("--quiet", "--manuscript", str(manuscript), "--build",
                     str(tmp_path / "b"), "pdf")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "chapters/01-intro.md:5: warning: weasyprint: Ignored `colr: red` at 1:1, unknown "
        "property."]
