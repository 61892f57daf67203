"""Block syntax where imprint follows Pandoc rather than CommonMark (each case was a difference
found by tests/differential): fences, headings, divs, figures, captions, definition and other
lists, and which blocks may interrupt a paragraph."""

from __future__ import annotations

import pytest
from markdown_it.token import Token

from imprint.markdown.parser import parser


def tokens(text: str) -> list[Token]:
    return parser().parse(text, {})


def html(text: str) -> str:
    """markdown-it's own rendering: enough for block structure (imprint's renderer adds only
    labels, note calls and callouts)."""
    return parser().render(text, {})


def types(text: str) -> list[str]:
    return [token.type for token in tokens(text)]


# --- 1. code fences with Pandoc attributes ----------------------------------------------------


@pytest.mark.parametrize(
    ("info", "language", "attrs"),
    [
        ("{.python}", "python", {"class": "python"}),
        ("{.python .numberLines #code startFrom=3}", "python",
         {"class": "python numberLines", "id": "code", "startFrom": "3"}),
        ("python {.numberLines}", "python", {"class": "python numberLines"}),
        ("{#only-id}", "", {"id": "only-id"}),
    ],
)
def test_fence_attributes_give_the_language(info: str, language: str,
                                            attrs: dict[str, str]) -> None:
    fence = next(t for t in tokens(f"```{info}\nprint(1)\n```\n") if t.type == "fence")
    assert (fence.info, fence.meta["attrs"]) == (language, attrs)


def test_fence_language_is_rendered_without_braces() -> None:
    assert '<code class="language-python">' in html("```{.python}\nx = 1\n```\n")
    assert "<pre><code>" in html("```{#only-id}\nx = 1\n```\n")


def test_plain_fence_language_is_unchanged() -> None:
    fence = next(t for t in tokens("```python\nx\n```\n") if t.type == "fence")
    assert fence.info == "python" and "attrs" not in fence.meta


# --- 2. closing hashes before a heading's attributes ------------------------------------------


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ("## Background ## {#sec:background}", "Background"),
        ("## Background ##{#sec:background}", "Background"),
        ("## Foo #### {#sec:background .x}", "Foo"),
        ("## Foo ## bar {#sec:background}", "Foo ## bar"),  # not at the end: part of the title
        ("## C# {#sec:background}", "C#"),  # no space before: part of the word
    ],
)
def test_closing_hashes_before_attributes(source: str, title: str) -> None:
    heading, inline = tokens(source + "\n")[:2]
    assert heading.attrGet("id") == "sec:background"
    assert "".join(c.content for c in inline.children or []) == title
    assert inline.content == title


# --- 3. colons after a div's opening fence ----------------------------------------------------


@pytest.mark.parametrize(
    ("fence", "attrs"),
    [
        ("::: {.box} :::", {"class": "box"}),
        ("::: {.box}:::", {"class": "box"}),
        ("::: Warning ::::::", {"class": "Warning"}),
        ("::: {.box}", {"class": "box"}),
    ],
)
def test_div_fence_with_trailing_colons(fence: str, attrs: dict[str, str]) -> None:
    opening = tokens(f"{fence}\nText.\n:::\n")[0]
    assert opening.type == "container_div_open"
    assert (opening.meta["attrs"], opening.meta["malformed"]) == (attrs, False)


# --- 4. an image without a description is no figure -------------------------------------------


def test_image_without_description_stays_inline() -> None:
    found = tokens('![](x.svg){#fig:empty fig-alt="A chart."}\n')
    assert [t.type for t in found] == ["paragraph_open", "inline", "paragraph_close"]
    assert [c.type for c in found[1].children or []] == ["image"]


def test_image_with_blank_description_stays_inline() -> None:
    assert "figure_open" not in types("![ ](x.svg)\n")


def test_image_with_description_is_a_figure() -> None:
    assert types('![A *chart*.](x.svg){fig-alt="A chart."}\n')[0] == "figure_open"


# --- 5. lists, ATX headings and block quotes need a blank line before them -------------------


PARAGRAPH = ["paragraph_open", "inline", "paragraph_close"]


@pytest.mark.parametrize(
    ("source", "blocks"),
    [
        ("The count that year was\n1. The next year brought more.\n", PARAGRAPH),
        ("Prices fell by three percent\n- the sharpest fall in a decade.\n", PARAGRAPH),
        ("The reasons are:\n- energy\n- arms\n", PARAGRAPH),
        ("A paragraph line.\n## Not a heading\n", PARAGRAPH),
        ("A paragraph.\n> Not a quote.\n", PARAGRAPH),
        # Pandoc: lazy lines of the quote's or the item's paragraph.
        ("> A quote\n- continued lazily\n",
         ["blockquote_open", *PARAGRAPH, "blockquote_close"]),
        ("- An item\n# continued lazily\n",
         ["bullet_list_open", "list_item_open", *PARAGRAPH, "list_item_close",
          "bullet_list_close"]),
    ],
)
def test_no_interrupting_a_paragraph(source: str, blocks: list[str]) -> None:
    assert types(source) == blocks


def test_no_list_after_a_note_line() -> None:
    assert "<p>A note\n- not a list" in html("[^1]\n\n[^1]: A note\n    - not a list\n")


def test_list_inside_quote_after_paragraph_line() -> None:
    assert "<p>Para\n- item</p>" in html("> Para\n> - item\n")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("- a\n- b\n", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"),
        ("- a\n  - b\n  - c\n- d\n",
         "<ul>\n<li>a\n<ul>\n<li>b</li>\n<li>c</li>\n</ul>\n</li>\n<li>d</li>\n</ul>\n"),
        ("1. x\n   1. y\n", "<ol>\n<li>x\n<ol>\n<li>y</li>\n</ol>\n</li>\n</ol>\n"),
        ("- a\n  para\n  - b\n", "<ul>\n<li>a\npara\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>\n"),
    ],
)
def test_lists_still_start_inside_list_items(source: str, expected: str) -> None:
    # Pandoc's rule: inside a list item, a list may follow a paragraph line directly.
    assert html(source) == expected


def test_heading_and_quote_after_blank_line() -> None:
    assert types("Text.\n\n## Heading\n\n> Quote.\n").count("heading_open") == 1
    assert types("Text.\n\n> Quote.\n").count("blockquote_open") == 1


# --- 6. table captions: `Table:`, no space, before the table ----------------------------------

TABLE = "| Year | Exports |\n|------|---------|\n| 2019 | 3.4 |\n"


def caption_of(text: str) -> tuple[str, dict[str, str]] | None:
    found = tokens(text)
    opening = next(t for t in found if t.type == "table_open")
    index = found.index(opening)
    if found[index + 1].type != "table_caption_open":
        return None
    inline = found[index + 2]
    return "".join(c.content for c in inline.children or []), opening.meta["attrs"]


@pytest.mark.parametrize(
    "caption",
    [": Exports. {#tbl:x}", "Table: Exports. {#tbl:x}", "table: Exports. {#tbl:x}",
     ":Exports. {#tbl:x}", "Table:Exports. {#tbl:x}"],
)
def test_caption_forms_after_the_table(caption: str) -> None:
    assert caption_of(f"{TABLE}\n{caption}\n") == ("Exports.", {"id": "tbl:x"})


@pytest.mark.parametrize("paragraph", [":) Not a caption.", "TABLE: Not a caption.", ":"])
def test_not_a_caption(paragraph: str) -> None:
    assert caption_of(f"{TABLE}\n{paragraph}\n") is None
    assert "paragraph_open" in types(f"{TABLE}\n{paragraph}\n")


def test_caption_before_the_table() -> None:
    assert caption_of(f"Text.\n\n: Exports. {{#tbl:x}}\n\n{TABLE}") == ("Exports.",
                                                                       {"id": "tbl:x"})
    assert "dl_open" not in types(f"Text.\n\n: Exports.\n\n{TABLE}")  # not a definition


def test_caption_between_two_tables() -> None:
    """Pandoc: a table whose caption came first takes none after it, so the caption between
    belongs to the second table; without a caption before, to the first."""
    found = tokens(f": First.\n\n{TABLE}\n: Second.\n\n{TABLE}")
    captions = [found[i + 1].content for i, t in enumerate(found)
                if t.type == "table_caption_open"]
    assert captions == [": First.", ": Second."]
    found = tokens(f"{TABLE}\n: First.\n\n{TABLE}")
    assert [t.type for t in found].count("table_caption_open") == 1
    assert found[1].type == "table_caption_open"


def test_caption_needs_a_blank_line_before_the_table() -> None:
    # Without one, as in Pandoc, caption and table are one paragraph: no table interrupts it.
    assert "table_open" not in [t.type for t in tokens(f": Text.\n{TABLE}")]


# --- 7. definition lists ----------------------------------------------------------------------


def test_blank_line_before_definition_makes_it_loose() -> None:
    assert html("Hedging\n\n: Keeping options open.\n") == (
        "<dl>\n<dt>Hedging</dt>\n<dd>\n<p>Keeping options open.</p>\n</dd>\n</dl>\n")
    assert html("Hedging\n: Keeping options open.\n") == (
        "<dl>\n<dt>Hedging</dt>\n<dd>Keeping options open.</dd>\n</dl>\n")


def test_looseness_is_per_definition() -> None:
    assert html("A\n: a\n\nB\n\n: b\n") == (
        "<dl>\n<dt>A</dt>\n<dd>a</dd>\n<dt>B</dt>\n<dd>\n<p>b</p>\n</dd>\n</dl>\n")


def test_code_block_in_definition_loses_the_body_indent() -> None:
    code = next(t for t in tokens("Build\n\n:   Run:\n\n        make pdf\n")
                if t.type == "code_block")
    assert code.content == "make pdf\n"


def test_definition_with_two_space_list() -> None:
    assert "<dd>\n<ul>\n<li>arms</li>\n<li>energy</li>\n</ul>\n</dd>" in html(
        "Instruments\n: - arms\n  - energy\n")


def test_definition_with_second_paragraph() -> None:
    assert "<dd>\n<p>One.</p>\n<p>Two.</p>\n</dd>" in html("T\n\n:   One.\n\n    Two.\n")


# --- 8. one bullet list whatever the bullet ---------------------------------------------------


def test_changing_bullet_continues_the_list() -> None:
    assert html("- one\n- two\n* three\n+ four\n") == (
        "<ul>\n<li>one</li>\n<li>two</li>\n<li>three</li>\n<li>four</li>\n</ul>\n")


def test_changing_bullet_after_blank_line_makes_a_loose_list() -> None:
    assert html("- one\n\n* two\n") == (
        "<ul>\n<li>\n<p>one</p>\n</li>\n<li>\n<p>two</p>\n</li>\n</ul>\n")


def test_changing_bullet_in_a_sublist() -> None:
    assert html("- a\n  * x\n  - y\n- b\n") == (
        "<ul>\n<li>a\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n</li>\n<li>b</li>\n</ul>\n")


def test_changing_ordered_delimiter_still_starts_a_new_list() -> None:
    assert types("1. a\n2) b\n").count("ordered_list_open") == 2  # as in Pandoc
