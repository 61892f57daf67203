"""The benchmark's scaled book builds, and holds the sample's chapters and notes N times."""

from __future__ import annotations

from pathlib import Path

from tests.bench.scaled_book import scaled_book, suffixed
from tests.conftest import SAMPLE

from imprint.pipeline import build_publication


def test_three_times_the_sample_builds_with_three_times_its_chapters_and_notes(
        tmp_path: Path) -> None:
    sample = build_publication(SAMPLE, tmp_path / "sample-cache")
    book = build_publication(scaled_book(tmp_path / "book", 3), tmp_path / "book-cache")
    assert len(book.chapters) == 3 * len(sample.chapters)
    notes = sum(len(chapter.notes) for chapter in book.chapters)
    assert notes == 3 * sum(len(chapter.notes) for chapter in sample.chapters)
    assert book.meta.title == sample.meta.title
    assert book.meta.slug == sample.meta.slug
    kinds = [spec.kind for spec in book.meta.chapters]
    assert kinds == sorted(kinds, key=("front", "body", "back").index)


def test_the_first_copy_is_the_sample_itself(tmp_path: Path) -> None:
    book = scaled_book(tmp_path / "book", 1)
    assert (book / "publication.yaml").read_bytes() == (SAMPLE / "publication.yaml").read_bytes()


def test_a_copy_refers_to_its_own_labels_and_keeps_citation_keys() -> None:
    text = ("# Arms {#sec:arms}\n\nSee @fig:arms and [-@tbl:x].[^fn-1] As [@sipri2026arms]."
            "\n\n[^fn-1]: A note.")
    assert suffixed(text, 2) == ("# Arms {#sec:arms-r2}\n\nSee @fig:arms-r2 and [-@tbl:x-r2]."
                                 "[^fn-1-r2] As [@sipri2026arms].\n\n[^fn-1-r2]: A note.")
