"""A chapter made of several files, read as one text that still knows where each line came from.

Pandoc reads several input files as one document, with a blank line between them; so does the
parse stage for `files: [a.md, b.md]` and for a file that continues the chapter before it. The
files are parsed as one text (a note called in one file may be defined in the next, as in
Pandoc), and `Parts.loc` turns a line of that text back into the file and line the author sees,
so every message names the right one. A later file's own front matter is read here and its
lines left blank: in the joined text it would be a rule and a heading, not metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from imprint.book.files import decode_utf8
from imprint.book.model import Diagnostic, Loc
from imprint.markdown.checks import control_characters


@dataclass(frozen=True)
class Part:
    file: str
    start: int  # 0-based line of the joined text holding the file's first line


@dataclass(frozen=True)
class Parts:
    """Where each file of a chapter starts in the joined text."""

    parts: tuple[Part, ...]

    def loc(self, line: int) -> Loc:
        """The file and line of `line` (1-based) of the joined text; 0 stays 0 (no line)."""
        part = self.parts[0]
        for candidate in self.parts:
            if line and candidate.start < line:
                part = candidate
        return Loc(part.file, line - part.start if line else 0)

    def relocate(self, problems: list[Diagnostic]) -> list[Diagnostic]:
        """Problems found in the joined text (reported under the first file), each moved to
        its own file and line; the others are already located in their file."""
        first = self.parts[0].file
        if len(self.parts) == 1:
            return problems
        return [replace(p, loc=self.loc(p.loc.line)) if p.loc and p.loc.path == first else p
                for p in problems]


@dataclass(frozen=True)
class Joined:
    text: str
    parts: Parts
    fronts: tuple[Token | None, ...]  # each file's front matter token (lines of its own file)
    problems: tuple[Diagnostic, ...]  # bytes that are not UTF-8, control characters


def join_files(files: tuple[str, ...], blobs: tuple[bytes, ...]) -> Joined:
    """The files' text as one, a blank line between them, as Pandoc joins its inputs."""
    pieces: list[str] = []
    parts, fronts, problems = [], [], []
    for file, data in zip(files, blobs, strict=True):
        text, not_utf8 = decode_utf8(data, file)
        problems += [not_utf8] if not_utf8 else []
        problems += control_characters(text, file)
        front = front_matter(text)
        fronts.append(front)
        if pieces:  # the first file's front matter stays: the parser reads it there
            text = _blank(text, front)
            pieces.append("\n" if pieces[-1].endswith("\n") else "\n\n")
        parts.append(Part(file, "".join(pieces).count("\n")))
        pieces.append(text)
    return Joined("".join(pieces), Parts(tuple(parts)), tuple(fronts), tuple(problems))


@cache
def _front_parser() -> MarkdownIt:
    """Only the front matter rule (and paragraphs): finds a file's metadata block cheaply,
    by the rule the chapter parser itself uses."""
    return MarkdownIt("zero").use(front_matter_plugin)


def front_matter(text: str) -> Token | None:
    tokens = _front_parser().parse(text)
    return tokens[0] if tokens and tokens[0].type == "front_matter" else None


def _blank(text: str, front: Token | None) -> str:
    """`text` with its front matter's lines emptied, so the lines after keep their numbers."""
    if front is None or not front.map:
        return text
    lines = text.split("\n")
    end = front.map[1]
    return "\n" * end + "\n".join(lines[end:]) if end < len(lines) else "\n" * (len(lines) - 1)
