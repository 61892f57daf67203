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

from imprint.book.model import ChapterSpec, CiteItem, Diagnostic, Loc
from imprint.markdown.checks import (
    footnote_problems,
    language_problems,
    structure_problems,
)
from imprint.markdown.headings import display_text
from imprint.markdown.math import math_problems
from imprint.markdown.nodes import FrozenMap, Node, Value
from imprint.markdown.parser import parser
from imprint.markdown.parts import Joined, Parts, join_files
from imprint.markdown.raw_attribute import raw_attribute_problems
from imprint.markdown.raw_html import raw_html
from imprint.markdown.raw_tex import raw_tex_problems

FRONT_MATTER_KEYS = ("short-title", "title")


@dataclass(frozen=True)
class ParsedChapter:
    spec: ChapterSpec
    slug: str
    title: str
    short_title: str
    nodes: tuple[Node, ...]  # its markdown-it tokens, frozen (`imprint.markdown.nodes`)
    problems: tuple[Diagnostic, ...]
    parts: Parts | None = None  # where each of its files starts; None: one file
    # False: no '# ' heading and no front matter `title`, so it continues the chapter before
    titled: bool = True
    ignored: tuple[tuple[str, Loc], ...] = ()  # front matter keys imprint does not read

    @property
    def path(self) -> str:
        return self.spec.file

    def loc(self, line: int) -> Loc:
        """Where line `line` of the chapter's (joined) text is: its own file and line."""
        return self.parts.loc(line) if self.parts is not None else Loc(self.path, line)


def chapter_slug(file: str) -> str:
    """`chapters/03-arms.md` -> `arms`: the numeric prefix only orders files.

    A slug names the chapter's ids and EPUB file, so it holds only ASCII letters, digits, `_`
    and `-`; a name with none of those (`01-引言.md`) gets a stable one from its bytes.
    """
    stem = Path(file).stem
    named = re.sub(r"^\d+[-_]", "", stem) or stem
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", named).strip("-")
    return safe or "chapter-" + hashlib.sha256(named.encode()).hexdigest()[:8]


def parse_chapter(root: Path, spec: ChapterSpec,
                  data: bytes | tuple[bytes, ...] | None = None) -> ParsedChapter:
    """Parse `spec`'s files as one text, or `data` (their bytes) when the caller has already
    read (and hashed) them. Problems in the joined text are reported under the first file,
    then moved to their own (`Parts.relocate`)."""
    path = spec.file
    if data is None:
        data = tuple((root / file).read_bytes() for file in spec.files)
    joined = join_files(spec.files, data if isinstance(data, tuple) else (data,))
    text, bad = joined.text, list(joined.problems)
    env: dict[str, Any] = {"path": path}
    tokens = parser().parse(text, env)
    # Raw chunks for Pandoc's other writers go first (raw_attribute.py, raw_tex.py); then
    # raw_html drops HTML comments and makes the allowed tags tokens the checks after read.
    problems = bad + raw_attribute_problems(tokens, path) + raw_tex_problems(tokens, path)
    problems += raw_html(tokens, path) + _unused_footnotes(env, text, path)
    problems += footnote_problems(env, path) + structure_problems(tokens, path)
    problems += language_problems(tokens, path)
    problems += math_problems(tokens, path)
    front, front_problems, ignored = _front_matters(joined)
    problems += front_problems
    title = _title(tokens)
    if title is None and "title" in front:
        _insert_heading(tokens, front["title"], joined)
    return ParsedChapter(
        spec=spec,
        slug=chapter_slug(path),
        title=front.get("title") or title or chapter_slug(path),
        short_title=front.get("short-title") or front.get("title") or title or "",
        nodes=tuple(freeze(token) for token in tokens),
        problems=tuple(joined.parts.relocate(problems)),
        parts=joined.parts if len(spec.files) > 1 else None,
        titled=title is not None or "title" in front or bool(bad),
        ignored=ignored,
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
            return display_text(freeze(tokens[index + 1]).children or ())
    return None




@dataclass(frozen=True)
class FrontMatter:
    """One file's front matter: the keys imprint reads, their lines, and what it ignores."""

    values: dict[str, str]
    lines: dict[str, int]  # key -> its line in the file
    problems: list[Diagnostic]
    ignored: list[tuple[str, Loc]]


def _front_matters(joined: Joined) -> tuple[dict[str, str], list[Diagnostic],
                                            tuple[tuple[str, Loc], ...]]:
    """The chapter's title and short title, from its first file's front matter; a later file
    continues the chapter, so its own are ignored, with a warning."""
    fronts = [_front_matter(token, part.file)
              for part, token in zip(joined.parts.parts, joined.fronts, strict=True)]
    problems = [p for front in fronts for p in front.problems]
    first = joined.parts.parts[0].file
    for part, front in zip(joined.parts.parts[1:], fronts[1:], strict=True):
        problems += [Diagnostic(Loc(part.file, front.lines[key]), f"'{key}' is ignored here: "
                                f"this file continues the chapter of {first}", "warning")
                     for key in front.values]
    ignored = tuple(item for front in fronts for item in front.ignored)
    return fronts[0].values, problems, ignored


def _insert_heading(tokens: list[Token], title: str, joined: Joined) -> None:
    """The front matter's `title` as the chapter's `# ` heading, as Quarto makes it: where the
    heading would stand, after the front matter, mapped to the title's line."""
    line = _front_matter(joined.fronts[0], joined.parts.parts[0].file).lines["title"] - 1
    opening = Token("heading_open", "h1", 1, map=[line, line + 1], markup="#", block=True)
    text = Token("text", "", 0, content=title)
    inline = Token("inline", "", 0, map=[line, line + 1], content=title, children=[text],
                   block=True, level=1)
    closing = Token("heading_close", "h1", -1, markup="#", block=True)
    at = 1 if tokens and tokens[0].type == "front_matter" else 0
    tokens[at:at] = [opening, inline, closing]


def _front_matter(token: Token | None, path: str) -> FrontMatter:
    found = FrontMatter({}, {}, [], [])
    if token is None:
        return found
    try:
        data = YAML(typ="rt").load(token.content)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line if mark else 0) + 2
        found.problems.append(Diagnostic(Loc(path, line),
                                         f"invalid front matter: {error}".splitlines()[0]))
        return found
    if data is None:
        return found
    if not isinstance(data, CommentedMap):
        found.problems.append(Diagnostic(Loc(path, 2), "front matter must be a mapping"))
        return found
    for key, value in data.items():
        line = data.lc.key(key)[0] + 2
        if key not in FRONT_MATTER_KEYS:
            # Pandoc and Quarto keep many keys here (author, execute, …): ignored, as Pandoc
            # ignores what its writer does not use; the pipeline warns once per key.
            found.ignored.append((str(key), Loc(path, line)))
        elif not isinstance(value, str) or not value.strip():
            found.problems.append(Diagnostic(Loc(path, line),
                                             f"'{key}' must be a non-empty string"))
        else:
            found.values[key] = value.strip()
            found.lines[key] = line
    return found
