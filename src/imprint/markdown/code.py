"""Pandoc attributes on a code fence: ```` ```{.python .numberLines #code} ```` or
```` ```python {.numberLines} ````. The first class is the language, as in Pandoc.

markdown-it takes the info string's first word as the language, so `{.python}` became the
language "{.python}". We leave `info` holding only the language (what the renderer prints as
`language-…`) and keep all the attributes in `meta["attrs"]`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from imprint.markdown.attributes import parse_attrs

# A knitr or Quarto chunk header, ```` ```{r echo=FALSE} ```` or ```` ```{python} ````: printed
# as code (it is not run), in its language, not the language "{r".
CHUNK = re.compile(r"\{([A-Za-z][\w-]*)(?=[\s,}])")


def code_attrs_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "code_attrs", _code_attrs)


def fence_attrs(info: str) -> tuple[str, dict[str, str]] | None:
    """`{.python .x #id}` -> ('python', {...}); `python {.x}` -> ('python', {'class': 'python x'});
    None when the info string holds no attribute block (or a malformed one)."""
    text = info.strip()
    word, _, rest = ("", "", text) if text.startswith("{") else text.partition(" ")
    if not rest.strip().startswith("{"):
        return None
    attrs = parse_attrs(rest)
    if attrs is None:
        return None
    classes = ([word] if word else []) + attrs.get("class", "").split()
    if classes:
        attrs["class"] = " ".join(classes)
    return (classes[0] if classes else ""), attrs


def _code_attrs(state: StateCore) -> None:
    for token in state.tokens:
        if token.type != "fence":
            continue
        found = fence_attrs(token.info)
        if found is not None:
            token.info, token.meta["attrs"] = found
        elif chunk := CHUNK.match(token.info.strip()):
            token.info = chunk.group(1)
