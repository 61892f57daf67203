"""The sample report's print PDF, asserted on what the PDF really contains."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import page
import pikepdf
import pytest
from pypdf import PdfReader
from tests.conftest import SAMPLE
from tests.helpers import build, pdf_destinations, top_line

from imprint.pipeline import build_publication

SLUG = "sino-russian-military-alignment"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample-pdf")
    assert build("pdf", SAMPLE, folder, "--strict") == 0  # --strict: no warnings either
    assert build("pdf", SAMPLE, folder, command_options=("--press",)) == 0
    return folder


@pytest.fixture(scope="module")
def pdf(out: Path) -> Path:
    return out / f"{SLUG}/{SLUG}.pdf"


@pytest.fixture(scope="module")
def reader(pdf: Path) -> PdfReader:
    return PdfReader(pdf)


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return build_publication(SAMPLE, tmp_path_factory.mktemp("cache"))


def squash(text: str) -> str:
    return " ".join(text.split())


def test_page_count_in_the_brief(reader: PdfReader) -> None:
    assert 35 <= len(reader.pages) <= 60


def test_page_labels_roman_then_arabic_from_the_first_chapter(reader: PdfReader,
                                                               pdf: Path) -> None:
    labels = reader.page_labels
    first_body = pdf_destinations(pdf)["chapter-introduction"]
    assert labels[:4] == ["i", "ii", "iii", "iv"]
    assert labels[first_body] == "1" and labels[first_body - 1] not in ("0", "")
    assert all(not label.isdigit() for label in labels[:first_body])
    assert labels[first_body:] == [str(n) for n in range(1, len(labels) - first_body + 1)]


def test_printed_folios_match_the_labels(reader: PdfReader, pdf: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.split("\f")
    dests = pdf_destinations(pdf)
    body = dests["chapter-introduction"]
    # a front verso, the body; the title and copyright pages carry no folio at all
    # (tests/e2e/test_page_defects_build.py)
    for index in (dests["chapter-executive-summary"] + 1, body, body + 1,
                  len(reader.pages) - 3):
        lines = [ln.strip() for ln in text[index].splitlines() if ln.strip()]
        assert lines[-1].split() == [reader.page_labels[index]], index  # one folio, the label


def contents_entries(reader: PdfReader, pdf: Path) -> list[tuple[str, str]]:
    dests = pdf_destinations(pdf)
    start = dests["contents-title"]
    end = dests["chapter-executive-summary"]
    entries = []
    for index in range(start, end):
        for line in (reader.pages[index].extract_text() or "").splitlines():
            match = re.match(r"^(?:\d\u2003)?(.+?)[\s.]*\.\s*([ivxlc]+|\d+)$", line.strip())
            if match and "Contents" not in line:
                entries.append((match.group(1).strip(" ."), match.group(2)))
    return entries


def test_contents_page_numbers_are_where_the_headings_are(reader: PdfReader, pdf: Path) -> None:
    entries = contents_entries(reader, pdf)
    assert len(entries) >= 25
    labels = reader.page_labels
    for title, label in entries:
        page_text = squash(reader.pages[labels.index(label)].extract_text() or "")
        assert squash(title)[:30] in page_text, (title, label)


def opening_pages(pdf: Path, pub) -> set[int]:  # type: ignore[no-untyped-def]
    dests = pdf_destinations(pdf)
    names = [f"chapter-{c.slug}" for c in pub.chapters] + ["notes", "bibliography"]
    return {dests[name] for name in names if name in dests}


def test_running_heads_present_and_absent_where_they_should_be(
    reader: PdfReader, pdf: Path, pub  # type: ignore[no-untyped-def]
) -> None:
    openings = opening_pages(pdf, pub)
    first_body = pdf_destinations(pdf)["chapter-introduction"]
    short_titles = {c.short_title.upper() for c in pub.chapters} | {"NOTES", "BIBLIOGRAPHY"}
    checked = 0
    for index in range(first_body, len(reader.pages)):
        head = top_line(reader.pages[index])
        text = (reader.pages[index].extract_text() or "").strip()
        if not text:  # a blank page: nothing at all, not even a folio
            assert head == ""
            continue
        if index in openings:
            assert head not in short_titles | {pub.meta.short_title.upper()}, index
            continue
        expected = pub.meta.short_title.upper() if index % 2 else None
        if expected:
            assert head == expected, (index, head)
        else:
            assert head in short_titles, (index, head)
        checked += 1
    assert checked > 30


def test_every_note_present_with_links_both_ways(pdf: Path, pub) -> None:  # type: ignore[no-untyped-def]
    dests = pdf_destinations(pdf)
    numbers = [n.number for c in pub.chapters for n in c.notes]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 80
    for number in numbers:
        assert f"note-{number}" in dests and f"noteref-{number}" in dests
        assert dests[f"note-{number}"] >= dests["notes"]


def test_all_fonts_embedded_and_named_families(pdf: Path) -> None:
    with pikepdf.open(pdf) as doc:
        fonts = {}
        for page_ in doc.pages:
            for font in page_.Resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[str(font.BaseFont)] = embedded
    assert fonts and all(fonts.values()), fonts
    families = {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts}
    assert {"Noto-Serif", "Noto-Sans", "Noto-Serif-CJK-SC"} <= families


def test_chinese_and_russian_text_print(reader: PdfReader, pdf: Path) -> None:
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert "中国的军事战略" in text and "Военная доктрина" in text


def test_press_edition_trim_and_bleed(out: Path) -> None:
    with pikepdf.open(out / f"{SLUG}/{SLUG}-press.pdf") as doc:
        for page_ in doc.pages[:3]:
            media = [float(v) for v in page_.MediaBox]
            trim = [float(v) for v in page_.TrimBox]
            bleed = [float(v) for v in page_.BleedBox]
            assert trim[2] - trim[0] == pytest.approx(612) and trim[3] - trim[1] == pytest.approx(
                792)
            assert trim[0] - bleed[0] == pytest.approx(9)  # 0.125 in = 9 pt of bleed
            assert bleed[2] - trim[2] == pytest.approx(9)
            assert media[0] < bleed[0] and media[2] > bleed[2]  # the slug holds the marks


def test_pdf_ua1_has_no_failures(pdf: Path) -> None:
    report = page.validate_pdf(str(pdf), profile="ua1")
    assert report.rules.failed == 0, [(f.rule_id, f.message) for f in report.failures]
    with pikepdf.open(pdf) as doc:
        assert doc.Root.MarkInfo.Marked and str(doc.Root.Lang) == "en-US"
        assert doc.Root.ViewerPreferences.DisplayDocTitle


def test_byte_identical_rebuild(pdf: Path, tmp_path: Path) -> None:
    assert build("pdf", SAMPLE, tmp_path) == 0
    assert (tmp_path / f"{SLUG}/{SLUG}.pdf").read_bytes() == pdf.read_bytes()


def test_running_heads_and_folios_are_artifacts(pdf: Path) -> None:
    dests = pdf_destinations(pdf)
    with pikepdf.open(pdf) as doc:
        page_ = doc.pages[dests["chapter-introduction"] + 1]
        instructions = pikepdf.parse_content_stream(page_)
        artifacts = [ops for ops, op in instructions
                     if str(op) == "BMC" and ops and ops[0] == pikepdf.Name.Artifact]
        assert len(artifacts) >= 2  # the running head and the folio
        # none of their marked content is left pointing into the structure tree
        tree = pikepdf.NumberTree(doc.Root.StructTreeRoot.ParentTree)
        entries = tree[int(page_.obj.StructParents)]
        assert all(isinstance(e, pikepdf.Dictionary) or e is None for e in entries)


def test_no_more_than_two_hyphenated_lines_in_a_row(pdf: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    run = worst = 0
    for line in text.splitlines():
        run = run + 1 if re.search(r"[a-zа-я]-\s*$", line) else 0
        worst = max(worst, run)
    assert worst <= 2
