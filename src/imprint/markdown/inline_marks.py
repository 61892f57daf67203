"""Pandoc's `strikeout`, `superscript` and `subscript`: `~~gone~~`, `2^10^`, `H~2~O`.

markdown-it's own strikethrough rule and mdit-py-plugins' `sub`/`sup` read them as Pandoc does
(no unescaped space inside `^…^` or `~…~`). Pandoc writes a strikeout as <del>; markdown-it's
rule makes <s>, renamed here so both editions say what Pandoc says.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin


def inline_marks_plugin(md: MarkdownIt) -> None:
    md.enable("strikethrough")
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.core.ruler.after("inline", "strikeout_as_del", _strikeout_as_del)


def _strikeout_as_del(state: StateCore) -> None:
    for block in state.tokens:
        for token in block.children or ():
            if token.type in ("s_open", "s_close"):
                token.tag = "del"
