"""A grammar of the Markdown imprint accepts (README's table), plus hostile bytes, as Hypothesis
strategies. Every manuscript is one tiny chapter (a few blocks), so a PDF build stays ~0.3 s.

Three in four chapters are well-formed (every id unique, every reference resolvable, no note
inside a note), so most examples reach the PDF and EPUB writers; the rest mix in what imprint
must refuse with a located error (control characters, invalid UTF-8 such as a lone surrogate
written as bytes, raw HTML, nesting past 107 quotes or 53 lists, unknown keys and ids)."""

from __future__ import annotations

import itertools
import re

from hypothesis import strategies as st

KEYS = ("lo2008axis", "lukin2018rapprochement")
SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">
<rect x="2" y="2" width="36" height="16" fill="#369"/></svg>
"""

WORDS = (
    "policy", "report", "Russia", "China", "hedging", "war", "a", "the", "of", "and", "1.",
    "-", "*", "_", "`", "#", "<", ">", "&amp;", "&", "{", "}", "[", "]", "(", ")", "@", "^", "|",
    ":", ";", "\\", "...", "--", "---", '"', "'", "(c)", "+-", ",,", "混合战争", "гибридная",
    "مرحبا", "שלום", "नमस्ते", "e\u0301", "ﬁ", "Ω", "1", "2.", "x:y",
)
# Allowed and printable: odd spaces, tabs, Windows line ends.
AWKWARD = ("\u3000", "\u00a0", "\u2009", "\t", "\r\n")
# Allowed, but each may fail the fidelity audit or the glyph check (a located error): bidi
# controls, zero-width characters, a soft hyphen, a lone combining mark, an emoji.
INVISIBLE = ("\u202e", "\u202d", "\u2066", "\u2069", "\u200f", "\u200b", "\u200d", "\u00ad",
             "\u0301", "💥")
# What must be refused or warned about: control characters, noncharacters, private use,
# line separators, a BOM mid-text, lone surrogates (encoded with surrogatepass: invalid UTF-8).
HOSTILE = ("\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\r", "\u2028",
           "\u2029", "\ufeff", "\ufffe", "\uffff", "\U000f0001", "\ue000", "\ud800", "\udfff")
LANGS = ("ru", "zh-Hans", "de", "fr", "ar", "he", "hi", "en-GB")
BAD_LANGS = ("x-klingon", "not a tag", "", "zz-ZZ-zzzzzzzzzz", "ar\u202e")

VALID_CITATIONS = (
    *(f"[@{k}]" for k in KEYS), *(f"[@{k}, 45]" for k in KEYS),
    f"[see @{KEYS[0]}, ch. 2; @{KEYS[1]}, 10–12]", *(f"[-@{k}]" for k in KEYS),
    *(f"@{k}" for k in KEYS), f"@{KEYS[0]} [p. 3]",
)
# README constructs since the grammar was first written: math, allowed raw HTML, comments,
# sized images, spans with attributes as Pandoc parses them.
INLINE_EXTRAS = ("$x^2$", "$\\frac{a}{b}$", "$5 and $6", "\\(\\alpha\\)", "H<sub>2</sub>O",
                 "x<sup>2</sup>", "line<br>break", "<kbd>Ctrl</kbd>", "<!-- note to self -->",
                 '<abbr title="North Atlantic">NATO</abbr>', "![](figures/x.svg){width=20%}",
                 "[w]{.smallcaps}", "[w]{style=\"color: red\"}", "\\$5")
BAD_INLINE = ("$\\frac{a$", "$\\unknowncommand$", "<iframe>x</iframe>", "<sup>open",
              "[w]{style=\"background: url(http://x)\"}", "<span onclick=\"x\">w</span>")
BAD_CITATIONS = ("[@missing2020]", "@missing2020", "[@", "[@]", "\\@ref", "@fig:", "$$", "{#x}",
                 "{.y}", "[^", "^[", ":::")


class Grammar:
    """Strategies for one mode: well-formed (hostile=False) or with refused input mixed in."""

    def __init__(self, hostile: bool) -> None:
        bad = 1 if hostile else 0
        atoms: list[st.SearchStrategy[str]] = [st.sampled_from(WORDS)] * 6 + [
            st.sampled_from(AWKWARD), st.integers(60, 400).map(lambda n: "w" * n)]
        if hostile:
            atoms += [st.sampled_from(HOSTILE), st.sampled_from(INVISIBLE)]
        self.plain = st.lists(st.one_of(*atoms), min_size=1, max_size=6).map(" ".join)
        cites = [st.sampled_from(VALID_CITATIONS)] + [st.sampled_from(BAD_CITATIONS)] * bad
        refs = st.sampled_from(("@REF:fig", "@REF:tbl", "@sec:a", "[^a]", "[^b]",
                                "Figure [-@REF:fig]", "见图@REF:fig", "[@REF:tbl]"))
        langs = st.sampled_from(LANGS + BAD_LANGS * bad)
        # Inline content without notes (a note's text) and with them (body text).
        self.noteless = st.recursive(
            st.one_of(self.plain, *cites, self.plain.map(lambda t: f"`{t}`")),
            lambda c: self._wrap(c, langs), max_leaves=4)
        extras = [st.sampled_from(INLINE_EXTRAS)] + [st.sampled_from(BAD_INLINE)] * bad
        leaf = st.one_of(self.plain, self.plain, *cites, refs, *extras,
                         self.plain.map(lambda t: f"`{t}`"),
                         self.noteless.map(lambda t: f"^[{t}]"))
        inline = st.recursive(leaf, lambda c: self._wrap(c, langs), max_leaves=6)
        self.paragraph = st.lists(st.lists(inline, min_size=1, max_size=4).map(" ".join),
                                  min_size=1, max_size=3).map("\n".join)
        self.note_paragraph = st.lists(self.noteless, min_size=1, max_size=3).map(" ".join)

    @staticmethod
    def _wrap(children: st.SearchStrategy[str],
              langs: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            children.map(lambda t: f"*{t}*"), children.map(lambda t: f"**{t}**"),
            st.tuples(children, langs).map(lambda p: f"[{p[0]}]{{lang={p[1]}}}"),
            children.map(lambda t: f"[{t}](https://example.org)"),
        )

    def blocks(self, hostile: bool) -> st.SearchStrategy[str]:
        plain, paragraph = self.plain, self.paragraph
        heading = st.tuples(st.integers(2, 6), plain, st.booleans()).map(
            lambda p: f"{'#' * p[0]} {p[1]}" + (" {#ID:sec}" if p[2] else ""))
        callout = st.tuples(plain, paragraph).map(
            lambda p: '::: {.callout title="' + p[0].replace('"', "'") + f'"}}\n\n{p[1]}\n\n:::')
        paths = ("figures/x.svg",) + (("figures/none.svg", "../x.svg", "/etc/x.svg",
                                       "https://example.org/x.png") if hostile else ())
        figure = st.tuples(plain, st.sampled_from(paths), st.booleans() if hostile
                           else st.just(True)).map(
            lambda p: f"![{p[0]}]({p[1]}){{#ID:fig"
            + (' fig-alt="A blue box."' if p[2] else "") + ' source="Test."}')
        cell = plain.map(lambda t: t.replace("|", "/").replace("\r\n", " "))
        table = st.tuples(st.lists(cell, min_size=1, max_size=3), st.integers(0, 3), plain,
                          st.booleans()).map(lambda p: "\n".join([
                              "| " + " | ".join(p[0]) + " |", "|" + "---|" * len(p[0]),
                              *["| " + " | ".join(p[0]) + " |"] * p[1], "",
                              (f": {p[2]} {{#ID:tbl source=\"S.\"}}" if p[3]
                               else f"Table: {p[2]}")]))
        code = st.tuples(st.sampled_from(("python", "{.python}", "", "yaml")), plain).map(
            lambda p: f"```{p[0]}\n{p[1]}\n```")
        deflist = st.tuples(plain, plain).map(lambda p: f"{p[0]}\n: {p[1]}")
        word = st.sampled_from(("alpha", "beta", "1990", "混合", "война"))
        simple = st.tuples(word, word, st.integers(1, 3)).map(lambda p: "\n".join([
            f"{p[0]:<10} {p[1]:>10}", "-" * 10 + " " + "-" * 10,
            *[f"{p[0]:<10} {p[1]:>10}"] * p[2], "", ": Simple. {#ID:tbl}"]))
        grid = st.tuples(word, word).map(lambda p: "\n".join([
            "+------------+------------+", f"| {p[0]:<10} | {p[1]:<10} |",
            "+============+============+", f"| {p[1]:<10} | {p[0]:<10} |",
            "+------------+------------+"]))
        display = st.tuples(st.sampled_from(("E = mc^2", "\\sum_{i=1}^n x_i", "a^2 + b^2")),
                            st.booleans()).map(
            lambda p: f"$${p[0]}$$" + (" {#ID:eq}" if p[1] else ""))
        unnumbered = plain.map(lambda t: f"## {t} {{-}}\n\n### {t} {{.unlisted}}")
        limit = 110 if hostile else 20
        deep_quote = st.integers(1, limit).map(lambda n: "> " * n + "deep")
        deep_list = st.integers(1, limit).map(
            lambda n: "\n".join("  " * i + "- level" for i in range(n)))
        leaf = st.one_of(paragraph, paragraph, paragraph, heading, callout, figure, table,
                         code, deflist, simple, grid, display, unnumbered)
        nested = st.recursive(leaf, lambda c: st.one_of(
            c.map(lambda t: "> " + t.replace("\n", "\n> ")),
            st.lists(c, min_size=1, max_size=3).map(
                lambda items: "\n".join("- " + i.replace("\n", "\n  ") for i in items)),
            st.lists(c, min_size=1, max_size=3).map(
                lambda items: "\n".join(f"{n}. " + i.replace("\n", "\n   ")
                                        for n, i in enumerate(items, 1)))), max_leaves=4)
        rare = [deep_quote, deep_list]
        if hostile:
            rare += [paragraph.map(lambda t: f"::: {{.callout}}\n\n{t}"),
                     st.sampled_from(("<div>raw</div>", "<script>x</script>", "<!-- c -->",
                                      "{#notes}", "## Dup {#sec:a}"))]
        return st.one_of(nested, nested, nested, nested, *rare)


GRAMMARS = {False: Grammar(False), True: Grammar(True)}


def _number_ids(text: str) -> str:
    """Give every `#ID:kind` a unique id and point every `@REF:kind` at one (or @sec:a)."""
    counter = itertools.count(1)
    made: dict[str, list[str]] = {"fig": [], "tbl": [], "sec": []}

    def name(match: re.Match[str]) -> str:
        ident = f"{match[1]}:n{next(counter)}"
        made[match[1]].append(ident)
        return f"#{ident}"

    made["eq"] = []
    text = re.sub(r"#ID:(fig|tbl|sec|eq)", name, text)
    return re.sub(r"@REF:(fig|tbl)", lambda m: "@" + (made[m[1]] or ["sec:a"])[0], text)


@st.composite
def chapter(draw: st.DrawFn) -> bytes:
    """One chapter's bytes: a heading, a few blocks, footnote definitions."""
    hostile = draw(st.integers(0, 3)) == 0
    grammar = GRAMMARS[hostile]
    title = draw(grammar.plain)
    blocks = draw(st.lists(grammar.blocks(hostile), min_size=1, max_size=4))
    fronts = ["", "---\nshort-title: Short\n---\n\n"] + ["---\n: bad\n---\n"] * hostile
    front = draw(st.sampled_from(fronts))
    labels = ("a", "b", "a") if hostile else ("a", "b")
    defs = draw(st.lists(st.tuples(st.sampled_from(labels), grammar.note_paragraph),
                         max_size=2, unique_by=None if hostile else (lambda d: d[0])))
    notes = "\n\n".join(f"[^{label}]: {text}" for label, text in defs)
    text = _number_ids(f"{front}# {title} {{#sec:a}}\n\n" + "\n\n".join(blocks) + "\n\n" + notes)
    data = text.encode("utf-8", "surrogatepass")
    if hostile and draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from((b"\xff", b"\xc3", b"\xed\xa0\x80"))) + data[at:]
    return data
