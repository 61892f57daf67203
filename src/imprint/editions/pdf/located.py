"""WeasyPrint's warnings placed at the chapter line that caused them.

WeasyPrint names no source line: it says "Ignored `colr: red` at 1:1, unknown property." (the
position inside a `style` attribute) or "Failed to load image at 'file:///…/figures/x.png'".
What it quotes is text the author wrote, so the first chapter line holding that text is where
the warning belongs. A warning whose text no chapter holds stays unlocated, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imprint.book.model import Diagnostic, Loc, Publication

PREFIX = "weasyprint: "
# What a warning quotes: a declaration in backticks, a URL or name in quotes, an anchor.
_QUOTED = re.compile(r"`([^`]+)`|'([^']+)'|\"([^\"]+)\"|(#[^\s,.;]+)")


def locate(pub: Publication, diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """`diagnostics` with each unlocated WeasyPrint warning given its chapter and line."""
    lines = None
    located = []
    for diagnostic in diagnostics:
        if diagnostic.loc is None and diagnostic.message.startswith(PREFIX):
            lines = lines if lines is not None else list(_chapter_lines(pub))
            where = _find(pub.root, diagnostic.message.removeprefix(PREFIX), lines)
            diagnostic = Diagnostic(where, diagnostic.message, diagnostic.severity)
        located.append(diagnostic)
    return tuple(located)


def _chapter_lines(pub: Publication) -> Iterator[tuple[str, int, str]]:
    """(file, line number, text) of every line of every chapter file, in book order."""
    for chapter in pub.chapters:
        for name in chapter.files or (chapter.source.path,):
            path = pub.root / name
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                yield name, number, line


def _find(root: Path, message: str, lines: list[tuple[str, int, str]]) -> Loc | None:
    for needle in _needles(root, message):
        for name, number, line in lines:
            if needle in line:
                return Loc(name, number)
    return None


def _needles(root: Path, message: str) -> Iterator[str]:
    """The texts an author may have written that the message quotes, most specific first."""
    for match in _QUOTED.finditer(message):
        quoted = next(group for group in match.groups() if group)
        parts = urlsplit(quoted)
        if parts.scheme == "file":  # an image: the path as the chapter gives it
            path = Path(unquote(parts.path))
            if path.is_relative_to(root.resolve()):
                yield path.relative_to(root.resolve()).as_posix()
            continue
        if len(quoted.strip()) >= 3:
            yield quoted.strip()
