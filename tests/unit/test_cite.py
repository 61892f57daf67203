"""Citation formatting with the real pandoc citeproc (no mocks).

The fixture sequence below has 17 citations in 17 notes (notes 4, 11 and 15 are the author's
own footnotes). Every expected note and bibliography entry was checked by hand against the
Chicago Manual of Style, 18th edition (CMOS); what was checked is said next to each one, and
so is every place where the CSL style or Pandoc differ from what CMOS would print.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pypandoc
import pytest

from imprint.book.model import BibEntry, CitationRef, CiteItem, ImprintError, Loc
from imprint.preprocess.cite import format as cite
from imprint.preprocess.cite import styles as csl_styles
from imprint.preprocess.cite.format import (
    Bibliography,
    CitationText,
    check_citations,
    format_citations,
    load_bibliography,
    pandoc_runs,
    resolve_style,
)
from imprint.preprocess.cite.langspans import wrap_scripts
from imprint.preprocess.cite.pandoc_ast import (
    blocks_to_html,
    inlines_to_html,
    split_notes,
    strip_spaces,
)
from imprint.preprocess.cite.translations import roman_translations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "citations"
NBSP = "\u00a0"
ZH = '<span lang="zh-Hans">{}</span>'.format
RU = '<span lang="ru">{}</span>'.format
I = CiteItem  # noqa: E741 - short, to keep the sequence readable

# (note number, inside an author footnote?, items). The Markdown each stands for is in MARKDOWN.
SEQUENCE = [
    (1, False, [I("lo2008axis", suffix=", 45")]),
    (2, False, [I("lo2008axis", suffix=", 45–47")]),
    (3, False, [I("korolev2016systemic", mode="author-in-text")]),
    (5, False, [I("korolev2016systemic", suffix=", 380")]),
    (
        6,
        False,
        [I("gabuev2016friends", "see", ", ch. 2"), I("wishnick2010strategic", "", ", 60–62")],
    ),
    (7, False, [I("lo2008axis", suffix=", 12", mode="suppress-author")]),
    (8, False, [I("scio2015strategy", suffix=", 3")]),
    (9, False, [I("scio2015strategy", suffix=", 3")]),
    (10, False, [I("lukin2014povorot", suffix=", 15")]),
    (11, True, [I("lukin2014povorot", suffix=", 20")]),
    (11, True, [I("feng2019relations", suffix=", 5")]),
    (12, False, [I("feng2019relations", suffix=", 6")]),
    (13, False, [I("wishnick2010strategic", suffix=", 321–328")]),
    (14, False, [I("gabuev2016friends", suffix=", 101–108")]),
    (15, True, [I("lo2008axis", mode="author-in-text")]),
    (16, False, [I("lukin2014povorot", suffix=", ch. 3")]),
    (17, False, [I("lo2008axis")]),
]
FOOTNOTES = [4, 11, 15]  # all author footnotes, with or without citations
MARKDOWN = """\
One.[@lo2008axis, 45] Two.[@lo2008axis, 45–47] Three @korolev2016systemic argues. Four.[^4]
Five.[@korolev2016systemic, 380] Six.[see @gabuev2016friends, ch. 2; @wishnick2010strategic, 60–62]
Seven [-@lo2008axis, 12] says. Eight.[@scio2015strategy, 3] Nine.[@scio2015strategy, 3]
Ten.[@lukin2014povorot, 15] Eleven.[^11] Twelve.[@feng2019relations, 6]
Thirteen.[@wishnick2010strategic, 321–328] Fourteen.[@gabuev2016friends, 101–108]
Fifteen.[^15] Sixteen.[@lukin2014povorot, ch. 3] Seventeen.[@lo2008axis]

[^4]: A note without citations.
[^11]: A note citing [@lukin2014povorot, 20] and [@feng2019relations, 5] in passing.
[^15]: In a note, @lo2008axis makes a similar point.
"""

LO_FULL = (
    "Bobo Lo, <em>Axis of Convenience: Moscow, Beijing, and the New Geopolitics</em> "
    "(Brookings Institution Press, 2008), 45."
)
KOROLEV_NO_AUTHOR = (
    "“Systemic Balancing and Regional Hedging: China–Russia Relations,” <em>Chinese Journal of "
    "International Politics</em> 9, no. 4 (2016): 375–97, "
    '<a href="https://doi.org/10.1093/cjip/pow013">https://doi.org/10.1093/cjip/pow013</a>.'
)
SEE_GABUEV_WISHNICK = (
    "See Alexander Gabuev, <em>Friends with Benefits? Russian-Chinese Relations After the "
    f"Ukraine Crisis</em> (Carnegie Moscow Center, 2016), ch.{NBSP}2; Elizabeth Wishnick, "
    "“Russia and China: A Strategic Partnership Reconsidered,” in <em>The Future of "
    "China–Russia Relations</em>, ed. James Bellacqua (University Press of Kentucky, 2010), 60–62."
)
SCIO_FULL = (
    f"{ZH('中华人民共和国国务院新闻办公室')}, <em>{ZH('中国的军事战略')}</em> [China’s military "
    f"strategy] ({ZH('人民出版社')}, 2015), 3."
)
LUKIN_FULL = (
    f"{RU('Александр Лукин')}, <em>{RU('Поворот к Азии')}</em> [The pivot to Asia] "
    f"({RU('Весь мир')}, 2014), 15."
)
FENG_IN_FOOTNOTE = (
    f"({ZH('冯玉军')}, “{ZH('中俄关系的现状与前景')}” [China–Russia relations: Current state and "
    f"prospects], <em>{ZH('现代国际关系')}</em>, no. 3 (2019): 5)"
)

# CMOS 18 notes-bibliography, no ibid. (the style's default: CMOS 13.37 prefers short notes).
# Checked: full first note "First Last, *Title: Subtitle* (Publisher, Year), page." with no place
# of publication (CMOS 18 14.30 makes it optional; the style omits it); later notes short form
# "Last, *Short Title*, page." with the short title the main title before the colon, at most
# four words (13.32); an article's short title in quotation marks; the prefix "see" capitalised
# at the start of the note and the two sources separated by a semicolon (13.21); a chapter
# "in *Book*, ed. Editor (Publisher, Year), pages"; inclusive numbers abbreviated by 9.63
# (321–28, 101–8, 375–97, but 45–47 and 60–62 in full); "ch." for a chapter locator (14.150).
# Chinese names in native order without a comma (冯玉军; family name 冯 alone in short notes),
# Russian names in Western order (Александр Лукин).
# The bracketed English translation follows the italic original, roman, in sentence case
# (CMOS 14.97; imprint's post-pass, as citeproc sets it inside the title).
# Differs from CMOS: (a) none left of the translation; (b) citeproc
# capitalises the preposition "After" (CMOS 8.160 lowercases prepositions); (c) a citation
# inside a discursive footnote is parenthesised by Pandoc; (d) with "@key", Pandoc puts the
# author's name in the text and leaves it out of the note.
EXPECTED_NOTES = {
    1: CitationText("", LO_FULL),
    2: CitationText("", "Lo, <em>Axis of Convenience</em>, 45–47."),
    3: CitationText("Alexander Korolev", KOROLEV_NO_AUTHOR),  # first citation, author in text
    4: CitationText("", "Korolev, “Systemic Balancing,” 380."),  # after the citation-less note 4
    5: CitationText("", SEE_GABUEV_WISHNICK),
    6: CitationText("", "<em>Axis of Convenience</em>, 12."),  # author suppressed
    7: CitationText("", SCIO_FULL),  # corporate author written in Chinese
    8: CitationText(
        "", f"{ZH('中华人民共和国国务院新闻办公室')}, <em>{ZH('中国的军事战略')}</em>, 3."
    ),
    9: CitationText("", LUKIN_FULL),
    10: CitationText(f"({RU('Лукин')}, <em>{RU('Поворот к Азии')}</em>, 20)", None),
    11: CitationText(FENG_IN_FOOTNOTE, None),  # first citation, inside a footnote
    12: CitationText("", f"{ZH('冯')}, “{ZH('中俄关系的现状与前景')},” 6."),
    13: CitationText("", "Wishnick, “Russia and China,” 321–28."),
    14: CitationText("", "Gabuev, <em>Friends with Benefits?</em>, 101–8."),
    15: CitationText("Lo, <em>Axis of Convenience</em>", None),  # "@key" inside a footnote
    16: CitationText("", f"{RU('Лукин')}, <em>{RU('Поворот к Азии')}</em>, ch.{NBSP}3."),
    17: CitationText("", "Lo, <em>Axis of Convenience</em>."),  # no locator
}

# The same style with "Ibid." (CMOS 13.37): "Ibid." replaces a note that repeats the source of
# the note immediately before; "Ibid., 45–47." when the page differs; plain "Ibid." for the
# same page (note 8 repeats note 7's page 3); lower-case "ibid." inside running text (10).
# Not ibid.: note 4 (note 3 cites the same article, but the author's note 4 comes between),
# note 12 (the note before cites two sources, 13.37), note 17 (note 16 is another source).
EXPECTED_IBID = {
    **EXPECTED_NOTES,
    2: CitationText("", "Ibid., 45–47."),
    8: CitationText("", "Ibid."),
    10: CitationText("(ibid., 20)", None),
}

# CMOS 18 bibliography (14.x): "Last, First. *Title*. Publisher, Year." with no place; an
# article "Last, First. “Title.” *Journal* volume, no. issue (year): pages. DOI URL." with the
# journal's initial "The" dropped (14.172: done in the data); a chapter "In *Book*, edited by
# Editor. Publisher, Year." (the 18th-edition style prints no chapter page range). The style
# sorts Latin-script authors alphabetically, then Cyrillic, then Han (by code point: 中 U+4E2D
# before 冯 U+51AF) -- `bibliography-sort: style`; imprint's default, `romanized`, files the
# Chinese and Russian entries under their romanised names (冯 Feng, Лукин Lukin, 中华人民共和国…
# Zhonghua), as an English-language reader looks for them (EXPECTED_BIBLIOGRAPHY).
STYLE_BIBLIOGRAPHY = (
    BibEntry(
        "gabuev2016friends",
        "Gabuev, Alexander. <em>Friends with Benefits? Russian-Chinese Relations After the Ukraine "
        "Crisis</em>. Carnegie Moscow Center, 2016.",
    ),
    BibEntry(
        "korolev2016systemic",
        "Korolev, Alexander. “Systemic Balancing and Regional Hedging: China–Russia Relations.” "
        "<em>Chinese Journal of International Politics</em> 9, no. 4 (2016): 375–97. "
        '<a href="https://doi.org/10.1093/cjip/pow013">https://doi.org/10.1093/cjip/pow013</a>.',
    ),
    BibEntry(
        "lo2008axis",
        "Lo, Bobo. <em>Axis of Convenience: Moscow, Beijing, and the New Geopolitics</em>. "
        "Brookings Institution Press, 2008.",
    ),
    BibEntry(
        "wishnick2010strategic",
        "Wishnick, Elizabeth. “Russia and China: A Strategic Partnership Reconsidered.” In "
        "<em>The Future of China–Russia Relations</em>, edited by James Bellacqua. University "
        "Press of Kentucky, 2010.",
    ),
    BibEntry(
        "lukin2014povorot",
        f"{RU('Лукин, Александр')}. <em>{RU('Поворот к Азии')}</em> [The pivot to Asia]. "
        f"{RU('Весь мир')}, 2014.",
    ),
    BibEntry(
        "scio2015strategy",
        f"{ZH('中华人民共和国国务院新闻办公室')}. <em>{ZH('中国的军事战略')}</em> "
        f"[China’s military strategy]. {ZH('人民出版社')}, 2015.",
    ),
    BibEntry(
        "feng2019relations",
        f"{ZH('冯玉军')}. “{ZH('中俄关系的现状与前景')}” [China–Russia relations: Current state "
        f"and prospects]. <em>{ZH('现代国际关系')}</em>, no. 3 (2019): 1–10.",
    ),
)
_BY_KEY = {entry.key: entry for entry in STYLE_BIBLIOGRAPHY}
EXPECTED_BIBLIOGRAPHY = tuple(_BY_KEY[key] for key in (
    "feng2019relations", "gabuev2016friends", "korolev2016systemic", "lo2008axis",
    "lukin2014povorot", "wishnick2010strategic", "scio2015strategy",
))
UNCITED = BibEntry(
    "yan2019leadership",
    "Yan, Xuetong. <em>Leadership and the Rise of Great Powers</em>. Princeton University "
    "Press, 2019.",
)

# Chicago author-date (CMOS 15.x): "(Author Year, page)", "Author (Year)" for @key, "(Year,
# page)" with the author suppressed, prefix inside the parentheses, semicolons between sources.
EXPECTED_AUTHOR_DATE = {
    1: "(Lo 2008, 45)",
    2: "(Lo 2008, 45–47)",
    3: "Korolev (2016)",
    4: "(Korolev 2016, 380)",
    5: f"(see Gabuev 2016, ch.{NBSP}2; Wishnick 2010, 60–62)",
    6: "(2008, 12)",
    7: f"({ZH('中华人民共和国国务院新闻办公室')} 2015, 3)",
    8: f"({ZH('中华人民共和国国务院新闻办公室')} 2015, 3)",
    9: f"({RU('Лукин')} 2014, 15)",
    10: f"({RU('Лукин')} 2014, 20)",
    11: f"({ZH('冯')} 2019, 5)",
    12: f"({ZH('冯')} 2019, 6)",
    13: "(Wishnick 2010, 321–28)",
    14: "(Gabuev 2016, 101–8)",
    15: "Lo (2008)",
    16: f"({RU('Лукин')} 2014, ch.{NBSP}3)",
    17: "(Lo 2008)",
}


def citations(note_style: bool = True) -> list[CitationRef]:
    """The sequence as the numbering stage gives it: in an author-date style the citations in
    the running text have no note number."""
    return [
        CitationRef(
            f"cite-{i}",
            tuple(items),
            Loc("chapters/01-intro.md", 10 + i),
            number if note_style or in_footnote else None,
            in_footnote,
        )
        for i, (number, in_footnote, items) in enumerate(SEQUENCE, 1)
    ]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A manuscript folder holding copies of the fixture bibliographies."""
    manuscript = tmp_path / "manuscript"
    manuscript.mkdir()
    for name in ("fixture.bib", "fixture.json"):
        shutil.copy(FIXTURES / name, manuscript / name)
    return manuscript


def run(root: Path, bib_file: str, style: str, **kwargs: object) -> cite.Formatted:
    bib = load_bibliography([bib_file], root, None)
    css = resolve_style(style, root, None)
    note_style = css.is_note_style
    return format_citations(
        citations(note_style), FOOTNOTES, bib, css, "en-US", root / ".cache", **kwargs
    )


def assert_xhtml(fragment: str) -> None:
    ET.fromstring(f"<div>{fragment}</div>")  # raises on anything not well-formed


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize("bib_file", ["fixture.bib", "fixture.json"])
@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("chicago-notes-bibliography", EXPECTED_NOTES),
        ("chicago-notes-bibliography-subsequent-ibid", EXPECTED_IBID),
    ],
)
def test_chicago_notes(root: Path, bib_file: str, style: str, expected: dict) -> None:
    formatted = run(root, bib_file, style)
    assert [text for _, text in formatted.citations] == [expected[i] for i in range(1, 18)]
    assert formatted.bibliography == EXPECTED_BIBLIOGRAPHY
    assert formatted.diagnostics == ()
    assert formatted.get("cite-11") == expected[11]


def test_csljson_without_title_short_repeats_the_full_title(root: Path) -> None:
    """The one difference between the formats (README, "Bibliography files"): pandoc's .bib
    reader derives a short title from the title's colon, CSL-JSON has only `title-short`."""
    entries = json.loads((root / "fixture.json").read_text(encoding="utf-8"))
    for entry in entries:
        entry.pop("title-short", None)
    (root / "bare.json").write_text(json.dumps(entries), encoding="utf-8")
    assert run(root, "fixture.json", "chicago-notes-bibliography").get("cite-2") == (
        EXPECTED_NOTES[2])
    bare = run(root, "bare.json", "chicago-notes-bibliography").get("cite-2")
    assert bare.note_html == (
        "Lo, <em>Axis of Convenience: Moscow, Beijing, and the New Geopolitics</em>, 45–47.")


@pytest.mark.parametrize("bib_file", ["fixture.bib", "fixture.json"])
def test_chicago_author_date_has_no_notes(root: Path, bib_file: str) -> None:
    formatted = run(root, bib_file, "chicago-author-date")
    texts = [text for _, text in formatted.citations]
    assert texts == [CitationText(EXPECTED_AUTHOR_DATE[i], None) for i in range(1, 18)]
    assert formatted.bibliography[3] == BibEntry(
        "lo2008axis",
        "Lo, Bobo. 2008. <em>Axis of Convenience: Moscow, Beijing, and the New Geopolitics</em>. "
        "Brookings Institution Press.",
    )


def test_include_all_adds_uncited_entries(root: Path) -> None:
    formatted = run(root, "fixture.bib", "chicago-notes-bibliography", include_all=True)
    assert formatted.bibliography == (*EXPECTED_BIBLIOGRAPHY[:6], UNCITED, EXPECTED_BIBLIOGRAPHY[6])


@pytest.mark.parametrize("bib_file", ["fixture.bib", "fixture.json"])
def test_bibliography_sort_style_keeps_the_styles_order(root: Path, bib_file: str) -> None:
    formatted = run(root, bib_file, "chicago-notes-bibliography", sort="style")
    assert formatted.bibliography == STYLE_BIBLIOGRAPHY
    include_all = run(root, "fixture.bib", "chicago-notes-bibliography", include_all=True,
                      sort="style")
    assert include_all.bibliography == (*STYLE_BIBLIOGRAPHY[:4], UNCITED, *STYLE_BIBLIOGRAPHY[4:])


def test_whole_bibliography_without_citations(root: Path) -> None:
    bib = load_bibliography(["fixture.bib"], root, None)
    style = resolve_style("chicago-notes-bibliography", root, None)
    formatted = format_citations([], [], bib, style, "en-US", root / ".cache", include_all=True)
    assert len(formatted.bibliography) == 8
    assert format_citations([], [1], bib, style, "en-US", root / ".cache").bibliography == ()


@pytest.mark.parametrize(
    "style", ["chicago-notes-bibliography-subsequent-ibid", "chicago-author-date"]
)
def test_same_result_as_pandoc_on_the_equivalent_markdown(root: Path, style: str) -> None:
    """Our one-document layout must give what `pandoc --citeproc` gives for the Markdown."""
    formatted = run(root, "fixture.bib", style)
    css = resolve_style(style, root, None)
    command = [
        pypandoc.get_pandoc_path(),
        "--from=markdown",
        "--to=json",
        "--citeproc",
        f"--csl={css.path}",
        f"--bibliography={root / 'fixture.bib'}",
        "-M",
        "lang=en-US",
    ]
    output = subprocess.run(command, input=MARKDOWN.encode(), capture_output=True, check=True)
    document = json.loads(output.stdout)
    cites = [node for node in cite._walk(document["blocks"]) if node["t"] == "Cite"]
    assert len(cites) == len(SEQUENCE)
    for (number, in_footnote, _), node, (_, text) in zip(
        SEQUENCE, cites, formatted.citations, strict=True
    ):
        inlines = roman_translations(node["c"][1])  # imprint's one post-pass (CMOS 14.97)
        rest, notes = split_notes(inlines)
        if css.is_note_style and not in_footnote:
            pandoc = CitationText(inlines_to_html(strip_spaces(rest)), blocks_to_html(notes[0]))
        else:
            pandoc = CitationText(inlines_to_html(strip_spaces(inlines)), None)
        mine = CitationText(text.inline_html, text.note_html)
        assert mine == CitationText(
            wrap_scripts(pandoc.inline_html),
            wrap_scripts(pandoc.note_html) if pandoc.note_html is not None else None,
        ), f"note {number}"


def test_output_is_well_formed_xhtml_with_language_spans(root: Path) -> None:
    formatted = run(root, "fixture.json", "chicago-notes-bibliography", include_all=True)
    fragments = [t.inline_html for _, t in formatted.citations]
    fragments += [t.note_html or "" for _, t in formatted.citations]
    fragments += [entry.html for entry in formatted.bibliography]
    for fragment in fragments:
        assert_xhtml(fragment)
    notes = " ".join(t.note_html or t.inline_html for _, t in formatted.citations)
    assert (
        '<em><span lang="zh-Hans">中国的军事战略</span></em> [China’s military strategy]' in notes
    )
    assert f"({RU('Весь мир')}, 2014)" in notes  # brackets and comma stay outside the run
    bibliography = " ".join(entry.html for entry in formatted.bibliography)
    assert f"{RU('Лукин, Александр')}. " in bibliography
    assert f"“{ZH('中俄关系的现状与前景')}” [China–Russia" in bibliography


def test_prefix_and_suffix_markup(root: Path) -> None:
    items = (I("lo2008axis", "*cf.*", " pp. 33--35, esp. 34"),)
    refs = [CitationRef("c", items, Loc("a.md", 1), 1, False)]
    bib = load_bibliography(["fixture.bib"], root, None)
    style = resolve_style("chicago-author-date", root, None)
    text = format_citations(refs, [], bib, style, "en-US", root / ".cache").get("c")
    assert text == CitationText(f"(<em>cf.</em> Lo 2008, 33–35, esp.{NBSP}34)", None)


# --- cache --------------------------------------------------------------------------------


def test_cache_hit_does_not_run_pandoc(root: Path) -> None:
    first = run(root, "fixture.bib", "chicago-notes-bibliography")
    runs = pandoc_runs()
    assert run(root, "fixture.bib", "chicago-notes-bibliography") == first
    assert pandoc_runs() == runs
    cached = sorted((root / ".cache").iterdir())  # the result, and its romanised order
    assert [p.name[:10] for p in cached] == ["citations-", "romanized-"]
    assert {p.suffix for p in cached} == {".json"}


def test_cache_misses_when_an_input_changes(root: Path) -> None:
    run(root, "fixture.bib", "chicago-notes-bibliography")
    runs = pandoc_runs()
    bib = load_bibliography(["fixture.bib"], root, None)
    style = resolve_style("chicago-notes-bibliography", root, None)
    changed = citations()
    changed[0] = CitationRef("cite-1", (I("lo2008axis", suffix=", 46"),), changed[0].loc, 1, False)
    formatted = format_citations(changed, FOOTNOTES, bib, style, "en-US", root / ".cache")
    assert pandoc_runs() == runs + 1
    assert formatted.get("cite-1").note_html == LO_FULL.replace("45.", "46.")
    format_citations(changed, FOOTNOTES, bib, style, "en-GB", root / ".cache")  # other lang
    assert pandoc_runs() == runs + 2
    (root / "fixture.bib").write_text(
        (root / "fixture.bib").read_text().replace("{2008}", "{2009}")
    )
    format_citations(changed, FOOTNOTES, bib, style, "en-GB", root / ".cache")  # bib edited
    assert pandoc_runs() == runs + 3


def test_cache_ignores_citation_ids_and_locations(root: Path) -> None:
    run(root, "fixture.bib", "chicago-notes-bibliography")
    runs = pandoc_runs()
    bib = load_bibliography(["fixture.bib"], root, None)
    style = resolve_style("chicago-notes-bibliography", root, None)
    moved = [
        CitationRef(f"x{i}", c.items, Loc("other.md", 99), c.note_number, c.in_footnote)
        for i, c in enumerate(citations())
    ]
    formatted = format_citations(moved, FOOTNOTES, bib, style, "en-US", root / ".cache")
    assert pandoc_runs() == runs
    assert formatted.get("x0") == EXPECTED_NOTES[1]


# --- styles -------------------------------------------------------------------------------


def test_resolve_official_styles(root: Path) -> None:
    notes = resolve_style("chicago-notes-bibliography", root, None)
    assert notes.is_note_style and notes.path.name == "chicago-notes-bibliography.csl"
    assert not resolve_style("chicago-author-date", root, None).is_note_style
    assert not resolve_style("apa", root, None).is_note_style


def test_resolve_local_style_inside_root(root: Path) -> None:
    (root / "styles").mkdir()
    shutil.copy(csl_styles.STYLES_DIR / "chicago-author-date.csl", root / "styles" / "house.csl")
    style = resolve_style("styles/house.csl", root, None)
    assert style.path == (root / "styles" / "house.csl").resolve()
    assert not style.is_note_style


def test_resolve_style_errors(root: Path) -> None:
    where = Loc("publication.yaml", 7)
    with pytest.raises(ImprintError) as error:
        resolve_style("chicago-notes-bibliografy", root, where)
    assert str(error.value) == (
        "publication.yaml:7: unknown citation style 'chicago-notes-bibliografy' "
        "(did you mean 'chicago-notes-bibliography'?)"
    )
    with pytest.raises(ImprintError, match=re.escape("unknown citation style '../evil'")):
        resolve_style("../evil", root, where)
    with pytest.raises(ImprintError, match="must be a file inside the manuscript folder"):
        resolve_style("../outside.csl", root, where)
    with pytest.raises(
        ImprintError, match=re.escape("citation style file 'missing.csl' not found")
    ):
        resolve_style("missing.csl", root, where)
    (root / "bad.csl").write_text("<style>not csl</style>")
    with pytest.raises(ImprintError, match=re.escape("citation style 'bad.csl' is not valid CSL")):
        resolve_style("bad.csl", root, where)


DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="{cls}" version="1.0">
  <info><title>Journal</title><id>http://www.zotero.org/styles/journal</id>
    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>
    <updated>2024-01-01T00:00:00+00:00</updated></info>
</style>
"""


def test_dependent_style_uses_the_installed_parent_never_the_network(root: Path) -> None:
    (root / "journal.csl").write_text(DEPENDENT.format(cls="in-text", parent="apa"))
    style = resolve_style("journal.csl", root, None)
    bib = load_bibliography(["fixture.bib"], root, None)
    refs = [CitationRef("c", (I("lo2008axis", suffix=", 4"),), Loc("a.md", 1), None, False)]
    text = format_citations(refs, [], bib, style, "en-US", root / ".cache").get("c")
    assert text == CitationText("(Lo, 2008, p. 4)", None)  # APA, from the installed parent
    (root / "other.csl").write_text(DEPENDENT.format(cls="note", parent="no-such-style"))
    with pytest.raises(ImprintError) as error:
        resolve_style("other.csl", root, Loc("publication.yaml", 9))
    assert str(error.value) == (
        "publication.yaml:9: citation style file 'other.csl' depends on style 'no-such-style', "
        "which is not installed (http://www.zotero.org/styles/no-such-style); imprint never "
        "downloads styles: put 'no-such-style.csl' beside it"
    )


def test_installed_dependent_styles_by_name_and_by_file(root: Path) -> None:
    """Official dependent styles carry no `class`: the parent's decides (pandoc uses it)."""
    bib = load_bibliography(["fixture.bib"], root, None)
    nature = resolve_style("nature-communications", root, None)
    assert (nature.path.parent.name, nature.parent, nature.is_note_style) == (
        "dependent", csl_styles.STYLES_DIR / "nature.csl", False)
    refs = [CitationRef("c", (I("lo2008axis", suffix=", 4"),), Loc("a.md", 1), None, False)]
    formatted = format_citations(refs, [], bib, nature, "en-US", root / ".cache")
    assert formatted.get("c") == CitationText("<sup>1</sup>", None)  # Nature: numeric
    assert formatted.bibliography[0].html.startswith('<span class="csl-left-margin">1. </span>')
    shutil.copy(csl_styles.DEPENDENT_DIR / "taylor-and-francis-chicago-n.csl", root / "tf.csl")
    chicago = resolve_style("tf.csl", root, None)
    assert chicago.is_note_style and chicago.parent is not None
    refs = [CitationRef("c", (I("lo2008axis", suffix=", 4"),), Loc("a.md", 1), 1, False)]
    note = format_citations(refs, [], bib, chicago, "en-US", root / ".cache").get("c").note_html
    assert note == "Lo, <em>Axis of Convenience</em>, 4."  # its parent: shortened notes


def test_every_installed_dependent_style_resolves(root: Path) -> None:
    names = sorted(path.stem for path in csl_styles.DEPENDENT_DIR.glob("*.csl"))
    assert len(names) > 7000
    for name in names:
        assert resolve_style(name, root, None).parent is not None, name


def test_csl_that_pandoc_refuses_is_one_located_line(root: Path) -> None:
    (root / "odd.csl").write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">'
        '<citation><layout><choose><if type="book"><bogus/></if></choose></layout></citation>'
        "</style>"
    )
    style = resolve_style("odd.csl", root, Loc("publication.yaml", 4))
    bib = load_bibliography(["fixture.bib"], root, None)
    with pytest.raises(ImprintError) as error:
        format_citations(citations(), FOOTNOTES, bib, style, "en-US", root / ".cache")
    assert str(error.value) == (
        "publication.yaml:4: citation style 'odd.csl' is not valid CSL: unknown element \"bogus\""
    )
    (root / "broken.csl").write_text("<style>\n<oops></style>")
    with pytest.raises(ImprintError) as error:
        resolve_style("broken.csl", root, Loc("publication.yaml", 4))
    assert "\n" not in str(error.value)
    assert str(error.value).startswith("publication.yaml:4: citation style 'broken.csl' is not "
                                       "valid CSL: mismatched tag: line 2")


# --- bibliography files -------------------------------------------------------------------


def test_keys_and_lines_from_bib_and_json(root: Path) -> None:
    bib = load_bibliography(["fixture.bib"], root, None)
    assert bib.files == ((root / "fixture.bib").resolve(),)
    assert bib.keys[:2] == (
        ("lo2008axis", Loc("fixture.bib", 6)),
        ("korolev2016systemic", Loc("fixture.bib", 15)),
    )
    assert len(bib.keys) == 8
    twin = load_bibliography(["fixture.json"], root, None)
    assert [k for k, _ in twin.keys] == [k for k, _ in bib.keys]
    line = (root / "fixture.json").read_text().splitlines()[twin.keys[0][1].line - 1]
    assert '"id": "lo2008axis"' in line


def test_all_bibliography_problems_reported_together(root: Path) -> None:
    (root / "references.bib").write_text(
        "@book{lo2008axis,\n  title = {One},\n  year = {2000},\n}\n\n"  # lines 1-4
        "@book{broken\n  title = {Two},\n}\n\n"  # line 6: no comma after the key
        "@book{lo2008axis,\n  title = {Again},\n}\n"  # line 10: duplicate key
    )
    with pytest.raises(ImprintError) as error:
        load_bibliography(["references.bib", "missing.bib", "fixture.bib"], root, Loc("p.yaml", 3))
    messages = [str(d) for d in error.value.diagnostics]
    assert messages == [
        "references.bib:6: malformed entry 'broken': Expected comma after entry key, but found = "
        "(parsing stopped at line 7)",
        "references.bib:10: duplicate key 'lo2008axis' (first defined at line 1)",
        "p.yaml:3: bibliography file 'missing.bib' not found",
        "fixture.bib:6: duplicate key 'lo2008axis' (first defined at references.bib:1)",
    ]


def test_bibtex_problems_at_one_based_lines_and_nothing_on_stderr(
    root: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (root / "refs.bib").write_text(
        "@book{a,\n  title = {A,\n  year = 2000,\n}\n\n"  # 1-4: a value never closed
        "@book{b,\n  title = {B},\n  title = {C},\n}\n\n"  # 6-9: a field twice
        "@book{c,\n  title = {C},\n  year\n}\n"  # 11-14: a field without a value
    )
    with pytest.raises(ImprintError) as error:
        load_bibliography(["refs.bib"], root, None)
    assert [str(d) for d in error.value.diagnostics] == [
        "refs.bib:1: malformed entry 'a': Unexpected block start: `@book`. Was still looking "
        "for field-value closing `,` or `}` (parsing stopped at line 4)",
        "refs.bib:8: entry 'b' has the field 'title' twice",
        "refs.bib:11: malformed entry 'c': Expected a `=` after entry key `year`, but found the "
        "end of the entry (`}`) (parsing stopped at line 14)",
    ]
    assert capfd.readouterr() == ("", "")  # bibtexparser's own (0-based) messages stay quiet


def test_csljson_type_errors_are_located(root: Path) -> None:
    (root / "refs.json").write_text(
        '[\n  {"id": "a", "type": "book"},\n  {\n    "id": "b",\n'
        '    "author": [{"family": 3}]\n  }\n]\n'
    )
    bib = load_bibliography(["refs.json"], root, None)
    style = resolve_style("chicago-notes-bibliography", root, None)
    refs = [CitationRef("c", (I("b"),), Loc("a.md", 1), 1, False)]
    with pytest.raises(ImprintError) as error:
        format_citations(refs, [], bib, style, "en-US", root / ".cache")
    assert str(error.value) == (
        "refs.json:3: malformed entry 'b' in '[0].family': parsing Text failed, expected "
        "String, but encountered Number"
    )


def test_malformed_csljson(root: Path) -> None:
    (root / "refs.json").write_text('[\n  {"id": "a", "type": "book"},\n  {"id": "b" "type"}\n]')
    with pytest.raises(ImprintError) as error:
        load_bibliography(["refs.json"], root, None)
    assert str(error.value).startswith("refs.json:3: malformed CSL-JSON: Expecting ','")
    (root / "refs.json").write_text('[{"id": "a"}, {"type": "book"}, {"id": "a"}]')
    with pytest.raises(ImprintError) as error:
        load_bibliography(["refs.json"], root, None)
    assert [str(d) for d in error.value.diagnostics] == [
        "refs.json:1: malformed entry #2: no 'id'",
        "refs.json:1: duplicate key 'a' (first defined at line 1)",
    ]


def test_bibliography_files_must_be_inside_root_and_known_formats(root: Path) -> None:
    (root / "refs.yaml").write_text("references: []\n")
    with pytest.raises(ImprintError) as error:
        load_bibliography(["../x.bib", "refs.yaml"], root, Loc("p.yaml", 2))
    assert [str(d) for d in error.value.diagnostics] == [
        "p.yaml:2: bibliography file '../x.bib' must be a file inside the manuscript folder",
        "p.yaml:2: bibliography file 'refs.yaml' is not .bib or .json",
    ]


def test_pandoc_bibliography_error_names_file_and_line(root: Path) -> None:
    bib = load_bibliography(["fixture.bib"], root, None)
    (root / "fixture.bib").write_text("@book{lo2008axis,\n  title = {One},\n  oops\n}\n")
    style = resolve_style("chicago-notes-bibliography", root, None)
    with pytest.raises(ImprintError) as error:
        format_citations(citations(), FOOTNOTES, bib, style, "en-US", root / ".cache")
    assert str(error.value).startswith("fixture.bib:4: malformed bibliography:")
    assert "Traceback" not in str(error.value)


# --- checks -------------------------------------------------------------------------------


def test_unknown_key_is_an_error_at_the_citation() -> None:
    bib = Bibliography((), (("lo2008axis", Loc("references.bib", 3)),))
    refs = [
        CitationRef("c1", (I("smith2019"),), Loc("chapters/02-arms.md", 14), 1, False),
        CitationRef(
            "c2", (I("lo2008axes", suffix=", 4"),), Loc("chapters/02-arms.md", 20), 2, False
        ),
    ]
    messages = [str(d) for d in check_citations(refs, bib)]
    assert messages == [
        "chapters/02-arms.md:14: unknown citation key 'smith2019'",
        "chapters/02-arms.md:20: unknown citation key 'lo2008axes' (did you mean 'lo2008axis'?)",
        "references.bib:3: warning: entry 'lo2008axis' is never cited",
    ]


def test_no_bibliography_names_every_cited_key() -> None:
    refs = [
        CitationRef("c1", (I("b"), I("a")), Loc("chapters/01.md", 3), 1, False),
        CitationRef("c2", (I("c"), I("a")), Loc("chapters/02.md", 5), 2, False),
    ]
    assert [str(d) for d in check_citations(refs, None)] == [
        "chapters/01.md:3: citations of 'b', 'a', 'c' but publication.yaml names no bibliography"
    ]
    assert check_citations([], None) == []


def test_uncited_entry_is_a_warning(root: Path) -> None:
    bib = load_bibliography(["fixture.bib"], root, None)
    diagnostics = check_citations(citations(), bib)
    assert [(str(d), d.severity) for d in diagnostics] == [
        ("fixture.bib:81: warning: entry 'yan2019leadership' is never cited", "warning")
    ]
    assert check_citations(citations(), bib, include_all=True) == []


def test_unknown_key_reaching_pandoc_is_an_error_not_a_question_mark(root: Path) -> None:
    bib = load_bibliography(["fixture.bib"], root, None)
    style = resolve_style("chicago-notes-bibliography", root, None)
    refs = [CitationRef("c", (I("smith2019"),), Loc("chapters/02-arms.md", 14), 1, False)]
    with pytest.raises(ImprintError) as error:
        format_citations(refs, [], bib, style, "en-US", root / ".cache")
    assert str(error.value) == "chapters/02-arms.md:14: unknown citation key 'smith2019'"


# --- the small Pandoc AST -> XHTML converter ------------------------------------------------


def test_pandoc_ast_to_xhtml() -> None:
    def s(text: str) -> dict:
        return {"t": "Str", "c": text}

    inlines = [
        s('a<b>&"c"'),
        {"t": "Space"},
        {"t": "SmallCaps", "c": [s("bce")]},
        {"t": "Superscript", "c": [s("2")]},
        {"t": "Subscript", "c": [s("x")]},
        {"t": "Quoted", "c": [{"t": "DoubleQuote"}, [s("q")]]},
        {"t": "Quoted", "c": [{"t": "SingleQuote"}, [s("r")]]},
        {"t": "Span", "c": [["", ["csl-left-margin", "other"], [["lang", "ru"]]], [s("Я")]]},
        {"t": "Span", "c": [["id", ["nocase"], []], [s("plain")]]},
        {"t": "Link", "c": [["", [], []], [s("doi")], ["https://doi.org/1?a=1&b=2", ""]]},
        {"t": "Link", "c": [["", [], []], [s("bad")], ["javascript:alert(1)", ""]]},
        {"t": "Note", "c": [{"t": "Para", "c": [s("hidden")]}]},
        {"t": "RawInline", "c": ["html", "<script>"]},
        {"t": "LineBreak"},
        {"t": "Code", "c": [["", [], []], "<x>"]},
    ]
    assert inlines_to_html(inlines) == (
        'a&lt;b&gt;&amp;&quot;c&quot; <span class="smallcaps">bce</span><sup>2</sup><sub>x</sub>'
        '“q”‘r’<span class="csl-left-margin" lang="ru">Я</span>plain'
        '<a href="https://doi.org/1?a=1&amp;b=2">doi</a>bad<br /><code>&lt;x&gt;</code>'
    )
    rest, notes = split_notes([s("A"), {"t": "Note", "c": [{"t": "Plain", "c": [s("n")]}]}])
    assert (rest, blocks_to_html(notes[0])) == ([s("A")], "n")
    assert_xhtml(inlines_to_html(inlines))
