"""The MarkdownIt instance: CommonMark plus Pandoc's extensions, each as a plugin."""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from imprint.markdown.blocks import blocks_plugin
from imprint.markdown.citations import citations_plugin
from imprint.markdown.code import code_attrs_plugin
from imprint.markdown.deflist import pandoc_deflist_plugin
from imprint.markdown.divs import divs_plugin
from imprint.markdown.figures import figures_plugin
from imprint.markdown.footnotes import footnote_checks_plugin
from imprint.markdown.headings import heading_attrs_plugin
from imprint.markdown.typography import typography_plugin
from imprint.markdown.xrefs import xrefs_plugin

MAX_NESTING = 100


@cache
def parser() -> MarkdownIt:
    """One shared parser; per-document state lives in `env`, never on the instance."""
    # html=True only so raw HTML is tokenized and can be refused with its line.
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "typographer": True})
    md.enable(["table", "smartquotes"])
    # markdown-it drops whatever is nested deeper than this without a word; the parse stage
    # refuses a chapter that reaches it, so the limit only needs to be beyond real writing.
    md.options["maxNesting"] = MAX_NESTING
    md.use(typography_plugin)
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(footnote_checks_plugin)
    md.use(deflist_plugin)
    md.use(pandoc_deflist_plugin)
    md.use(blocks_plugin)
    md.use(code_attrs_plugin)
    md.use(attrs_plugin, spans=True, after=("image", "span_close", "link_close"))
    md.use(divs_plugin)
    md.use(heading_attrs_plugin)
    md.use(figures_plugin)
    md.use(xrefs_plugin)
    md.use(citations_plugin)
    # markdown-it silently drops `file:` URLs and leaves the source text; let them through so
    # the numbering stage can refuse them with a located warning instead.
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def _validate_link(url: str) -> bool:
    scheme = url.strip().lower().split(":", 1)[0]
    return scheme not in ("javascript", "vbscript") and not url.lower().startswith("data:text")
