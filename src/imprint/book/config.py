"""`publication.yaml` -> `Metadata`.

The schema is declarative (one table of fields with their types and defaults, as MkDocs does),
and validation collects every problem with its line before giving up, so an editor fixes a
config in one pass rather than one error per run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from imprint.book.files import decode_utf8, refusal
from imprint.book.model import (
    Author,
    ChapterSpec,
    Diagnostic,
    Funding,
    ImprintError,
    Loc,
    Metadata,
)
from imprint.book.suggest import did_you_mean

CONFIG_NAME = "publication.yaml"


@dataclass(frozen=True)
class Field:
    kind: str  # "str", "strlist", "date", "bool", "choice", "map", "maplist", "authors",
    # "subjects"
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    schema: dict[str, Field] | None = None


AUTHOR = {
    "name": Field("str"),
    "affiliation": Field("str", required=False, default=""),
    "bio": Field("str", required=False, default=""),
}
FUNDING = {"statement": Field("str"), "disclaimer": Field("str")}
# `file:` one file, or `files:` several read one after the other as one chapter.
CHAPTER = {"file": Field("str", required=False, default=""),
           "files": Field("strlist", required=False, default=()),
           "kind": Field("choice", choices=("front", "body", "back"))}
# Pandoc's subject: a string, or an object with text, authority and term (EPUB writer).
SUBJECT = {"text": Field("str"), "authority": Field("str", required=False, default=""),
           "term": Field("str", required=False, default="")}
# Pandoc's names for keys that mean the same as ours, accepted in their place (not beside).
ALIASES = {"authors": "author", "language": "lang", "abstract": "description",
           "keywords": "subject"}

SCHEMA: dict[str, Field] = {
    "slug": Field("str"),
    "title": Field("str"),
    "subtitle": Field("str", required=False, default=""),
    "short-title": Field("str", required=False, default=""),
    "authors": Field("authors", schema=AUTHOR),
    "date": Field("date"),
    "publisher": Field("str"),
    "identifier": Field("str"),
    "language": Field("str"),
    "rights": Field("str"),
    "keywords": Field("subjects", required=False, default=(), schema=SUBJECT),
    "abstract": Field("str", required=False, default=""),
    "funding": Field("map", required=False, schema=FUNDING),  # no funder: no funding block
    "chapters": Field("maplist", schema=CHAPTER),
    "bibliography": Field("strlist", required=False, default=()),
    "citation-style": Field("str", required=False, default="chicago-notes-bibliography"),
    "bibliography-all": Field("bool", required=False, default=False),
    "bibliography-sort": Field(
        "choice", required=False, default="romanized", choices=("romanized", "style")
    ),
    "notes": Field("choice", required=False, default="endnotes", choices=("endnotes", "footnotes")),
    # The print edition's paper: US reports print Letter, European ones A4 (same measure).
    "paper": Field("choice", required=False, default="letter", choices=("letter", "a4")),
    "colophon": Field("str", required=False, default=""),
    # Who certified the EPUB against WCAG; without it the EPUB claims no conformance.
    "accessibility-certified-by": Field("str", required=False, default=""),
    # `strict`: a figure without alt text (fig-alt or alt) is an error, not a warning.
    "accessibility": Field("choice", required=False, default="warn", choices=("warn", "strict")),
    # Pandoc's names for what imprint had no key for: the bibliography's heading (default:
    # the locale's word) and the EPUB's cover image (default: the print edition's cover).
    "reference-section-title": Field("str", required=False, default=""),
    "cover-image": Field("str", required=False, default=""),
}
COVER_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")  # EPUB core media types

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


class _Checker:
    """Walks the YAML tree against the schema, collecting diagnostics."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Diagnostic] = []

    def loc(self, node: Any, key: str | int | None = None) -> Loc:
        try:
            if key is None:
                return Loc(self.path, node.lc.line + 1)
            if isinstance(node, CommentedMap):
                return Loc(self.path, node.lc.key(key)[0] + 1)
            return Loc(self.path, node.lc.item(key)[0] + 1)
        except (AttributeError, KeyError, IndexError, TypeError):
            return Loc(self.path, 1)

    def fail(self, loc: Loc, message: str) -> None:
        self.problems.append(Diagnostic(loc, message))

    def mapping(self, node: Any, schema: dict[str, Field], where: str,
                aliases: dict[str, str] | None = None) -> dict[str, Any]:
        """`aliases`: another name each key may be given under (Pandoc's), instead of ours."""
        aliases = aliases or {}
        out: dict[str, Any] = {}
        for key in node:
            if key not in schema and key not in aliases.values():
                hint = did_you_mean(str(key), [*schema, *aliases.values()])
                self.fail(self.loc(node, key), f"unknown key '{key}' in {where}{hint}")
        for name, spec in schema.items():
            key = self.given_as(node, name, aliases.get(name))
            if key not in node or node[key] is None:
                if spec.required:
                    also = f" (or Pandoc's '{aliases[name]}')" if name in aliases else ""
                    self.fail(self.loc(node), f"missing required key '{name}'{also} in {where}")
                out[name] = spec.default
                continue
            out[name] = self.value(node, key, spec)
        return out

    def given_as(self, node: Any, name: str, alias: str | None) -> str:
        """The key `name` is given under: itself, or its alias; both at once is an error."""
        if alias is None or alias not in node:
            return name
        if name in node:
            self.fail(self.loc(node, alias), f"'{alias}' is Pandoc's name for '{name}', which "
                      f"is given too (line {self.loc(node, name).line}); keep one of them")
        return alias

    def value(self, parent: Any, key: str, spec: Field) -> Any:
        raw = parent[key]
        check: Callable[[Any, Field], Any] = getattr(self, f"as_{spec.kind}")
        try:
            return check(raw, spec)
        except _WrongType as wrong:
            self.fail(self.loc(parent, key), f"'{key}' must be {wrong}, not {_kind_name(raw)}")
            return spec.default

    def as_str(self, raw: Any, spec: Field) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise _WrongType("a non-empty string")
        return str(raw).strip()

    def as_bool(self, raw: Any, spec: Field) -> bool:
        if not isinstance(raw, bool):
            raise _WrongType("true or false")
        return raw

    def as_date(self, raw: Any, spec: Field) -> str:
        if isinstance(raw, dt.date):
            return raw.isoformat()
        if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
            return raw.strip()
        raise _WrongType("a date (YYYY-MM-DD)")

    def as_choice(self, raw: Any, spec: Field) -> str:
        if raw not in spec.choices:
            raise _WrongType("one of " + ", ".join(spec.choices))
        return str(raw)

    def as_strlist(self, raw: Any, spec: Field) -> tuple[str, ...]:
        if isinstance(raw, str):
            return (raw,)
        if not isinstance(raw, CommentedSeq) or not all(isinstance(x, str) for x in raw):
            raise _WrongType("a list of strings")
        return tuple(str(x) for x in raw)

    def as_map(self, raw: Any, spec: Field) -> dict[str, Any]:
        if not isinstance(raw, CommentedMap):
            raise _WrongType("a mapping")
        assert spec.schema is not None
        return self.mapping(raw, spec.schema, "this mapping")

    def as_authors(self, raw: Any, spec: Field) -> list[tuple[Loc, dict[str, Any]]]:
        """As Pandoc's `author`: a name, a list of names, or a list of maps with `name`."""
        if isinstance(raw, str):
            raw = CommentedSeq([raw])
        if not isinstance(raw, CommentedSeq) or not raw:
            raise _WrongType("a name, a list of names or a list of mappings with 'name'")
        assert spec.schema is not None
        people = []
        for index, item in enumerate(raw):
            loc = self.loc(raw, index)
            if isinstance(item, str) and item.strip():
                people.append((loc, {"name": item.strip(), "affiliation": "", "bio": ""}))
            elif isinstance(item, CommentedMap):
                people.append((loc, self.mapping(item, spec.schema, "this entry")))
            else:
                self.fail(loc, f"an author must be a name or a mapping, not {_kind_name(item)}")
        return people

    def as_subjects(self, raw: Any, spec: Field) -> tuple[str, ...]:
        """Our keywords, or Pandoc's subject: strings, or maps whose `text` is the subject."""
        if isinstance(raw, CommentedMap):
            raw = CommentedSeq([raw])
        if isinstance(raw, CommentedSeq) and any(isinstance(x, CommentedMap) for x in raw):
            assert spec.schema is not None
            return tuple(x if isinstance(x, str) else
                         self.as_map(x, spec).get("text") or "" for x in raw)
        return self.as_strlist(raw, spec)

    def as_maplist(self, raw: Any, spec: Field) -> list[tuple[Loc, dict[str, Any]]]:
        if not isinstance(raw, CommentedSeq) or not raw:
            raise _WrongType("a non-empty list")
        assert spec.schema is not None
        items = []
        for index, item in enumerate(raw):
            if not isinstance(item, CommentedMap):
                kind = _kind_name(item)
                self.fail(self.loc(raw, index), f"list item must be a mapping, not {kind}")
                continue
            items.append((self.loc(raw, index), self.mapping(item, spec.schema, "this entry")))
        return items


class _WrongType(Exception):
    pass


def _kind_name(raw: Any) -> str:
    if isinstance(raw, CommentedMap):
        return "a mapping"
    if isinstance(raw, CommentedSeq):
        return "a list"
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, (int, float)):
        return "a number"
    if isinstance(raw, dt.date):
        return "a date"
    return "a string" if isinstance(raw, str) else type(raw).__name__


def load_config(root: Path) -> Metadata:
    """Read `root/publication.yaml`; raise ImprintError listing every problem."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ImprintError.at(Loc(CONFIG_NAME), f"no {CONFIG_NAME} in {root}")
    text, not_utf8 = decode_utf8(path.read_bytes(), CONFIG_NAME)
    if not_utf8:  # nothing after it can be trusted to be what the author wrote
        raise ImprintError(not_utf8)
    try:
        tree = _tree(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ImprintError.at(Loc(CONFIG_NAME, line), f"invalid YAML: {error.problem}") from None
    except ReaderError as error:  # a control character: the reader gives its offset only
        line = text.count("\n", 0, max(error.position, 0)) + 1
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise ImprintError.at(Loc(CONFIG_NAME, line), f"control character U+{code:04X} is not "
                              "allowed; remove it") from None
    if not isinstance(tree, CommentedMap):
        raise ImprintError.at(Loc(CONFIG_NAME, 1), "must be a mapping of keys to values")
    checker = _Checker(CONFIG_NAME)
    data = checker.mapping(tree, SCHEMA, CONFIG_NAME, ALIASES)
    _check_values(checker, tree, data, root)
    if checker.problems:
        raise ImprintError(checker.problems)
    language_key = checker.given_as(tree, "language", ALIASES["language"])
    return _to_metadata(data, checker.loc(tree, language_key))


@lru_cache(maxsize=4)
def _tree(text: str) -> Any:
    """The parsed file, kept for the preview's next save: YAML parsing was a third of its
    rebuild. Nothing changes the tree it returns (the checks only read it)."""
    return YAML(typ="rt").load(text)


def _check_values(checker: _Checker, tree: CommentedMap, data: dict[str, Any], root: Path) -> None:
    if data["slug"] and not SLUG.match(data["slug"]):
        checker.fail(checker.loc(tree, "slug"), "'slug' may hold only a-z, 0-9 and '-'")
    if data["language"] and not LANGUAGE.match(data["language"]):
        key = "lang" if "lang" in tree else "language"
        checker.fail(checker.loc(tree, key), f"'{key}' must be a BCP 47 tag like en-US")
    for loc, chapter in data["chapters"] or []:
        _check_chapter(checker, loc, chapter, root)
    cover = data["cover-image"]
    if cover:
        refused = refusal(root, cover) or (
            None if Path(cover).suffix.lower() in COVER_TYPES else
            "is not an image an EPUB may use (PNG, JPEG, GIF, SVG or WebP)")
        if refused:
            checker.fail(checker.loc(tree, "cover-image"), f"cover image '{cover}' {refused}")
    for index, file in enumerate(data["bibliography"]):
        why = refusal(root, file)
        if why:
            where = checker.loc(tree["bibliography"], index) if isinstance(
                tree["bibliography"], CommentedSeq) else checker.loc(tree, "bibliography")
            checker.fail(where, f"bibliography file '{file}' {why}")


def _check_chapter(checker: _Checker, loc: Loc, chapter: dict[str, Any], root: Path) -> None:
    """One of `file` and `files`, each file one the manuscript may use."""
    if bool(chapter["file"]) == bool(chapter["files"]):
        checker.fail(loc, "a chapter needs 'file' (one file) or 'files' (a list), not "
                     + ("both" if chapter["file"] else "neither"))
    for file in (chapter["file"], *chapter["files"]):
        why = file and refusal(root, file)
        if why:
            checker.fail(loc, f"chapter file '{file}' {why}")


def _to_metadata(data: dict[str, Any], language_loc: Loc) -> Metadata:
    return Metadata(
        slug=data["slug"],
        title=data["title"],
        subtitle=data["subtitle"],
        short_title=data["short-title"] or data["title"],
        authors=tuple(Author(**a) for _, a in data["authors"]),
        date=data["date"],
        publisher=data["publisher"],
        identifier=data["identifier"],
        language=data["language"],
        rights=data["rights"],
        keywords=tuple(data["keywords"]),
        abstract=data["abstract"],
        funding=Funding(**data["funding"]) if data["funding"] else None,
        chapters=tuple(ChapterSpec((c["file"] or c["files"][0]), c["kind"], loc,
                                   tuple(c["files"]) or (c["file"],))
                       for loc, c in data["chapters"]),
        bibliography=tuple(data["bibliography"]),
        citation_style=data["citation-style"],
        bibliography_all=data["bibliography-all"],
        bibliography_sort=data["bibliography-sort"],
        notes=data["notes"],
        paper=data["paper"],
        colophon=data["colophon"],
        certified_by=data["accessibility-certified-by"],
        accessibility=data["accessibility"],
        bibliography_title=data["reference-section-title"],
        cover_image=data["cover-image"],
        language_loc=language_loc,
    )
