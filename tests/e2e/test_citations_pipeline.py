"""Citations through the whole pipeline: located errors, the cache, author-date styles."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.conftest import TWO_BOOKS as BIB
from tests.helpers import run_cli

from imprint.book.model import ImprintError
from imprint.pipeline import build_publication
from imprint.preprocess.cite.format import pandoc_runs

CHAPTER = """\
# Arms {#sec:arms}

Russia sold fighters [@lo2008axis, 45]. Later sales grew [see @lukin2018rapprochement, ch. 3].
A second look [@lo2008axis, 46].[^arms-1]

[^arms-1]: A discursive note that also cites [@lukin2018rapprochement, 12].
"""


def cited_manuscript(root: Path, style: str = "chicago-notes-bibliography") -> Path:
    config = MINIMAL_CONFIG + f"bibliography: [references.bib]\ncitation-style: {style}\n"
    manuscript = write_manuscript(root, config=config, chapters={
        "01-intro.md": CHAPTER, "02-second.md": "# Second\n\nNo citations here.\n"})
    (manuscript / "references.bib").write_text(BIB, encoding="utf-8")
    return manuscript


def test_notes_from_citations_share_the_sequence_with_footnotes(tmp_path: Path) -> None:
    pub = build_publication(cited_manuscript(tmp_path / "m"), tmp_path / "cache")
    notes = pub.chapters[0].notes
    assert [n.number for n in notes] == [1, 2, 3, 4]
    assert "Bobo Lo, <em>Axis of Convenience" in notes[0].html and ", 45." in notes[0].html
    assert notes[2].html == "<p>Lo, <em>Axis of Convenience</em>, 46.</p>"
    assert "A discursive note that also cites" in notes[3].html and "12" in notes[3].html
    assert len(pub.bibliography) == 2


def test_a_prose_only_edit_does_not_run_pandoc(tmp_path: Path) -> None:
    manuscript = cited_manuscript(tmp_path / "m")
    build_publication(manuscript, tmp_path / "cache")
    before = pandoc_runs()
    chapter = manuscript / "chapters" / "01-intro.md"
    chapter.write_text(chapter.read_text().replace("Russia sold fighters", "Russia sold jets"))
    pub = build_publication(manuscript, tmp_path / "cache")
    assert pandoc_runs() == before
    assert "Russia sold jets" in pub.chapters[0].html
    chapter.write_text(chapter.read_text().replace("46]", "47]"))
    build_publication(manuscript, tmp_path / "cache")
    assert pandoc_runs() == before + 1


def test_author_date_style_gives_inline_citations_and_no_notes(tmp_path: Path) -> None:
    pub = build_publication(cited_manuscript(tmp_path / "m", "chicago-author-date"),
                            tmp_path / "cache")
    chapter = pub.chapters[0]
    assert "(Lo 2008, 45)" in chapter.html
    assert [n.number for n in chapter.notes] == [1]  # only the author's own footnote


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    manuscript = cited_manuscript(tmp_path / "m")
    second = manuscript / "chapters" / "02-second.md"
    second.write_text("# Second\n\nOne line.\nAnother claim [@smith2019, 4].\n")
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path / "b"), "pdf")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "chapters/02-second.md:4: unknown citation key 'smith2019'" in result.stderr
    assert not (tmp_path / "b" / "tiny-report/tiny-report.pdf").exists()


def test_duplicate_bibliography_key_names_the_file_and_line(tmp_path: Path) -> None:
    manuscript = cited_manuscript(tmp_path / "m")
    (manuscript / "references.bib").write_text(BIB + BIB.split("@book{lukin")[0])
    with pytest.raises(ImprintError) as caught:
        build_publication(manuscript, tmp_path / "cache")
    assert any(str(d).startswith("references.bib:15: duplicate key 'lo2008axis'")
               for d in caught.value.diagnostics)


UNCITED = """\
@book{trenin2015entente,
  title = {From Greater {Europe} to Greater {Asia}?},
  author = {Trenin, Dmitri},
  date = {2015},
  publisher = {Carnegie Moscow Center},
}
"""


def test_bibliography_all_prints_every_entry_and_warns_about_none(tmp_path: Path) -> None:
    manuscript = cited_manuscript(tmp_path / "m")
    (manuscript / "references.bib").write_text(BIB + UNCITED, encoding="utf-8")
    pub = build_publication(manuscript, tmp_path / "cache")
    assert [d.message for d in pub.diagnostics] == ["entry 'trenin2015entente' is never cited"]
    config = manuscript / "publication.yaml"
    config.write_text(config.read_text() + "bibliography-all: true\n", encoding="utf-8")
    pub = build_publication(manuscript, tmp_path / "cache", strict=True)
    assert pub.diagnostics == ()
    assert [entry.key for entry in pub.bibliography] == [
        "lo2008axis", "lukin2018rapprochement", "trenin2015entente"]


def test_no_bibliography_names_every_cited_key(tmp_path: Path) -> None:
    manuscript = cited_manuscript(tmp_path / "m")
    config = manuscript / "publication.yaml"
    config.write_text(config.read_text().replace("bibliography: [references.bib]\n", ""))
    with pytest.raises(ImprintError) as caught:
        build_publication(manuscript, tmp_path / "cache")
    assert [str(d) for d in caught.value.diagnostics] == [
        "chapters/01-intro.md:3: citations of 'lo2008axis', 'lukin2018rapprochement' but "
        "publication.yaml names no bibliography"]


# --- languages from the entries (issue #13, item 6) ---------------------------------------

LANG_BIB = """\
@book{hrushevsky1904istoriia,
  author = {Грушевський, Михайло},
  title = {Історія України-Руси [History of Ukraine-Rus']},
  shorttitle = {Історія України-Руси},
  publisher = {Наукове товариство імени Шевченка},
  location = {Львів},
  date = {1904},
  langid = {ukrainian},
}
@book{andric1945most,
  author = {Андрић, Иво},
  title = {На Дрини ћуприја [The Bridge on the Drina]},
  shorttitle = {На Дрини ћуприја},
  publisher = {Просвета},
  location = {Београд},
  date = {1945},
  langid = {serbian},
}
@book{lung2009taiwan,
  author = {龍, 應台},
  title = {大江大海一九四九 [Big River, Big Sea: Untold Stories of 1949]},
  shorttitle = {大江大海一九四九},
  publisher = {天下雜誌},
  location = {台北},
  date = {2009},
  langid = {chinese-traditional},
}
@book{maruyama1952nihon,
  author = {丸山, 眞男},
  title = {日本政治思想史研究 [Studies in the Intellectual History of Tokugawa Japan]},
  shorttitle = {日本政治思想史研究},
  publisher = {東京大学出版会},
  location = {東京},
  date = {1952},
  langid = {japanese},
}
@book{lukin2014povorot,
  author = {Лукин, Александр},
  title = {Поворот к Азии [The Pivot to Asia]},
  publisher = {Весь мир},
  location = {Москва},
  date = {2014},
}
"""

LANG_CHAPTER = """\
# Languages

Ukrainian [@hrushevsky1904istoriia, 12]. Serbian [@andric1945most, 7]. Taiwanese
[@lung2009taiwan, 3]. Japanese [@maruyama1952nihon, 45]. Two at once
[@hrushevsky1904istoriia, 13; @lukin2014povorot, 5].
"""


def _lang_manuscript(root: Path) -> Path:
    config = MINIMAL_CONFIG + "bibliography: [references.bib]\n"
    manuscript = write_manuscript(root, config=config, chapters={
        "01-intro.md": LANG_CHAPTER, "02-second.md": "# Second\n\nNo citations here.\n"})
    (manuscript / "references.bib").write_text(LANG_BIB, encoding="utf-8")
    return manuscript


def _langs(html: str) -> dict[str, set[str]]:
    """lang -> the texts marked with it."""
    found: dict[str, set[str]] = {}
    for lang, text in re.findall(r'<span (?:xml:)?lang="([^"]+)"[^>]*>([^<]*)</span>', html):
        found.setdefault(lang, set()).add(text)
    return found


def test_notes_and_bibliography_take_the_entry_language(tmp_path: Path) -> None:
    pub = build_publication(_lang_manuscript(tmp_path / "m"), tmp_path / "cache")
    notes = [_langs(note.html) for note in pub.chapters[0].notes]
    assert "Михайло Грушевський" in notes[0]["uk"]
    assert "Иво Андрић" in notes[1]["sr"]
    assert "大江大海一九四九" in notes[2]["zh-Hant"]
    assert "日本政治思想史研究" in notes[3]["ja"]
    # One note, two entries in one script: each run takes its own entry's language; an entry
    # without langid falls back to the script's guess.
    assert "Історія України-Руси" in notes[4]["uk"] and "Поворот к Азии" in notes[4]["ru"]
    entries = {entry.key: _langs(entry.html) for entry in pub.bibliography}
    assert set(entries["hrushevsky1904istoriia"]) == {"uk"}
    assert set(entries["andric1945most"]) == {"sr"}
    assert set(entries["lung2009taiwan"]) == {"zh-Hant"}
    assert set(entries["maruyama1952nihon"]) == {"ja"}
    assert set(entries["lukin2014povorot"]) == {"ru"}


def test_epub_carries_the_entry_languages(tmp_path: Path) -> None:
    manuscript = _lang_manuscript(tmp_path / "m")
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path / "b"), "epub")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "b" / "tiny-report/tiny-report.epub") as archive:
        xhtml = "".join(archive.read(name).decode() for name in archive.namelist()
                        if name.endswith(".xhtml"))
    langs = _langs(xhtml)
    assert "Михайло Грушевський" in langs["uk"]
    assert "Иво Андрић" in langs["sr"] and "Андрић, Иво" in langs["sr"]
    assert "大江大海一九四九" in langs["zh-Hant"]
    assert "日本政治思想史研究" in langs["ja"]
    assert "Поворот к Азии" in langs["ru"]
