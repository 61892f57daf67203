"""The editions' fixed words in the publication's language: "Contents", "Figure 3", "第3章",
the EPUB's landmarks and its accessibility summary.

They live in `styles/locales/<tag>.yaml`, one file per language, so a translator adds a
language by adding a file, never by editing code. `language:` in publication.yaml chooses the
file by BCP 47 lookup (`en-US` -> `en`, `zh-CN` -> `zh-Hans`); a language without a file gets
English, with a warning. Every word is checked when the file is read: a missing word or a
misspelled `{placeholder}` is an error naming the locale file's line, not a crash mid-build.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from imprint.book.model import Diagnostic, ImprintError, Loc

FALLBACK = "en"
SHIPPED_STYLES = Path(__file__).resolve().parents[3] / "styles"  # the house style imprint ships
# Chinese tags that name a region, not a script: the script their readers expect (CLDR's
# likely subtags). Other languages find their file by dropping subtags (`en-US` -> `en`).
CHINESE_SCRIPTS = {"zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-sg": "zh-Hans", "zh-my": "zh-Hans",
                   "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "zh-mo": "zh-Hant"}


@dataclass(frozen=True)
class A11yWords:
    """The sentences of the EPUB's accessibility summary (editions/epub/a11y.py picks them)."""

    no_claim: str
    certified: str  # {standard}, {certifier}
    structure: str
    images_none: str
    images_one: str
    images_all: str  # {total}
    images_one_missing: str  # {total}
    images_missing: str  # {missing}, {total}
    tables_none: str
    tables_one: str
    tables_all: str
    tables_one_missing: str
    tables_missing: str
    pages: str  # {pages}
    languages: str  # {languages}
    language_names: tuple[tuple[str, str], ...]  # primary subtag -> its name in this language
    list_and: str
    media: str
    no_hazards: str

    def language_name(self, code: str) -> str:
        return dict(self.language_names).get(code, code)


@dataclass(frozen=True)
class Locale:
    """One language's words. Patterns hold `{placeholders}`: fill them with the methods."""

    tag: str  # the locale file's name: "en", "zh-Hans", "ru"
    contents: str
    notes: str
    bibliography: str
    figure: str  # a caption's label: "Figure {n}", "图{n}", "Рисунок {n}"
    table: str
    figure_xref: str  # a cross-reference in running text: "Figure {n}", "рис. {n}"
    table_xref: str
    chapter: str  # a cross-reference to a chapter: "Chapter {n}", "第{n}章", "гл. {n}"
    equation: str  # a cross-reference to an equation
    section: str  # a cross-reference to a section: "“{title}”"
    caption_label: str  # how a caption's label prints: "{label}." -> "Figure 3."
    source: str  # "Source: {source}"
    notes_group: str  # the accessible name of one chapter's notes: "Notes to {title}"
    note_backlink: str  # "Back to note {n} call"
    figure_zoom: str  # the EPUB figure's link to its own page: "Enlarge {label}"
    figure_back: str  # that page's link back to the figure: "Back to the text"
    cover: str
    cover_alt: str  # {publisher}, {title}, {authors}, {date}
    title_page: str
    copyright: str
    copyright_label: str
    published_by: str  # {publisher}, {date}
    identifier: str  # {identifier}
    start_of_content: str
    landmarks: str
    page_list: str
    pages: str
    list_and: str  # between two names: " and ", "、"
    date: str  # {year}, {month} (its name), {m} (its number)
    months: tuple[str, ...]
    fonts_colophon: str
    a11y: A11yWords

    def fill(self, pattern: str, **values: object) -> str:
        """`pattern` (one of this locale's words) with its placeholders filled."""
        return pattern.format(**values)

    def figure_label(self, number: int) -> str:
        return self.figure.format(n=number)

    def table_label(self, number: int) -> str:
        return self.table.format(n=number)

    def figure_reference(self, number: int) -> str:
        return self.figure_xref.format(n=number)

    def table_reference(self, number: int) -> str:
        return self.table_xref.format(n=number)

    def chapter_label(self, number: int) -> str:
        return self.chapter.format(n=number)

    def section_label(self, title: str) -> str:
        return self.section.format(title=title)

    def caption(self, label: str) -> str:
        return self.caption_label.format(label=label)

    def join(self, names: Iterable[str]) -> str:
        return self.list_and.join(names)

    def date_text(self, iso: str) -> str:
        """'2026-11-28' -> 'November 2026', '2026年11月', 'ноябрь 2026 г.'."""
        day = dt.date.fromisoformat(iso)
        return self.date.format(year=day.year, month=self.months[day.month - 1], m=day.month)


# Each pattern's placeholders: (allowed, required). A word not listed has none.
PATTERNS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    name: (frozenset(allowed), frozenset(required)) for name, allowed, required in [
        ("figure", {"n"}, {"n"}), ("table", {"n"}, {"n"}), ("chapter", {"n"}, {"n"}),
        ("figure-xref", {"n"}, {"n"}), ("table-xref", {"n"}, {"n"}),
        ("equation", {"n"}, {"n"}), ("section", {"title"}, {"title"}),
        ("caption-label", {"label"}, {"label"}), ("source", {"source"}, {"source"}),
        ("notes-group", {"title"}, {"title"}), ("note-backlink", {"n"}, {"n"}),
        ("figure-zoom", {"label"}, {"label"}),
        ("cover-alt", {"publisher", "title", "authors", "date"}, {"title"}),
        ("published-by", {"publisher", "date"}, {"publisher"}),
        ("identifier", {"identifier"}, {"identifier"}),
        ("date", {"year", "month", "m"}, {"year"}),
        ("a11y.certified", {"standard", "certifier"}, {"standard", "certifier"}),
        ("a11y.images-all", {"total"}, {"total"}), ("a11y.tables-all", {"total"}, {"total"}),
        ("a11y.images-one-missing", {"total"}, set()),
        ("a11y.tables-one-missing", {"total"}, set()),
        ("a11y.images-missing", {"missing", "total"}, {"missing"}),
        ("a11y.tables-missing", {"missing", "total"}, {"missing"}),
        ("a11y.pages", {"pages"}, {"pages"}),
        ("a11y.languages", {"languages"}, {"languages"}),
    ]
}


def locale_tag(language: str, available: Iterable[str]) -> str | None:
    """The locale file for a BCP 47 `language`, by RFC 4647 lookup, case-insensitively:
    `en-US` -> `en`, `zh-Hans-CN` -> `zh-Hans`, `zh-TW` -> `zh-Hant`; None when none fits."""
    files = {name.lower(): name for name in available}
    subtags = language.lower().split("-")
    while subtags:
        tag = "-".join(subtags)
        for candidate in (tag, CHINESE_SCRIPTS.get(tag, "").lower()):
            if candidate in files:
                return files[candidate]
        subtags.pop()
    return None


def load_locale(language: str, styles: Path, where: Loc) -> tuple[Locale, list[Diagnostic]]:
    """The locale for `language` from `styles/locales/`, and a warning at `where` (the
    `language:` line) when there is none and English stands in. A house style's own file
    wins; the languages it has no file for come from the style imprint ships."""
    files = {p.stem: p for folder in (SHIPPED_STYLES / "locales", styles / "locales")
             if folder.is_dir() for p in sorted(folder.glob("*.yaml"))}
    tag = locale_tag(language, files)
    warnings = []
    if tag is None:
        warnings.append(Diagnostic(where, f"no locale for language '{language}' in "
                                   f"{styles.name}/locales/; the fixed words (Contents, Notes, "
                                   f"Figure, …) are English (add {styles.name}/locales/"
                                   f"{language}.yaml to translate them)", "warning"))
        tag = FALLBACK
    path = files[tag]
    return read_locale(path, path.parent.parent.name), warnings


@cache
def shipped_locale(tag: str = FALLBACK) -> Locale:
    """A locale of the shipped house style: for a stage run alone (tests, a single chapter)
    without a publication to choose one."""
    return read_locale(SHIPPED_STYLES / "locales" / f"{tag}.yaml")


def read_locale(path: Path, styles_name: str = "styles") -> Locale:
    """Read and check one locale file; raise ImprintError naming every problem's line."""
    shown = f"{styles_name}/locales/{path.name}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ImprintError.at(Loc(shown), f"cannot read the locale file: {error}") from None
    return _locale(text, shown)


@lru_cache(maxsize=8)
def _locale(text: str, shown: str) -> Locale:
    """A locale from its file's text: the preview reads it again on every save, and the
    Locale is frozen, so one parse serves them all."""
    try:
        tree = YAML(typ="rt").load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ImprintError.at(Loc(shown, mark.line + 1 if mark else 1),
                              f"invalid YAML: {getattr(error, 'problem', error)}") from None
    reader = _Reader(shown)
    words = reader.words(tree, Locale, ("a11y",))
    a11y = reader.words(tree.get("a11y") if isinstance(tree, CommentedMap) else None,
                        A11yWords, ("language_names", "list_and"), "a11y")
    if reader.problems:
        raise ImprintError(reader.problems)
    a11y |= {"language_names": reader.names, "list_and": words["list_and"]}
    return Locale(tag=Path(shown).stem, a11y=A11yWords(**a11y), **words)


class _Reader:
    """Collects one locale file's words, and every problem with its line."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Diagnostic] = []
        self.names: tuple[tuple[str, str], ...] = ()

    def loc(self, node: Any, key: str | None = None) -> Loc:
        try:
            line = node.lc.key(key)[0] if key is not None else node.lc.line
        except (AttributeError, KeyError, TypeError):
            line = 0
        return Loc(self.shown, line + 1)

    def words(self, node: Any, kind: type, skip: tuple[str, ...],
              where: str = "") -> dict[str, Any]:
        if not isinstance(node, CommentedMap):
            self.problems.append(Diagnostic(Loc(self.shown, 1), f"'{where or 'the file'}' "
                                            "must be a mapping of words"))
            return {}
        found: dict[str, Any] = {}
        names = [f.name for f in fields(kind) if f.name not in ("tag", *skip)]
        for name in names:
            key = name.replace("_", "-")
            value = node.get(key)
            if key == "months":
                found[name] = self.months(node, value)
            elif not isinstance(value, str) or not value:
                self.problems.append(Diagnostic(self.loc(node), f"'{key}' "
                                                f"{'in ' + where + ' ' if where else ''}must be "
                                                "a non-empty string"))
            else:
                found[name] = value
                self.placeholders(node, f"{where}.{key}" if where else key, value)
        if where == "a11y":
            self.names = self.language_names(node)
        return found

    def placeholders(self, node: CommentedMap, name: str, value: str) -> None:
        allowed, required = PATTERNS.get(name, (frozenset(), frozenset()))
        key = name.rpartition(".")[2]
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as error:
            self.problems.append(Diagnostic(self.loc(node, key), f"'{key}': {error}"))
            return
        if used - allowed or required - used:
            self.problems.append(Diagnostic(self.loc(node, key), f"'{name}' must hold "
                                            f"{_braced(required)} and may hold {_braced(allowed)}"
                                            f", not {_braced(used)}"))

    def months(self, node: CommentedMap, value: Any) -> tuple[str, ...]:
        if isinstance(value, CommentedSeq) and len(value) == 12 and all(
                isinstance(m, str) and m for m in value):
            return tuple(str(m) for m in value)
        self.problems.append(Diagnostic(self.loc(node, "months") if "months" in node else
                                        self.loc(node), "'months' must list the 12 month names"))
        return ()

    def language_names(self, node: CommentedMap) -> tuple[tuple[str, str], ...]:
        names = node.get("language-names")
        if not isinstance(names, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in names.items()):
            self.problems.append(Diagnostic(self.loc(node), "'language-names' in a11y must map "
                                            "language codes to names"))
            return ()
        return tuple((str(k), str(v)) for k, v in names.items())


def _braced(names: Iterable[str]) -> str:
    return " ".join(f"{{{name}}}" for name in sorted(names)) or "no placeholder"
