"""The tagged PDF declares the language of each passage in another language: a Russian or
Chinese span the author marks, and the titles and names of a bibliography entry by its
`langid` (issue #13 item 6; PDF/UA-1 7.2, WCAG 3.1.2)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pikepdf
from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import build

BIB = """\
@book{lukin2014povorot,
  title = {Поворот к Азии [The Pivot to {Asia}]},
  author = {Лукин, Александр},
  date = {2014}, publisher = {Весь мир}, location = {Moscow}, langid = {russian}
}
@book{qiao1999,
  title = {超限战 [Unrestricted Warfare]},
  author = {乔, 良 and 王, 湘穗},
  date = {1999}, publisher = {Publisher}, location = {Beijing}, langid = {chinese}
}
@book{hanzi2001,
  title = {台灣研究 [Taiwan Studies]},
  author = {林, 明},
  date = {2001}, publisher = {Publisher}, location = {Taipei}, langid = {chinese-traditional}
}
"""

CHAPTER = """\
# Languages {#sec:languages}

The phrase [новое поколение]{lang=ru} means a new generation.[@lukin2014povorot] The Chinese
term is [超限战]{lang=zh-Hans}.[@qiao1999] A Taiwanese study.[@hanzi2001]
"""


def _languages(path: Path) -> Counter[tuple[str, str]]:
    """(structure type, /Lang) of every structure element that declares a language."""
    found: Counter[tuple[str, str]] = Counter()
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "en-US"
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/Lang" in node:
                    found[(str(node.get("/S")), str(node.Lang))] += 1
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kids)
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
    return found


def test_structure_tree_carries_each_passages_language(tmp_path: Path) -> None:
    config = ONE_CHAPTER_CONFIG
    root = write_manuscript(tmp_path / "m", config + "bibliography: [refs.bib]\n",
                            {"01-intro.md": CHAPTER})
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    assert build("pdf", root, tmp_path / "b") == 0
    found = _languages(tmp_path / "b" / "tiny-report/tiny-report.pdf")
    languages = {lang for _, lang in found}
    assert {"ru", "zh-Hans", "zh-Hant"} <= languages, found
    assert found[("/Span", "ru")] >= 3  # the author's span, the note's title, the bibliography
    assert all(kind != "/Document" for kind, _ in found)
