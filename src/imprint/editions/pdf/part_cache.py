"""Laid-out parts kept between builds, in BUILD/<slug>/.cache/parts/.

A part is keyed by everything its layout reads: its HTML (which holds its text, its notes'
numbers and, for the front matter, the page numbers its contents prints), the print
stylesheets, the book's assets, the notes mode, the edition and WeasyPrint's version. Its
PDF is kept per folio shift (`part-<key>-<shift>.pdf`): the same part moved by an edit before
it is laid out again, once, with the fixes it was found to need (`Remembered`), not audited
afresh. Only the parts of the latest build are kept.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from imprint.book.files import atomic_path
from imprint.book.model import Diagnostic, Loc
from imprint.editions.pages import Anchor, PageStart
from imprint.editions.pdf.part_layout import LaidPart
from imprint.editions.pdf.remembered import Remembered
from imprint.editions.pdf.typography_fix import TypographyReport

FORMAT = "part-3"  # bump when LaidPart or the part's PDF changes meaning


def part_key(html: str, sheets: list[Path], assets: list[Path], mode: str, press: bool) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{version('weasyprint')}\0{mode}\0{press}\0".encode())
    digest.update(html.encode())
    for path in [*sheets, *assets]:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:40]


def load(folder: Path, key: str) -> tuple[LaidPart, int] | None:
    """The part kept under `key` and the shift its PDF was drawn with, if both are there."""
    path = folder / f"part-{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        laid = _laid(data["part"], folder)
        shift = int(data["shift"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none, or damaged: laid out again
    return laid, shift


def remembered(folder: Path, key: str) -> Remembered | None:
    kept = load(folder, key)
    return kept[0].remembered if kept else None


def store(folder: Path, key: str, laid: LaidPart, shift: int) -> None:
    data = {"shift": shift, "part": _data(laid)}
    with atomic_path(folder / f"part-{key}.json") as temporary:
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def prune(folder: Path, keep: set[str]) -> None:
    """Remove every kept file that is not one of `keep` (the latest build's)."""
    for path in folder.glob("part-*"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _data(laid: LaidPart) -> dict[str, Any]:
    data = asdict(laid)
    data["pdf"] = Path(laid.pdf).name
    data["stubs"] = sorted(laid.stubs)
    data["remembered"] = {"footnotes": sorted(laid.remembered.footnotes),
                          "rules": list(laid.remembered.rules)}
    return data


def _laid(data: dict[str, Any], folder: Path) -> LaidPart:
    report = data["typography"]
    typography = TypographyReport(
        tuple((str(n), int(c)) for n, c in report["counts"]), tuple(report["pages"]),
        tuple(_diagnostic(d) for d in report["diagnostics"]), int(report["fixes"]),
        int(report["rounds"]), tuple((str(s), str(d)) for s, d in report["rules"]))
    remembered_ = Remembered(frozenset((int(n), int(w)) for n, w in
                                       data["remembered"]["footnotes"]),
                             tuple((str(s), str(d)) for s, d in data["remembered"]["rules"]))
    starts = tuple(PageStart(p["label"], tuple(Anchor(**a) for a in p["anchors"]), p["tag"])
                   for p in data["starts"])
    return LaidPart(int(data["index"]), str(data["name"]), str(data["key"]), int(data["pages"]),
                    tuple((str(n), int(p)) for n, p in data["anchors"]), starts, typography,
                    tuple(data["warnings"]), tuple(data["written"]), remembered_,
                    str(folder / data["pdf"]), frozenset(data["stubs"]))


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    loc = Loc(**data["loc"]) if data["loc"] else None
    return Diagnostic(loc, str(data["message"]), data["severity"])
