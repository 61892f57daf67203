"""Raw HTML as Pandoc's `raw_html`, made safe for every edition.

Comments (`<!-- … -->`, block or inline) are dropped. A few inline elements pass an allowlist
sanitizer (nh3, the binding of the Rust `ammonia`) and leave the parse stage as `raw_html`
tokens built from the sanitized attributes, so the renderer writes well-formed XHTML and never
the author's own markup. Anything else is a located error naming the tag. Every `style`, from
raw HTML or an attribute block, loses the declarations that would load something.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_block.html_block import html_block
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.token import Token

from imprint.book.model import Diagnostic, Loc
from imprint.markdown.nodes import line_of

# Inline elements Markdown has no syntax for, each with the attributes it may keep. `style`
# on a span as `[x]{style=…}` allows it, and through the same filter (`safe_style`).
ALLOWED: dict[str, frozenset[str]] = {
    "br": frozenset(), "sup": frozenset(), "sub": frozenset(), "u": frozenset(),
    "mark": frozenset(), "small": frozenset(), "abbr": frozenset({"title"}),
    "kbd": frozenset(), "span": frozenset({"class", "lang", "dir", "title", "style"}),
}
VOID = frozenset({"br"})
DIRECTIONS = frozenset({"ltr", "rtl", "auto"})
ALLOWED_NAMES = ", ".join(ALLOWED)
TYPE = "raw_html"  # the token type an allowed tag becomes (rendered by ChapterRenderer.raw_html)

COMMENT = re.compile(r"<!--(?:.|\n)*?-->")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
ALLOWED_TAG = re.compile(rf"</?(?:{'|'.join(ALLOWED)})(?:\s[^<>]*)?/?>", re.IGNORECASE)
# A line starting with an allowed element is paragraph text, as in Pandoc (CommonMark would
# make `<br>` or `<span class="x">` alone on a line an HTML block).
INLINE_START = re.compile(rf"</?(?:{'|'.join(ALLOWED)})(?=[\s/>]|$)", re.IGNORECASE)
# Declarations that make a reader fetch something (or, in old engines, run script).
UNSAFE_CSS = re.compile(r"url\(|expression\(|@import|image-set\(|-moz-binding|behavior:")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
# What markdown-it's Markdown markup is called in a message about a tag crossing it.
MARKUP = {"em": "emphasis '*…*'", "strong": "strong emphasis '**…**'", "link": "link '[…](…)'",
          "span": "span '[…]{…}'", "s": "strikethrough '~~…~~'"}


def raw_html_plugin(md: MarkdownIt) -> None:
    """Pandoc's block rules for raw HTML: an allowed inline element starts a paragraph, and a
    comment does not interrupt one (it is then an inline comment, dropped with the rest)."""
    md.block.ruler.at("html_block", _html_block, {"alt": ["paragraph", "reference",
                                                           "blockquote"]})


def _html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    pos = state.bMarks[start] + state.tShift[start]
    if INLINE_START.match(state.src, pos):
        return False
    if state.src.startswith("<!--", pos) and (silent or _text_after_comment(state, pos)):
        return False
    return html_block(state, start, end, silent)


def _text_after_comment(state: StateBlock, pos: int) -> bool:
    """`<!-- a --> text` on one paragraph's lines: Pandoc drops the comment and keeps the text
    as a paragraph, which the paragraph rule does once this rule lets the line go."""
    close = state.src.find("-->", pos + 4)
    if close < 0:
        return False
    line_end = state.src.find("\n", close)
    rest = state.src[close + 3:line_end if line_end >= 0 else len(state.src)]
    blank_inside = re.search(r"\n[ \t]*\n", state.src[pos:close]) is not None
    return bool(COMMENT.sub("", rest).strip()) and not blank_inside


# --- the parse stage's check -----------------------------------------------------------------


def raw_html(tokens: list[Token], path: str) -> list[Diagnostic]:
    """Drop comments and turn allowed tags into `raw_html` tokens (changing `tokens` and their
    children in place); every other tag is an error. Then make every `style` safe."""
    problems: list[Diagnostic] = []
    kept, line = [], 0
    for token in tokens:
        line = line_of(token) or line
        if token.type == "html_block":
            found = _block_problem(token, path, line)
            if found is None:
                continue  # comments only
            problems.append(found)
        elif token.children:
            problems += _inline(token.children, path, line)
        kept.append(token)
    tokens[:] = kept
    return problems + unsafe_attributes(tokens, path)


def _block_problem(token: Token, path: str, line: int) -> Diagnostic | None:
    """None for a block of comments only, else the error for its first piece of HTML."""
    content = token.content
    if content.lstrip().startswith("<!--") and "-->" not in content:
        return Diagnostic(Loc(path, line), "HTML comment '<!--' is never closed; close it with "
                                           "'-->' (all the text after it would be lost)")
    rest = COMMENT.sub(lambda m: "\n" * m.group().count("\n"), content)
    if not rest.strip():
        return None
    at = len(rest) - len(rest.lstrip())
    where = Loc(path, line + rest[:at].count("\n"))
    if not rest.lstrip().startswith("<"):
        return Diagnostic(where, "text after an HTML comment on the line it closes would be "
                                 "lost; put the text on a line of its own")
    return Diagnostic(where, _refused(rest.lstrip()))


def _refused(html: str) -> str:
    match = TAG.match(html)
    shown = f"<{match.group(1)}{match.group(2).lower()}>" if match else html.split()[0][:20]
    return (f"raw HTML {shown} is not allowed; use Markdown (allowed inline: "
            f"{ALLOWED_NAMES})")


@dataclass
class _Open:
    """An element (or Markdown markup) open at this point of an inline run."""

    name: str
    html: bool
    line: int


@dataclass
class _Run:
    """One inline run's open elements, and the end tags already accounted for by an error
    about their start tag (so one mistake gives one message)."""

    path: str
    stack: list[_Open] = field(default_factory=list)
    forgiven: list[str] = field(default_factory=list)

    def forgive(self, name: str) -> bool:
        if name in self.forgiven:
            self.forgiven.remove(name)
            return True
        return False


def _inline(children: list[Token], path: str, line: int) -> list[Diagnostic]:
    """Check one inline run (and each image's own run); pair start and end tags."""
    problems: list[Diagnostic] = []
    run = _Run(path)
    kept = []
    for child in children:
        breaks = child.content.count("\n") if child.type == "html_inline" else int(
            child.type in ("softbreak", "hardbreak"))
        if child.type == "html_inline" and COMMENT.fullmatch(child.content):
            line += breaks
            continue
        if child.type == "html_inline":
            problems += _tag(child, run, Loc(path, line))
        elif child.nesting:
            problems += _markup(child, run, line)
        elif child.children:
            problems += _inline(child.children, path, line)
        line += breaks
        kept.append(child)
    children[:] = kept
    return problems + [Diagnostic(Loc(path, o.line), f"<{o.name}> is never closed; close it "
                                  f"with </{o.name}> in the same paragraph")
                       for o in run.stack if o.html]


def _markup(token: Token, run: _Run, line: int) -> list[Diagnostic]:
    """Markdown markup opens and closes in order; an HTML element must not cross it."""
    name = token.type.rsplit("_", 1)[0]
    if token.nesting == 1:
        run.stack.append(_Open(name, False, line))
        return []
    problems = []
    while run.stack and run.stack[-1].html:
        crossing = run.stack.pop()
        run.forgiven.append(crossing.name)
        problems.append(Diagnostic(Loc(run.path, crossing.line), f"<{crossing.name}> is not "
                                   f"closed before the {MARKUP.get(name, 'markup')} around it "
                                   "ends; close it inside"))
    if run.stack:
        run.stack.pop()
    return problems


def _tag(token: Token, run: _Run, where: Loc) -> list[Diagnostic]:
    match = TAG.match(token.content)
    name = match.group(2).lower() if match else ""
    closing = match is not None and bool(match.group(1))
    if name not in ALLOWED:
        if closing and run.forgive(name):
            return []
        run.forgiven.append(name)
        return [Diagnostic(where, _refused(token.content))]
    if closing:
        return _close(token, name, run, where)
    start = _start_tag(token.content)
    handlers = [key for key, _ in start.attrs if key.startswith("on")]
    if start.closed and name not in VOID:
        return [Diagnostic(where, f"<{name}/> holds nothing; write <{name}>…</{name}>")]
    if name not in VOID:
        run.stack.append(_Open(name, True, where.line))
    if handlers:
        return [Diagnostic(where, f"raw HTML <{name} {handlers[0]}=…> is not allowed: event "
                                  "handler attributes never reach an edition")]
    attrs, problems = _sanitized(name, token.content, start.attrs, where)
    token.type, token.tag, token.attrs = TYPE, name, attrs
    token.nesting = 0 if name in VOID else 1
    return problems


def _close(token: Token, name: str, run: _Run, where: Loc) -> list[Diagnostic]:
    stack = run.stack
    if name in VOID:
        return [Diagnostic(where, f"</{name}> is no tag; write <{name}>")]
    if run.forgive(name):
        return []
    if not any(o.html and o.name == name for o in stack):
        return [Diagnostic(where, f"</{name}> closes nothing: no <{name}> is open here")]
    inner = stack[-1]
    if not inner.html or inner.name != name:
        stack.remove(next(o for o in reversed(stack) if o.html and o.name == name))
        what = f"<{inner.name}>" if inner.html else MARKUP.get(inner.name, "markup")
        return [Diagnostic(where, f"</{name}> comes before the end of the {what} opened after "
                                  f"<{name}>; close that first")]
    stack.pop()
    token.type, token.tag, token.attrs, token.nesting = TYPE, name, {}, -1
    return []


@dataclass(frozen=True)
class _StartTag:
    attrs: tuple[tuple[str, str | None], ...]
    closed: bool  # written `<x/>`


def _start_tag(html: str) -> _StartTag:
    """The attributes of one start tag, as an HTML parser reads them (entities decoded)."""
    found: list[_StartTag] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append(_StartTag(tuple(attrs), False))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append(_StartTag(tuple(attrs), True))

    reader = Reader(convert_charrefs=True)
    reader.feed(html)
    reader.close()
    return found[0] if found else _StartTag((), False)


def _sanitized(name: str, html: str, attrs: tuple[tuple[str, str | None], ...],
               where: Loc) -> tuple[dict[str, str | int | float], list[Diagnostic]]:
    """What nh3 keeps of the tag's attributes; a warning for each one it drops."""
    cleaned = nh3.clean(html if name in VOID else f"{html}</{name}>", tags=set(ALLOWED),
                        attributes={n: set(a - {"dir"}) for n, a in ALLOWED.items()},
                        tag_attribute_values={"span": {"dir": set(DIRECTIONS)}},
                        link_rel=None, strip_comments=True)
    kept: dict[str, str | int | float] = {k: v or "" for k, v in _start_tag(cleaned).attrs}
    problems = [Diagnostic(where, _dropped(name, key, value), "warning")
                for key, value in attrs if key not in kept]
    return kept, problems + _clean_attributes(kept, where)


def _dropped(name: str, key: str, value: str | None) -> str:
    if key == "dir":  # allowed, but not with this value
        return f"dir='{' '.join((value or '').split())}' of <{name}> is dropped: dir is ltr, " \
            "rtl or auto"
    allowed = ", ".join(sorted(ALLOWED[name])) or "none"
    return f"attribute '{key}' of <{name}> is dropped (allowed: {allowed})"


# --- attributes from anywhere: no event handler, no style that loads something ---------------


def safe_style(style: str) -> tuple[str, list[str]]:
    """`style` without the declarations that fetch or run something, and those dropped.

    Checked after removing CSS comments and escapes, so `u\\rl(` or `ur/**/l(` is no way
    round it."""
    kept, dropped = [], []
    for declaration in style.split(";"):
        if not declaration.strip():
            continue
        plain = CSS_ESCAPE.sub(_unescape, re.sub(r"/\*.*?(\*/|$)", "", declaration, flags=re.S))
        if UNSAFE_CSS.search(re.sub(r"\s+", "", plain).lower()):
            dropped.append(declaration.strip())
        else:
            kept.append(declaration.strip())
    return "; ".join(kept), dropped


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return match.group(2)


def _style_warning(declaration: str, where: Loc) -> Diagnostic:
    shown = " ".join(declaration.split())  # one line, as every message is
    shown = shown if len(shown) <= 60 else shown[:57] + "…"
    return Diagnostic(where, f"style declaration '{shown}' is dropped: a style may not load "
                             "anything (url(), expression(), @import)", "warning")


def unsafe_attributes(tokens: list[Token], path: str) -> list[Diagnostic]:
    """Attribute blocks (`## Title {style=…}`, `[x]{style=…}`) pass any attribute through, as
    Pandoc does: here a `style` loses what would load something, and an event handler that is
    still there (attributes.py keeps them off spans, links and images) is dropped, with a
    warning."""
    problems: list[Diagnostic] = []
    line = 0
    for token in tokens:
        line = line_of(token) or line
        for item in _with_children(token):
            meta_attrs = (item.meta or {}).get("attrs")
            for attrs in (item.attrs, meta_attrs):
                if isinstance(attrs, dict):
                    problems += _clean_attributes(attrs, Loc(path, line))
    return problems


def _with_children(token: Token) -> list[Token]:
    found = [token]
    for child in token.children or []:
        found += _with_children(child)
    return found


def _clean_attributes(attrs: dict[str, Any], where: Loc) -> list[Diagnostic]:
    """Change `attrs` in place; the problems found."""
    problems = []
    for key in [k for k in attrs if k.lower().startswith("on")]:
        del attrs[key]
        problems.append(Diagnostic(where, f"attribute '{key}' is dropped: event handlers "
                                          "never reach an edition", "warning"))
    if isinstance(attrs.get("style"), str):
        style, dropped = safe_style(attrs["style"])
        problems += [_style_warning(d, where) for d in dropped]
        if dropped and style:
            attrs["style"] = style
        elif dropped:
            del attrs["style"]
    return problems
