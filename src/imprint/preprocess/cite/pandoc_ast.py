"""Pandoc JSON AST -> XHTML fragments.

Just enough of Pandoc's document model to print what citeproc returns: inline markup, links,
notes (handed back separately, never printed inline) and the paragraphs and divs of the
bibliography. The output is a well-formed XHTML fragment, so it can go into EPUB as it is.
Elements Pandoc would print as raw markup (RawInline, RawBlock) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

Node = dict[str, Any]  # one inline or block: {"t": type, "c": content}

_SIMPLE_TAGS = {
    "Emph": "em",
    "Strong": "strong",
    "Underline": "u",
    "Strikeout": "s",
    "Superscript": "sup",
    "Subscript": "sub",
}
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}
_SAFE_URL = re.compile(r"(?:https?://|mailto:|#)", re.IGNORECASE)


def escape(text: str) -> str:
    """Escape text for an XHTML text node or a double-quoted attribute value."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def inlines_to_html(inlines: Sequence[Node]) -> str:
    """Render inlines; Note elements are skipped (use `split_notes` to get them)."""
    return "".join(_inline(node) for node in inlines)


def blocks_to_html(blocks: Sequence[Node]) -> str:
    """Render blocks as one inline-level fragment: paragraphs are joined by a space."""
    return " ".join(part for part in (_block(b) for b in blocks) if part)


def split_notes(inlines: Sequence[Node]) -> tuple[list[Node], list[list[Node]]]:
    """Separate Note elements (top level or inside a Cite) from the other inlines.

    Returns the inlines without notes and the block lists of the notes, in order.
    """
    rest: list[Node] = []
    notes: list[list[Node]] = []
    for node in inlines:
        if node["t"] == "Note":
            notes.append(node["c"])
        elif node["t"] == "Cite":
            inner, inner_notes = split_notes(node["c"][1])
            rest.extend(inner)
            notes.extend(inner_notes)
        else:
            rest.append(node)
    return rest, notes


def strip_spaces(inlines: Sequence[Node]) -> list[Node]:
    """Drop leading and trailing Space/SoftBreak/empty Str inlines."""
    items = list(inlines)
    while items and _is_blank(items[0]):
        items.pop(0)
    while items and _is_blank(items[-1]):
        items.pop()
    return items


def stringify(nodes: Iterable[Node]) -> str:
    """Plain text of inlines or blocks, as Pandoc's `stringify` gives it."""
    parts: list[str] = []
    for node in nodes:
        kind: str = node["t"]
        content: Any = node.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Note":
            continue
        elif kind == "Quoted":
            left, right = _QUOTES[content[0]["t"]]
            parts.append(f"{left}{stringify(content[1])}{right}")
        else:
            parts.append(stringify(_children(node)))
    return "".join(parts)


def _is_blank(node: Node) -> bool:
    return node["t"] in ("Space", "SoftBreak") or (node["t"] == "Str" and not node["c"])


def _inline(node: Node) -> str:
    kind: str = node["t"]
    content: Any = node.get("c")
    if kind == "Str":
        return escape(content)
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "<br />"
    if kind in _SIMPLE_TAGS:
        tag = _SIMPLE_TAGS[kind]
        return f"<{tag}>{inlines_to_html(content)}</{tag}>"
    if kind == "SmallCaps":
        return f'<span class="smallcaps">{inlines_to_html(content)}</span>'
    if kind == "Quoted":
        left, right = _QUOTES[content[0]["t"]]
        return f"{left}{inlines_to_html(content[1])}{right}"
    if kind == "Span":
        return _span(content[0], inlines_to_html(content[1]))
    if kind == "Link":
        return _link(content[2][0], inlines_to_html(content[1]))
    if kind == "Code":
        return f"<code>{escape(content[1])}</code>"
    if kind == "Math":
        return escape(content[1])
    if kind == "Image":
        return inlines_to_html(content[1])
    if kind == "Cite":
        return inlines_to_html(content[1])
    return ""  # Note, RawInline and anything unknown


def _block(node: Node) -> str:
    kind: str = node["t"]
    content: Any = node.get("c")
    if kind in ("Para", "Plain"):
        return inlines_to_html(content)
    if kind == "Div":
        return _span(content[0], blocks_to_html(content[1]))
    if kind == "BlockQuote":
        return blocks_to_html(content)
    if kind == "LineBlock":
        return "<br />".join(inlines_to_html(line) for line in content)
    return ""  # RawBlock, HorizontalRule, code, tables: nothing citeproc produces


def _span(attr: list[Any], inner: str) -> str:
    """Keep `csl-*` classes and `lang`; a span left without attributes disappears."""
    _, classes, pairs = attr
    kept = [c for c in classes if c.startswith("csl-")]
    lang = next((v for k, v in pairs if k == "lang"), None)
    attrs = (f' class="{escape(" ".join(kept))}"' if kept else "") + (
        f' lang="{escape(lang)}"' if lang else ""
    )
    return f"<span{attrs}>{inner}</span>" if attrs else inner


def _link(url: str, inner: str) -> str:
    if not _SAFE_URL.match(url):
        return inner
    return f'<a href="{escape(url)}">{inner}</a>'


def _children(node: Node) -> list[Node]:
    """The inline or block children of a node, for `stringify`."""
    kind: str = node["t"]
    content: Any = node.get("c")
    if kind in (
        "Para",
        "Plain",
        "Emph",
        "Strong",
        "Underline",
        "Strikeout",
        "Superscript",
        "Subscript",
        "SmallCaps",
        "BlockQuote",
    ):
        return list(content)
    if kind in ("Span", "Div", "Quoted", "Cite", "Link", "Image"):
        return list(content[1])
    if kind in ("Code", "Math"):
        return [{"t": "Str", "c": content[1]}]
    return []
