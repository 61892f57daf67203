"""CMOS 14.97: a title's bracketed translation roman and in sentence case; an organisation's
translation left out of short notes. Run on pandoc's own output for real entries."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pypandoc
import pytest

from imprint.preprocess.cite.pandoc_ast import blocks_to_html
from imprint.preprocess.cite.styles import resolve_style
from imprint.preprocess.cite.translations import (
    corporate_translation,
    roman_translations,
    sentence_case,
    shorten_corporate,
)

BIB = """\
@book{qiao1999,
  title = {超限战 [Unrestricted Warfare of {China}: A Study]},
  author = {乔, 良},
  date = {1999}, publisher = {X}, location = {Beijing}, langid = {chinese}
}
@article{ivanov2010,
  title = {Статья о России [An Article on {Russia}]},
  author = {Иванов, Иван}, journaltitle = {Журнал}, date = {2010}, volume = {3},
  pages = {1--5}, langid = {russian}
}
@book{plain2001,
  title = {A Book With {NATO} in Its Title [Sic]x},
  author = {Smith, Ann}, date = {2001}, publisher = {Y}, location = {London}
}
"""


def _bibliography_html(tmp_path: Path) -> str:
    (tmp_path / "r.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "t.md").write_text("---\nbibliography: r.bib\nnocite: '@*'\n---\n\nText.\n",
                                   encoding="utf-8")
    style = resolve_style("chicago-notes-bibliography", tmp_path, None)
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "t.md", "--citeproc", f"--csl={style.path}", "-t", "json"],
        cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    blocks: list[dict[str, Any]] = json.loads(out)["blocks"]
    return blocks_to_html(roman_translations(blocks))


def test_translation_leaves_the_italics_in_sentence_case(tmp_path: Path) -> None:
    html = _bibliography_html(tmp_path)
    assert "<em>超限战</em> [Unrestricted warfare of China: A study]." in html


def test_translation_leaves_the_quotation_marks_with_the_punctuation_after(
        tmp_path: Path) -> None:
    html = _bibliography_html(tmp_path)
    assert "“Статья о России” [An article on Russia]. <em>Журнал</em>" in html


def test_a_title_without_a_trailing_translation_is_untouched(tmp_path: Path) -> None:
    assert "<em>A Book with NATO in Its Title [Sic]x</em>" in _bibliography_html(tmp_path)


def _words(*texts: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for text in texts:
        if nodes:
            nodes.append({"t": "Space"})
        nodes.append({"t": "Str", "c": text})
    return nodes


@pytest.mark.parametrize(("words", "expected"), [
    (("[The", "Science", "of", "Military", "Strategy]"), "[The science of military strategy]"),
    (("[Sixth-Generation", "Warfare:", "Weapons", "and", "Art]"),
     "[Sixth-Generation warfare: Weapons and art]"),
    (("[The", "PLA", "and", "McNamara", "in", "A", "Year]"), "[The PLA and McNamara in a year]"),
    (("[China’s", "Military-Industrial", "Strategy]"), "[China’s military-industrial strategy]"),
])
def test_sentence_case(words: tuple[str, ...], expected: str) -> None:
    cased = sentence_case(_words(*words))
    assert " ".join(node["c"] for node in cased if node["t"] == "Str") == expected


def test_braced_words_keep_their_capitals() -> None:
    protected = {"t": "Span", "c": [["", [], []], [{"t": "Str", "c": "Russia"}]]}
    cased = sentence_case([*_words("[The", "Pivot", "to"), {"t": "Space"}, protected,
                           {"t": "Str", "c": "]"}])
    assert cased[-2] is protected and cased[2]["c"] == "pivot"


def test_corporate_translation_is_read_from_a_literal_name() -> None:
    assert corporate_translation("国务院新闻办公室 [State Council Information Office]", "") == (
        "国务院新闻办公室", "State Council Information Office")
    assert corporate_translation("Lo", "Bobo") is None
    assert corporate_translation("World Bank", "") is None


def test_short_note_names_the_organisation_without_its_translation() -> None:
    html = ("国务院新闻办公室 [State Council Information Office of the People’s Republic], "
            "<em>x</em>")
    names = [("国务院新闻办公室", "State Council Information Office of the People's Republic")]
    assert shorten_corporate(html, names) == "国务院新闻办公室, <em>x</em>"
