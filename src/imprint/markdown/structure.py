"""The book's chapters from its chapter files, as Pandoc and Quarto authors lay them out.

A file with no `# Title` heading and no `title:` in its front matter is not a chapter of its
own: it starts at `##` and continues the chapter before it, as it would in Pandoc, which reads
all its input files as one document. Its text is parsed together with that chapter's files,
and every message still names its own file and line. Front matter keys imprint does not read
(`author`, `execute`, … in Quarto) are ignored with one warning per key, not one per file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from imprint.book.model import ChapterSpec, Diagnostic, Loc
from imprint.markdown.parse import ParsedChapter

Parse = Callable[[Path, ChapterSpec], ParsedChapter]


def book_chapters(root: Path, specs: tuple[ChapterSpec, ...],
                  parse: Parse) -> tuple[list[ParsedChapter], list[Diagnostic]]:
    """Each chapter parsed once with all its files, and the problems of joining them."""
    parsed = [parse(root, spec) for spec in specs]
    groups: list[list[ParsedChapter]] = []
    problems: list[Diagnostic] = []
    for chapter in parsed:
        if chapter.titled or not groups:
            groups.append([chapter])
            if not chapter.titled:
                problems.append(Diagnostic(Loc(chapter.path, 1), "chapter has no '# Title' "
                                           "heading nor a 'title:' in its front matter (a file "
                                           "without one continues the chapter before it, and "
                                           "this is the first)"))
            continue
        first = groups[-1][0]
        if chapter.spec.kind != first.spec.kind:
            problems.append(Diagnostic(chapter.spec.loc, f"'{chapter.path}' has no '# Title' "
                                       f"heading, so it continues the chapter of "
                                       f"'{first.path}', but its kind is '{chapter.spec.kind}',"
                                       f" not '{first.spec.kind}'"))
        groups[-1].append(chapter)
    chapters = [_joined(root, group, parse) for group in groups]
    return chapters, problems + ignored_keys(chapters)


def _joined(root: Path, group: list[ParsedChapter], parse: Parse) -> ParsedChapter:
    if len(group) == 1:
        return group[0]
    first = group[0].spec
    files = tuple(file for chapter in group for file in chapter.spec.files)
    return parse(root, ChapterSpec(first.file, first.kind, first.loc, files))


def ignored_keys(chapters: list[ParsedChapter]) -> list[Diagnostic]:
    """One warning per front matter key imprint ignores, at its first use."""
    seen: dict[str, list[Loc]] = {}
    for chapter in chapters:
        for key, loc in chapter.ignored:
            seen.setdefault(key, []).append(loc)
    warnings = []
    for key, locs in seen.items():
        others = len(locs) - 1
        also = f" (and in {others} other file{'s' if others > 1 else ''})" if others else ""
        warnings.append(Diagnostic(locs[0], f"front matter key '{key}' is ignored{also}: "
                                   "imprint reads only 'title' and 'short-title' there",
                                   "warning"))
    return warnings
