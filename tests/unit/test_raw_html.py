"""Raw HTML (markdown/raw_html.py): comments dropped, a few inline elements sanitized into
well-formed XHTML, everything else a located error; no `style` that loads anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from tests.helpers import render_one

from imprint.book.model import ChapterSpec, Loc
from imprint.markdown.parse import parse_chapter
from imprint.markdown.raw_html import safe_style
from imprint.preprocess.numbering import number_publication

FILE = "chapters/x.md"
EPUB = "http://www.idpf.org/2007/ops"


def parse(tmp_path: Path, body: str) -> tuple[str, list[str]]:
    """The chapter's rendered HTML (without its title) and notes, and every problem."""
    chapter, problems = render_one(tmp_path, FILE, body)
    if chapter is None:
        return "", problems
    notes = "".join(note.html for note in chapter.notes)
    return chapter.html.split("</h1>\n", 1)[1] + notes, problems


def clean(tmp_path: Path, body: str) -> str:
    html, problems = parse(tmp_path, body)
    assert problems == []
    etree.fromstring(f'<div xmlns:epub="{EPUB}">{html}</div>')  # XML, as the EPUB needs
    return html


# --- comments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    ("<!-- a note to the editor -->\n\nText.\n", "<p>Text.</p>\n"),
    ("<!-- several\nlines\n\nwith a blank one -->\n\nText.\n", "<p>Text.</p>\n"),
    ("Text <!-- inline\nover two lines --> goes on.\n", "<p>Text  goes on.</p>\n"),
    # As in Pandoc a comment does not interrupt a paragraph: one paragraph, not two.
    ("Text\n<!-- c -->\nmore.\n", "<p>Text\n\nmore.</p>\n"),
    # Pandoc keeps the text after a one-line comment as a paragraph.
    ("<!-- c --> text after.\n", "<p> text after.</p>\n"),
    ("- item <!-- c -->\n- two\n", "<ul>\n<li>item </li>\n<li>two</li>\n</ul>\n"),
    ("Note.[^1]\n\n[^1]: A note <!-- hidden --> here.\n", None),
])
def test_comments_vanish(tmp_path: Path, body: str, expected: str | None) -> None:
    html = clean(tmp_path, body)
    assert "<!--" not in html and "hidden" not in html and "editor" not in html
    if expected is not None:
        assert html == expected


def test_a_comment_never_closed_is_an_error(tmp_path: Path) -> None:
    assert parse(tmp_path, "Text.\n\n<!-- never closed\n\nall this\n")[1] == [
        f"{FILE}:5: HTML comment '<!--' is never closed; close it with '-->' (all the text "
        "after it would be lost)"]


def test_text_on_the_line_a_block_comment_closes_is_an_error(tmp_path: Path) -> None:
    assert parse(tmp_path, "<!-- a\n\nb --> lost\n")[1] == [
        f"{FILE}:5: text after an HTML comment on the line it closes would be lost; put the "
        "text on a line of its own"]


# --- the allowed elements ----------------------------------------------------------------------


@pytest.mark.parametrize(("body", "expected"), [
    ("H<sub>2</sub>O and x<sup>2</sup>.", "H<sub>2</sub>O and x<sup>2</sup>."),
    ("First line<br>second<BR>third<br/>fourth<br />.", "First line<br />second<br />third"
     "<br />fourth<br />."),
    ("<u>u</u> <mark>m</mark> <small>s</small> <kbd>Ctrl</kbd>",
     "<u>u</u> <mark>m</mark> <small>s</small> <kbd>Ctrl</kbd>"),
    ('<abbr title="World Health Organization">WHO</abbr>',
     '<abbr title="World Health Organization">WHO</abbr>'),
    ("""<span class="term" lang="ru" dir="ltr" title='a "b" & c'>война</span>""",
     '<span class="term" lang="ru" dir="ltr" title="a &quot;b&quot; &amp; c">война</span>'),
    ("*a <sup>b</sup>* and [<sub>l</sub>](https://example.org)",
     '<em>a <sup>b</sup></em> and <a href="https://example.org"><sub>l</sub></a>'),
    ("<sup>**bold**</sup>", "<sup><strong>bold</strong></sup>"),
    ("x<sup>2\n</sup>", "x<sup>2\n</sup>"),
])
def test_allowed_elements_print_as_xhtml(tmp_path: Path, body: str, expected: str) -> None:
    assert clean(tmp_path, body + "\n") == f"<p>{expected}</p>\n"


@pytest.mark.parametrize("body", ["<br>\n", '<span class="x">\nspan text\n</span>\n',
                                  "<sup>2</sup> starts the paragraph\n"])
def test_an_allowed_element_at_a_line_start_starts_a_paragraph(tmp_path: Path,
                                                               body: str) -> None:
    """CommonMark makes a line holding only a tag an HTML block; Pandoc a paragraph."""
    html = clean(tmp_path, body)
    assert html.startswith("<p>") and html.endswith("</p>\n")


def test_allowed_elements_in_headings_captions_tables_and_notes(tmp_path: Path) -> None:
    body = ("## CO<sub>2</sub> levels\n\n| a<sup>1</sup> |\n|---|\n| b<br>c |\n\n"
            "Text.[^n]\n\n[^n]: m<sup>2</sup>.\n")
    html, problems = parse(tmp_path, body)
    assert problems == []
    assert "CO<sub>2</sub> levels</h2>" in html
    assert "<th>a<sup>1</sup></th>" in html and "<td>b<br />c</td>" in html


def test_the_contents_take_the_heading_text_without_tags(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / FILE).write_text("# T\n\n## CO<sub>2</sub> levels\n", encoding="utf-8")
    parsed = [parse_chapter(tmp_path, ChapterSpec(FILE, "body", Loc("publication.yaml", 1)))]
    numbering = number_publication(tmp_path, parsed, note_style=True)
    assert [h.text for h in numbering.headings["x"]][-1] == "CO2 levels"


def test_an_attribute_the_allowlist_lacks_is_dropped_with_a_warning(tmp_path: Path) -> None:
    html, problems = parse(tmp_path, '<span id="a" dir="up" class="c">x</span> '
                                     '<sup data-x="1">2</sup>\n')
    assert html == '<p><span class="c">x</span> <sup>2</sup></p>\n'
    assert problems == [
        f"{FILE}:3: warning: attribute 'id' of <span> is dropped (allowed: class, dir, lang, "
        "style, title)",
        f"{FILE}:3: warning: dir='up' of <span> is dropped: dir is ltr, rtl or auto",
        f"{FILE}:3: warning: attribute 'data-x' of <sup> is dropped (allowed: none)"]


def test_a_span_lang_is_checked_like_any_other(tmp_path: Path) -> None:
    assert parse(tmp_path, '<span lang="not a tag">x</span>\n')[1] == [
        f"{FILE}:3: lang='not a tag' is not a language tag (BCP 47, e.g. ru or zh-Hans)"]


# --- refused -----------------------------------------------------------------------------------

ALLOWED = "allowed inline: br, sup, sub, u, mark, small, abbr, kbd, span"


@pytest.mark.parametrize(("body", "expected"), [
    ("Text.\n\n<script>alert(1)</script>\n",
     [f"5: raw HTML <script> is not allowed; use Markdown ({ALLOWED})"]),
    ("A <b>bold</b> claim.\n", [f"3: raw HTML <b> is not allowed; use Markdown ({ALLOWED})"]),
    ("<div class=\"box\">\nA block.\n</div>\n",
     [f"3: raw HTML <div> is not allowed; use Markdown ({ALLOWED})"]),
    ("Text\n\nmore <iframe src=\"https://example.org\"></iframe>\n",
     [f"5: raw HTML <iframe> is not allowed; use Markdown ({ALLOWED})"]),
    ("An <img src=x onerror=alert(1)> image.\n",
     [f"3: raw HTML <img> is not allowed; use Markdown ({ALLOWED})"]),
    ("<!-- c -->\n<table><tr><td>x</td></tr></table>\n",
     [f"4: raw HTML <table> is not allowed; use Markdown ({ALLOWED})"]),
    ("A <custom-tag>x</custom-tag>.\n",
     [f"3: raw HTML <custom-tag> is not allowed; use Markdown ({ALLOWED})"]),
    ('A <span onclick="alert(1)">x</span>.\n',
     ["3: raw HTML <span onclick=…> is not allowed: event handler attributes never reach an "
      "edition"]),
    ("Line one\nx <sup>2 and more\n\nnext</sup>\n",
     ["4: <sup> is never closed; close it with </sup> in the same paragraph",
      "6: </sup> closes nothing: no <sup> is open here"]),
    ("*a <sup>b* c</sup>\n",
     ["3: <sup> is not closed before the emphasis '*…*' around it ends; close it inside"]),
    ("<sub>a *b</sub> c*\n",
     ["3: </sub> comes before the end of the emphasis '*…*' opened after <sub>; close that "
      "first"]),
    ("<sup>a <sub>b</sup></sub>\n",
     ["3: </sup> comes before the end of the <sub> opened after <sup>; close that first"]),
    ("a</br>b\n", ["3: </br> is no tag; write <br>"]),
    ("a<sup/>b\n", ["3: <sup/> holds nothing; write <sup>…</sup>"]),
])
def test_refused_html_is_a_located_error(tmp_path: Path, body: str,
                                         expected: list[str]) -> None:
    html, problems = parse(tmp_path, body)
    assert html == ""
    assert problems == [f"{FILE}:{line}" for line in expected]


# --- styles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("style", "kept", "dropped"), [
    ("color: red", "color: red", []),
    ("color:red;background:url(http://x.test/a.png)", "color:red",
     ["background:url(http://x.test/a.png)"]),
    ("background: URL ( x )", "", ["background: URL ( x )"]),
    ("background:ur\\6c(x)", "", ["background:ur\\6c(x)"]),
    ("background:u\\rl(x)", "", ["background:u\\rl(x)"]),
    ("background:ur/* */l(x)", "", ["background:ur/* */l(x)"]),
    ("width: expression(alert(1))", "", ["width: expression(alert(1))"]),
    ("@import 'x.css'", "", ["@import 'x.css'"]),
])
def test_a_style_never_loads_anything(style: str, kept: str, dropped: list[str]) -> None:
    assert safe_style(style) == (kept, dropped)


def test_attribute_block_styles_lose_url_with_a_warning(tmp_path: Path) -> None:
    body = ('[x]{style="color: blue; background:url(http://x.test/a.png)"}\n\n'
            '## Head {style="background:url(z)"}\n\n'
            '<span style="color:red;background-image:url(y)">r</span>\n')
    html, problems = parse(tmp_path, body)
    assert "url" not in html
    assert '<span style="color: blue">x</span>' in html
    assert '<span style="color:red">r</span>' in html
    assert "<h2 id=" in html and "style" not in html.split("<h2")[1].split(">")[0]
    message = "is dropped: a style may not load anything (url(), expression(), @import)"
    assert sorted(problems) == [
        f"{FILE}:3: warning: style declaration 'background:url(http://x.test/a.png)' {message}",
        f"{FILE}:5: warning: style declaration 'background:url(z)' {message}",
        f"{FILE}:7: warning: style declaration 'background-image:url(y)' {message}"]


def test_an_event_handler_in_an_attribute_block_is_dropped(tmp_path: Path) -> None:
    html, problems = parse(tmp_path, '::: {.box onclick="alert(1)"}\nIn a box.\n:::\n\n'
                                     '## Head {onclick="alert(1)"}\n\n[x]{onclick="alert(1)"}\n')
    assert problems == [
        f"{FILE}:3: warning: attribute 'onclick' is dropped: event handlers never reach an "
        "edition"]
    assert " onclick" not in html
