"""The sample in footnote mode at the endnote edition's standard: PDF/UA list items, page
breaks for late notes at a line start (no stretched seam line, no widow, no stranded
heading), footnote numbers that hang; and the list-item rule in endnote mode too."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import page
import pikepdf
import pytest
from tests.conftest import STYLES
from tests.helpers import build, sample_with_notes

from imprint.editions.pdf.render import Rendered, render_audited
from imprint.editions.pdf.typography import audit_typography
from imprint.pipeline import build_publication

PDF = "sino-russian-military-alignment/sino-russian-military-alignment.pdf"


def _manuscript(root: Path, notes: str) -> Path:
    return sample_with_notes(root / "manuscript", notes)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both note modes of the sample, built through the CLI with the audits on."""
    out = {}
    for notes in ("footnotes", "endnotes"):
        root = tmp_path_factory.mktemp(notes)
        assert build("pdf", _manuscript(root, notes), root / "out") == 0
        out[notes] = root / "out" / PDF
    return out


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The footnote edition's final layout (notes placed, typographic fixes applied)."""
    root = tmp_path_factory.mktemp("footnote-layout")
    pub = build_publication(_manuscript(root, "footnotes"), root / "cache", strict=False,
                            styles=STYLES)
    return render_audited(pub, STYLES)


def _list_items_with_strays(pdf: Path) -> list[str]:
    """/LI elements with a kid other than /Lbl or /LBody (PDF/UA-1, PDFUA1-LI-KIDS-001)."""
    strays: list[str] = []
    with pikepdf.open(pdf) as doc:
        pending: list[object] = [doc.Root.StructTreeRoot.get("/K")]
        while pending:
            node = pending.pop()
            if isinstance(node, pikepdf.Array):
                pending.extend(node)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kids = node.get("/K")
                kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
                if node.S == pikepdf.Name.LI:
                    strays += [repr(k)[:60] for k in kids if not (
                        isinstance(k, pikepdf.Dictionary) and k.get("/S") in ("/Lbl", "/LBody"))]
                pending.extend(kids)
    return strays


@pytest.mark.parametrize("notes", ["footnotes", "endnotes"])
def test_list_items_hold_only_a_label_and_a_body(built: dict[str, Path], notes: str) -> None:
    assert _list_items_with_strays(built[notes]) == []
    report = page.validate_pdf(str(built[notes]), profile="ua1")
    assert not [f for f in report.failures if f.rule_id == "PDFUA1-LI-KIDS-001"]


def test_late_notes_break_the_page_at_a_line_start(laid_out: Rendered) -> None:
    """A paragraph split for a note ends on a full line (a split at the call's word justified
    the few words before it to 8 em gaps), leaves no widow and strands no heading."""
    html = laid_out.html
    assert html.count('class="footnote-split"') >= 3  # the sample needs several such breaks
    audit = audit_typography(laid_out.document)
    split = [d for d in audit.defects
             if "footnote-split" in str(d.element.get("class") or "")]
    assert split == []
    assert audit.count("widow") == 0 and audit.count("heading") == 0


def _words(pdf: Path, number: int) -> list[tuple[float, float, str]]:
    """(x, y, word) on the page where footnote `number`'s number is printed."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>'
    for page_xml in xml.split("<page ")[1:]:
        words = [(float(x), float(y), w) for x, y, w in re.findall(pattern, page_xml)]
        if any(w == f"{number}." for _, _, w in words) and any(w == "Korolev," for *_, w in words):
            return words
    raise AssertionError(f"no page shows footnote {number}")


def test_footnote_numbers_hang(built: dict[str, Path]) -> None:
    """Note 8 ("See Alexander Lukin, …" turning over to "Korolev, …"): its first line's text
    starts where its turnover does, the number in the indent before it."""
    words = _words(built["footnotes"], 8)
    number = next((x, y) for x, y, w in words if w == "8.")
    first = min((x for x, y, w in words if abs(y - number[1]) < 1 and x > number[0]))
    turnover = next(x for x, _, w in words if w == "Korolev,")
    assert first == pytest.approx(turnover, abs=0.5)
    assert number[0] < turnover - 5
