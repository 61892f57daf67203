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

from imprint.preprocess.cite.format import CitationText
from imprint.preprocess.note_calls import CallPlan, close_quote, plan_calls
from imprint.preprocess.numbering import Target, anchor

# Between two note calls with nothing but space between them, so "4748" reads "47,48". In the
# HTML, not a CSS `+` rule: that matched calls with words between them too.
NOTE_SEPARATOR = '<span class="noteref-separator">,</span>'


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
        return f'<a class="xref" href="#{target.id}">{escape(target.label, quote=False)}</a>'

    def heading_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        number = self._ctx(env).chapter_number
        prefix = ""
        if token.tag == "h1" and number is not None:
            prefix = f'<p class="chapter-number">{number}</p>\n'
        return prefix + self.renderToken(tokens, idx, options, env)

    def image(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        if token.meta.get("blocked"):
            return f'<span class="missing-image">[{escape(alt)}]</span>'
        return f'<img src="{escape(token.meta["asset"])}" alt="{escape(alt)}" />'

    def figure_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        attrs = token.meta["attrs"]
        alt = escape(attrs.get("fig-alt", ""))
        if token.meta.get("blocked"):
            img = f'<p class="missing-image">[{alt}]</p>'
        else:
            img = f'<img src="{escape(token.meta["asset"])}" alt="{alt}" />'
        env["imprint_figure_source"] = attrs.get("source", "")
        label = f'<span class="caption-label">Figure {token.meta["number"]}.</span> '
        return (
            f'<figure id="{token.meta["id"]}" class="figure">\n{img}\n'
            f"<figcaption>{label}"
        )

    def figure_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        source = env.pop("imprint_figure_source", "")
        line = f'<span class="caption-source">Source: {escape(source)}</span>' if source else ""
        return f"{line}</figcaption>\n</figure>\n"

    def table_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        env.setdefault("imprint_tables", []).append(token.meta.get("attrs", {}).get("source", ""))
        if "id" in token.meta:
            return f'<table id="{token.meta["id"]}">\n'
        return "<table>\n"

    def table_caption_open(self, tokens: Sequence[Token], idx: int, options: Any,
                           env: Any) -> str:
        opening = next(t for t in reversed(tokens[:idx]) if t.type == "table_open")
        number = opening.meta.get("number")
        return f'<caption><span class="caption-label">Table {number}.</span> '

    def table_caption_close(self, tokens: Sequence[Token], idx: int, options: Any,
                            env: Any) -> str:
        return "</caption>\n"

    def table_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        source = env["imprint_tables"].pop()
        line = f'<p class="table-source">Source: {escape(source)}</p>\n' if source else ""
        return "</table>\n" + line

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

    def footnote_anchor(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return ""
