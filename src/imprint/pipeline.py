"""load -> parse -> number -> cite -> render: the one way a `Publication` is made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from imprint.book.config import CONFIG_NAME, load_config
from imprint.book.locale import SHIPPED_STYLES, Locale, load_locale
from imprint.book.model import Chapter, Diagnostic, ImprintError, Loc, Metadata, Publication
from imprint.markdown.cache import ParseCache
from imprint.markdown.parse import ParsedChapter, parse_chapter
from imprint.markdown.structure import Parse, book_chapters
from imprint.preprocess.cite.format import (
    Bibliography,
    CslStyle,
    Formatted,
    check_citations,
    format_citations,
    load_bibliography,
    resolve_style,
)
from imprint.preprocess.numbering import Numbering, number_publication
from imprint.preprocess.render import render_chapters


@dataclass(frozen=True)
class Stages:
    """The stage functions a build calls. A long-running caller (the preview) passes ones that
    keep their results between builds; each must return what the plain function would."""

    parse: Parse = parse_chapter
    style: Callable[[str, Path, Loc | None], CslStyle] = resolve_style
    bibliography: Callable[[tuple[str, ...], Path, Loc | None], Bibliography] = load_bibliography
    number: Callable[..., Numbering] = number_publication
    format: Callable[..., Formatted] = format_citations
    render: Callable[..., tuple[Chapter, ...]] = render_chapters


PLAIN = Stages()


def build_publication(
    root: Path, cache_dir: Path, *, strict: bool = False, cache: ParseCache | None = None,
    styles: Path = SHIPPED_STYLES, stages: Stages = PLAIN,
) -> Publication:
    """Read and check the whole manuscript; raise ImprintError listing every problem.

    `cache` lets a long-running caller re-parse only the chapters that changed, and `stages`
    (the preview's) keep more between builds; `styles` is the house style, whose `locales/`
    give the editions' fixed words.
    """
    root = root.resolve()
    meta = load_config(root)
    locale, locale_problems = _locale(meta, styles)
    config = Loc(CONFIG_NAME)
    style = stages.style(meta.citation_style, root, config)
    bib = stages.bibliography(meta.bibliography, root, config) if meta.bibliography else None
    parse = cache.parse if cache is not None else stages.parse
    parsed, structure = book_chapters(root, meta.chapters, parse)
    numbering = stages.number(root, parsed, style.is_note_style, locale=locale,
                              strict_alt=meta.accessibility == "strict")
    problems = [p for chapter in parsed for p in chapter.problems] + numbering.problems
    problems += locale_problems + structure
    problems += _slug_problems(parsed)
    problems += check_citations(numbering.citations, bib, include_all=meta.bibliography_all)
    _raise_on_errors(problems, strict)
    formatted: Formatted | None = None
    if bib is not None:
        formatted = stages.format(
            numbering.citations, numbering.footnote_numbers, bib, style, meta.language,
            cache_dir, include_all=meta.bibliography_all, sort=meta.bibliography_sort,
        )
    return Publication(
        root=root,
        meta=meta,
        chapters=stages.render(parsed, numbering, formatted, meta.language, locale),
        locale=locale,
        bibliography=formatted.bibliography if formatted else (),
        figures=tuple(numbering.figure_list),
        tables=tuple(numbering.table_list),
        citations=tuple(numbering.citations),
        assets=tuple(sorted(numbering.assets)),
        diagnostics=tuple(problems),
    )


def _locale(meta: Metadata, styles: Path) -> tuple[Locale, list[Diagnostic]]:
    """The words for `language:`; `reference-section-title` names the bibliography."""
    locale, problems = load_locale(meta.language, styles, meta.language_loc)
    if meta.bibliography_title:
        locale = replace(locale, bibliography=meta.bibliography_title)
    return locale, problems


def _slug_problems(parsed: list[ParsedChapter]) -> list[Diagnostic]:
    """Two chapters with one slug would share ids, anchors and an EPUB file."""
    seen: dict[str, ParsedChapter] = {}
    problems = []
    for chapter in parsed:
        if chapter.slug in seen:
            problems.append(Diagnostic(chapter.spec.loc, f"chapter '{chapter.path}' has the same "
                                       f"name as '{seen[chapter.slug].path}' once its number is "
                                       f"dropped ('{chapter.slug}'); rename one"))
        seen.setdefault(chapter.slug, chapter)
    return problems


def _raise_on_errors(problems: list[Diagnostic], strict: bool) -> None:
    fatal = [p for p in problems if p.severity == "error" or strict]
    if fatal:
        ordered = sorted(problems, key=lambda p: (p.loc or Loc(""), p.message))
        raise ImprintError(ordered if strict else sorted(
            fatal, key=lambda p: (p.loc or Loc(""), p.message)))
