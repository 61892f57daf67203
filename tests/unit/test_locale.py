"""Locales: the editions' fixed words come from styles/locales/<tag>.yaml, chosen by BCP 47
lookup, and a broken locale file is a located error, not a crash mid-build."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import STYLES

from imprint.book.locale import Locale, load_locale, locale_tag, read_locale
from imprint.book.model import ImprintError, Loc

WHERE = Loc("publication.yaml", 9)
SHIPPED = ("en", "ru", "zh-Hans", "zh-Hant")


@pytest.mark.parametrize(("language", "tag"), [
    ("en", "en"), ("en-US", "en"), ("en-GB", "en"), ("EN-us", "en"),
    ("zh", "zh-Hans"), ("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh-Hans", "zh-Hans"),
    ("zh-Hans-CN", "zh-Hans"), ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"),
    ("zh-Hant-TW", "zh-Hant"), ("ru", "ru"), ("ru-RU", "ru"),
])
def test_bcp47_lookup(language: str, tag: str) -> None:
    assert locale_tag(language, SHIPPED) == tag


def test_unknown_language_has_no_locale() -> None:
    assert locale_tag("fr-FR", SHIPPED) is None
    assert locale_tag("zh-Hant", ("en", "zh-Hans")) == "zh-Hans"  # zh, then its likely script


def test_every_shipped_locale_loads() -> None:
    found = sorted(p.stem for p in (STYLES / "locales").glob("*.yaml"))
    assert found == sorted(SHIPPED)
    for tag in found:
        locale = read_locale(STYLES / "locales" / f"{tag}.yaml")
        assert isinstance(locale, Locale) and locale.tag == tag
        assert len(locale.months) == 12


def test_chinese_words_and_labels() -> None:
    zh, warnings = load_locale("zh-CN", STYLES, WHERE)
    assert warnings == []
    assert (zh.contents, zh.notes, zh.bibliography) == ("目录", "注释", "参考文献")
    assert zh.figure_label(1) == "图1" and zh.table_label(2) == "表2"
    assert zh.chapter_label(3) == "第3章"
    assert zh.caption(zh.figure_label(1)) == "图1"  # no full stop after a Chinese label
    assert zh.date_text("2026-11-28") == "2026年11月"
    assert zh.join(["王", "李"]) == "王、李"


def test_russian_words_and_labels() -> None:
    ru, _ = load_locale("ru-RU", STYLES, WHERE)
    assert (ru.contents, ru.notes, ru.bibliography) == ("Содержание", "Примечания",
                                                        "Библиография")
    assert ru.figure_label(4) == "Рисунок 4" and ru.table_label(1) == "Таблица 1"
    assert ru.figure_reference(4) == "рис. 4" and ru.table_reference(1) == "табл. 1"
    assert ru.chapter_label(2) == "гл. 2" and ru.caption("Рисунок 4") == "Рисунок 4."
    assert ru.fill(ru.source, source="Росстат") == "Источник: Росстат"
    assert ru.date_text("2026-01-15") == "январь 2026 г."


def test_english_is_what_the_editions_printed_before() -> None:
    en, _ = load_locale("en-US", STYLES, WHERE)
    assert en.figure_label(2) == "Figure 2" and en.caption("Figure 2") == "Figure 2."
    assert en.section_label("Method") == "“Method”"
    assert en.date_text("2026-11-28") == "November 2026"
    assert en.fill(en.published_by, publisher="P", date="May 2026") == "Published by P, May 2026."


def test_unknown_language_falls_back_to_english_with_a_located_warning() -> None:
    locale, [warning] = load_locale("fr-CA", STYLES, WHERE)
    assert locale.tag == "en"
    assert str(warning).startswith("publication.yaml:9: warning: no locale for language "
                                   "'fr-CA' in styles/locales/")
    assert "styles/locales/fr-CA.yaml" in warning.message


def write_locale(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "styles" / "locales"
    folder.mkdir(parents=True)
    (folder / "xx.yaml").write_text(text, encoding="utf-8")
    return folder / "xx.yaml"


def english_with(old: str, new: str) -> str:
    text = (STYLES / "locales" / "en.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_misspelled_placeholder_names_its_line(tmp_path: Path) -> None:
    text = english_with('figure: "Figure {n}"', 'figure: "Figure {number}"')
    with pytest.raises(ImprintError) as caught:
        read_locale(write_locale(tmp_path, text))
    [problem] = caught.value.diagnostics
    assert str(problem) == (f"styles/locales/xx.yaml:{line_of(text, 'Figure {number}')}: "
                            "'figure' must hold {n} and may hold {n}, not {number}")


def test_a_missing_word_and_a_bad_a11y_sentence_are_both_reported(tmp_path: Path) -> None:
    text = english_with("contents: Contents\n", "")
    text = text.replace("{pages} page numbers", "page numbers", 1)
    with pytest.raises(ImprintError) as caught:
        read_locale(write_locale(tmp_path, text))
    messages = [d.message for d in caught.value.diagnostics]
    assert "'contents' must be a non-empty string" in messages
    assert "'a11y.pages' must hold {pages} and may hold {pages}, not no placeholder" in messages


def test_a_house_style_may_add_a_language(tmp_path: Path) -> None:
    text = english_with("contents: Contents", "contents: Table des matières")
    write_locale(tmp_path, text)
    locale, warnings = load_locale("xx-YY", tmp_path / "styles", WHERE)
    assert warnings == [] and locale.tag == "xx" and locale.contents == "Table des matières"


def test_a_house_style_without_locales_uses_the_shipped_ones(tmp_path: Path) -> None:
    (tmp_path / "house").mkdir()
    locale, warnings = load_locale("ru", tmp_path / "house", WHERE)
    assert warnings == [] and locale.tag == "ru" and locale.notes == "Примечания"
