"""Whole builds of a small manuscript, checked on the real PDF and with the real EPUBCheck."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.conftest import write_manuscript
from tests.helpers import build, epub_text, pdf_pages, run_cli

from imprint.checks.validators import run_epubcheck

DISCLAIMER = "The views expressed here do not necessarily represent those of the Test Foundation."
STATEMENT = "This publication was funded by the Test Foundation."


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("foundation")
    manuscript = write_manuscript(root / "manuscript")
    out = root / "build"
    assert build("pdf", manuscript, out) == 0
    assert build("epub", manuscript, out) == 0
    return {"manuscript": manuscript, "out": out, "pdf": out / "tiny-report/tiny-report.pdf",
            "epub": out / "tiny-report/tiny-report.epub"}


def normalized(text: str) -> str:
    return " ".join(text.split())


def test_pdf_contains_title_and_every_chapter_heading(built: dict[str, Path]) -> None:
    text = normalized(" ".join(pdf_pages(built["pdf"])))
    for needle in ("A Tiny Report", "Introduction", "The Second Chapter", "Background"):
        assert needle in text


def test_disclaimer_exactly_once_on_the_copyright_page(built: dict[str, Path]) -> None:
    pages = [normalized(p) for p in pdf_pages(built["pdf"])]
    holding = [i for i, page in enumerate(pages) if DISCLAIMER in page]
    assert len(holding) == 1 and sum(p.count(DISCLAIMER) for p in pages) == 1
    copyright_page = pages[holding[0]]
    assert STATEMENT in copyright_page and "urn:uuid:" in copyright_page


def test_pdf_is_letter_with_page_numbers(built: dict[str, Path]) -> None:
    reader = PdfReader(built["pdf"])
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    last = normalized(reader.pages[-1].extract_text())
    assert last.split()[-1].isdigit() or last.split()[0].isdigit()


def test_each_chapter_starts_a_new_page(built: dict[str, Path]) -> None:
    pages = [normalized(p) for p in pdf_pages(built["pdf"])]
    intro = next(i for i, p in enumerate(pages) if "first chapter has a footnote" in p)
    second = next(i for i, p in enumerate(pages) if "Text of the second chapter" in p)
    assert second > intro


def test_bookmarks_follow_the_headings(built: dict[str, Path]) -> None:
    reader = PdfReader(built["pdf"])

    def titles(outline: list) -> list[str]:
        found: list[str] = []
        for item in outline:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    marks = titles(reader.outline)
    for heading in ("Introduction", "Background", "The Second Chapter", "Notes"):
        assert any(heading in mark for mark in marks), marks


def test_pdf_metadata(built: dict[str, Path]) -> None:
    reader = PdfReader(built["pdf"])
    info = reader.metadata
    assert info.title == "A Tiny Report"
    assert "Ada Author" in info.author
    assert "testing" in info["/Keywords"]
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


def test_epubcheck_reports_nothing(built: dict[str, Path]) -> None:
    report = run_epubcheck(built["epub"])
    assert report.errors == 0 and report.warnings == 0, report.messages


def test_disclaimer_is_in_the_epub_copyright_page(built: dict[str, Path]) -> None:
    page = epub_text(built["epub"], "copyright.xhtml")
    assert 'epub:type="copyright-page"' in page
    assert DISCLAIMER in page and STATEMENT in page


def test_epub_package_metadata(built: dict[str, Path]) -> None:
    opf = epub_text(built["epub"], "content.opf")
    assert "urn:uuid:00000000-0000-4000-8000-000000000001" in opf
    assert '<meta property="dcterms:modified">2026-01-15T00:00:00Z</meta>' in opf
    assert 'xml:lang="en-US"' in opf or "<dc:language>en-US</dc:language>" in opf
    assert "For Testing" in opf  # the subtitle is in the metadata


def test_rebuilds_are_byte_identical(built: dict[str, Path], tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert build("epub", built["manuscript"], again) == 0
    assert build("pdf", built["manuscript"], again) == 0
    assert (again / "tiny-report/tiny-report.epub").read_bytes() == built["epub"].read_bytes()
    assert (again / "tiny-report/tiny-report.pdf").read_bytes() == built["pdf"].read_bytes()


def test_bad_input_exits_nonzero_with_one_line_and_keeps_the_old_pdf(
    built: dict[str, Path], tmp_path: Path
) -> None:
    manuscript = tmp_path / "m"
    shutil.copytree(built["manuscript"], manuscript)
    out = tmp_path / "out"
    assert build("pdf", manuscript, out) == 0
    before = (out / "tiny-report/tiny-report.pdf").read_bytes()
    chapter = manuscript / "chapters" / "02-second.md"
    chapter.write_text(chapter.read_text() + "\nSee @fig:nowhere.\n")
    result = run_cli("--manuscript", str(manuscript), "--build", str(out), "pdf")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "chapters/02-second.md:7: unknown cross-reference '@fig:nowhere'" in result.stderr
    assert (out / "tiny-report/tiny-report.pdf").read_bytes() == before
    assert not [p for p in (out / "tiny-report").iterdir() if p.name.endswith(".part")]


def test_raw_html_is_refused_with_its_line(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m", chapters={
        "01-intro.md": "# Intro\n\nText.\n\n<script>alert(1)</script>\n",
        "02-second.md": "# Second\n\nA <b>bold</b> claim.\n"})
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path / "b"), "check")
    assert result.returncode == 1
    assert "chapters/01-intro.md:5: raw HTML <script> is not allowed; use Markdown" in result.stderr
    assert "chapters/02-second.md:3: raw HTML <b> is not allowed; use Markdown" in result.stderr


def test_config_errors_exit_1_without_traceback(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m")
    config = manuscript / "publication.yaml"
    config.write_text(config.read_text().replace("title: A Tiny Report", "titel: A Tiny Report"))
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path / "b"), "pdf")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "publication.yaml:2: unknown key 'titel'" in result.stderr
    assert not (tmp_path / "b" / "tiny-report/tiny-report.pdf").exists()


def test_funding_text_lives_only_in_publication_yaml() -> None:
    from tests.conftest import REPO, SAMPLE

    from imprint.book.config import load_config

    funding = load_config(SAMPLE).funding
    for folder in (REPO / "styles", REPO / "src"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (".py", ".j2", ".css", ".html"):
                text = path.read_text(encoding="utf-8")
                assert funding.disclaimer not in text and "do not necessarily represent" not in text
                assert funding.statement not in text, path
