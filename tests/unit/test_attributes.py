"""Pandoc attribute blocks `{#id .class key=value}`: imprint reads each as pandoc 3.9 does
(checked here against pandoc itself), puts them on spans, links and images, and turns an image's
`width`/`height` into the CSS Pandoc's HTML writer gives it."""

from __future__ import annotations

import json
import subprocess

import pypandoc
import pytest

from imprint.markdown.attributes import (
    css_length,
    html_attribute,
    parse_attrs,
    size_style,
    split_trailing_attrs,
    trailing_attrs,
)
from imprint.markdown.parser import parser

# Blocks Pandoc reads, blocks it refuses, and the corners of its grammar: ids may start with a
# digit, `-` or `_`, classes and keys with a letter only; unquoted values take anything but
# spaces and `}`; quoted ones decode escapes and character references.
CASES = [
    "{#fig:x width=90%}", "{#1abc}", "{#_x}", "{#-x}", "{#x/y}", "{#x,y}", "{#x!}", "{#}",
    "{#x .a-b .c_d k=v}", "{width=90% height=3in}", "{k='a b' j=\"c\\\"d\"}", "{k=a\\ b}",
    '{k=a"b c"}', '{k=a"b}', "{k=a'b}", "{k=a{b}", '{k="a"b}', '{k="a" b}', '{k=""}',
    "{-}", "{- .x}", "{-.x}", "{--}", "{#a #b}", '{id=foo class="a b"}', "{id=x #y}",
    "{class=a .b}", "{.b class=a}", "{k=&amp;}", '{k="&amp;"}', '{k="&#x4e2d;"}',
    '{k="&bogus;"}', "{#é}", "{#中文}", "{.é}", "{é=v}", "{#١٢}", "{#x²}", "{k=}",
    "{ #a  .b }", "{#a.b:c}", "{_k=v}", "{1k=v}", "{k-1=v}", "{k:x=v}", "{%x%}",
    '{k="a}b"}', "{k=\\}}", '{k="a\\\\b"}', "{K=V}", "{#x width = 3}", "{.1a}", "{.-x}",
    "{.a#b}", '{k="a}', '{k="a b}', '{k=" a"}', "{k=v.a}", "{k='x'j=1}", '{k="x"j=1}',
    "{ }", "{}", "{k=v\nj=w}", "{k=v\n\nj=w}", '{k="a\nb"}', '{k="a\\\nb"}', "{#a\n.b}",
    '{title="Key findings"}', "{k=a=b}", '{k=="}', '{k="\\中"}', "{k=\\中}",
]


def pandoc_reads(blocks: list[str]) -> list[dict[str, str] | None]:
    """What pandoc makes of `[x]{…}` for each block: the span's attributes, or None."""
    source = "".join(f"[x]{block}\n\n---\n\n" for block in blocks)
    native = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json"],
                            input=source, capture_output=True, text=True, check=True).stdout
    found: list[dict[str, str] | None] = [None]
    for block in json.loads(native)["blocks"]:
        if block["t"] == "HorizontalRule":
            found.append(None)
        elif block["t"] == "Para" and len(block["c"]) == 1 and block["c"][0]["t"] == "Span":
            ident, classes, pairs = block["c"][0]["c"][0]
            found[-1] = ({"id": ident} if ident else {}) | (
                {"class": " ".join(classes)} if classes else {}) | dict(pairs)
    return found[:-1]


def test_every_case_reads_as_pandoc_reads_it() -> None:
    expected = pandoc_reads(CASES)
    assert len(expected) == len(CASES)
    differ = [(case, want, parse_attrs(case)) for case, want in zip(CASES, expected, strict=True)
              if parse_attrs(case) != want]
    assert differ == []


@pytest.mark.parametrize(("block", "attrs"), [
    ("{#fig:x width=90%}", {"id": "fig:x", "width": "90%"}),
    ("{-}", {"class": "unnumbered"}),
    ('{alt="A \\"quoted\\" chart" .wide}', {"class": "wide", "alt": 'A "quoted" chart'}),
    ("{#x id=''}", {}),  # `id=""` is no id, as in Pandoc
    ("{width=90%", None),
])
def test_the_attributes_imprint_keeps(block: str, attrs: dict[str, str] | None) -> None:
    assert parse_attrs(block) == attrs


def test_a_trailing_block_is_the_leftmost_that_reaches_the_end() -> None:
    assert split_trailing_attrs("Title {#id}{.x}") == ("Title {#id}", {"class": "x"})
    assert split_trailing_attrs("Title {k=a{b}  ") == ("Title ", {"k": "a{b"})
    assert split_trailing_attrs("Title \\{#x}") == ("Title \\{#x}", {})
    assert split_trailing_attrs("Title {#x} more") == ("Title {#x} more", {})
    assert trailing_attrs("{#a} {#b}") == (5, {"id": "b"})


def test_a_hostile_line_of_braces_is_read_in_linear_time() -> None:
    # Every `{k=` here starts a block reaching the end (the value holds the other braces);
    # only the last 32 are tried, so the block found is shorter than Pandoc's.
    found = trailing_attrs("{k=" * 50_000 + "}")
    assert found is not None and found[1]["k"] == "{k=" * 31
    assert parse_attrs("{" * 50_000) is None


def inline(source: str) -> list[tuple[str, dict[str, str | int | float]]]:
    tokens = parser().parse(source, {})
    return [(t.type, dict(t.attrs)) for t in tokens[1].children or [] if t.attrs]


def test_spans_links_and_images_take_pandoc_blocks() -> None:
    assert inline("[x]{#s .c k=v lang=ru}") == [
        ("span_open", {"id": "s", "class": "c", "data-k": "v", "lang": "ru"})]
    assert inline("[x](#t){width=3 data-Y=1 aria-label=z}") == [
        ("link_open", {"href": "#t", "data-width": "3", "data-y": "1", "aria-label": "z"})]
    # An image's attributes are read by the figure and the renderer, not printed: unrenamed.
    assert inline("See ![c](a.png){#fig:a width=50% fig-alt=\"Alt.\"}") == [
        ("image", {"src": "a.png", "alt": "", "id": "fig:a", "width": "50%",
                   "fig-alt": "Alt."})]


def test_script_and_bad_urls_stay_out_of_the_markup() -> None:
    tokens = parser().parse("[x]{onclick=y .c} [y](#a){href=javascript:alert(1)}", {})
    span, link = (t for t in tokens[1].children or [] if t.type in ("span_open", "link_open"))
    assert dict(span.attrs) == {"class": "c"} and span.meta["insecure_attrs"] == {"onclick": "y"}
    assert dict(link.attrs) == {"href": "#a"}


def test_keys_print_under_names_xhtml_allows() -> None:
    assert [html_attribute(k) for k in ("lang", "title", "k", "K:x", "data-Q", "aria-x")] == [
        "lang", "title", "data-k", "data-k-x", "data-q", "aria-x"]


# Pandoc's HTML writer on `![i](y.png){width=…}`: `style="width:90.0%"`, `width="300"`, …
@pytest.mark.parametrize(("value", "css"), [
    ("90%", "90%"), ("300", "300px"), ("50px", "50px"), ("2in", "2in"), ("3inch", "3in"),
    ("2.5cm", "2.5cm"), ("40mm", "40mm"), ("12pt", "12pt"), ("10em", "10em"), ("10.7", "10px"),
    ("abc", None), ("90 %", None), (".5in", None), ("-3in", None), ("", None),
])
def test_sizes_read_as_pandoc_reads_them(value: str, css: str | None) -> None:
    assert css_length(value) == css


def test_pandoc_accepts_and_ignores_the_same_sizes() -> None:
    html = pypandoc.convert_text(
        "![a](y.png){width=2.5cm} ![b](y.png){width=abc} ![c](y.png){height=3in}",
        "html", format="markdown")
    assert 'style="width:2.5cm"' in html and 'style="height:3in"' in html
    assert html.count("style=") == 2  # `abc` is dropped


def test_size_style() -> None:
    assert size_style({"width": "90%"}) == "width:90%"
    assert size_style({"width": "300", "height": "2in"}) == "width:300px;height:2in"
    assert size_style({"height": "2in"}) == "height:2in;width:auto"  # keeps the proportions
    assert size_style({"width": "wide"}) == "" and size_style({}) == ""
