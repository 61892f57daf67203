"""Citations are formatted in reading order, footnotes at their call, as `pandoc --citeproc`.

Each manuscript is built by imprint and its chapters, concatenated in `publication.yaml`'s
order, by `pandoc -f markdown -t html --citeproc` with the same CSL style and bibliography;
every note's text must be the same (first, short and "Ibid." forms depend on the order).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pypandoc
import pytest
from ruamel.yaml import YAML
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.differential.compare import (
    XREF_FILTER,
    _map_imprint_extras,
    _mark_citeproc_text,
    _pandoc_notes,
    fragment,
    outline,
)

from imprint.pipeline import build_publication
from imprint.preprocess.cite.styles import resolve_style
from imprint.preprocess.cite.translations import roman_translations

FIXTURE_BIB = Path(__file__).parents[1] / "fixtures" / "citations" / "fixture.bib"
IBID = "chicago-notes-bibliography-subsequent-ibid"
NOTE_STYLES = ["chicago-notes-bibliography", IBID]

# A source first cited in a footnote, then in the text; "Ibid." after a footnote; a footnote
# without citations between two citations of one source; an inline note; a second chapter.
FIRST = """\
# One

A claim.[^a] The text then cites Lo [@lo2008axis, 45]. Again [@lo2008axis, 46].[^b]
Gabuev next [@gabuev2016friends].[^c] And again [@gabuev2016friends, 9].

[^a]: First cited in a note [@lo2008axis, 12].
[^b]: Same source [@lo2008axis, 46]; then [see @gabuev2016friends, 3].
[^c]: A note without citations.
"""
SECOND = """\
# Two

An inline note^[Citing [@korolev2016systemic] in place.] and the text [@korolev2016systemic, 10].
Then a footnote first.[^d] Then the text [@wishnick2010strategic, 5].

[^d]: Citing [@wishnick2010strategic, 4] and [@lo2008axis].
"""


def note_texts(root: Path, style: str) -> dict[int, str]:
    """imprint's notes, number -> outline text."""
    publication = build_publication(root, root.parent / "cache")
    notes = {}
    for chapter in publication.chapters:
        for note in chapter.notes:
            tree = fragment(note.html)
            _map_imprint_extras(tree)
            notes[note.number] = " / ".join(outline(tree, set()))
    return notes


def pandoc_note_texts(root: Path, style: str) -> dict[int, str]:
    """pandoc's notes for the concatenated chapters, number -> outline text."""
    config = YAML(typ="safe").load((root / "publication.yaml").read_text(encoding="utf-8"))
    text = "\n\n".join(
        (root / chapter["file"]).read_text(encoding="utf-8") for chapter in config["chapters"]
    )
    command = [
        pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json", "-M", "lang=en-US",
        f"--lua-filter={XREF_FILTER}", "--citeproc",
        f"--csl={resolve_style(style, root, None).path}",
        *(f"--bibliography={root / name}" for name in config["bibliography"]),
    ]
    output = subprocess.run(command, input=text.encode(), capture_output=True, check=True)
    tree = fragment(_with_roman_translations(output.stdout.decode()))
    citation_notes = _mark_citeproc_text(tree, tree.find(".//div[@id='refs']"))
    section = tree.find(".//section[@id='footnotes']")
    return {n: _without_stray_stop(" / ".join(outline(li, set())))
            for n, li in _pandoc_notes(section, citation_notes)}


# The one deliberate difference: pandoc's citeproc takes a one-character Chinese given name for
# an initial ("[乔良]{lang=zh-Hans}. and 王湘穗"); imprint prints 乔良, as citeproc-js does
# (README, "Titles and names in other languages"). Only a stop between a Han name and " and"
# or a comma is pandoc's stray one: no sentence ends there.
_STRAY_STOP = re.compile(r"(\[[\u4e00-\u9fff]+\]\{lang=zh-Hans\})\.(?=,| and )")


def _without_stray_stop(text: str) -> str:
    return _STRAY_STOP.sub(r"\1", text)


def _with_roman_translations(document: str) -> str:
    """pandoc's output with imprint's one deliberate post-pass on titles (CMOS 14.97: the
    bracketed translation roman, in sentence case), as HTML."""
    data = json.loads(document)
    data["blocks"] = roman_translations(data["blocks"])
    return pypandoc.convert_text(json.dumps(data), "html", format="json")


# A short note names an organisation without its bracketed translation (CMOS 14.97, imprint's
# post-pass; tests/unit/test_cite_translations.py and the citeproc-js fixture check which notes
# are short); this comparison leaves the translation out of every note on both sides.
_CORPORATE = re.compile(r"(\]\{lang=zh-Hans\}) \[[^\]\[]+\](?=,)")


def assert_same_notes(root: Path, style: str) -> None:
    mine, pandoc = note_texts(root, style), pandoc_note_texts(root, style)
    mine = {n: _CORPORATE.sub(r"\1", text) for n, text in mine.items()}
    pandoc = {n: _CORPORATE.sub(r"\1", text) for n, text in pandoc.items()}
    assert sorted(mine) == sorted(pandoc)
    differing = {n: (mine[n], pandoc[n]) for n in mine if mine[n] != pandoc[n]}
    assert differing == {}, "\n".join(f"note {n}:\n  imprint: {a}\n  pandoc:  {b}"
                                      for n, (a, b) in differing.items())


@pytest.fixture
def small(tmp_path: Path) -> Path:
    config = MINIMAL_CONFIG + "bibliography: [references.bib]\n"
    root = write_manuscript(tmp_path / "m", config, {"01-intro.md": FIRST, "02-second.md": SECOND})
    shutil.copyfile(FIXTURE_BIB, root / "references.bib")
    return root


def with_style(root: Path, style: str) -> Path:
    config = root / "publication.yaml"
    text = re.sub(r"(?m)^citation-style: .*\n", "", config.read_text(encoding="utf-8"))
    config.write_text(text + f"citation-style: {style}\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("style", NOTE_STYLES)
def test_small_manuscript_notes_as_pandoc(small: Path, style: str) -> None:
    assert_same_notes(with_style(small, style), style)


def test_source_first_cited_in_a_footnote_gets_its_full_form_there(small: Path) -> None:
    notes = note_texts(with_style(small, IBID), IBID)
    assert notes[1].startswith("p: First cited in a note (Bobo Lo, *Axis of Convenience: ")
    assert notes[2] == "p: Ibid., 45."  # the footnote before cites Lo alone
    assert notes[4].startswith("p: Same source (ibid); then (see Alexander Gabuev, *Friends")
    assert notes[5] == "p: Gabuev, *Friends with Benefits?*"  # short: note 4 had the full form
    assert notes[7] == "p: Gabuev, *Friends with Benefits?*, 9."  # note 6 cites nothing
    default = note_texts(with_style(small, NOTE_STYLES[0]), NOTE_STYLES[0])
    assert default[2] == "p: Lo, *Axis of Convenience*, 45."


@pytest.mark.parametrize("style", NOTE_STYLES)
def test_sample_notes_as_pandoc(sample_copy: Path, style: str) -> None:
    assert_same_notes(with_style(sample_copy, style), style)
