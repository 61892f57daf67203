"""PDF /PageLabels, so a viewer's page box shows "iii" in the front matter and "1" at the body.

WeasyPrint writes none; pikepdf adds the number tree after the fact.
"""

from __future__ import annotations

import pikepdf


def add_page_labels(pdf: pikepdf.Pdf, body_start: int) -> None:
    """Lower-roman from the first page, arabic from 1 where the body opens (page index)."""
    nums = pikepdf.Array([0, pikepdf.Dictionary(S=pikepdf.Name.r, St=1)])
    if body_start < len(pdf.pages):
        nums.extend([body_start, pikepdf.Dictionary(S=pikepdf.Name.D, St=1)])
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=nums)
