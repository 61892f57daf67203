"""The language of an entry (langid / language) decides the lang of its Chinese, Japanese and
Cyrillic runs; the script is only the fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from imprint.preprocess.cite.bibliography import load_bibliography
from imprint.preprocess.cite.langspans import wrap_scripts
from imprint.preprocess.cite.languages import bcp47


@pytest.mark.parametrize(("value", "tag"), [
    ("ukrainian", "uk"), ("serbian", "sr"), ("serbianc", "sr-Cyrl"), ("japanese", "ja"),
    ("chinese", "zh-Hans"), ("chinese-traditional", "zh-Hant"), ("Russian", "ru"),
    ("american", "en"), ("{english}", "en"), ("zh-Hant", "zh-Hant"),
    ("zh_hant_tw", "zh-Hant"), ("zh-TW", "zh-Hant"), ("zh", "zh-Hans"),
    ("ru-RU", "ru"), ("sr-latn", "sr-Latn"), ("Klingonese", None), ("", None),
])
def test_biblatex_names_and_tags_become_bcp47(value: str, tag: str | None) -> None:
    assert bcp47(value) == tag


def test_both_formats_give_each_entry_its_language(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text(
        "@book{uk1, title = {Історія}, langid = {ukrainian}}\n"
        "@book{none, title = {Поворот}}\n", encoding="utf-8")
    (tmp_path / "b.json").write_text(
        '[{"id": "tw", "type": "book", "title": "大江大海", "language": "zh-Hant"}]',
        encoding="utf-8")
    bib = load_bibliography(["a.bib", "b.json"], tmp_path, None)
    assert [(key, language.lang) for key, language in bib.languages] == [
        ("uk1", "uk"), ("none", ""), ("tw", "zh-Hant")]
    found = bib.language("uk1")
    assert found is not None and "Історія" in found.text and bib.language("missing") is None


def test_a_run_takes_the_language_of_the_entry_holding_it() -> None:
    languages = [("uk", "Грушевський, Михайло Історія України-Руси"),
                 ("", "Лукин, Александр Поворот к Азии")]
    html = "Михайло Грушевський, <em>Історія</em>; Александр Лукин, <em>Поворот к Азии</em>"
    assert wrap_scripts(html, languages) == (
        '<span lang="uk">Михайло Грушевський</span>, <em><span lang="uk">Історія</span></em>; '
        '<span lang="ru">Александр Лукин</span>, <em><span lang="ru">Поворот к Азии</span></em>')


def test_reordered_chinese_names_are_found_and_kana_means_japanese() -> None:
    assert wrap_scripts("冯玉军", [("zh-Hant", "冯, 玉军")]) == '<span lang="zh-Hant">冯玉军</span>'
    assert wrap_scripts("日本の政治") == '<span lang="ja">日本の政治</span>'
    assert wrap_scripts("中国的军事战略") == '<span lang="zh-Hans">中国的军事战略</span>'


def test_an_entry_in_another_script_leaves_the_guess() -> None:
    # An English entry quoting a Russian word: the word is still marked Russian.
    assert wrap_scripts("On <em>perestroika</em> (перестройка)", [("en", "перестройка")]) == (
        'On <em>perestroika</em> (<span lang="ru">перестройка</span>)')
    assert wrap_scripts("Андрић", [("sr-Latn", "Андрић")]) == '<span lang="ru">Андрић</span>'
