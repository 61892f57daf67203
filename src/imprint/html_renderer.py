"""markdown-it tokens -> the house's HTML: note calls, figures, captions, callouts, cross-refs.

Markup is XHTML-clean (it goes into the EPUB unchanged) and carries the DPUB-ARIA roles that
both the tagged PDF and screen readers rely on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from imprint.numbering import Target, anchor

NOTE_PUNCTUATION = ".,;:!?"
# Between two note calls with nothing but space between them, so "4748" reads "47,48". In the
# HTML, not a CSS `+` rule: that matched calls with words between them too.
NOTE_SEPARATOR = '<span class="noteref-separator">,</span>'


def note_call(number: int) -> str:
    return (
        f'<a class="noteref" id="noteref-{number}" href="#note-{number}" '
        f'epub:type="noteref" role="doc-noteref">{number}</a>'
    )


@dataclass
class RenderContext:
    """What the renderer needs from earlier stages, plus the notes it collects."""

    targets: dict[str, Target]
    citations: dict[str, Any]  # citation id -> cite.CitationText
    chapter_number: int | None
    notes: dict[int, str] = field(default_factory=dict)
    skip_punctuation: set[int] = field(default_factory=set)


def _is_call(token: Token | None, ctx: RenderContext) -> bool:
    """A token that prints a note call."""
    if token is None:
        return False
    return token.type == "footnote_ref" or _citation_note(token, ctx) is not None


def _citation_note(token: Token, ctx: RenderContext) -> Any:
    if token.type != "citation" or token.meta.get("note") is None:
        return None
    cite = ctx.citations.get(token.meta["id"])
    return cite if cite is not None and cite.note_html is not None else None


def _call_replaces_citation(token: Token | None, ctx: RenderContext) -> bool:
    """A citation that prints only its note call (`[@a]`, not `@a`): the space before it goes,
    as Pandoc removes it in a note style."""
    cite = _citation_note(token, ctx) if token is not None else None
    return cite is not None and not cite.inline_html


def _is_blank(token: Token) -> bool:
    return token.type == "softbreak" or (token.type == "text" and not token.content.strip())


def _next_significant(tokens: Sequence[Token], idx: int) -> Token | None:
    """The next token that is not a soft break."""
    return _scan(tokens, idx, 1, lambda t: t.type == "softbreak")


def _after_call(tokens: Sequence[Token], idx: int, ctx: RenderContext) -> bool:
    """Is the token before `idx`, skipping only white space, a note call?"""
    return _is_call(_scan(tokens, idx, -1, _is_blank), ctx)


def _between_calls(tokens: Sequence[Token], idx: int, ctx: RenderContext) -> bool:
    return _after_call(tokens, idx, ctx) and _is_call(_scan(tokens, idx, 1, _is_blank), ctx)


def _scan(tokens: Sequence[Token], idx: int, step: int,
          skip: Callable[[Token], bool]) -> Token | None:
    """The first token from `idx` (exclusive) in direction `step` that `skip` does not pass."""
    index = idx + step
    while 0 <= index < len(tokens):
        if not skip(tokens[index]):
            return tokens[index]
        index += step
    return None


class ChapterRenderer(RendererHTML):
    """Render rules are methods named after token types (markdown-it-py's convention)."""

    def _ctx(self, env: dict[str, Any]) -> RenderContext:
        return env["imprint"]

    def text(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        content = tokens[idx].content
        ctx = self._ctx(env)
        if id(tokens[idx]) in ctx.skip_punctuation:
            content = content[1:]
        if not content.strip() and _between_calls(tokens, idx, ctx):
            return ""  # `[^a] [^b]`: the calls get a separator instead
        if _call_replaces_citation(_next_significant(tokens, idx), ctx):
            content = content.rstrip(" ")
        return escape(content, quote=False)

    def softbreak(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        # `claim\n[@a].` prints "claim.¹", as Pandoc prints it: the call takes no space.
        ctx = self._ctx(env)
        if _call_replaces_citation(_next_significant(tokens, idx), ctx) or _between_calls(
                tokens, idx, ctx):
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
        punctuation = ""
        following = tokens[idx + 1] if idx + 1 < len(tokens) else None
        if following is not None and following.type == "text" and following.content[:1] and (
            following.content[0] in NOTE_PUNCTUATION
        ):
            punctuation = following.content[0]
            ctx.skip_punctuation.add(id(following))
        separator = NOTE_SEPARATOR if _after_call(tokens, idx, ctx) and not (
            cite.inline_html or punctuation) else ""
        return f"{cite.inline_html}{punctuation}{separator}{note_call(number)}"

    def link_open(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if tokens[idx].meta.get("blocked"):
            env["imprint_blocked_link"] = True
            return ""
        return self.renderToken(tokens, idx, options, env)

    def link_close(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        if env.pop("imprint_blocked_link", False):
            return ""
        return self.renderToken(tokens, idx, options, env)

    def footnote_ref(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        separator = NOTE_SEPARATOR if _after_call(tokens, idx, self._ctx(env)) else ""
        return separator + note_call(tokens[idx].meta["number"])

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
