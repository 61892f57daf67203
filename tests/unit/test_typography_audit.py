"""The typographic audit on tiny books laid out by the real WeasyPrint: each defect is made on
purpose and found, and the fixes of `typography_fix` mend what they claim to mend."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_manuscript
from weasyprint import CSS, HTML
from weasyprint.document import Document

from imprint.book.model import Publication
from imprint.editions.pdf.typography import audit_typography
from imprint.editions.pdf.typography_fix import fix_rules, typeset
from imprint.pipeline import build_publication

PAGE = """
@page { size: 300px 240px; margin: 20px; }
body { font: 16px/20px monospace; margin: 0; orphans: 1; widows: 1; }
p, h2, div { margin: 0; }
h2 { font-size: 16px; line-height: 20px; break-after: auto; }
.fill { height: 160px; }
.keep { break-inside: avoid; }
.narrow { width: 120px; hyphens: auto; }
.justify { text-align: justify; width: 250px; }
"""
WORDS = "incomprehensibilities " * 12
PROSE = "the cat sat on the mat and then went home to sleep " * 3


def lay(body: str, css: str = "") -> Document:
    html = f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>'
    sheets = [CSS(string=PAGE)] + ([CSS(string=css)] if css else [])
    return HTML(string=html).render(stylesheets=sheets)


def kinds(document: Document) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for defect in audit_typography(document).defects:
        found.setdefault(defect.kind, []).append(defect.page + 1)
    return found


STRANDED = f'<div class="fill"></div><h2>A heading</h2><p class="keep">{PROSE}</p>'


def test_stranded_heading() -> None:
    assert kinds(lay(STRANDED)).get("heading") == [1]


def test_stranded_caption() -> None:
    table = ('<div class="fill"></div><table><caption>Table 1. Things</caption>'
             '<tr class="keep"><td style="height: 120px">cell</td></tr></table>')
    assert kinds(lay(table)).get("caption") == [1]


def test_hyphens_stacked_and_across_a_page_turn() -> None:
    found = kinds(lay(f'<p class="narrow">{WORDS}</p>'))
    assert 1 in found["stacked"] and 1 in found["turn"]


def test_loose_line() -> None:
    loose = ("<p class='justify'>one two three four five six seven eight nine ten "
             "a b supercalifragilisticexp and then some more words to end</p>")
    assert kinds(lay(loose)).get("loose") == [1]


def test_note_call_at_line_start() -> None:
    call = '<p style="width: 96px">mmmmmmmmmmmm <a class="noteref" href="#n">1</a></p>'
    assert kinds(lay(call)).get("call") == [1]


def test_widow_and_orphan() -> None:
    lines = "line " * 4 * 5  # five lines of 20 characters at 16px monospace
    widow = kinds(lay(f'<div style="height: 100px"></div>'
                      f'<p style="width: 200px">{lines}{"x " * 10}</p>'))
    assert widow.get("widow") == [2] and "orphan" not in widow
    orphan = kinds(lay(f'<div style="height: 180px"></div><p style="width: 200px">{lines}</p>'))
    assert orphan.get("orphan") == [1]


def test_hole() -> None:
    hole = f'<p>{PROSE[:40]}</p><p class="keep">{PROSE * 2}</p>'
    assert kinds(lay(hole)).get("hole") == [1]
    forced = f'<p>{PROSE[:40]}</p><p class="keep" style="break-before: page">{PROSE * 2}</p>'
    assert "hole" not in kinds(lay(forced))


def test_clean_page() -> None:
    assert kinds(lay(f"<h2>A heading</h2><p>{PROSE}</p>")) == {}


def _pub(tmp_path: Path) -> Publication:
    return build_publication(write_manuscript(tmp_path / "m"), tmp_path / "cache")


def test_fixes_mend_a_stranded_heading_and_hyphens(tmp_path: Path) -> None:
    body = STRANDED + f'<p class="narrow">{WORDS}</p>'
    first = lay(body)
    assert fix_rules(audit_typography(first))
    laid: list[str] = []

    def relayout(css: str) -> Document:
        laid.append(css)
        return lay(body, css)

    best, report = typeset(_pub(tmp_path), first, lambda d: d, relayout)
    left = dict(report.counts)
    assert left["stranded headings"] == 0 and left["stacks of hyphens"] == 0
    assert left["hyphens across page turns"] == 0
    assert "break-before: page" in laid[0] and "hyphens: manual" in laid[0]
    assert report.fixes >= 2 and best is not first
