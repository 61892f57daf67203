"""PDF /PageLabels, so a viewer's page box shows "iii" in the front matter and "1" at the body.

WeasyPrint writes none; pikepdf adds the number tree after the fact.
"""

from __future__ import annotations

from collections.abc import Sequence

import pikepdf


def label_ranges(labels: Sequence[str]) -> list[tuple[int, str, int]]:
    """(first page index, style, first number) for each run of roman or arabic folios."""
    ranges: list[tuple[int, str, int]] = []
    for index, label in enumerate(labels):
        style = "/D" if label.isdigit() else "/r"
        if not ranges or ranges[-1][1] != style:
            start = int(label) if label.isdigit() else _from_roman(label)
            ranges.append((index, style, start))
    return ranges


def _from_roman(label: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for this, following in zip(label, [*label[1:], ""], strict=True):
        value = values[this]
        total += -value if following and values[following] > value else value
    return total


def add_page_labels(pdf: pikepdf.Pdf, labels: Sequence[str]) -> None:
    nums = pikepdf.Array()
    for index, style, start in label_ranges(labels):
        nums.append(index)
        nums.append(pikepdf.Dictionary(S=pikepdf.Name(style), St=start))
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=nums)
