"""Stages pass plain data: what leaves the parse stage, and what its cache keeps, holds no
markdown-it object and no mutable container; numbering reads it and changes nothing."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file
from tests.conftest import SAMPLE

from imprint.book.config import load_config
from imprint.book.model import ChapterSpec, Loc
from imprint.markdown.cache import ParseCache
from imprint.markdown.nodes import FrozenMap
from imprint.markdown.parse import ParsedChapter, freeze, parse_chapter
from imprint.markdown.parser import parser
from imprint.preprocess.numbering import number_publication
from imprint.preprocess.render import to_token

DIALECT = Path(__file__).parents[1] / "fixtures" / "markdown" / "dialect.md"

# Every construct whose plugin leaves data in a token's meta, in one chapter.
EVERYTHING = """\
---
short-title: All
---

# All of it {#sec:all .x}

Text with a note,[^a] an inline note^[With [@b, 4].] and [see @a, 45; @b]. See @fig:pic,
@tbl:t and a [file](file:///etc/passwd) and ![alt](missing.png){#fig:no} and a
[span]{lang=ru onclick="y"}.

![A *caption*](pic.svg){#fig:pic fig-alt="Alt" source="Me" onclick="x"}

: The caption {#tbl:t source="Them"}

| a | b |
|---|---|
| 1 | 2 |

::: {.callout title="Box" lang=ru}
Inside.
:::

```{.python #code}
print(1)
```

Term
:   Definition.

::: unclosed
Runs to the end.

[^a]: The note, citing @a.
"""


def chapters(root: Path) -> list[ParsedChapter]:
    return [parse_chapter(root, spec) for spec in load_config(root).chapters]


def everything(tmp_path: Path) -> ParsedChapter:
    (tmp_path / "chapters").mkdir(exist_ok=True)
    (tmp_path / "chapters" / "01-all.md").write_text(EVERYTHING, encoding="utf-8")
    (tmp_path / "pic.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return parse_chapter(tmp_path, ChapterSpec("chapters/01-all.md", "body", Loc("p.yaml", 1)))


def impure(value: object, path: str = "chapter") -> Iterator[str]:
    """Where in `value` a markdown-it object, a mutable container or a thawed dataclass is."""
    kind = type(value)
    parser_made = kind.__module__.split(".")[0] in ("markdown_it", "mdit_py_plugins")
    if parser_made or isinstance(value, list | dict | set | bytearray):
        yield f"{path}: {kind.__name__}"
    elif isinstance(value, FrozenMap):
        for key, item in value.pairs:
            yield from impure(item, f"{path}[{key!r}]")
    elif dataclasses.is_dataclass(value):
        if not kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            yield f"{path}: {kind.__name__} is not frozen"
        for name in (f.name for f in dataclasses.fields(value)):
            yield from impure(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from impure(item, f"{path}[{index}]")
    elif not isinstance(value, str | int | float | type(None)):
        yield f"{path}: {kind.__name__}"


def test_the_check_sees_tokens_and_mutable_containers() -> None:
    assert list(impure(parser().parse("*x*"))) == ["chapter: list"]
    assert list(impure((parser().parse("*x*")[1],))) == ["chapter[0]: Token"]
    assert list(impure(FrozenMap((("a", {"b": 1}),)))) == ["chapter['a']: dict"]  # type: ignore[arg-type]


def test_the_sample_parses_to_plain_frozen_data() -> None:
    for chapter in chapters(SAMPLE):
        assert list(impure(chapter)) == []


def test_every_plugin_s_meta_is_frozen(tmp_path: Path) -> None:
    chapter = everything(tmp_path)
    assert list(impure(chapter)) == []
    kinds = {child.type for node in chapter.nodes for child in (node, *(node.children or ()))}
    assert {"figure_open", "table_caption_open", "container_div_open", "citation", "xref",
            "footnote_ref", "fence", "dl_open", "front_matter", "span_open"} <= kinds
    span = next(c for n in chapter.nodes for c in n.children or () if c.type == "span_open")
    assert span.meta == FrozenMap((("insecure_attrs", FrozenMap((("onclick", "y"),))),))


def test_a_node_gives_back_the_token_it_was_made_from(tmp_path: Path) -> None:
    texts = [EVERYTHING, *(source for _, _, source, _ in read_fixture_file(DIALECT))]
    texts += [path.read_text(encoding="utf-8") for path in (SAMPLE / "chapters").glob("*.md")]
    for text in texts:
        for token in parser().parse(text, {"path": "x.md"}):
            assert to_token(freeze(token)) == token


def test_numbering_leaves_the_parsed_chapters_as_they_were(tmp_path: Path) -> None:
    for root, parsed in ((SAMPLE, chapters(SAMPLE)), (tmp_path, [everything(tmp_path)])):
        before = copy.deepcopy(parsed)
        numbering = number_publication(root, parsed, note_style=True)
        assert parsed == before
        assert all(numbering.marks.values())  # what it decided is in its result instead


def test_the_cache_keeps_plain_data_and_gives_back_an_equal_parse(tmp_path: Path) -> None:
    cache = ParseCache()
    for spec in load_config(SAMPLE).chapters:
        first = cache.parse(SAMPLE, spec)
        stored = cache.stored(spec.file)
        assert stored is not None and list(impure(stored)) == []
        assert cache.parse(SAMPLE, spec) == first == parse_chapter(SAMPLE, spec)
        assert pickle.loads(pickle.dumps(stored)) == stored  # it could go to disk as it is
    assert cache.parses == len(load_config(SAMPLE).chapters)


def test_nothing_can_be_written_onto_a_node(tmp_path: Path) -> None:
    node = everything(tmp_path).nodes[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.meta = FrozenMap()  # type: ignore[misc]
    with pytest.raises(TypeError):
        node.meta["id"] = 1  # type: ignore[index]
