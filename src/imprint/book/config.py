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
    kind: str  # "str", "strlist", "date", "bool", "choice", "map", "maplist"
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
CHAPTER = {"file": Field("str"), "kind": Field("choice", choices=("front", "body", "back"))}

SCHEMA: dict[str, Field] = {
    "slug": Field("str"),
    "title": Field("str"),
    "subtitle": Field("str", required=False, default=""),
    "short-title": Field("str", required=False, default=""),
    "authors": Field("maplist", schema=AUTHOR),
    "date": Field("date"),
    "publisher": Field("str"),
    "identifier": Field("str"),
    "language": Field("str"),
    "rights": Field("str"),
    "keywords": Field("strlist", required=False, default=()),
    "abstract": Field("str", required=False, default=""),
    "funding": Field("map", schema=FUNDING),
    "chapters": Field("maplist", schema=CHAPTER),
    "bibliography": Field("strlist", required=False, default=()),
    "citation-style": Field("str", required=False, default="chicago-notes-bibliography"),
    "bibliography-all": Field("bool", required=False, default=False),
    "bibliography-sort": Field(
        "choice", required=False, default="romanized", choices=("romanized", "style")
    ),
    "notes": Field("choice", required=False, default="endnotes", choices=("endnotes", "footnotes")),
    "colophon": Field("str", required=False, default=""),
    # Who certified the EPUB against WCAG; without it the EPUB claims no conformance.
    "accessibility-certified-by": Field("str", required=False, default=""),
}

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

    def mapping(self, node: Any, schema: dict[str, Field], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in node:
            if key not in schema:
                hint = did_you_mean(str(key), schema)
                self.fail(self.loc(node, key), f"unknown key '{key}' in {where}{hint}")
        for name, spec in schema.items():
            if name not in node or node[name] is None:
                if spec.required:
                    self.fail(self.loc(node), f"missing required key '{name}' in {where}")
                out[name] = spec.default
                continue
            out[name] = self.value(node, name, spec)
        return out

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
        tree = YAML(typ="rt").load(text)
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
    data = checker.mapping(tree, SCHEMA, CONFIG_NAME)
    _check_values(checker, tree, data, root)
    if checker.problems:
        raise ImprintError(checker.problems)
    return _to_metadata(data)


def _check_values(checker: _Checker, tree: CommentedMap, data: dict[str, Any], root: Path) -> None:
    if data["slug"] and not SLUG.match(data["slug"]):
        checker.fail(checker.loc(tree, "slug"), "'slug' may hold only a-z, 0-9 and '-'")
    if data["language"] and not LANGUAGE.match(data["language"]):
        checker.fail(checker.loc(tree, "language"), "'language' must be a BCP 47 tag like en-US")
    for loc, chapter in data["chapters"] or []:
        file = chapter["file"]
        why = file and refusal(root, file)
        if why:
            checker.fail(loc, f"chapter file '{file}' {why}")
    for index, file in enumerate(data["bibliography"]):
        why = refusal(root, file)
        if why:
            where = checker.loc(tree["bibliography"], index) if isinstance(
                tree["bibliography"], CommentedSeq) else checker.loc(tree, "bibliography")
            checker.fail(where, f"bibliography file '{file}' {why}")


def _to_metadata(data: dict[str, Any]) -> Metadata:
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
        funding=Funding(**data["funding"]),
        chapters=tuple(ChapterSpec(c["file"], c["kind"], loc) for loc, c in data["chapters"]),
        bibliography=tuple(data["bibliography"]),
        citation_style=data["citation-style"],
        bibliography_all=data["bibliography-all"],
        bibliography_sort=data["bibliography-sort"],
        notes=data["notes"],
        colophon=data["colophon"],
        certified_by=data["accessibility-certified-by"],
    )
