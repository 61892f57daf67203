"""Running heads and folios marked as artifacts in the content stream's bytes (finish.py's
fast path) come out as the operator-by-operator rewrite makes them, with everything else in
the stream left byte for byte."""

from __future__ import annotations

import io

import pikepdf
from weasyprint import HTML

from imprint.editions.pdf import finish

PAGES = ('<html lang="en"><head><title>T</title><style>@page { size: 300px 200px;'
         ' @bottom-center { content: "Folio " counter(page); } } p { break-after: page; }'
         '</style></head><body><p>One (<b>bold</b>)</p><p>Two</p></body></html>')


def _tagged() -> pikepdf.Pdf:
    data = HTML(string=PAGES).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return pikepdf.open(io.BytesIO(data))


def _orphans(pdf: pikepdf.Pdf, page: pikepdf.Page) -> set[int]:
    tree = pdf.Root.StructTreeRoot
    entries = pikepdf.NumberTree(tree.ParentTree)[int(page.obj.StructParents)]
    return finish._orphans(entries, finish._reachable(tree))


def test_the_bytes_rewrite_is_the_operators_rewrite() -> None:
    fast, slow = _tagged(), _tagged()
    for fast_page, slow_page in zip(fast.pages, slow.pages, strict=True):
        orphans = _orphans(fast, fast_page)
        assert orphans  # the folio
        before = fast_page.obj.Contents.read_bytes()
        finish._as_artifacts(fast, fast_page, orphans)
        finish._rewrite_operators(slow, slow_page, orphans)
        after = fast_page.obj.Contents.read_bytes()
        assert after.count(b"/Artifact BMC") == len(orphans)
        assert len(before) - len(after) < 40 * len(orphans)  # nothing else re-serialised
        assert pikepdf.unparse_content_stream(pikepdf.parse_content_stream(fast_page)) == \
            pikepdf.unparse_content_stream(pikepdf.parse_content_stream(slow_page))


def test_a_stream_not_written_as_weasyprint_writes_it_is_rewritten_in_full() -> None:
    pdf = _tagged()
    page = pdf.pages[0]
    orphans = _orphans(pdf, page)
    spaced = page.obj.Contents.read_bytes().replace(b"\n<</MCID", b" <</MCID")
    page.obj.Contents = pdf.make_stream(spaced)
    finish._as_artifacts(pdf, page, orphans)
    operators = [str(op) for _, op in pikepdf.parse_content_stream(page)]
    assert operators.count("BMC") == len(orphans)
