"""The Pandoc citation syntax as a markdown-it plugin."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from imprint.book.model import CiteItem
from imprint.markdown.citations import citations_plugin


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(footnote_plugin).use(citations_plugin)


def citation_tokens(source: str) -> list[Token]:
    found = []
    for block in parser().parse(source):
        found += [t for t in block.children or [] if t.type == "citation"]
    return found


def items(source: str) -> list[tuple[CiteItem, ...]]:
    return [token.meta["items"] for token in citation_tokens(source)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Text [@lo2008axis].", [(CiteItem("lo2008axis"),)]),
        ("Text [@lo2008axis, 45].", [(CiteItem("lo2008axis", "", ", 45"),)]),
        ("Text [@lo2008axis, 45–47].", [(CiteItem("lo2008axis", "", ", 45–47"),)]),
        (
            "Text [see @a, ch. 2; @b, 10–12].",
            [(CiteItem("a", "see", ", ch. 2"), CiteItem("b", "", ", 10–12"))],
        ),
        (
            "Lo argues [-@lo2008axis, 12] that",
            [(CiteItem("lo2008axis", "", ", 12", "suppress-author"),)],
        ),
        ("Text [see -@a].", [(CiteItem("a", "see", "", "suppress-author"),)]),
        ("@lo2008axis argues", [(CiteItem("lo2008axis", mode="author-in-text"),)]),
        ("As (@a) says", [(CiteItem("a", mode="author-in-text"),)]),
        ("@lo2008axis's book", [(CiteItem("lo2008axis", mode="author-in-text"),)]),
        ("Text [@a p. 33].", [(CiteItem("a", "", " p. 33"),)]),
        ("Text [*cf.* @a].", [(CiteItem("a", "*cf.*"),)]),
        ("Text [see\n@a,\n45].", [(CiteItem("a", "see", ", 45"),)]),
        # Pandoc's keys: internal punctuation belongs to the key, final punctuation does not.
        ("As @a:b.c-d/e. says", [(CiteItem("a:b.c-d/e", mode="author-in-text"),)]),
        ("Text [@_x1; @2020report].", [(CiteItem("_x1"), CiteItem("2020report"))]),
        ("Text [@{doi:10.1000/x;y}, 4].", [(CiteItem("doi:10.1000/x;y", "", ", 4"),)]),
        ("Text [@{https://example.org/a}].", [(CiteItem("https://example.org/a"),)]),
        ("Text [@кузнецов2020, 5].", [(CiteItem("кузнецов2020", "", ", 5"),)]),
    ],
)
def test_syntax_forms(source: str, expected: list[tuple[CiteItem, ...]]) -> None:
    assert items(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "Write to me@example.org or a.b@c.de.",  # emails: `@` after a word character
        "As @fig:exercises shows, and @tbl:x, @sec:arms, @eq:one.",  # cross-references
        "See [@fig:exercises] and [-@tbl:x].",
        "A [bracketed remark] and a [link](https://example.org).",
        "Code `[@a]` and `@b`.",
        "An escaped \\@a.",
    ],
)
def test_not_citations(source: str) -> None:
    assert items(source) == []


def test_emails_render_untouched() -> None:
    assert parser().render("Mail me@example.org.") == "<p>Mail me@example.org.</p>\n"


def test_bracket_without_a_key_in_every_part_is_not_a_bracketed_citation() -> None:
    # As in Pandoc: the brackets stay text, and the bare key inside cites in text.
    assert items("See [@a; no key].") == [(CiteItem("a", mode="author-in-text"),)]
    assert parser().render("See [@a; no key].").startswith("<p>See [<span class=")


def test_bracketed_citation_followed_by_a_link_target_is_a_link() -> None:
    html = parser().render("[@a](https://example.org)")
    assert html.startswith('<p><a href="https://example.org">')
    html = parser().render("[@a][ref]\n\n[ref]: https://example.org")
    assert html.startswith('<p><a href="https://example.org">')


def test_citation_before_a_footnote_reference() -> None:
    source = "Text [@a, 4][^1].\n\n[^1]: Note.\n"
    assert items(source) == [(CiteItem("a", "", ", 4"),)]
    assert 'class="footnote-ref"' in parser().render(source)


def test_token_and_fallback_rendering() -> None:
    (token,) = citation_tokens("Text [see @a, 4; @b].")
    assert token.type == "citation"
    assert token.content == "[see @a, 4; @b]"
    html = parser().render("Text [see @a, 4; @b].")
    assert html == '<p>Text <span class="citation" data-cites="a b">[see @a, 4; @b]</span>.</p>\n'


SOURCE_WITH_LINES = """\
# Arms Sales {#sec:arms}

A paragraph [@a, 45] that runs
over several lines, with @b
in the middle and a footnote.[^fn-arms-1]
Last line [see @c; @d].

> Quoted
> [@e].

- item one
- item [@f]

[^fn-arms-1]: A discursive footnote
    that cites [@g, 7] on its second line.
"""


def test_line_numbers_in_paragraphs_quotes_lists_and_footnotes() -> None:
    lines = {t.meta["items"][0].key: t.meta["line"] for t in citation_tokens(SOURCE_WITH_LINES)}
    assert lines == {"a": 2, "b": 3, "c": 5, "e": 8, "f": 11, "g": 14}
    source_lines = SOURCE_WITH_LINES.splitlines()
    for key, line in lines.items():
        assert f"@{key}" in source_lines[line]


def test_line_numbers_with_front_matter() -> None:
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = parser().use(front_matter_plugin)
    source = "---\nshort-title: Arms\n---\n\n# Title\n\nText [@a].\n"
    (token,) = [t for b in md.parse(source) for t in b.children or [] if t.type == "citation"]
    assert token.meta["line"] == 6
