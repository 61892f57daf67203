"""The layout fixes of the last build, remembered: a rebuild of the same book starts from them.

A book's footnote fixes (the page breaks at late notes) and its typographic fixes (the local
rules of `typography_fix`) cost a layout each to find. They depend only on the book's HTML,
the stylesheets and WeasyPrint, so they are kept in the build's cache under a key of those: a
rebuild whose inputs are unchanged lays the book out once, already fixed, and a changed book
starts afresh. The result is the same either way, as the audits run on every layout.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import weasyprint

from imprint.book.files import atomic_path

PREFIX = "layout-fixes-"
FORMAT = 1
KEEP = 4


@dataclass(frozen=True)
class Remembered:
    footnotes: frozenset[tuple[int, int]]  # (note number, words before its page break)
    rules: tuple[tuple[str, str], ...]  # typographic fixes: selector -> declarations


def key(html: str, sheets: list[Path], press: bool) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{weasyprint.__version__}\0{press}\0".encode())
    digest.update(html.encode())
    for sheet in sheets:
        digest.update(f"\0{sheet.name}\0".encode())
        digest.update(sheet.read_bytes())
    return digest.hexdigest()


def load(cache_dir: Path | None, digest: str) -> Remembered | None:
    path = cache_dir / f"{PREFIX}{digest}.json" if cache_dir else None
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Remembered(frozenset((int(n), int(w)) for n, w in data["footnotes"]),
                          tuple((str(s), str(d)) for s, d in data["rules"]))
    except (ValueError, KeyError, TypeError):
        return None  # damaged: found again by this build


def store(cache_dir: Path | None, digest: str, remembered: Remembered) -> None:
    if cache_dir is None:
        return
    data = {"footnotes": sorted(remembered.footnotes), "rules": list(remembered.rules)}
    with atomic_path(cache_dir / f"{PREFIX}{digest}.json") as temporary:
        temporary.write_text(json.dumps(data, indent=0), encoding="utf-8")
    kept = sorted(cache_dir.glob(f"{PREFIX}*.json"), key=lambda p: p.stat().st_mtime_ns)
    for old in kept[:-KEEP]:  # the print and press editions, and a previous version or two
        old.unlink(missing_ok=True)
