"""Titles and names in other languages as the Chicago Manual sets them (CMOS 14.97, 11.x).

A source in Chinese or Russian carries its English translation in brackets after the original
title: `title = {超限战 [Unrestricted Warfare]}`. The style italicises (or quotes) the whole
title field; Chicago sets only the original in italics (or quotes) and the translation after
it, roman, in sentence case: *超限战* [Unrestricted warfare]. Sentence case follows biblatex's
rule: words in braces (`{China}`, which pandoc hands over as plain spans) keep their capitals,
and so do the first word, a word after a colon, and words with capitals inside (PLA, McNamara).

A corporate author with a translation (`{{国务院新闻办公室 [State Council Information Office]}}`)
is named in full in the first note and the bibliography; a short note names it without the
translation, as it does a person by family name only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from imprint.preprocess.cite.pandoc_ast import escape, stringify

Node = dict[str, Any]

_OPENING_QUOTE = "\u201c"
_CLOSING_QUOTE = "\u201d"
_TITLE_CASE_WORD = re.compile(r"[A-Z][a-z]+(?:['\u2019][a-z]+)?(?:-[A-Za-z][a-z]*)*|A")
_WORD = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_SENTENCE_END = re.compile(r"[:?!]$")
_CORPORATE = re.compile(r"(?P<original>.+?)\s+\[(?P<translation>[^\[\]]+)\]")


def roman_translations(nodes: list[Node]) -> list[Node]:
    """`nodes` (pandoc inlines or blocks) with each title's bracketed translation taken out of
    its italics or quotation marks, roman and in sentence case."""
    result: list[Node] = []
    for node in nodes:
        result.extend(_node(node))
    return result


def _node(node: Node) -> list[Node]:
    kind = node.get("t")
    if kind == "Emph":
        return _split_title(node, node["c"], lambda inner: {"t": "Emph", "c": inner})
    if kind == "Span" and _is_quoted_title(node):
        attr = node["c"][0]
        return _split_quoted(attr, node["c"][1])
    return [_recurse(node)]


def _recurse(node: Node) -> Node:
    """`node` with the pass applied to the inlines and blocks it holds."""
    content = node.get("c")
    if isinstance(content, list):
        return {**node, "c": _recurse_value(content)}
    return node


def _recurse_value(value: Any) -> Any:
    if isinstance(value, list) and value and all(isinstance(v, dict) and "t" in v for v in value):
        return roman_translations(value)
    if isinstance(value, list):
        return [_recurse_value(v) for v in value]
    if isinstance(value, dict) and "t" in value:
        return _recurse(value)
    return value


def _is_quoted_title(node: Node) -> bool:
    inner = node["c"][1]
    return bool(inner) and _text(inner[0]).startswith(_OPENING_QUOTE)


def _split_title(node: Node, inner: list[Node], wrap: Any) -> list[Node]:
    at = _translation_start(inner)
    if at is None:
        return [_recurse(node)]
    return [wrap(inner[: at - 1]), {"t": "Space"}, *sentence_case(inner[at:])]


def _split_quoted(attr: Any, inner: list[Node]) -> list[Node]:
    """`“Title [Translation],”` -> `“Title”` `[translation],`: the punctuation the style put
    inside the quotation marks follows the translation (CMOS 14.97's examples)."""
    if not _text(inner[-1]).endswith(_CLOSING_QUOTE):
        return [{"t": "Span", "c": [attr, roman_translations(inner)]}]
    body, closing = inner[:-1], _without_quote(inner[-1])
    punctuation: list[Node] = []
    while body and re.fullmatch(r"[.,;:]", _text(body[-1])):
        punctuation.insert(0, body.pop())
    at = _translation_start(body)
    if at is None:
        return [{"t": "Span", "c": [attr, roman_translations(inner)]}]
    quoted = [*body[: at - 1], {"t": "Str", "c": _CLOSING_QUOTE}]
    tail = [*sentence_case(body[at:]), *punctuation, *closing]
    return [{"t": "Span", "c": [attr, quoted]}, {"t": "Space"}, *tail]


def _without_quote(node: Node) -> list[Node]:
    rest = _text(node)[: -len(_CLOSING_QUOTE)]
    return [{"t": "Str", "c": rest}] if rest else []


def _translation_start(inner: Sequence[Node]) -> int | None:
    """The index where a trailing ` [translation]` begins (after a space), or None."""
    for at in range(1, len(inner)):
        if inner[at - 1].get("t") != "Space":
            continue
        tail = stringify(inner[at:])
        if tail.startswith("[") and tail.endswith("]") and _balanced(tail):
            return at
    return None


def _balanced(text: str) -> bool:
    depth = 0
    for position, char in enumerate(text):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth == 0 and position < len(text) - 1:
            return False  # `[a] b [c]`: the first bracket closes before the end
    return depth == 0


def sentence_case(inlines: list[Node]) -> list[Node]:
    """Headline-case words lowered, except the first, one after a colon, and braced ones."""
    state = {"first": True}
    return [_cased(node, state) for node in inlines]


def _cased(node: Node, state: dict[str, bool]) -> Node:
    kind = node.get("t")
    if kind == "Str":
        return {"t": "Str", "c": _cased_word(node["c"], state)}
    if kind == "Span" and node["c"][0] == ["", [], []]:
        state["first"] = False  # braces in the source: the author's capitals stand
        return node
    if kind in ("Emph", "Strong"):
        return {"t": kind, "c": [_cased(child, state) for child in node["c"]]}
    return node


def _cased_word(text: str, state: dict[str, bool]) -> str:
    lead, word, trail = _WORD.match(text).groups()  # type: ignore[union-attr]
    if not word:  # punctuation alone, as after a braced word: `{China}: A study`
        state["first"] = state["first"] or bool(_SENTENCE_END.search(text))
        return text
    keep = state["first"]
    state["first"] = bool(_SENTENCE_END.search(word + trail))
    if keep or not _TITLE_CASE_WORD.fullmatch(word):
        return text
    return lead + word.lower() + trail


def corporate_translation(family: str, given: str) -> tuple[str, str] | None:
    """(original, translation) of an organisation's name written `Original [Translation]`."""
    match = _CORPORATE.fullmatch(family.strip()) if not given else None
    return (match["original"], match["translation"]) if match else None


def shorten_corporate(html: str, names: Sequence[tuple[str, str]]) -> str:
    """A short note's XHTML with each organisation named without its translation."""
    for original, translation in names:
        pattern = re.escape(escape(original)) + r"\s+\[" + _apostrophes(escape(translation))
        html = re.sub(pattern + r"\]", escape(original).replace("\\", "\\\\"), html)
    return html


def _apostrophes(text: str) -> str:
    """A regex for `text` in which a straight apostrophe also matches citeproc's curly one."""
    return "".join("['\u2019]" if char in "'\u2019" else re.escape(char) for char in text)


def _text(node: Node) -> str:
    return str(node.get("c", "")) if node.get("t") == "Str" else ""
