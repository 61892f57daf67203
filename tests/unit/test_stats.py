"""`imprint stats`: counts per chapter, pages from the PDF or estimated."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import SAMPLE

from imprint.pipeline import build_publication
from imprint.stats import _spans, publication_stats, table, words_in


@pytest.mark.parametrize(("markup", "words"), [
    ("<p>Two words.</p>", 2),
    ("<p>Sino-Russian ties, China’s view: 1991–2023.</p>", 6),
    ("<p>The phrase <span lang=\"zh-Hans\">超限战</span> means it.</p>", 7),
    ("", 0),
])
def test_words(markup: str, words: int) -> None:
    assert words_in(markup) == words


def test_pages_run_from_a_chapter_to_the_next_section() -> None:
    starts = {"chapter-a": 4, "chapter-b": 9, "fig-x": 10, "notes": 15, "bibliography": 20}
    assert _spans(["chapter-a", "chapter-b"], starts, 24) == {"a": 5, "b": 6}
    assert _spans(["chapter-a", "chapter-c"], starts, 24) is None


def test_sample_counts(tmp_path: Path) -> None:
    pub = build_publication(SAMPLE, tmp_path / "cache")
    stats = publication_stats(pub, None)
    assert not stats.counted
    assert sum(c.notes for c in stats.chapters) == sum(len(c.notes) for c in pub.chapters)
    assert sum(c.citations for c in stats.chapters) == len(pub.citations)
    assert sum(c.figures for c in stats.chapters) == len(pub.figures) == 3
    assert 10_000 < sum(c.words for c in stats.chapters) < 20_000
    lines = table(stats).splitlines()
    assert lines[0].split()[-2:] == ["est.", "pages"] and lines[-1].startswith("Total")
