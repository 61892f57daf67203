"""The PDF text audit at a page foot: a hard hyphen ending the page's last line above its
footnotes ("The joint-" from "joint-exercise"). PDFium joins a hard hyphen at a line end to the
next line's first character, and at a page foot that is the first footnote's: the page read
"The joint-1. The note." and the audit reported the note missing (issue #14, stress book)."""

from __future__ import annotations

from pathlib import Path

from weasyprint import HTML

from imprint.checks.fidelity_pdf import footnote_area, page_texts
from imprint.checks.fidelity_text import first_mismatch, normalize

# One line of running text, then the note, on a page this small: "joint-exercise" breaks at
# its own hyphen, and "exercise" goes on overleaf.
PAGE = """<html><head><style>
@page { size: 36mm 28mm; margin: 5mm; }
body { font: 10pt serif; orphans: 1; widows: 1; hyphens: manual; }
p { margin: 0; }
.fn { float: footnote; }
.fn::footnote-marker { content: counter(footnote) ". "; }
.fn::footnote-call { content: counter(footnote); vertical-align: super; font-size: 70%; }
</style></head><body>
<p>A.<span class="fn">The note.</span> The joint-exercise programme goes on and on with more
words after it to fill the next page too.</p>
</body></html>"""


def _pages(tmp_path: Path) -> tuple[str, ...]:
    pdf = tmp_path / "foot.pdf"
    HTML(string=PAGE).write_pdf(pdf)
    return page_texts(pdf)


def test_a_hard_hyphen_at_a_page_foot_keeps_the_footnote_on_its_own_line(tmp_path: Path
                                                                           ) -> None:
    pages = _pages(tmp_path)
    first = pages[0]
    assert "The joint-\n" in first, first  # the layout the test is about
    cut = footnote_area(first, [1])
    assert first[cut:] == "1. The note."
    assert first[:cut].rstrip().endswith("The joint-")


def test_the_word_broken_at_its_hyphen_across_the_page_reads_as_written(tmp_path: Path
                                                                         ) -> None:
    pages = _pages(tmp_path)
    body = [text[:footnote_area(text, [1] if i == 0 else [])] for i, text in enumerate(pages)]
    expected = normalize("A.1 The joint-exercise programme goes on and on with more words "
                         "after it to fill the next page too.")
    assert first_mismatch(expected, "\n".join(b.strip() for b in body)) is None


def test_a_hard_hyphen_inside_a_page_still_joins_its_word(tmp_path: Path) -> None:
    """The line break kept after the hyphen compares as nothing: "joint-" + "exercise"."""
    expected = normalize("The joint-exercise programme")
    assert first_mismatch(expected, "The joint-\nexercise programme") is None
