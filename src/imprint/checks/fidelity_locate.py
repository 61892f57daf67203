"""Which line of a chapter file a stretch of printed or expected text came from.

The model keeps a line for every note and citation but not for every sentence, so a finding
in running text is placed by its words: the last few words before it are looked for in the
chapter file (as words, so Markdown markup, smart quotes and soft-wrapped lines do not get in
the way), taking the same occurrence as in the text when a phrase repeats.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from imprint.book.model import Loc, Publication

WORD = re.compile(r"\w+")
WINDOWS = (5, 4, 3)  # phrase lengths tried, longest (most specific) first
BACKTRACK = 40  # words before the finding to try, when the nearest are not in the source


@dataclass(frozen=True)
class SourceWords:
    """A file's words joined by spaces, with the line each word starts on."""

    joined: str  # " w1 w2 … " (lower case, NFKC)
    offsets: tuple[int, ...]  # offset of each word in `joined`
    lines: tuple[Loc, ...]  # the file and line of each word


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


def source_words(root: Path, files: tuple[str, ...]) -> SourceWords:
    """The words of a chapter's files, one file after the other."""
    joined, offsets, lines = [" "], [], []
    length = 1
    for file in files:
        try:
            text = (root / file).read_text(encoding="utf-8")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            for word in words(line):
                offsets.append(length)
                lines.append(Loc(file, number))
                joined.append(word + " ")
                length += len(word) + 1
    return SourceWords("".join(joined), tuple(offsets), tuple(lines))


def chapter_files(pub: Publication, loc: Loc) -> tuple[str, ...]:
    """Every file of the chapter whose source is `loc` (a chapter may be several files)."""
    return next((c.files for c in pub.chapters if c.source == loc and c.files), (loc.path,))


def line_before(root: Path, loc: Loc, text: str, offset: int,
                files: tuple[str, ...] = ()) -> Loc:
    """The line of `loc`'s file (or of the chapter's `files`) holding the words of `text`
    just before `offset`."""
    source = source_words(root, files or (loc.path,))
    before = words(text[:offset])
    for end in range(len(before), max(0, len(before) - BACKTRACK), -1):
        for size in WINDOWS:
            if end - size < 0:
                continue
            phrase = " " + " ".join(before[end - size:end]) + " "
            line = _occurrence(source, phrase, (" " + " ".join(before[:end]) + " ").count(phrase))
            if line:
                return line
    return loc


def _occurrence(source: SourceWords, phrase: str, nth: int) -> Loc | None:
    """Line of the last word of the `nth` occurrence of `phrase` (or of the last one)."""
    found: list[int] = []
    at = source.joined.find(phrase)
    while at >= 0 and len(found) < max(nth, 1):
        found.append(at)
        at = source.joined.find(phrase, at + 1)
    if not found:
        return None
    last_word = found[-1] + len(phrase) - 2  # inside the phrase's last word
    return source.lines[bisect_right(source.offsets, last_word) - 1]


def config_line(root: Path, name: str, key: str) -> Loc:
    """The line of a top-level or nested `key:` in a YAML file, for metadata findings."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    try:
        lines = (root / name).read_text(encoding="utf-8").splitlines()
    except OSError:
        return Loc(name)
    return Loc(name, next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 0))
