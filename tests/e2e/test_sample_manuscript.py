"""The sample report keeps the size and variety its brief asks for: counted on the built model,
so the words, notes, sources, scripts, figures and tables cannot silently shrink."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import SAMPLE

from imprint.book.model import Publication
from imprint.pipeline import build_publication

EXPECTED_ORDER = ["executive-summary", "introduction", "arms", "exercises", "space-cyber",
                  "hybrid", "ukraine", "about-the-authors", "acknowledgments"]


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Publication:
    return build_publication(SAMPLE, tmp_path_factory.mktemp("cache"), strict=True)


def prose_words(html: str) -> int:
    """Words of running prose: note calls, tables and figures left out."""
    html = re.sub(r'<a class="noteref"[^>]*>\d+</a>', "", html)
    html = re.sub(r"<(table|figure)\b.*?</\1>", "", html, flags=re.S)
    return len(re.findall(r"[\w’'-]+", re.sub(r"<[^>]+>", " ", html)))


def test_structure_in_publication_order(pub: Publication) -> None:
    assert [c.slug for c in pub.chapters] == EXPECTED_ORDER
    assert [c.kind for c in pub.chapters] == ["front"] + ["body"] * 6 + ["back"] * 2


def test_word_count_in_range(pub: Publication) -> None:
    words = sum(prose_words(c.html) for c in pub.chapters)
    assert 9_000 <= words <= 12_000, words


def test_headings_lists_callouts_and_language_spans(pub: Publication) -> None:
    html = "".join(c.html for c in pub.chapters)
    assert "<h3" in html and "<ul>" in html and "<ol>" in html and "<dl>" in html
    assert html.count('<aside class="callout"') >= 3
    assert html.count('lang="zh-Hans"') >= 5 and html.count('lang="ru"') >= 5


def test_notes_and_citations(pub: Publication) -> None:
    notes = [n for c in pub.chapters for n in c.notes]
    body_citations = [c for c in pub.citations if not c.in_footnote]
    footnotes = len(notes) - len(body_citations)
    assert len(notes) >= 80
    assert len(pub.citations) >= 60
    assert footnotes >= 20
    assert sum(c.in_footnote for c in pub.citations) >= 5  # footnotes that cite sources
    modes = {item.mode for c in pub.citations for item in c.items}
    assert modes == {"normal", "suppress-author", "author-in-text"}
    assert sum(len(c.items) > 1 for c in pub.citations) >= 3


def test_bibliography_entries_and_scripts(pub: Publication) -> None:
    entries = pub.bibliography
    assert len(entries) >= 35
    chinese = [e for e in entries if 'lang="zh-Hans"' in e.html]
    russian = [e for e in entries if 'lang="ru"' in e.html]
    assert len(chinese) >= 10 and len(russian) >= 10
    for entry in chinese + russian:  # original script, then the translation, roman (14.97)
        assert re.search(r"</span>(?:</em>|”)? \[[A-Z]", entry.html), entry.html
        assert not re.search(r"\]\W?(?:</em>|”)", entry.html), entry.html


def test_every_key_cited_and_every_citation_known(pub: Publication) -> None:
    cited = {item.key for c in pub.citations for item in c.items}
    assert cited == {e.key for e in pub.bibliography}
    assert not pub.diagnostics  # strict build: no uncited entry, no unknown key, no warning


def test_figures_with_caption_source_alt_and_cross_reference(pub: Publication) -> None:
    html = "".join(c.html for c in pub.chapters)
    assert len(pub.figures) >= 3
    for figure in pub.figures:
        assert figure.caption and figure.source and len(figure.alt) > 40
        assert (SAMPLE / figure.src).suffix == ".svg"
        assert f'class="xref" href="#{figure.id}"' in html


def test_tables_with_caption_and_cross_reference(pub: Publication) -> None:
    html = "".join(c.html for c in pub.chapters)
    assert len(pub.tables) >= 2
    for table in pub.tables:
        assert table.caption and f'class="xref" href="#{table.id}"' in html


def test_colophon_says_the_text_is_a_sample(pub: Publication) -> None:
    assert "sample content" in pub.meta.colophon


def test_figures_are_generated_by_the_script(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    source = SAMPLE / "figures" / "source"
    copy = tmp_path / "figures"
    shutil.copytree(SAMPLE / "figures", copy)
    for svg in copy.glob("*.svg"):
        svg.unlink()
    subprocess.run([sys.executable, str(copy / "source" / "make_figures.py")], check=True,
                   cwd=copy / "source", capture_output=True)
    for svg in (SAMPLE / "figures").glob("*.svg"):
        assert (copy / svg.name).read_bytes() == svg.read_bytes(), svg.name
    assert source.exists()
