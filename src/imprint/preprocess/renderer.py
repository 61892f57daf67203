"""markdown-it tokens -> the house's HTML: note calls, figures, captions, callouts, cross-refs.

Markup is XHTML-clean (it goes into the EPUB unchanged) and carries the DPUB-ARIA roles that
both the tagged PDF and screen readers rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any, cast

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from imprint.book.locale import Locale, shipped_locale
from imprint.markdown.attributes import size_style
from imprint.markdown.math import render_math
from imprint.preprocess.cite.format import CitationText
from imprint.preprocess.note_calls import CallPlan, close_quote, plan_calls
from imprint.preprocess.numbering import Target, anchor

# Between two note calls with nothing but space between them, so "4748" reads "47,48". In the
# HTML, not a CSS `+` rule: that matched calls with words between them too.
NOTE_SEPARATOR = '<span class="noteref-separator">,</span>'


def _table_attrs(token: Token, fit: list[str]) -> str:
    """A table's id, classes (the author's, and `wide` for smaller type) and, as in Pandoc's
    HTML, its width when its columns' widths add up to less than the line."""
    attrs = token.meta.get("attrs", {})
    ident = f' id="{token.meta["id"]}"' if "id" in token.meta else ""
    classes = [*str(attrs.get("class", "")).split(), *(n for n in fit if n == "wide")]
    kind = f' class="{escape(" ".join(classes))}"' if classes else ""
    total = sum(token.meta.get("widths", ()))
    style = f' style="width: {round(total * 100)}%"' if 0 < total < 1 else ""
    return ident + kind + style


def note_call(number: int, *, first: bool = True) -> str:
    ident = f' id="noteref-{number}"' if first else ""
    return (
        f'<a class="noteref"{ident} href="#note-{number}" '
        f'epub:type="noteref" role="doc-noteref">{number}</a>'
    )


@dataclass
class RenderContext:
    """What the renderer needs from earlier stages, plus the notes it collects."""

    targets: dict[str, Target]
    citations: dict[str, CitationText]  # citation id -> its formatted text
    chapter_number: int | None
    punctuation_in_quote: bool = True  # the locale's rule (American English: true)
    locale: Locale = field(default_factory=shipped_locale)  # caption labels, "Source: …"
    notes: dict[int, str] = field(default_factory=dict)
    plans: dict[int, tuple[Sequence[Token], CallPlan]] = field(default_factory=dict)
    deferred: list[str] = field(default_factory=list)  # calls waiting for a link to close
    link_depth: int = 0

    def note_of(self, token: Token) -> CitationText | None:
        """The formatted citation if `token` is a citation that becomes a note, else None."""
        if token.type != "citation" or token.meta.get("note") is None:
            return None
        cite = self.citations.get(token.meta["id"])
        return cite if cite is not None and cite.note_html is not None else None

    def is_call(self, token: Token) -> bool:
        return token.type == "footnote_ref" or self.note_of(token) is not None

    def is_bare(self, token: Token) -> bool:
        """Prints nothing but its call: a footnote reference, or `[@a]` (not `@a`)."""
        cite = self.note_of(token)
        return token.type == "footnote_ref" or (cite is not None and not cite.inline_html)

    def plan(self, tokens: Sequence[Token]) -> CallPlan:
        """The call plan of one inline run, made once (rules are called token by token)."""
        if id(tokens) not in self.plans:
            plan = plan_calls(tokens, self.is_call, self.is_bare,
                              punctuation_in_quote=self.punctuation_in_quote)
            self.plans[id(tokens)] = (tokens, plan)  # the run is kept so its id stays unique
        return self.plans[id(tokens)][1]


class ChapterRenderer(RendererHTML):
    """Render rules are methods named after token types (markdown-it-py's convention)."""

    def _ctx(self, env: dict[str, Any]) -> RenderContext:
        return cast(RenderContext, env["imprint"])

    def text(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        plan = self._ctx(env).plan(tokens)
        if idx in plan.drop:
            return ""
        content = tokens[idx].content[plan.skip.get(idx, 0):]
        if idx in plan.into_quote:
            content = close_quote(content, plan.into_quote[idx])
        elif idx in plan.rstrip:
            content = content.rstrip(" ")
        return escape(content, quote=False)

    def softbreak(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if idx in self._ctx(env).plan(tokens).drop:
            return ""
        return super().softbreak(tokens, idx, options, env)

    def citation(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        ctx = self._ctx(env)
        token = tokens[idx]
        cite = ctx.citations.get(token.meta.get("id", ""))
        if cite is None:
            return escape(token.content, quote=False)
        if cite.note_html is None:
            return cite.inline_html
        number = token.meta["note"]
        ctx.notes[number] = f"<p>{cite.note_html}</p>"
        plan = ctx.plan(tokens)
        call = (NOTE_SEPARATOR if idx in plan.separated else "") + note_call(number)
        return cite.inline_html + escape(plan.moved.get(idx, ""), quote=False) + self._place(
            ctx, call)

    def footnote_ref(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        ctx = self._ctx(env)
        token = tokens[idx]
        separator = NOTE_SEPARATOR if idx in ctx.plan(tokens).separated else ""
        # A second call of one note links to it, but the id belongs to the first call.
        return self._place(ctx, separator + note_call(token.meta["number"],
                                                      first=not token.meta.get("subId")))

    def _place(self, ctx: RenderContext, call: str) -> str:
        """Inside a link a call waits for the link to close: links do not nest in XHTML."""
        if ctx.link_depth:
            ctx.deferred.append(call)
            return ""
        return call

    def link_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        ctx = self._ctx(env)
        ctx.link_depth += 1
        if tokens[idx].meta.get("blocked"):
            env["imprint_blocked_link"] = True
            return ""
        return self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        ctx = self._ctx(env)
        ctx.link_depth -= 1
        closing = "" if env.pop("imprint_blocked_link", False) else self.renderToken(
            tokens, idx, options, env)
        calls = "".join(ctx.deferred) if not ctx.link_depth else ""
        if calls:
            ctx.deferred.clear()
        return closing + calls

    def xref(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        target = self._ctx(env).targets.get(tokens[idx].meta["target"])
        if target is None:
            return escape(tokens[idx].content, quote=False)
        # `[-@fig:x]`: the number alone, the author wrote the word ("Figure [-@fig:x]").
        text = target.number if tokens[idx].meta.get("bare") and target.number else target.label
        return f'<a class="xref" href="#{target.id}">{escape(text, quote=False)}</a>'

    # TeX math: MathML with its TeX as alttext, and a numbered display's number (markdown/math).
    math_inline = math_display = render_math

    def heading_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        number = self._ctx(env).chapter_number
        prefix = ""
        if token.tag == "h1" and number is not None:
            prefix = f'<p class="chapter-number">{number}</p>\n'
        return prefix + self.renderToken(tokens, idx, options, env)

    def image(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        # `{alt="…"}` is Pandoc's alt text; without it, the description is.
        alt = str(token.attrGet("alt") or self.renderInlineAsText(token.children or [], options,
                                                                  env))
        if token.meta.get("blocked"):
            return f'<span class="missing-image">[{escape(alt)}]</span>'
        style = size_style(token.attrs)
        style = f' style="{escape(style)}"' if style else ""
        return f'<img src="{escape(token.meta["asset"])}"{style} alt="{escape(alt)}" />'

    def figure_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        attrs = token.meta["attrs"]
        # Quarto's fig-alt, else Pandoc's alt, else the caption (numbering warned about it).
        alt = escape(attrs.get("fig-alt") or attrs.get("alt") or self.renderInlineAsText(
            tokens[idx + 1].children or [], options, env).strip())
        style = size_style(attrs)
        style = f' style="{escape(style)}"' if style else ""
        if token.meta.get("blocked"):
            img = f'<p class="missing-image">[{alt}]</p>'
        else:
            img = f'<img src="{escape(token.meta["asset"])}"{style} alt="{alt}" />'
        env["imprint_figure_source"] = attrs.get("source", "")
        words = self._ctx(env).locale
        label = words.caption(words.figure_label(token.meta["number"]))
        label = f'<span class="caption-label">{escape(label, quote=False)}</span> '
        return (
            f'<figure id="{token.meta["id"]}" class="figure">\n{img}\n'
            f"<figcaption>{label}"
        )

    def figure_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        source = env.pop("imprint_figure_source", "")
        said = self._ctx(env).locale.fill(self._ctx(env).locale.source, source=source)
        line = f'<span class="caption-source">{escape(said)}</span>' if source else ""
        return f"{line}</figcaption>\n</figure>\n"

    def table_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        """A table in its wrapper: a labelled region that scrolls sideways on a screen too
        narrow for it and, in print, carries its fit (markdown/table_fit.py)."""
        token = tokens[idx]
        env.setdefault("imprint_tables", []).append(token.meta.get("attrs", {}).get("source", ""))
        fit = str(token.meta.get("fit", "")).split()
        words = self._ctx(env).locale
        number = token.meta.get("number")
        label = (words.table_label(number) if number
                 else self._first_row(tokens, idx, options, env))
        wrapper = " ".join(["table-wrap", *(name for name in fit if name != "wide")])
        return (f'<div class="{wrapper}" role="region" tabindex="0" '
                f'aria-label="{escape(label)}">\n<table{_table_attrs(token, fit)}>\n')

    def _first_row(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        """An unnumbered table's name for screen readers: its first row's words."""
        row = []
        for token in tokens[idx + 1:]:
            if token.type == "tr_close":
                break
            if token.type == "inline":
                row.append(" ".join(self.renderInlineAsText(token.children or [], options,
                                                            env).split()))
        fallback = self._ctx(env).locale.table.format(n="").strip()  # "Table", "表"
        return ", ".join(text for text in row if text)[:80] or fallback

    def table_caption_open(self, tokens: Sequence[Token], idx: int, options: Any,
                           env: Any) -> str:
        opening = next(t for t in reversed(tokens[:idx]) if t.type == "table_open")
        words = self._ctx(env).locale
        label = words.caption(words.table_label(opening.meta["number"]))
        return f'<caption><span class="caption-label">{escape(label, quote=False)}</span> '

    def table_caption_close(self, tokens: Sequence[Token], idx: int, options: Any,
                            env: Any) -> str:
        return "</caption>\n"

    def table_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        source = env["imprint_tables"].pop()
        said = self._ctx(env).locale.fill(self._ctx(env).locale.source, source=source)
        line = f'<p class="table-source">{escape(said)}</p>\n' if source else ""
        return "</table>\n" + line + "</div>\n"

    def container_div_open(self, tokens: Sequence[Token], idx: int, options: Any,
                           env: Any) -> str:
        token = tokens[idx]
        attrs = dict(token.meta.get("attrs", {}))
        title = attrs.pop("title", "")
        classes = attrs.pop("class", "")
        ident = f' id="{anchor(attrs.pop("id"))}"' if "id" in attrs else ""
        lang = f' lang="{escape(attrs["lang"])}"' if "lang" in attrs else ""
        if "callout" in classes.split():
            token.meta["aside"] = True
            heading = f'<p class="callout-title">{escape(title)}</p>\n' if title else ""
            return f'<aside class="{escape(classes)}"{ident}{lang}>\n{heading}'
        return f'<div class="{escape(classes)}"{ident}{lang}>\n'

    def container_div_close(self, tokens: Sequence[Token], idx: int, options: Any,
                            env: Any) -> str:
        depth, index = 0, idx
        while index > 0:
            index -= 1
            kind = tokens[index].type
            if kind == "container_div_close":
                depth += 1
            elif kind == "container_div_open":
                if depth == 0:
                    return "</aside>\n" if tokens[index].meta.get("aside") else "</div>\n"
                depth -= 1
        return "</div>\n"

    def front_matter(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""

    def raw_html(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        """An allowed inline element (markdown/raw_html.py): a tag made from its sanitized
        attributes, so `<br>` prints as `<br />` and nothing the author wrote passes raw."""
        return self.renderToken(tokens, idx, options, env)

    def html_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""  # the parse stage refuses or drops every raw tag: never print one as written

    def html_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""

    def footnote_anchor(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""
