"""Pandoc's fancy_lists, example_lists, line_blocks, task_lists, raw_attribute and raw_tex
(markdown/fancy_lists.py and the rest), through the real parse, numbering and render stages;
each expected HTML checked against `pandoc -f markdown -t html` when it was written."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from tests.helpers import render_one

FILE = "chapters/x.md"
EPUB = "http://www.idpf.org/2007/ops"
ALPHA = ' type="a" style="list-style-type: lower-alpha"'


def parse(tmp_path: Path, body: str) -> tuple[str, list[str]]:
    """The chapter's HTML without its title, and every problem (errors stop before render)."""
    chapter, problems = render_one(tmp_path, FILE, body)
    return ("" if chapter is None else chapter.html.split("</h1>\n", 1)[1]), problems


def clean(tmp_path: Path, body: str) -> str:
    html, problems = parse(tmp_path, body)
    assert problems == []
    etree.fromstring(f'<div xmlns:epub="{EPUB}">{html}</div>')  # XML, as the EPUB needs
    return html


def lists(html: str) -> list[str]:
    """The opening tags of the chapter's lists, in order."""
    return [line.split(">")[0] + ">" for line in html.splitlines()
            if line.startswith(("<ol", "<ul"))]


# --- fancy_lists -----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "opening"), [
    ("a. one\nb. two\n", f"<ol{ALPHA}>"),
    ("(c) one\n(d) two\n", '<ol start="3" type="a" style="list-style-type: lower-alpha; '
                           'counter-reset: list-item 3; counter-increment: list-item -1">'),
    ("ii) one\niii) two\n", '<ol start="2" type="i" style="list-style-type: lower-roman; '
                            'counter-reset: list-item 2; counter-increment: list-item -1">'),
    ("i. one\nii. two\n", '<ol type="i" style="list-style-type: lower-roman">'),
    ("A.  one\nB.  two\n", '<ol type="A" style="list-style-type: upper-alpha">'),
    ("I.  one\nII. two\n", '<ol type="I" style="list-style-type: upper-roman">'),
    ("#. one\n#. two\n", "<ol>"),
    ("(1) one\n(2) two\n", "<ol>"),
    ("3. three\n4. four\n", '<ol start="3" style="counter-reset: list-item 3; '
                            'counter-increment: list-item -1">'),
])
def test_fancy_markers_make_pandocs_list(tmp_path: Path, source: str, opening: str) -> None:
    html = clean(tmp_path, source)
    assert lists(html) == [opening]
    assert "<li>one</li>" in html or "<li>three</li>" in html


def test_v_is_a_letter_and_i_a_numeral_as_in_pandoc(tmp_path: Path) -> None:
    assert lists(clean(tmp_path, "v. x\nw. y\n"))[0].startswith('<ol start="22" type="a"')
    assert lists(clean(tmp_path, "i. one\nj. two\n")) == [
        '<ol type="i" style="list-style-type: lower-roman">',
        '<ol start="10" type="a" style="list-style-type: lower-alpha; counter-reset: list-item '
        '10; counter-increment: list-item -1">']


@pytest.mark.parametrize("source", [
    "B. Russell wrote it.\n",  # an initial: a capital and a period need two spaces
    "I. Kant wrote it.\n",
    "p. 5 of the report.\n",  # a page reference
    "Text goes on\na. here.\n",  # a list does not interrupt a paragraph
])
def test_prose_that_looks_like_a_marker_stays_prose(tmp_path: Path, source: str) -> None:
    html = clean(tmp_path, source)
    assert lists(html) == [] and html.startswith("<p>")


def test_a_new_style_or_delimiter_starts_a_new_list(tmp_path: Path) -> None:
    assert len(lists(clean(tmp_path, "1. one\na. two\n"))) == 2
    assert len(lists(clean(tmp_path, "a. one\nb) two\n"))) == 2
    assert len(lists(clean(tmp_path, "1. one\n#. two\n"))) == 1  # `#` goes on counting


def test_letters_run_together_no_longer(tmp_path: Path) -> None:
    """The trial's complaint: `a. … b. …` sub-lists printed as one paragraph."""
    html = clean(tmp_path, "1. Parts:\n    a. first part\n    b. second part\n2. Whole.\n")
    assert f"<ol{ALPHA}>\n<li>first part</li>\n<li>second part</li>\n</ol>" in html


# --- example_lists ---------------------------------------------------------------------------


def test_examples_are_numbered_on_and_referred_to(tmp_path: Path) -> None:
    html = clean(tmp_path, "(@) First.\n(@good) Second.\n\nAs (@good) shows.\n\n(@) Third.\n")
    assert lists(html) == ['<ol class="example">', '<ol class="example" start="3" style='
                           '"counter-reset: list-item 3; counter-increment: list-item -1">']
    assert "<p>As (2) shows.</p>" in html


def test_an_at_name_that_labels_no_example_is_still_a_citation(tmp_path: Path) -> None:
    html = clean(tmp_path, "(@a) First.\n\nSee @nobody, not @a.\n")
    assert "<p>See @nobody, not 1.</p>" in html  # the citation stage reads @nobody


# --- line_blocks -----------------------------------------------------------------------------


def test_a_line_block_keeps_lines_and_indentation(tmp_path: Path) -> None:
    html = clean(tmp_path, "| The first line\n|    indented *here*\n| a long line\n"
                           "  continued\n|\n| last\n")
    assert html.startswith('<div class="line-block">The first line<br />\n'
                           "\u00a0\u00a0\u00a0indented <em>here</em><br />\n"
                           "a long line continued<br />\n<br />\nlast</div>")


def test_a_pipe_table_is_no_line_block(tmp_path: Path) -> None:
    html = clean(tmp_path, "| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<table" in html and "line-block" not in html


def test_a_line_block_in_a_quote(tmp_path: Path) -> None:
    html = clean(tmp_path, "> | one\n> |  two\n")
    assert '<blockquote>\n<div class="line-block">one<br />\n\u00a0two</div>' in html


# --- task_lists ------------------------------------------------------------------------------


def test_task_boxes_print_as_characters(tmp_path: Path) -> None:
    html = clean(tmp_path, "- [ ] to do\n- [x] done\n- [X] also\n")
    assert html.startswith('<ul class="task-list">\n<li>☐\u00a0to do</li>\n'
                           "<li>☒\u00a0done</li>\n<li>☒\u00a0also</li>\n</ul>")


def test_no_box_without_text_or_space(tmp_path: Path) -> None:
    html = clean(tmp_path, "- [ ]\n- [x]not\n")
    assert "☐" not in html and "☒" not in html and "<li>[x]not</li>" in html


def test_a_numbered_task_list_keeps_its_numbers(tmp_path: Path) -> None:
    html = clean(tmp_path, "1. [ ] first\n2. [x] second\n")
    assert html.startswith("<ol>\n<li>☐\u00a0first</li>")


# --- raw_attribute ---------------------------------------------------------------------------


def test_raw_latex_is_left_out_with_a_warning_per_chunk(tmp_path: Path) -> None:
    html, problems = parse(tmp_path, "Before.\n\n```{=latex}\n\\newpage\n```\n\n"
                                     "Some `\\textbf{b}`{=latex} text `x`{=openxml}.\n")
    assert "newpage" not in html and "textbf" not in html and "<p>Some  text .</p>" in html
    assert problems == [
        "chapters/x.md:5: warning: raw LaTeX is for Pandoc's LaTeX output; imprint leaves it out",
        "chapters/x.md:9: warning: raw LaTeX is for Pandoc's LaTeX output; imprint leaves it out",
        "chapters/x.md:9: warning: raw 'openxml' is for Pandoc's openxml output; imprint leaves "
        "it out"]


def test_raw_html_follows_the_raw_html_policy(tmp_path: Path) -> None:
    html = clean(tmp_path, "H`<sub>2</sub>`{=html}O.\n\n```{=html}\n<!-- dropped -->\n```\n")
    assert html.strip() == "<p>H<sub>2</sub>O.</p>"
    _, problems = parse(tmp_path, "```{=html}\n<table></table>\n```\n")
    assert problems == ["chapters/x.md:4: raw HTML <table> is not allowed; use Markdown "
                        "(allowed inline: br, sup, sub, u, mark, small, abbr, kbd, span)"]


# --- raw_tex ---------------------------------------------------------------------------------


def test_raw_tex_is_left_out_with_one_warning_per_chapter(tmp_path: Path) -> None:
    html, problems = parse(tmp_path, "An entry\\index{entry} and \\emph{this} here.\\index{b}\n"
                                     "\n\\newpage\n\n\\noindent Text after.\n")
    assert html.strip() == "<p>An entry and here.</p>\n<p>Text after.</p>"
    assert problems == ["chapters/x.md:3: warning: raw TeX left out (\\index ×2, \\emph, "
                        "\\newpage, \\noindent): it is for Pandoc's LaTeX output"]


def test_an_environment_goes_whole_and_half_of_one_stays(tmp_path: Path) -> None:
    html, problems = parse(tmp_path, "\\begin{center}\ncentred\n\\end{center}\n\n"
                                     "It mentions \\begin{equation*} in passing.\n")
    assert html.strip() == "<p>It mentions \\begin{equation*} in passing.</p>"
    assert problems == ["chapters/x.md:3: warning: raw TeX left out (\\begin{center}): it is "
                        "for Pandoc's LaTeX output"]


@pytest.mark.parametrize(("source", "printed"), [
    ("Costs \\$5 and 50\\% of it.", "Costs $5 and 50% of it."),
    ("Open C:\\Users\\x\\Docs now.", "Open C:\\Users\\x\\Docs now."),
    ("A url a/\\b here.", "A url a/\\b here."),
    ("Escaped \\\\newpage here.", "Escaped \\newpage here."),
])
def test_escapes_and_paths_are_no_tex(tmp_path: Path, source: str, printed: str) -> None:
    assert clean(tmp_path, source + "\n").strip() == f"<p>{printed}</p>"


def test_math_comes_first(tmp_path: Path) -> None:
    html, problems = parse(tmp_path, "The $\\alpha + \\beta$ stays.\n")
    assert "<math" in html and 'alttext="\\alpha + \\beta"' in html and problems == []
