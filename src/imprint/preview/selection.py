"""Which chapter `imprint preview CHAPTER` means: a number, a slug or a file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from imprint.book.model import ChapterSpec, Diagnostic, ImprintError
from imprint.book.suggest import did_you_mean
from imprint.markdown.parse import chapter_slug, parse_chapter
from imprint.markdown.structure import book_chapters
from imprint.preprocess.numbering import printed_numbers

Numbers = Sequence[int | None]  # the number the book prints over each entry's chapter


def select_chapter(specs: tuple[ChapterSpec, ...], root: Path, choice: str,
                   cwd: Path | None = None, numbers: Numbers | None = None) -> ChapterSpec:
    """`2` is the chapter the book prints as Chapter 2 (or, when none is, the second entry of
    publication.yaml); `arms` the chapter whose file is `NN-arms.md`; a path (relative to the
    working folder or to the manuscript) names the file. `numbers` are `entry_numbers`, read
    from the chapter files when not given."""
    choice = choice.strip()
    if choice.isdigit():
        if numbers is None:
            numbers = entry_numbers(root, specs)
        return _by_number(specs, int(choice), numbers)
    by_slug = [spec for spec in specs if chapter_slug(spec.file) == choice]
    if by_slug:
        return by_slug[0]
    by_path = _by_path(specs, root, choice, cwd or Path.cwd())
    if by_path is not None:
        return by_path
    slugs = [chapter_slug(spec.file) for spec in specs]
    hint = did_you_mean(choice, slugs)
    numbers = entry_numbers(root, specs) if numbers is None else numbers
    raise ImprintError(Diagnostic(None, f"no chapter '{choice}' in publication.yaml{hint}; "
                                  f"{_choices(specs, numbers)}"))


def entry_numbers(root: Path, specs: tuple[ChapterSpec, ...]) -> tuple[int | None, ...]:
    """For each entry of publication.yaml, the number the book prints over its chapter (None:
    unnumbered), decided as the build decides it; a file continuing a chapter (no `# Title`)
    has that chapter's number."""
    try:
        chapters, _ = book_chapters(root, specs, parse_chapter)
    except ImprintError:  # a chapter that cannot be read: the preview shows why, over the page
        return tuple(None for _ in specs)
    by_file = {file: number for chapter, number in zip(chapters, printed_numbers(chapters),
                                                        strict=True)
               for file in chapter.spec.files}
    return tuple(by_file.get(spec.file) for spec in specs)


def described(spec: ChapterSpec, specs: tuple[ChapterSpec, ...], numbers: Numbers) -> str:
    """`Chapter 2: chapters/03-arms.md`, or the file alone for an unnumbered chapter."""
    number = numbers[specs.index(spec)] if spec in specs and numbers else None
    return f"Chapter {number}: {spec.file}" if number is not None else spec.file


def _by_number(specs: tuple[ChapterSpec, ...], number: int, numbers: Numbers) -> ChapterSpec:
    if number in numbers:
        return specs[list(numbers).index(number)]  # the first file of that chapter
    if 1 <= number <= len(specs):  # no chapter prints it: the entry's position, as before
        return specs[number - 1]
    raise ImprintError(Diagnostic(None, f"no chapter {number}: {_counts(specs, numbers)}; "
                                  f"{_choices(specs, numbers)}"))


def _by_path(specs: tuple[ChapterSpec, ...], root: Path, choice: str,
             cwd: Path) -> ChapterSpec | None:
    # Resolving both sides lets `manuscript/chapters/03-arms.md`, `chapters/03-arms.md` and an
    # absolute path (or one through a symbolic link) all name the same entry; so does the bare
    # file name `03-arms.md`.
    candidates = {(cwd / choice).resolve(), (root / choice).resolve()}
    for spec in specs:  # any file of a chapter of several files names it
        if any((root / file).resolve() in candidates or Path(file).name == choice
               for file in spec.files):
            return spec
    return None


def _counts(specs: tuple[ChapterSpec, ...], numbers: Numbers) -> str:
    last = max((n for n in numbers if n is not None), default=0)
    listed = f"publication.yaml lists {len(specs)} chapters"
    return f"the book numbers chapters 1 to {last} and {listed}" if last else listed


def _choices(specs: tuple[ChapterSpec, ...], numbers: Numbers) -> str:
    slugs = ", ".join(chapter_slug(spec.file) for spec in specs)
    last = max((n for n in numbers if n is not None), default=0)
    printed = f"a chapter number as the book prints it (1 to {last}), " if last else ""
    return (f"give {printed}a position in publication.yaml (1 to {len(specs)}), a slug "
            f"({slugs}) or a chapter file")
