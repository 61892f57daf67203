"""Citations through the whole pipeline: located errors, the cache, author-date styles."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import run_cli

from imprint.book.model import ImprintError
from imprint.pipeline import build_publication
from imprint.preprocess.cite.format import pandoc_runs

BIB = """\
@book{lo2008axis,
  title = {Axis of Convenience: {Moscow}, {Beijing}, and the New Geopolitics},
  author = {Lo, Bobo},
  date = {2008},
  publisher = {Brookings Institution Press},
  location = {Washington, DC},
}
@book{lukin2018rapprochement,
  title = {{China} and {Russia}: The New Rapprochement},
  author = {Lukin, Alexander},
  date = {2018},
  publisher = {Polity Press},
  location = {Cambridge},
}
"""

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
    assert not (tmp_path / "b" / "tiny-report.pdf").exists()


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
