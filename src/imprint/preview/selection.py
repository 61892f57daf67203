"""Which chapter `imprint preview CHAPTER` means: a number, a slug or a file."""

from __future__ import annotations

from pathlib import Path

from imprint.book.model import ChapterSpec, Diagnostic, ImprintError
from imprint.book.suggest import did_you_mean
from imprint.markdown.parse import chapter_slug


def select_chapter(specs: tuple[ChapterSpec, ...], root: Path, choice: str,
                   cwd: Path | None = None) -> ChapterSpec:
    """`2` is the second chapter in publication.yaml order; `arms` the chapter whose file is
    `NN-arms.md`; a path (relative to the working folder or to the manuscript) names the file."""
    choice = choice.strip()
    if choice.isdigit():
        return _by_number(specs, int(choice))
    by_slug = [spec for spec in specs if chapter_slug(spec.file) == choice]
    if by_slug:
        return by_slug[0]
    by_path = _by_path(specs, root, choice, cwd or Path.cwd())
    if by_path is not None:
        return by_path
    slugs = [chapter_slug(spec.file) for spec in specs]
    hint = did_you_mean(choice, slugs)
    raise ImprintError(Diagnostic(None, f"no chapter '{choice}' in publication.yaml{hint}; "
                                  f"{_choices(specs)}"))


def _by_number(specs: tuple[ChapterSpec, ...], number: int) -> ChapterSpec:
    if 1 <= number <= len(specs):
        return specs[number - 1]
    raise ImprintError(Diagnostic(None, f"no chapter {number}: publication.yaml lists "
                                  f"{len(specs)} chapters; {_choices(specs)}"))


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


def _choices(specs: tuple[ChapterSpec, ...]) -> str:
    slugs = ", ".join(chapter_slug(spec.file) for spec in specs)
    return f"give a number from 1 to {len(specs)}, a slug ({slugs}) or a chapter file"
