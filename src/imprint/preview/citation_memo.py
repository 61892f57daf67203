"""The citation style, the bibliography and the formatted citations, kept between saves while
their arguments and the bytes of the files they read are the same.

Each memo holds its last result only: a save changes one input at a time, and a changed input
replaces the result. A call that raises keeps nothing, so the next one raises the same error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

from imprint.book.model import CitationRef, Loc
from imprint.preprocess.cite.format import (
    Bibliography,
    CslStyle,
    Formatted,
    format_citations,
    load_bibliography,
    resolve_style,
)
from imprint.preprocess.cite.styles import style_files

T = TypeVar("T")
RECENT_NS = 2_000_000_000  # a file written this close to a build may still be changing


def contents(paths: Iterable[Path]) -> tuple[bytes | None, ...]:
    """The files' bytes (None for one that cannot be read): what a result was made from."""
    found: list[bytes | None] = []
    for path in paths:
        try:
            found.append(path.read_bytes())
        except OSError:
            found.append(None)
    return tuple(found)


class LastResult(Generic[T]):
    """One result, with the arguments it was made from and the bytes of the files it read;
    used by the one thread that rebuilds."""

    def __init__(self) -> None:
        self._last: tuple[object, T, tuple[bytes | None, ...]] | None = None
        self.misses = 0  # results really made (for tests)

    def get(self, key: object, make: Callable[[], T],
            files: Callable[[T], Iterable[Path]]) -> T:
        """The last result if `key` and the bytes of `files(result)` are the same, else a new
        one from `make`."""
        last = self._last
        if last is not None and last[0] == key and contents(files(last[1])) == last[2]:
            return last[1]
        started = time.time_ns()
        result = make()
        read = contents(files(result))
        # A file saved while it was being read may hold other bytes than those `make` saw.
        self._last = None if _changed_since(files(result), started) else (key, result, read)
        self.misses += 1
        return result


def _changed_since(paths: Iterable[Path], started: int) -> bool:
    """Was a file written after `started` (or just before: file times lag the clock)?"""
    for path in paths:
        try:
            if path.stat().st_mtime_ns > started - RECENT_NS:
                return True
        except OSError:
            pass
    return False


class CitationMemo:
    """`style`, `bibliography` and `format` behave as `resolve_style`, `load_bibliography` and
    `format_citations`."""

    def __init__(self) -> None:
        self.styles: LastResult[CslStyle] = LastResult()
        self.bibliographies: LastResult[Bibliography] = LastResult()
        self.formats: LastResult[Formatted] = LastResult()

    def style(self, spec: str, root: Path, loc: Loc | None) -> CslStyle:
        # The path `spec` leads to counts too: a `.csl` file replaced by a link elsewhere.
        key = (spec, root, loc, _resolved(root, spec))
        return self.styles.get(key, lambda: resolve_style(spec, root, loc), style_files)

    def bibliography(self, files: Sequence[str], root: Path, loc: Loc | None) -> Bibliography:
        key = (tuple(files), root, loc, tuple(_resolved(root, name) for name in files))
        return self.bibliographies.get(key, lambda: load_bibliography(files, root, loc),
                                       lambda bib: bib.files)

    def format(self, citations: Sequence[CitationRef], footnote_numbers: Sequence[int],
               bib: Bibliography, style: CslStyle, lang: str, cache_dir: Path,
               include_all: bool = False, sort: str = "romanized") -> Formatted:
        """The citations as pandoc formats them, every cluster in its place in the book (a
        note style's "Ibid." depends on the citation before), so any change formats again
        (from format_citations' own cache on disk when it has the result)."""
        key = (tuple(citations), tuple(footnote_numbers), bib, style, lang, cache_dir,
               include_all, sort)
        return self.formats.get(key, lambda: format_citations(
            citations, footnote_numbers, bib, style, lang, cache_dir, include_all=include_all,
            sort=sort), lambda _: [*style_files(style), *bib.files])


def _resolved(root: Path, name: str) -> Path | None:
    try:
        return (root / name).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
