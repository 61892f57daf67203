"""Bibliography order by romanised names (Pinyin, BGN/PCGN), and Chinese given names of one
character printed without pandoc's stray full stop (README, "Citations and bibliography")."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, REPO, write_manuscript

from imprint.book.config import load_config
from imprint.book.model import CitationRef, CiteItem, ImprintError, Loc
from imprint.preprocess.cite.format import format_citations, load_bibliography, resolve_style
from imprint.preprocess.cite.romanize import interleave, is_latin, romanize, sort_key

# Latin, Russian and Chinese entries, with a Russian title-only entry and a Chinese
# organisation; the comment gives the romanised sort name.
MIXED = """\
@book{adams, author = {Adams, Zoe}, title = {First}, date = {2001}, publisher = {P}}
@book{lo, author = {Lo, Bobo}, title = {Axis}, date = {2008}, publisher = {P}}
@book{yan, author = {Yan, Xuetong}, title = {Leadership}, date = {2019}, publisher = {P}}
@book{brown, author = {Brown, Ann}, title = {Second}, date = {2003}, publisher = {P}}
@book{gerasimov, author = {Герасимов, Валерий}, title = {Ценность}, date = {2013},
  publisher = {П}, langid = {russian}}
@book{lukin, author = {Лукин, Александр}, title = {Поворот}, date = {2014},
  publisher = {П}, langid = {russian}}
@book{chekinov, author = {Чекинов, С. Г.}, title = {О характере}, date = {2013},
  publisher = {П}, langid = {russian}}
@book{doctrine, title = {Военная доктрина}, date = {2014}, publisher = {П}, langid = {russian}}
@book{feng, author = {冯, 玉军}, title = {中俄关系}, date = {2019}, publisher = {出版社},
  langid = {chinese}}
@book{qiao, author = {乔, 良 and 王, 湘穗}, title = {超限战}, date = {1999},
  publisher = {出版社}, langid = {chinese}}
@book{wang, author = {王, 缉思}, title = {大国战略}, date = {2016}, publisher = {出版社},
  langid = {chinese}}
@book{scio, author = {{国务院新闻办公室}}, title = {白皮书}, date = {2015}, publisher = {出版社},
  langid = {chinese}}
"""
ROMANIZED = [
    "adams",  # Adams
    "brown",  # Brown
    "chekinov",  # Чекинов: Chekinov
    "feng",  # 冯: Feng
    "gerasimov",  # Герасимов: Gerasimov
    "scio",  # 国务院…: Guowuyuan
    "lo",  # Lo
    "lukin",  # Лукин: Lukin
    "qiao",  # 乔: Qiao
    "doctrine",  # Военная доктрина: Voennaya
    "wang",  # 王: Wang
    "yan",  # Yan
]
# The style's (Unicode collation): Latin, then Cyrillic, then Han by code point (乔 U+4E54,
# 冯 U+51AF, 国 U+56FD, 王 U+738B).
STYLE_ORDER = ["adams", "brown", "lo", "yan", "doctrine", "gerasimov", "lukin", "chekinov",
               "qiao", "feng", "scio", "wang"]


def _format(root: Path, style: str = "chicago-notes-bibliography", sort: str = "romanized",
            cites: tuple[str, ...] = ()) -> tuple[list[str], dict[str, str], list[str]]:
    bib = load_bibliography(["refs.bib"], root, None)
    refs = [CitationRef(f"c{n}", (CiteItem(key),), Loc("a.md", n), n, False)
            for n, key in enumerate(cites, 1)]
    formatted = format_citations(refs, [], bib, resolve_style(style, root, None), "en-US",
                                 root / ".cache", include_all=True, sort=sort)
    text = {entry.key: re.sub("<[^>]+>", "", entry.html) for entry in formatted.bibliography}
    notes = [re.sub("<[^>]+>", "", formatted.get(ref.id).note_html or "") for ref in refs]
    return [entry.key for entry in formatted.bibliography], text, notes


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "refs.bib").write_text(MIXED, encoding="utf-8")
    return tmp_path


def test_romanised_names() -> None:
    assert romanize("冯玉军") == "fengyujun"
    assert romanize("Герасимов, Валерий") == "gerasimovvaleriy"
    assert romanize("Щукин Юрий Ёлкин") == "shchukinyuriyelkin"
    assert romanize("Lö, B.") == "lob"
    assert sort_key(("冯", "玉军", "2019", "中俄关系")) == ("feng", "yujun")
    assert sort_key(("", "", "2014", "Военная доктрина")) == ("voennayadoktrina", "")
    assert is_latin(("Lo", "Bobo", "", "")) and not is_latin(("冯", "玉军", "", ""))


def test_mixed_bibliography_in_romanised_order(root: Path) -> None:
    assert _format(root)[0] == ROMANIZED


def test_the_romanised_order_is_remembered_without_loading_pinyin(root: Path) -> None:
    """A warm build reads the order from the cache: pypinyin's dictionaries (0.2 s) stay
    unloaded, in a fresh interpreter as a build runs."""
    assert _format(root)[0] == ROMANIZED  # computed, and cached
    probe = ("import sys; from pathlib import Path; from tests.unit.test_cite_romanized "
             "import _format; order = _format(Path(sys.argv[1]))[0]; "
             "print(order == sys.argv[2].split(','), 'pypinyin' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", probe, str(root), ",".join(ROMANIZED)],
                            capture_output=True, text=True, check=True, timeout=600, cwd=REPO)
    assert result.stdout.split() == ["True", "False"]


def test_bibliography_sort_style_keeps_pandocs_order(root: Path) -> None:
    assert _format(root, sort="style")[0] == STYLE_ORDER


def test_author_date_style_is_romanised_too(root: Path) -> None:
    assert _format(root, style="chicago-author-date")[0] == ROMANIZED


def test_a_numeric_style_keeps_its_order(root: Path) -> None:
    """IEEE lists entries by citation number: no re-sort, whatever the option says."""
    cited = ("qiao", "lo", "feng")
    assert _format(root, "ieee", cites=cited)[0] == _format(root, "ieee", "style", cited)[0]


def test_latin_entries_keep_the_styles_order() -> None:
    """Only the non-Latin entries move: the Latin ones stay as pandoc sorted them, even where
    the romanised key would order them otherwise."""
    data = [("Zed", "", "", ""), ("Adams", "", "", ""), ("Лукин", "", "", "")]
    assert interleave(["z", "a", "l"], data) == ["l", "z", "a"]
    assert interleave(["x", "y"], [None, ("冯", "", "", "")]) == ["x", "y"]


def test_one_character_chinese_given_name_has_no_stray_stop(root: Path) -> None:
    _, text, notes = _format(root, cites=("qiao", "qiao"))
    assert text["qiao"].startswith("乔良, and 王湘穗. 超限战. 出版社, 1999.")
    assert notes == ["乔良 and 王湘穗, 超限战 (出版社, 1999).", "乔 and 王, 超限战."]
    assert "\u2060" not in "".join(text.values()) + "".join(notes)


def test_a_real_full_stop_after_the_name_stays(tmp_path: Path) -> None:
    """A bibliography entry's author ends with the style's full stop: 乔良. 超限战."""
    (tmp_path / "refs.bib").write_text(
        "@book{q, author = {乔, {良}}, title = {超限战}, date = {1999}, publisher = {出版社}}\n",
        encoding="utf-8")
    _, text, notes = _format(tmp_path, cites=("q",))
    assert text["q"] == "乔良. 超限战. 出版社, 1999."
    assert notes == ["乔良, 超限战 (出版社, 1999)."]


def test_csljson_given_name_and_errors_in_the_marked_copy_are_located(tmp_path: Path) -> None:
    items = [{"id": "q", "type": "book", "title": "超限战", "publisher": "出版社",
              "author": [{"family": "乔", "given": "良"}], "issued": {"date-parts": [[1999]]}}]
    (tmp_path / "refs.json").write_text(json.dumps(items, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    bib = load_bibliography(["refs.json"], tmp_path, None)
    style = resolve_style("chicago-notes-bibliography", tmp_path, None)
    refs = [CitationRef("c", (CiteItem("q"),), Loc("a.md", 1), 1, False)]
    note = format_citations(refs, [], bib, style, "en-US", tmp_path / ".cache").get("c")
    assert re.sub("<[^>]+>", "", note.note_html or "") == "乔良, 超限战 (出版社, 1999)."
    items.append({"id": "b", "type": "book", "author": [{"family": 3}]})
    (tmp_path / "refs.json").write_text(json.dumps(items, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    bib = load_bibliography(["refs.json"], tmp_path, None)
    with pytest.raises(ImprintError) as error:
        format_citations(refs, [], bib, style, "en-US", tmp_path / ".cache")
    lines = (tmp_path / "refs.json").read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines, 1) if '"id": "b"' in line) - 1  # its {
    assert str(error.value.diagnostics[0]).startswith(
        f"refs.json:{start}: malformed entry 'b' in '[0].family': parsing Text failed")


def test_publication_yaml_option(tmp_path: Path) -> None:
    chapters = {"01-intro.md": "# A\n", "02-second.md": "# B\n"}
    default = write_manuscript(tmp_path / "a", MINIMAL_CONFIG, chapters)
    assert load_config(default).bibliography_sort == "romanized"
    style = write_manuscript(tmp_path / "b", MINIMAL_CONFIG + "bibliography-sort: style\n",
                             chapters)
    assert load_config(style).bibliography_sort == "style"
    wrong = write_manuscript(tmp_path / "c", MINIMAL_CONFIG + "bibliography-sort: pinyin\n",
                             chapters)
    with pytest.raises(ImprintError) as error:
        load_config(wrong)
    assert "'bibliography-sort' must be one of romanized, style" in str(error.value)
