"""Parse stage: each chapter file -> plain nodes, front matter and title, with every problem
located. markdown-it's tokens and its `env` stay inside this stage: what leaves it is frozen."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it.token import Token
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from imprint.book.files import decode_utf8
from imprint.book.model import ChapterSpec, CiteItem, Diagnostic, Loc
from imprint.markdown.checks import (
    control_characters,
    footnote_problems,
    language_problems,
    structure_problems,
)
from imprint.markdown.nodes import FrozenMap, Node, Value, line_of
from imprint.markdown.parser import parser

FRONT_MATTER_KEYS = ("short-title", "title")


@dataclass(frozen=True)
class ParsedChapter:
    spec: ChapterSpec
    slug: str
    title: str
    short_title: str
    nodes: tuple[Node, ...]  # its markdown-it tokens, frozen (`imprint.markdown.nodes`)
    problems: tuple[Diagnostic, ...]

    @property
    def path(self) -> str:
        return self.spec.file


def chapter_slug(file: str) -> str:
    """`chapters/03-arms.md` -> `arms`: the numeric prefix only orders files.

    A slug names the chapter's ids and EPUB file, so it holds only ASCII letters, digits, `_`
    and `-`; a name with none of those (`01-引言.md`) gets a stable one from its bytes.
    """
    stem = Path(file).stem
    named = re.sub(r"^\d+[-_]", "", stem) or stem
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", named).strip("-")
    return safe or "chapter-" + hashlib.sha256(named.encode()).hexdigest()[:8]


def parse_chapter(root: Path, spec: ChapterSpec, data: bytes | None = None) -> ParsedChapter:
    """Parse `spec`'s file, or `data` when the caller has already read (and hashed) its bytes."""
    path = spec.file
    if data is None:
        data = (root / path).read_bytes()
    text, not_utf8 = decode_utf8(data, path)
    bad = [not_utf8] if not_utf8 else []
    bad += control_characters(text, path)
    env: dict[str, Any] = {"path": path}
    tokens = parser().parse(text, env)
    problems = bad + _raw_html(tokens, path) + _unused_footnotes(env, text, path)
    problems += footnote_problems(env, path) + structure_problems(tokens, path)
    problems += language_problems(tokens, path)
    front, front_problems = _front_matter(tokens, path)
    problems += front_problems
    title = _title(tokens)
    if title is None and not bad:
        problems.append(Diagnostic(Loc(path, 1), "chapter has no '# Title' heading"))
    return ParsedChapter(
        spec=spec,
        slug=chapter_slug(path),
        title=front.get("title") or title or chapter_slug(path),
        short_title=front.get("short-title") or front.get("title") or title or "",
        nodes=tuple(freeze(token) for token in tokens),
        problems=tuple(problems),
    )


def freeze(token: Token) -> Node:
    """`token` (and its children) as a frozen `Node` holding the same fields."""
    children = token.children
    return Node(
        type=token.type,
        tag=token.tag,
        nesting=token.nesting,
        attrs=tuple(token.attrs.items()),
        map=(token.map[0], token.map[1]) if token.map else None,
        level=token.level,
        children=None if children is None else tuple(freeze(child) for child in children),
        content=token.content,
        markup=token.markup,
        info=token.info,
        meta=_freeze_map(token.meta),
        block=token.block,
        hidden=token.hidden,
    )


def _freeze_map(data: dict[str, Any]) -> FrozenMap:
    return FrozenMap(tuple((str(key), _freeze_value(value)) for key, value in data.items()))


def _freeze_value(value: object) -> Value:
    """Plugins' meta values: scalars, `CiteItem`s, attribute dicts and tuples. Anything else
    fails loudly here, so a new plugin cannot slip mutable data past the parse stage."""
    if value is None or isinstance(value, str | int | float | CiteItem):  # bool is an int
        return value
    if isinstance(value, dict):
        return _freeze_map(value)
    if isinstance(value, tuple):
        return tuple(_freeze_value(item) for item in value)
    raise TypeError(f"cannot freeze {type(value).__name__} {value!r} found in a token's meta")


def _unused_footnotes(env: dict[str, Any], text: str, path: str) -> list[Diagnostic]:
    """markdown-it drops a footnote nobody calls; say so rather than lose it silently."""
    problems = []
    for ref, index in env.get("footnotes", {}).get("refs", {}).items():
        if index != -1:
            continue
        label = ref[1:]
        marker = f"[^{label}]:"
        line = next((n for n, row in enumerate(text.splitlines(), 1) if marker in row), 0)
        problems.append(Diagnostic(Loc(path, line), f"footnote '[^{label}]' is never referenced",
                                   "warning"))
    return problems


def _title(tokens: list[Token]) -> str | None:
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return tokens[index + 1].content.strip()
    return None




def _raw_html(tokens: list[Token], path: str) -> list[Diagnostic]:
    problems = []
    for token in tokens:
        if token.type == "html_block":
            problems.append(_html_problem(path, line_of(token), token.content))
        for child in token.children or []:
            if child.type == "html_inline":
                problems.append(_html_problem(path, line_of(token), child.content))
    return problems


def _html_problem(path: str, line: int, content: str) -> Diagnostic:
    snippet = content.strip().splitlines()[0][:40] if content.strip() else "<…>"
    return Diagnostic(Loc(path, line), f"raw HTML is not allowed in chapters: {snippet}")


def _front_matter(tokens: list[Token], path: str) -> tuple[dict[str, str], list[Diagnostic]]:
    token = next((t for t in tokens if t.type == "front_matter"), None)
    if token is None:
        return {}, []
    try:
        data = YAML(typ="rt").load(token.content)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark else 0) + 2
        return {}, [Diagnostic(Loc(path, line), f"invalid front matter: {error}".splitlines()[0])]
    if data is None:
        return {}, []
    if not isinstance(data, CommentedMap):
        return {}, [Diagnostic(Loc(path, 2), "front matter must be a mapping")]
    front, problems = {}, []
    for key, value in data.items():
        line = data.lc.key(key)[0] + 2
        if key not in FRONT_MATTER_KEYS:
            problems.append(Diagnostic(Loc(path, line), f"unknown front matter key '{key}'"))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Diagnostic(Loc(path, line), f"'{key}' must be a non-empty string"))
        else:
            front[key] = value.strip()
    return front, problems
