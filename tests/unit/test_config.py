"""publication.yaml: every error class names publication.yaml:LINE, and all are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript

from imprint.book.config import load_config
from imprint.book.model import ImprintError


def errors_for(tmp_path: Path, config: str) -> list[str]:
    root = write_manuscript(tmp_path / "m", config=config)
    with pytest.raises(ImprintError) as caught:
        load_config(root)
    return [str(d) for d in caught.value.diagnostics]


def line_of(config: str, needle: str) -> int:
    return next(i for i, line in enumerate(config.splitlines(), 1) if needle in line)


def test_valid_config_loads_into_frozen_metadata(manuscript: Path) -> None:
    meta = load_config(manuscript)
    assert meta.slug == "tiny-report"
    assert meta.authors[0].name == "Ada Author"
    assert meta.date == "2026-01-15"
    assert meta.funding.disclaimer.startswith("The views expressed")
    assert [c.kind for c in meta.chapters] == ["body", "body"]
    assert meta.citation_style == "chicago-notes-bibliography"
    assert meta.notes == "endnotes"
    with pytest.raises(AttributeError):
        meta.title = "changed"  # type: ignore[misc]


def test_misspelled_key_names_its_line_and_suggests(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("publisher: Test Press", "publsher: Test Press")
    errors = errors_for(tmp_path, config)
    line = line_of(config, "publsher")
    assert (
        f"publication.yaml:{line}: unknown key 'publsher' in publication.yaml "
        "(did you mean 'publisher'?)" in errors
    )


def test_unknown_nested_key(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace(
        "    bio: Writes tests.", "    bio: Writes tests.\n    twitter: x"
    )
    errors = errors_for(tmp_path, config)
    assert (
        f"publication.yaml:{line_of(config, 'twitter')}: unknown key 'twitter' in this entry"
        in errors
    )


def test_wrong_type(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("keywords: [testing]", "keywords: 42")
    errors = errors_for(tmp_path, config)
    assert (
        f"publication.yaml:{line_of(config, 'keywords')}: 'keywords' must be a list of "
        "strings, not a number" in errors
    )


def test_missing_required_field(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("rights: All rights reserved.\n", "")
    assert "publication.yaml:1: missing required key 'rights' in publication.yaml" in errors_for(
        tmp_path, config
    )


def test_missing_funding_disclaimer_names_the_funding_block(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace(
        "  disclaimer: The views expressed here do not necessarily represent those of the Test "
        "Foundation.\n",
        "",
    )
    errors = errors_for(tmp_path, config)
    assert (
        f"publication.yaml:{line_of(config, 'statement:')}: missing required key "
        "'disclaimer' in this mapping" in errors
    )


def test_chapter_file_that_does_not_exist(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("chapters/02-second.md", "chapters/02-missing.md")
    errors = errors_for(tmp_path, config)
    assert (
        f"publication.yaml:{line_of(config, '02-missing')}: chapter file "
        "'chapters/02-missing.md' does not exist" in errors
    )


def test_chapter_outside_the_manuscript_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text("# Outside\n")
    config = MINIMAL_CONFIG.replace("chapters/02-second.md", "../outside.md")
    errors = errors_for(tmp_path, config)
    assert any("chapter file '../outside.md' is outside the manuscript folder" in e
               for e in errors)


def test_bad_choice(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace(
        "    kind: body\n  - file: chapters/02", "    kind: middle\n  - file: chapters/02"
    )
    errors = errors_for(tmp_path, config)
    assert any("'kind' must be one of front, body, back, not a string" in e for e in errors)


def test_all_errors_are_reported_together(tmp_path: Path) -> None:
    config = (
        MINIMAL_CONFIG.replace("publisher:", "publsher:")
        .replace("keywords: [testing]", "keywords: 42")
        .replace("chapters/02-second.md", "chapters/nope.md")
    )
    assert len(errors_for(tmp_path, config)) >= 4  # typo, missing publisher, type, chapter


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("title: A Tiny Report", "title: [unclosed")
    errors = errors_for(tmp_path, config)
    assert len(errors) == 1 and errors[0].startswith("publication.yaml:")
    assert "invalid YAML" in errors[0]


# Pandoc's metadata names, accepted where they mean the same as imprint's (issue 12, item 10).
PANDOC_NAMES = (
    MINIMAL_CONFIG.replace("language: en-US", "lang: ru-RU")
    .replace("abstract: A small report for tests.", "description: A small report.")
    .replace("keywords: [testing]", "subject:\n  - testing\n  - text: policy\n    authority: x")
    .replace("authors:\n  - name: Ada Author\n    affiliation: Test Institute\n"
             "    bio: Writes tests.\n", "author:\n  - Ada Author\n  - name: Bo Writer\n"
             "    affiliation: Test Institute\n")
    + "reference-section-title: Works Cited\ncover-image: cover.png\n"
)


def test_pandoc_metadata_names_mean_the_same(tmp_path: Path) -> None:
    root = write_manuscript(tmp_path / "m", config=PANDOC_NAMES)
    (root / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    meta = load_config(root)
    assert [(a.name, a.affiliation) for a in meta.authors] == [
        ("Ada Author", ""), ("Bo Writer", "Test Institute")]
    assert meta.language == "ru-RU" and meta.abstract == "A small report."
    assert meta.keywords == ("testing", "policy")
    assert meta.bibliography_title == "Works Cited" and meta.cover_image == "cover.png"
    assert meta.language_loc.line == line_of(PANDOC_NAMES, "lang:")


def test_author_may_be_one_name(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace(
        "authors:\n  - name: Ada Author\n    affiliation: Test Institute\n"
        "    bio: Writes tests.\n", "author: Ada Author\n")
    assert [a.name for a in load_config(write_manuscript(tmp_path / "m", config)).authors] == [
        "Ada Author"]


def test_a_pandoc_name_beside_imprints_is_a_located_error(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG + "lang: ru\ndescription: Twice.\n"
    errors = errors_for(tmp_path, config)
    assert errors == [
        f"publication.yaml:{line_of(config, 'lang:')}: 'lang' is Pandoc's name for 'language',"
        f" which is given too (line {line_of(config, 'language:')}); keep one of them",
        f"publication.yaml:{line_of(config, 'description:')}: 'description' is Pandoc's name "
        f"for 'abstract', which is given too (line {line_of(config, 'abstract:')}); keep one "
        "of them",
    ]


def test_a_missing_language_names_pandocs_key_too(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG.replace("language: en-US\n", "")
    assert errors_for(tmp_path, config) == [
        "publication.yaml:1: missing required key 'language' (or Pandoc's 'lang') in "
        "publication.yaml"]


def test_funding_is_optional(tmp_path: Path) -> None:
    start = MINIMAL_CONFIG.index("funding:")
    config = MINIMAL_CONFIG[:start] + MINIMAL_CONFIG[MINIMAL_CONFIG.index("chapters:"):]
    assert load_config(write_manuscript(tmp_path / "m", config=config)).funding is None


def test_cover_image_must_be_an_image_inside_the_manuscript(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG + "cover-image: notes.txt\n"
    root = write_manuscript(tmp_path / "m", config=config)
    (root / "notes.txt").write_text("x")
    with pytest.raises(ImprintError) as caught:
        load_config(root)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"publication.yaml:{line_of(config, 'cover-image')}: cover image 'notes.txt' is not an "
        "image an EPUB may use (PNG, JPEG, GIF, SVG or WebP)"]
