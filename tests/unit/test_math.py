"""TeX math: Pandoc's `$` rules, `\\(…\\)` and `\\[…\\]`, conversion to MathML with its errors
located, equation numbers and references, and what the audits make of a formula."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from tests.conftest import MINIMAL_CONFIG, write_manuscript

from imprint.book.model import ImprintError
from imprint.checks.fidelity_source import FORMULA
from imprint.checks.fidelity_syntax import syntax_pattern, unexplained
from imprint.checks.fidelity_text import html_text, squash
from imprint.editions.epub.pagebreaks import marker, place_markers
from imprint.editions.pages import Anchor, PageMap, PageStart, count_text
from imprint.editions.pdf.math_svg import drawing
from imprint.markdown.parser import parser
from imprint.markdown.tex import MATHML, TexError, to_mathml
from imprint.pipeline import build_publication


def formulas(source: str) -> list[tuple[str, str]]:
    """(token type, TeX) of every formula in `source`, and ("text", …) for the text."""
    found = []
    for block in parser().parse(source, {}):
        for token in block.children or []:
            if token.type in ("math_inline", "math_display", "text", "code_inline", "em_open"):
                found.append((token.type, token.content))
    return found


# --- where a formula is, as Pandoc reads it -------------------------------------------------

@pytest.mark.parametrize(("source", "expected"), [
    ("$5 and $6", [("text", "$5 and $6")]),  # the closing `$` is followed by a digit
    ("$x$5", [("text", "$x$5")]),
    ("a$x$b", [("text", "a"), ("math_inline", "x"), ("text", "b")]),
    ("$ x$ and $x $", [("text", "$ x$ and $x $")]),  # space after the opening, before the end
    ("\\$x$ y$", [("text", "$x$ y$")]),  # an escaped dollar opens nothing
    ("$x\\$y$", [("math_inline", "x\\$y")]),  # nor does it close
    ("$a\\\\$ b", [("math_inline", "a\\\\"), ("text", " b")]),
    ("$a\nb$", [("math_inline", "a b")]),  # white space over a line end is one space
    ("$\\text{a $ b}$", [("math_inline", "\\text{a $ b}")]),
    ("$x$$y$", [("math_inline", "x"), ("math_inline", "y")]),
    ("`$x$` $`a`$", [("code_inline", "$x$"), ("text", " "), ("math_inline", "`a`")]),
    ("$$x$$", [("math_display", "x")]),
    ("$$\nx + y\n$$", [("math_display", "\nx + y\n")]),
    ("$$$$", [("text", "$$$$")]),
    ("\\(a\\) and \\[x^2\\]", [("math_inline", "a"), ("text", " and "),
                               ("math_display", "x^2")]),
    # Pandoc's Markdown writer escapes a literal bracket: "[sic]" from Word stays text.
    ("\\[sic\\] and \\[1\\]", [("text", "[sic] and [1]")]),
])
def test_math_is_found_by_pandocs_rules(source: str, expected: list[tuple[str, str]]) -> None:
    assert formulas(source) == expected


def test_emphasis_quotes_dashes_and_escapes_never_touch_tex() -> None:
    source = "$x_1 *a* y_2 -- 'b' \\, \\{c\\}$ and *$a$*"
    assert formulas(source) == [
        ("math_inline", "x_1 *a* y_2 -- 'b' \\, \\{c\\}"), ("text", " and "), ("em_open", ""),
        ("math_inline", "a")]


def test_an_equation_label_follows_the_closing_dollars() -> None:
    [block] = [t for t in parser().parse("$$x$$ {#eq:one} and $$y$${#eq:two}", {})
               if t.type == "inline"]
    labels = [t.meta.get("label") for t in block.children or [] if t.type == "math_display"]
    assert labels == ["eq:one", "eq:two"]
    # Only pandoc-crossref's `eq:` labels number an equation.
    assert formulas("$$x$$ {#fig:a}") == [("math_display", "x"), ("text", " {#fig:a}")]


# --- TeX -> MathML -------------------------------------------------------------------------

def test_mathml_carries_the_tex_as_alttext_and_escapes_text_arguments() -> None:
    math = etree.fromstring(to_mathml(r"\text{R\&D < 1} + x_1", display=False))
    assert etree.QName(math).namespace == MATHML
    assert (math.get("display"), math.get("alttext")) == ("inline", r"\text{R\&D < 1} + x_1")
    assert "R&D\u00a0<\u00a01" in "".join(math.itertext())
    assert to_mathml("x", display=True).startswith(f'<math xmlns="{MATHML}" display="block"')


@pytest.mark.parametrize(("tex", "reason"), [
    (r"\frac{a}{b", "unbalanced braces: a '{' is never closed"),
    ("a}", "unbalanced braces: a '}' closes nothing"),
    (r"\foo x", r"unknown command '\foo'"),
    (r"\ce{H2O}", r"unknown command '\ce'"),
    ("x^", "missing superscript or subscript"),
    (r"\left( x", "extra left or missing right"),
    (r"\begin{matrix} a", "missing end"),
    (" ", "the formula is empty"),
    (r"x \label{eq}", r"\label is not supported: number an equation with {#eq:label} after "
     "its closing $$"),
    (r"\newcommand{\x}{y}", r"macro definitions (\newcommand) are not supported"),
    (r"\frac(", "a command is missing an argument (<mfrac> of 1 where it needs 2); put each "
     "in braces"),
    (r"\sqrt[3]", "it ends where an argument was expected"),
])
def test_tex_the_converter_would_get_wrong_is_refused(tex: str, reason: str) -> None:
    with pytest.raises(TexError) as refused:
        to_mathml(tex, display=False)
    assert str(refused.value) == reason


def test_a_bare_ampersand_is_refused() -> None:
    with pytest.raises(TexError, match="a bare '&' belongs only in an aligned"):
        to_mathml("a & b", display=False)


def test_aligned_and_matrices_convert() -> None:
    aligned = to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", display=True)
    assert "<mtable" in aligned and "<mi>&amp;</mi>" not in aligned
    assert "<mtable" in to_mathml(r"\begin{pmatrix} 1 & 2 \end{pmatrix}", display=False)


# --- the chapter: errors located, numbers, references ---------------------------------------

CHAPTER = """\
# Growth {#sec:growth}

Output is $Y = A K^\\alpha$, where $A$ is
productivity:

$$\\frac{\\dot Y}{Y} = \\frac{\\dot A}{A}$$ {#eq:growth}

As @eq:growth shows.[^a]

[^a]: A note with $x_1$ and $$z$$ {#eq:note}
"""

SECOND = """\
# Costs

$$C(q) = c_0 + c_1 q$$ {#eq:cost}

Compare @eq:cost with @eq:growth and @eq:note.
"""


def publication(tmp_path: Path, first: str = CHAPTER, second: str = SECOND):  # type: ignore[no-untyped-def]
    root = write_manuscript(tmp_path / "m", MINIMAL_CONFIG,
                            {"01-intro.md": first, "02-second.md": second})
    return build_publication(root, tmp_path / "cache")


def test_formulas_render_as_mathml_and_equations_number_through_the_book(
        tmp_path: Path) -> None:
    pub = publication(tmp_path)
    intro, second = pub.chapters
    assert '<span class="math inline"><math xmlns=' in intro.html
    assert 'alttext="Y = A K^\\alpha"' in intro.html
    assert re.search(r'<span class="math display" id="eq-growth"><math [^>]*display="block"'
                     r'.*?</math><span class="equation-number">\(1\)</span></span>', intro.html)
    # The text's equations first, then the note's; the book's sequence runs on.
    assert '<span class="equation-number">(2)</span>' in intro.notes[0].html
    assert '<span class="equation-number">(3)</span>' in second.html
    assert '<a class="xref" href="#eq-growth">Equation 1</a>' in intro.html
    assert ('Compare <a class="xref" href="#eq-cost">Equation 3</a> with <a class="xref" '
            'href="#eq-growth">Equation 1</a> and <a class="xref" href="#eq-note">Equation '
            '2</a>.') in second.html


def test_invalid_tex_and_an_unclosed_display_are_located_errors(tmp_path: Path) -> None:
    first = ("# Bad\n\nFine $x$ then\n$\\frac{a}{b$ and\n\n$\\foo$ here, and $$a + b\n\n"
             "costs $$5.\n")
    with pytest.raises(ImprintError) as refused:  # every one reported, in line order
        publication(tmp_path, first, "# Two\n")
    assert [str(d) for d in refused.value.diagnostics] == [
        "chapters/01-intro.md:4: invalid TeX math '$\\frac{a}{b': unbalanced braces: a '{' "
        "is never closed",
        "chapters/01-intro.md:6: invalid TeX math '$$a + b': '$$' is never closed (display "
        "math ends at its closing '$$', and a blank line ends it too); write '\\$' for a "
        "dollar sign",
        "chapters/01-intro.md:6: invalid TeX math '$\\foo': unknown command '\\foo'",
        "chapters/01-intro.md:8: invalid TeX math '$$5.': '$$' is never closed (display math "
        "ends at its closing '$$', and a blank line ends it too); write '\\$' for a dollar "
        "sign"]


def test_an_unknown_equation_reference_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ImprintError) as refused:
        publication(tmp_path, "# A\n\nSee @eq:none.\n", "# B\n")
    assert [str(d) for d in refused.value.diagnostics] == [
        "chapters/01-intro.md:3: unknown cross-reference '@eq:none'"]


# --- the audits: a formula is no words, unrendered `$$` is still caught ----------------------

def test_a_formula_is_a_word_break_in_the_compared_text(tmp_path: Path) -> None:
    html = publication(tmp_path).chapters[0].html
    assert "Output is , where is productivity:" in " ".join(html_text(html).split())
    assert "alpha" not in html_text(html)


def test_a_literal_double_dollar_in_an_edition_is_unrendered_math(tmp_path: Path) -> None:
    pub = publication(tmp_path)
    model = squash(html_text(pub.chapters[0].html))
    printed = "Output is $$Y = A K^\\alpha$$, where is productivity"
    found = unexplained(syntax_pattern(pub), printed, model)
    assert [(f.kind, f.text) for f in found] == [("math", "$$"), ("math", "$$")]
    # An author's own `$$` (here in code) is in the model's text: no finding.
    code = publication(tmp_path / "code", "# A\n\nType `$$` twice.\n", "# B\n")
    own = squash(html_text(code.chapters[0].html))
    assert unexplained(syntax_pattern(code), "Type $$ twice.", own) == []


def test_the_source_check_reads_a_formula_as_the_model_does() -> None:
    assert FORMULA.sub(" ", "equal to $x$. Costs $5 and $6.") == "equal to  . Costs $5 and $6."
    assert FORMULA.sub(" ", "a $$x\n+ y$$ b \\(z\\) c") == "a   b   c"


# --- the PDF's drawing ----------------------------------------------------------------------

def test_the_drawing_is_paths_in_em_on_the_baseline_and_reproducible() -> None:
    mathml = to_mathml(r"\sum_{i=1}^n x_i^2", display=False)
    svg = etree.fromstring(drawing(mathml))
    tags = {etree.QName(e).localname for e in svg.iter() if isinstance(e.tag, str)}
    assert tags <= {"svg", "title", "path", "rect"}  # no text, no fonts, no <symbol> ids
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == r"\sum_{i=1}^n x_i^2"
    assert svg.get("width") is None and ' id="' not in drawing(mathml)
    style = dict(part.split(": ") for part in svg.get("style", "").split("; "))
    assert style["width"].endswith("em") and style["vertical-align"].startswith("-")
    drawing.cache_clear()
    assert drawing(mathml) == etree.tostring(svg, encoding="unicode")


# --- the EPUB's page-break markers: print draws a formula, so it counts no characters ---------

FORMULA_PARAGRAPH = ('<p id="p">Text <span class="math inline">'
                     f'{to_mathml("x = 1", display=False)}</span> more words.</p>\n')


def test_a_page_after_a_formula_is_marked_after_it_never_inside() -> None:
    # Print counts "Text" then "more": the drawing between them holds no characters.
    [body] = place_markers(["c.xhtml"], [FORMULA_PARAGRAPH],
                           PageMap((PageStart("2", (Anchor("p", count_text("Text")),)),)),
                           "en-US")[0]
    assert f"</math></span> {marker('2')}more words." in body


def test_a_page_that_opens_with_a_drawing_is_marked_before_the_formula() -> None:
    start = PageStart("2", (Anchor("p", count_text("Text")),), "svg")
    [body] = place_markers(["c.xhtml"], [FORMULA_PARAGRAPH], PageMap((start,)), "en-US")[0]
    assert f'Text {marker("2")}<span class="math inline"><math' in body


# --- anything an author may type: a formula, or a located problem, never a crash -------------

PIECES = (*"$\\{}()[]^_&<>x1 \n*`#%", "\\frac", "\\text{", "\\alpha", "{#eq:a}", "$$")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_text_gives_formulas_or_problems(source: str) -> None:
    for block in parser().parse(source, {}):
        for token in block.children or []:
            if token.type in ("math_inline", "math_display"):
                assert ("mathml" in token.meta) != ("problem" in token.meta), token
                if "mathml" in token.meta:
                    drawing(token.meta["mathml"])  # the PDF can draw whatever converted
