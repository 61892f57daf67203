"""The digital edition laid out part by part, in parallel, is the single pass's PDF page for
page (issue #16), and a rebuild lays out only the parts an edit changed.

The sample as published (endnotes) is compared. In footnote mode the parts' typographic fixes
are found part by part, so where the single pass refused a round of fixes that mended one
chapter but not another, the parts keep it: the PDF differs (the sample: 2 loose lines left
against 5, and two pages more), and test_footnote_mode_build.py holds it to the same audits."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from tests.conftest import STYLES
from tests.helpers import build, pdf_destinations, sample_with_notes

from imprint.cli import main
from imprint.editions.pdf.render import render_audited, write_pdf
from imprint.pipeline import build_publication

SLUG = "sino-russian-military-alignment"


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(parts joined, single pass) PDFs of the sample."""
    root = tmp_path_factory.mktemp("chapterwise")
    manuscript = sample_with_notes(root / "manuscript", "endnotes")
    assert build("pdf", manuscript, root / "out") == 0
    pub = build_publication(manuscript, root / "cache", strict=False, styles=STYLES)
    single = root / "single.pdf"
    write_pdf(pub, STYLES, single, rendered=render_audited(pub, STYLES))
    return root / "out" / SLUG / f"{SLUG}.pdf", single


def _page_texts(pdf: Path) -> list[str]:
    """Every page's text as poppler reads it, folios and running heads included."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def test_every_page_prints_what_the_single_pass_prints(both: tuple[Path, Path]) -> None:
    parts, single = both
    joined, whole = _page_texts(parts), _page_texts(single)
    assert len(joined) == len(whole)
    for number, (a, b) in enumerate(zip(joined, whole, strict=True), start=1):
        assert a == b, f"page {number} differs"


def test_labels_anchors_and_outline_are_the_single_pass_ones(both: tuple[Path, Path]) -> None:
    parts, single = both
    assert pdf_destinations(parts) == pdf_destinations(single)
    with pikepdf.open(parts) as a, pikepdf.open(single) as b:
        assert repr(a.Root.PageLabels) == repr(b.Root.PageLabels)
        assert _outline(a) == _outline(b)


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    found: list[tuple[int, str, int]] = []
    with pdf.open_outline() as outline:
        pending = [(0, item) for item in reversed(outline.root)]
        while pending:
            level, item = pending.pop()
            destination = item.destination
            page = destination[0] if isinstance(destination, pikepdf.Array) else None
            found.append((level, item.title, pages.get(page.objgen, -1) if page else -1))
            pending += [(level + 1, child) for child in reversed(item.children)]
    return found


def test_every_internal_link_lands_on_its_anchor(both: tuple[Path, Path]) -> None:
    parts, _ = both
    destinations = pdf_destinations(parts)
    with pikepdf.open(parts) as pdf:
        names = [str(annotation.get("/Dest") or annotation.A.D)
                 for page in pdf.pages for annotation in page.get("/Annots", [])
                 if annotation.get("/Subtype") == "/Link" and "/URI" not in annotation.get(
                     "/A", {})]
    assert len(names) > 400 and all(name in destinations for name in names)


def _built(manuscript: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> int:
    """Build the PDF and return how many parts were laid out (not taken from the cache)."""
    capsys.readouterr()
    assert main(["--manuscript", str(manuscript), "--build", str(out), "pdf"]) == 0
    return len(re.findall(r"laid out .* \(\d+ of \d+ parts\)", capsys.readouterr().err))


def test_an_edit_lays_out_only_what_it_changed(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    manuscript = sample_with_notes(tmp_path / "manuscript", "endnotes")
    out = tmp_path / "out"
    assert _built(manuscript, out, capsys) == 8  # the front matter and 7 parts
    chapter = manuscript / "chapters" / "05-space-cyber.md"
    text = chapter.read_text(encoding="utf-8")
    # A word changed in a paragraph: that part only (its page count is the same).
    chapter.write_text(text.replace(" the ", " the very ", 1), encoding="utf-8")
    assert _built(manuscript, out, capsys) == 1
    # A page more: that part, the parts after it (their folios move) and the contents.
    extra = "\n\n" + "An added paragraph of plain words for the test. " * 200 + "\n"
    chapter.write_text(text + extra, encoding="utf-8")
    # (chapters/05-space-cyber.md; 06-hybrid.md, 07-ukraine.md and the notes; the contents)
    assert _built(manuscript, out, capsys) == 5
    edited = (out / SLUG / f"{SLUG}.pdf").read_bytes()
    # The same as a build from nothing: a part moved is laid out with what it was found to
    # need, and prints as it did.
    assert _built(manuscript, tmp_path / "cold", capsys) == 8
    assert (tmp_path / "cold" / SLUG / f"{SLUG}.pdf").read_bytes() == edited


def test_short_books_laid_out_in_this_process_each_print_their_own_words(
        tmp_path: Path) -> None:
    """A short book's parts are laid out in the build's own process (part_pool.SMALL): one
    book after another there must not reuse the other's part."""
    from tests.fuzz.test_fuzz_editions import write

    for word in ("Lighthouse", "Riverbank"):
        manuscript = write(tmp_path / word, f"# {word}\n\nThe {word} stands.\n".encode(),
                           "endnotes")
        assert build("pdf", manuscript, tmp_path / "out" / word) == 0
        pdf = next(p for p in (tmp_path / "out" / word).rglob("*.pdf")
                   if ".cache" not in p.parts)
        assert f"The {word} stands." in "".join(_page_texts(pdf))
