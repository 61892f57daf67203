"""Heading ids as Pandoc makes them (its `auto_identifiers`, non-ASCII letters kept), unique in
the whole book; `#id` links resolved in every chapter or said to point nowhere; unnumbered and
unlisted headings; cross-references and citations right after Chinese text."""

from __future__ import annotations

import re
from pathlib import Path

import pypandoc
import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript

from imprint.book.model import ChapterSpec, ImprintError, Loc
from imprint.markdown.headings import pandoc_identifier
from imprint.markdown.parse import ParsedChapter, parse_chapter
from imprint.markdown.parser import parser
from imprint.pipeline import build_publication
from imprint.preprocess.anchors import xml_id
from imprint.preprocess.numbering import Numbering, number_publication
from imprint.preprocess.render import render_chapters

# Headings whose ids Pandoc makes in every way its algorithm has: formatting, links, code,
# images and notes go or give their text; punctuation goes but `_ - .`; Chinese, Cyrillic and
# accented letters stay; what comes before the first letter goes; nothing left is "section";
# a repeated id takes -1, -2.
HEADINGS = """\
# Introduction

## Lo's View [@lo2008axis]

## Method[^m]

## See @fig:x and `code` *em* [link](http://x) ![alt *b*](y.png)

## Введение в проблему

## 中国的军事战略

## 1. Numbers 2

## ...

## Wait... -- done --- ok

## Introduction

## Introduction

## Introduction 1

## A.B_C-D

## Ünïcödé Straße İstanbul

## हिन्दी

## 🙂 Emoji :smile:

## inline^[a note] note

## Section

## a\\*b

## Jos&eacute; &amp; co

## 日本語のテキスト and 한국어

## Energy $E=mc^2$ and \\(x_1\\)

[^m]: The note.
"""


def parse(root: Path, files: dict[str, str]) -> list[ParsedChapter]:
    (root / "chapters").mkdir(exist_ok=True)
    chapters = []
    for name, text in files.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
        spec = ChapterSpec(f"chapters/{name}", "body", Loc("publication.yaml", 1))
        chapters.append(parse_chapter(root, spec))
    return chapters


def html_of(root: Path, files: dict[str, str]) -> tuple[list[str], Numbering]:
    chapters = parse(root, files)
    numbering = number_publication(root, chapters, note_style=True)
    return [c.html for c in render_chapters(chapters, numbering, None)], numbering


def ids(html: str) -> list[str]:
    return re.findall(r'<h\d[^>]* id="([^"]*)"', html)


def test_heading_ids_are_pandocs(tmp_path: Path) -> None:
    pandoc = ids(pypandoc.convert_text(HEADINGS, "html", format="markdown"))
    [html], _ = html_of(tmp_path, {"01-a.md": HEADINGS})
    assert ids(html) == pandoc
    assert "введение-в-проблему" in pandoc and "中国的军事战略" in pandoc  # non-ASCII kept
    assert pandoc[-4:] == ["ab", "josé-co", "日本語のテキスト-and-한국어", "energy-emc2-and-x_1"]


@pytest.mark.parametrize(("text", "ident"), [
    ("Lo's View [@lo2008axis]", "los-view-lo2008axis"), ("1. Numbers 2", "numbers-2"),
    ("...", ""), ("x² ª µ", "x²-ª-µ"), ("A.B_C-D", "a.b_c-d"), ("  Two   words ", "two-words"),
])
def test_pandoc_identifier(text: str, ident: str) -> None:
    assert pandoc_identifier(text) == ident


def test_an_id_no_xml_name_may_hold_is_made_one() -> None:
    assert xml_id("x²-ª-µ") == "x-----"  # ², ª and µ are letters or digits, but no XML's
    assert xml_id("中国的军事战略") == "中国的军事战略" and xml_id("введение") == "введение"
    assert xml_id("1abc") == "x1abc"


def test_ids_are_unique_in_the_book_and_links_mean_their_own_chapter(tmp_path: Path) -> None:
    files = {
        "01-a.md": "# Introduction\n\nSee [the results](#results) and [ours](#introduction).\n",
        "02-b.md": "# Results\n\n## Introduction\n\n[Ours](#introduction), "
                   "[the book's](#introduction-1), [back](#results).\n",
        "03-c.md": "# Notes\n\n## Contents {#later}\n\n## Later\n\n## Ref Works\n\n## Note 3\n",
    }
    (first, second, third), numbering = html_of(tmp_path, files)
    assert ids(first) == ["introduction"] and ids(second) == ["results", "introduction-1"]
    assert 'href="#results"' in first and 'href="#introduction"' in first
    assert second.count('href="#introduction-1"') == 2 and 'href="#results"' in second
    # imprint's own ids (`notes`, `contents`) and an author's id given later are never taken.
    assert ids(third) == ["notes-1", "later", "later-1", "section-ref-works", "note-3-1"]
    assert numbering.problems == []


def test_a_link_to_no_id_is_a_located_warning_and_prints_as_text(tmp_path: Path) -> None:
    files = {"01-a.md": "# A\n\nFirst line,\nthen [a link](#nowhere) and [a span](#s).\n\n"
                        "[The span.]{#s}\n\n![Cap.](x.svg){#fig:x fig-alt=\"Alt.\"}\n\n"
                        "[f](#fig:x)\n"}
    (tmp_path / "x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    [html], numbering = html_of(tmp_path, files)
    assert [str(p) for p in numbering.problems] == [
        "chapters/01-a.md:4: warning: link '#nowhere' points at no heading, figure or table"]
    assert "then a link and" in html and 'href="#s"' in html and 'href="#fig-x"' in html


def test_unnumbered_and_unlisted_headings(tmp_path: Path) -> None:
    files = {"01-a.md": "# Preface {-}\n\n## Aside {.unlisted}\n\n## Kept {.unnumbered}\n",
             "02-b.md": "# First {.unnumbered .unlisted}\n", "03-c.md": "# Second\n"}
    chapters = parse(tmp_path, files)
    numbering = number_publication(tmp_path, chapters, note_style=True)
    assert numbering.chapter_numbers == {"a": None, "b": None, "c": 1}
    listed = {h.text: h.listed for hs in numbering.headings.values() for h in hs}
    assert listed == {"Preface": True, "Aside": False, "Kept": True, "First": False,
                      "Second": True}
    html = render_chapters(chapters, numbering, None)
    assert html[0].html.startswith('<h1 class="unnumbered" id="preface">Preface</h1>')
    assert '<p class="chapter-number">1</p>' in html[2].html


def test_a_figure_without_alt_text_warns_unless_accessibility_is_strict(tmp_path: Path) -> None:
    (tmp_path / "x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    files = {"01-a.md": "# A\n\n![The caption.](x.svg){width=50%}\n\n"
                        "![Another.](x.svg){alt=\"Pandoc's alt.\" width=wide}\n"}
    chapters = parse(tmp_path, files)
    lenient = number_publication(tmp_path, chapters, note_style=True)
    assert [str(p) for p in lenient.problems] == [
        'chapters/01-a.md:3: warning: figure has no alt text (add fig-alt="…"); its caption '
        "serves as alt text",
        "chapters/01-a.md:5: warning: image width 'wide' is no length (write e.g. 50%, 3in, "
        "8cm or 300px); ignored"]
    assert [f.alt for f in lenient.figure_list] == ["The caption.", "Pandoc's alt."]
    html = render_chapters(chapters, lenient, None)[0].html
    assert '<img src="x.svg" style="width:50%" alt="The caption." />' in html
    assert '<img src="x.svg" alt="Pandoc&#x27;s alt." />' in html
    strict = number_publication(tmp_path, chapters, note_style=True, strict_alt=True)
    assert strict.problems[0].severity == "error"


def inline(source: str) -> list[tuple[str, str]]:
    return [(t.type, t.content) for t in parser().parse(source, {})[1].children or []]


def test_references_and_citations_right_after_chinese_text() -> None:
    assert inline("见图@fig:x。") == [("text", "见图"), ("xref", "@fig:x"), ("text", "。")]
    assert inline("王@wang2019 说") == [("text", "王"), ("citation", "@wang2019"),
                                         ("text", " 说")]
    assert inline("カタカナ@fig:x") == [("text", "カタカナ"), ("xref", "@fig:x")]
    # After a Latin, Cyrillic or Korean letter or a digit it is part of a word, as in Pandoc.
    for text in ("name@example.com", "a@b", "Мы@key", "1@fig:x", "한@key"):
        assert inline(text) == [("text", text)]


def test_a_bare_reference_prints_the_number_alone(tmp_path: Path) -> None:
    (tmp_path / "x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    [html], _ = html_of(tmp_path, {"01-a.md": (
        "# A {#sec:a}\n\n![Cap.](x.svg){#fig:x fig-alt=\"Alt.\"}\n\nFigure [-@fig:x], "
        "[@fig:x], @fig:x, chapter [-@sec:a].\n")})
    assert ('Figure <a class="xref" href="#fig-x">1</a>, <a class="xref" href="#fig-x">'
            'Figure 1</a>, <a class="xref" href="#fig-x">Figure 1</a>, chapter '
            '<a class="xref" href="#sec-a">1</a>.') in html


def test_links_to_pandocs_bibliography_ids(tmp_path: Path) -> None:
    [html], numbering = html_of(tmp_path, {"01-a.md": (
        "# A\n\nAs argued [@lo2008axis]; see [Lo](#ref-lo2008axis), [the references](#refs)"
        " and [no one](#ref-nobody).\n")})
    assert 'href="#ref-lo2008axis"' in html and 'href="#bibliography"' in html
    assert [str(p) for p in numbering.problems] == [
        "chapters/01-a.md:3: warning: link '#ref-nobody' points at no heading, figure or table"]


def test_accessibility_strict_in_publication_yaml_stops_the_build(tmp_path: Path) -> None:
    chapter = "# A\n\n![The caption.](figures/x.svg)\n"
    for setting, fails in (("", False), ("accessibility: strict\n", True)):
        root = write_manuscript(tmp_path / f"m{fails}", MINIMAL_CONFIG.split("chapters:")[0]
                                + setting + "chapters:\n  - file: chapters/01-a.md\n"
                                "    kind: body\n", {"01-a.md": chapter})
        (root / "figures").mkdir()
        (root / "figures" / "x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
        if not fails:
            publication = build_publication(root, tmp_path / "cache")
            assert [d.severity for d in publication.diagnostics] == ["warning"]
            continue
        with pytest.raises(ImprintError) as error:
            build_publication(root, tmp_path / "cache")
        assert [str(d) for d in error.value.diagnostics] == [
            'chapters/01-a.md:3: figure has no alt text (add fig-alt="…"); its caption serves '
            "as alt text"]
    (root / "publication.yaml").write_text(
        (root / "publication.yaml").read_text().replace("strict", "loud"))
    with pytest.raises(ImprintError, match="'accessibility' must be one of warn, strict"):
        build_publication(root, tmp_path / "cache")
