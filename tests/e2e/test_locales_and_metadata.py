"""Whole builds in Chinese and Russian, and from a publication.yaml written with Pandoc's
metadata names: every fixed word in the book's language, in the PDF and the EPUB, with the
fidelity audits on and EPUBCheck clean (issue 12, items 7, 9 and 10)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import assert_epub_clean, build

BIB = """\
@book{lo2008axis,
  title = {Axis of Convenience},
  author = {Lo, Bobo},
  date = {2008},
  publisher = {Brookings Institution Press},
  location = {Washington, DC},
}
"""
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
       '<rect width="200" height="100" fill="#1f4e79"/></svg>')
PNG = bytes.fromhex(  # a 1x1 white PNG, the author's own cover
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408"
    "d763f8ffff3f0005fe02fea7d6a0fc0000000049454e44ae426082")

ZH_CONFIG = MINIMAL_CONFIG.replace("language: en-US", "language: zh-CN") + (
    "bibliography: [refs.bib]\n")
ZH_ONE = """\
# 引言 {#sec:intro}

中俄关系的研究需要可靠的数据。[^a] 见 @fig:map 与 @tbl:trade，详见 @sec:second。

![两国的边界。](figures/map.svg){#fig:map fig-alt="一幅示意图。" source="作者绘制"}

: 双边贸易 {#tbl:trade source="海关统计"}

| 年份 | 金额 |
|------|------|
| 2020 | 100 |

[^a]: 参见 @lo2008axis，第12页。
"""
ZH_TWO = """\
# 第二部分 {#sec:second}

正文继续。[^b]

[^b]: 第二个注释。
"""

RU_CONFIG = MINIMAL_CONFIG.replace("language: en-US", "language: ru-RU").replace(
    "  - file: chapters/01-intro.md\n",
    "  - files: [chapters/01-intro.md, chapters/01-intro-more.md]\n",
).replace("  - file: chapters/02-second.md\n    kind: body\n",
          "  - file: chapters/02-second.md\n    kind: body\n"
          "  - file: chapters/03-continued.md\n    kind: body\n") + "bibliography: [refs.bib]\n"
RU_ONE = """\
# Введение {#sec:intro}

Исследование опирается на данные.[^a] См. @fig:map и @tbl:trade, а также @sec:second.
"""
RU_ONE_MORE = """\
## Данные {#sec:data}

![Граница двух стран.](figures/map.svg){#fig:map fig-alt="Схема." source="Составлено автором"}

: Торговля {#tbl:trade source="Таможенная статистика"}

| Год  | Сумма |
|------|-------|
| 2020 | 100   |

[^a]: См. @lo2008axis, с. 12.
"""
RU_TWO = """\
# Вторая глава {#sec:second}

Текст второй главы.[^b]

[^b]: Второе примечание.
"""
RU_CONTINUED = """\
## Продолжение второй главы {#sec:more}

Этот файл начинается с заголовка второго уровня.[^c]

[^c]: Третье примечание.
"""

PANDOC_CONFIG = """\
slug: pandoc-names
title: Written for Pandoc
author:
  - Ada Author
  - name: Bo Writer
    affiliation: Test Institute
date: 2026-01-15
publisher: Test Press
identifier: urn:uuid:00000000-0000-4000-8000-000000000002
lang: en-GB
rights: All rights reserved.
description: A report whose metadata uses Pandoc's names.
subject: [testing, metadata]
cover-image: cover.png
reference-section-title: Works Cited
bibliography: refs.bib
chapters:
  - file: chapters/01-intro.md
    kind: body
"""
PANDOC_CHAPTER = """\
---
title: Introduction
author: Ada Author
---

The chapter's heading is its front matter's title.[^a]

[^a]: See @lo2008axis, 4.
"""


@dataclass(frozen=True)
class Built:
    pdf: Path
    epub: Path

    def pdf_text(self) -> str:
        out = subprocess.run(["pdftotext", str(self.pdf), "-"], capture_output=True, text=True,
                             check=True).stdout
        return " ".join(out.split())

    def xhtml(self, name: str) -> str:
        with zipfile.ZipFile(self.epub) as archive:
            return archive.read(f"EPUB/{name}").decode("utf-8")

    def epub_text(self, name: str) -> str:
        body = self.xhtml(name)
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", body[body.index("<body"):])).split())

    def names(self) -> list[str]:
        with zipfile.ZipFile(self.epub) as archive:
            return archive.namelist()


def build_both(root: Path, slug: str) -> Built:
    out = root.parent / "build"
    for kind in ("pdf", "epub"):  # the CLI audits each edition before writing it
        assert build(kind, root, out) == 0
    return Built(out / f"{slug}/{slug}.pdf", out / f"{slug}/{slug}.epub")


def manuscript(tmp: Path, config: str, chapters: dict[str, str]) -> Path:
    root = write_manuscript(tmp / "m", config, chapters)
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "figures").mkdir()
    (root / "figures" / "map.svg").write_text(SVG, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = manuscript(tmp_path_factory.mktemp("zh"), ZH_CONFIG,
                      {"01-intro.md": ZH_ONE, "02-second.md": ZH_TWO})
    return build_both(root, "tiny-report")


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = manuscript(tmp_path_factory.mktemp("ru"), RU_CONFIG, {
        "01-intro.md": RU_ONE, "01-intro-more.md": RU_ONE_MORE, "02-second.md": RU_TWO,
        "03-continued.md": RU_CONTINUED})
    return build_both(root, "tiny-report")


@pytest.fixture(scope="module")
def pandoc_names(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = manuscript(tmp_path_factory.mktemp("pandoc"), PANDOC_CONFIG,
                      {"01-intro.md": PANDOC_CHAPTER})
    (root / "cover.png").write_bytes(PNG)
    return build_both(root, "pandoc-names")


def test_chinese_pdf_prints_chinese_fixed_words(chinese: Built) -> None:
    text = chinese.pdf_text()
    for word in ("目录", "注释", "参考文献", "资料来源：作者绘制", "资料来源：海关统计",
                 "2026年1月"):
        assert word in text, word
    assert re.search(r"图1\s*两国的边界", text) and re.search(r"表1\s*双边贸易", text)
    assert "见 图1 与 表1，详见 第2章" in text  # cross-references in Chinese
    for english in ("Contents", "Notes", "Bibliography", "Figure", "Table", "Chapter",
                    "Source", "Published by", "Identifier"):
        assert english not in text, english


def test_chinese_epub_prints_chinese_fixed_words(chinese: Built) -> None:
    assert '<h1 id="nav-title">目录</h1>' in chinese.xhtml("nav.xhtml")
    landmarks = chinese.xhtml("nav.xhtml").split('epub:type="landmarks"')[1]
    assert ">封面</a>" in landmarks and ">注释</a>" in landmarks and ">参考文献</a>" in landmarks
    assert '<h1 id="notes-title">注释</h1>' in chinese.xhtml("notes.xhtml")
    assert '<h1 id="bibliography-title">参考文献</h1>' in chinese.xhtml("bibliography.xhtml")
    assert "<title>注释</title>" in chinese.xhtml("notes.xhtml")
    chapter = chinese.epub_text("chapter-intro.xhtml")
    assert "图1 两国的边界" in chapter and "表1 双边贸易" in chapter
    assert "<text>页码</text>" in chinese.xhtml("toc.ncx")
    opf = chinese.xhtml("content.opf")
    # The cover and the figure; sentences run on without spaces, as Chinese is written.
    assert "检查。标题、导航地标和目录提供了全书结构。全部2幅图像均附有文字说明。" in opf


def test_chinese_epub_passes_epubcheck_and_ace(chinese: Built) -> None:
    assert_epub_clean(chinese.epub)


def test_russian_pdf_prints_russian_fixed_words(russian: Built) -> None:
    text = russian.pdf_text()
    for word in ("Содержание", "Примечания", "Библиография", "Рисунок 1.", "Таблица 1.",
                 "Источник: Составлено автором", "январь 2026 г."):
        assert word in text, word
    # In running text Russian abbreviates, so no case ending is needed: "см. рис. 1".
    assert "См. рис. 1 и табл. 1, а также гл. 2." in text
    for english in ("Contents", "Notes", "Bibliography", "Figure", "Chapter", "Source"):
        assert english not in text, english


def test_russian_chapters_of_several_files(russian: Built) -> None:
    text = russian.pdf_text()
    # Two files make chapter 1, two chapter 2: two chapters, their notes in one sequence.
    assert text.index("Введение") < text.index("Данные") < text.index("Вторая глава") < (
        text.index("Продолжение второй главы"))
    assert "chapter-intro-more.xhtml" not in " ".join(russian.names())
    assert "chapter-continued.xhtml" not in " ".join(russian.names())
    second = russian.epub_text("chapter-second.xhtml")
    assert "Продолжение второй главы" in second and "Этот файл начинается" in second
    notes = russian.epub_text("notes.xhtml")
    assert "Третье примечание." in notes and notes.index("Второе") < notes.index("Третье")


def test_russian_epub_passes_epubcheck_and_ace(russian: Built) -> None:
    assert '<h1 id="contents-title">Содержание</h1>' in russian.xhtml("contents.xhtml")
    assert "Известных факторов опасности нет." in russian.xhtml("content.opf")
    assert_epub_clean(russian.epub)


def test_pandoc_metadata_names_build(pandoc_names: Built) -> None:
    text = pandoc_names.pdf_text()
    assert "Ada Author and Bo Writer" in text and "Works Cited" in text
    assert "Introduction" in text and "Bibliography" not in text
    opf = pandoc_names.xhtml("content.opf")
    assert "<dc:subject>metadata</dc:subject>" in opf
    assert "A report whose metadata uses Pandoc&#x27;s names." in opf or (
        "A report whose metadata uses Pandoc's names." in opf)
    assert 'xml:lang="en-GB"' in opf or "<dc:language>en-GB</dc:language>" in opf
    assert '<h1 id="bibliography-title">Works Cited</h1>' in pandoc_names.xhtml(
        "bibliography.xhtml")


def test_cover_image_is_the_epubs_cover(pandoc_names: Built) -> None:
    assert "EPUB/images/cover.png" in pandoc_names.names()
    with zipfile.ZipFile(pandoc_names.epub) as archive:
        assert archive.read("EPUB/images/cover.png") == PNG


def test_no_funder_prints_no_funding_block(pandoc_names: Built) -> None:
    copyright_page = pandoc_names.xhtml("copyright.xhtml")
    assert 'class="funding' not in copyright_page and "None" not in copyright_page
    assert 'aria-label="Copyright"' in copyright_page
    assert "None" not in pandoc_names.pdf_text()


def test_pandoc_names_epub_passes_epubcheck_and_ace(pandoc_names: Built) -> None:
    assert_epub_clean(pandoc_names.epub)
