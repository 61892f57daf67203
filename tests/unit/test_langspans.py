"""Language spans around Chinese (Han) and Cyrillic runs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from imprint.preprocess.cite.langspans import wrap_scripts

ZH = '<span lang="zh-Hans">{}</span>'.format
RU = '<span lang="ru">{}</span>'.format


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("No other scripts here.", "No other scripts here."),
        ("中国的军事战略", ZH("中国的军事战略")),
        ("Поворот к Азии", RU("Поворот к Азии")),
        # Spaces and punctuation between letters belong to the run ...
        ("Лукин, Александр. Text", f"{RU('Лукин, Александр')}. Text"),
        ("中国，俄罗斯。", f"{ZH('中国，俄罗斯')}。"),
        # ... surrounding brackets, quotes and trailing punctuation do not.
        ("(Весь мир, 2014)", f"({RU('Весь мир')}, 2014)"),
        ("“中俄关系的现状与前景,”", f"“{ZH('中俄关系的现状与前景')},”"),
        ("冯玉军, “中俄”", f"{ZH('冯玉军')}, “{ZH('中俄')}”"),
        ("«Новая газета»", f"«{RU('Новая газета')}»"),
        ("《中国的军事战略》", f"《{ZH('中国的军事战略')}》"),
        ("[The Pivot to Asia]", "[The Pivot to Asia]"),
        # Both scripts in one text node; Latin between them ends each run.
        ("中国 and Россия", f"{ZH('中国')} and {RU('Россия')}"),
        # Character references and combining stress marks stay inside a run.
        ("Наука &amp; жизнь", RU("Наука &amp; жизнь")),
        ("Ди́ма", RU("Ди́ма")),
        ("第2章", ZH("第2章")),
    ],
)
def test_runs(html: str, expected: str) -> None:
    assert wrap_scripts(html) == expected


def test_text_nodes_only_never_tags_or_attributes() -> None:
    html = '<a href="https://example.org/Азия" title="中国">Азия</a><!-- 中国 -->'
    assert wrap_scripts(html) == (
        f'<a href="https://example.org/Азия" title="中国">{RU("Азия")}</a><!-- 中国 -->'
    )


def test_runs_split_by_markup() -> None:
    assert wrap_scripts("<em>Поворот</em> к Азии") == (f"<em>{RU('Поворот')}</em> {RU('к Азии')}")


@pytest.mark.parametrize(
    "html",
    [
        '<span lang="ru">Азия</span>',
        '<span lang="sr-Cyrl">Србија</span>',
        '<span lang="zh-Hans">中国</span>',
        '<span lang="zh">中国</span>',
        '<span lang="ja">日本語</span>',
        '<p lang="ru">Текст <em>и курсив</em><br /> и дальше</p>',
        '<span xml:lang="zh-Hant">中國</span>',
    ],
)
def test_no_rewrapping_inside_a_lang_of_that_script(html: str) -> None:
    assert wrap_scripts(html) == html


def test_other_languages_around_do_not_stop_wrapping() -> None:
    html = '<p lang="en">中国 <span lang="ru">и 中国</span></p>'
    assert wrap_scripts(html) == (
        f'<p lang="en">{ZH("中国")} <span lang="ru">и {ZH("中国")}</span></p>'
    )


def test_void_elements_do_not_open_a_scope() -> None:
    html = '<span lang="ru">a<br />b</span> Азия <img src="x.png" alt=""> Азия'
    assert wrap_scripts(html) == (
        f'<span lang="ru">a<br />b</span> {RU("Азия")} <img src="x.png" alt=""> {RU("Азия")}'
    )


def test_idempotent_and_well_formed() -> None:
    html = (
        "<em>中国的军事战略 [China’s Military Strategy]</em> (人民出版社, 2015); "
        "Лукин, <em>Поворот к Азии</em> (Весь мир, 2014), 15."
    )
    once = wrap_scripts(html)
    assert wrap_scripts(once) == once
    ET.fromstring(f"<div>{once}</div>")
