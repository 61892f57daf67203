"""The MarkdownIt instance: CommonMark plus Pandoc's extensions, each as a plugin."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from imprint.markdown.attributes import attrs_plugin
from imprint.markdown.blocks import blocks_plugin
from imprint.markdown.citations import citations_plugin
from imprint.markdown.code import code_attrs_plugin
from imprint.markdown.deflist import pandoc_deflist_plugin
from imprint.markdown.divs import divs_plugin
from imprint.markdown.example_lists import example_lists_plugin
from imprint.markdown.fancy_lists import fancy_lists_plugin
from imprint.markdown.figures import figures_plugin
from imprint.markdown.footnotes import footnote_checks_plugin
from imprint.markdown.headings import heading_attrs_plugin
from imprint.markdown.implicit_refs import implicit_refs_plugin
from imprint.markdown.inline_marks import inline_marks_plugin
from imprint.markdown.line_blocks import line_blocks_plugin
from imprint.markdown.math import math_plugin
from imprint.markdown.raw_attribute import raw_attribute_plugin
from imprint.markdown.raw_html import raw_html_plugin
from imprint.markdown.raw_tex import raw_tex_plugin
from imprint.markdown.tables import tables_plugin
from imprint.markdown.task_lists import task_lists_plugin
from imprint.markdown.typography import typography_plugin
from imprint.markdown.xrefs import xrefs_plugin

MAX_NESTING = 110


@cache
def parser() -> MarkdownIt:
    """One shared parser; per-document state lives in `env`, never on the instance."""
    # html=True so raw HTML is tokenized: comments are dropped, a few inline elements kept,
    # the rest refused with its line (markdown/raw_html.py).
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "typographer": True})
    md.enable(["table", "smartquotes"])
    # markdown-it drops whatever is nested deeper than this without a word; the parse stage
    # refuses a chapter that reaches it, so the limit only needs to be beyond real writing.
    md.options["maxNesting"] = MAX_NESTING
    md.use(typography_plugin)
    md.use(inline_marks_plugin)  # ~~strikeout~~, 2^10^, H~2~O
    md.use(front_matter_plugin)
    md.use(raw_html_plugin)
    md.use(footnote_plugin)
    md.use(footnote_checks_plugin)
    md.use(deflist_plugin)
    md.use(pandoc_deflist_plugin)
    md.use(fancy_lists_plugin)  # a., (ii), #. lists (before blocks.py wraps the list rule)
    md.use(blocks_plugin)
    md.use(task_lists_plugin)  # - [ ] / - [x]
    md.use(line_blocks_plugin)  # | verse and addresses
    md.use(code_attrs_plugin)
    md.use(attrs_plugin)  # Pandoc's attribute grammar, on spans, links and images
    md.use(divs_plugin)
    md.use(heading_attrs_plugin)
    md.use(implicit_refs_plugin)  # `[Heading text]` links to that heading
    md.use(figures_plugin)
    md.use(tables_plugin)  # pipe, simple, multiline and grid tables; captions (after figures)
    md.use(xrefs_plugin)
    md.use(math_plugin)
    md.use(raw_attribute_plugin)  # ```{=html}, `x`{=latex}
    md.use(raw_tex_plugin)  # \index{…}, \newpage outside math: left out (after math)
    md.use(citations_plugin)
    md.use(example_lists_plugin)  # (@) items; `@label` prints its number (after citations)
    # markdown-it silently drops `file:` URLs and leaves the source text; let them through so
    # the numbering stage can refuse them with a located warning instead.
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def _validate_link(url: str) -> bool:
    scheme = url.strip().lower().split(":", 1)[0]
    return scheme not in ("javascript", "vbscript") and not url.lower().startswith("data:text")
