"""`imprint new`: the scaffold's publication.yaml names every key the schema knows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from imprint.book.config import SCHEMA
from imprint.book.model import ImprintError
from imprint.scaffold import create, slug_of


def test_every_key_is_listed(tmp_path: Path) -> None:
    create(tmp_path / "report")
    text = (tmp_path / "report" / "publication.yaml").read_text(encoding="utf-8")
    listed = set(re.findall(r"^(?:# )?([a-z-]+):", text, re.MULTILINE))
    assert set(SCHEMA) <= listed, f"not in the scaffold: {sorted(set(SCHEMA) - listed)}"
    required = {key for key, field in SCHEMA.items() if field.required}
    marked = set(re.findall(r"^([a-z-]+):.*# required", text, re.MULTILINE))
    assert required == marked


def test_each_report_gets_its_own_identifier_and_slug(tmp_path: Path) -> None:
    create(tmp_path / "First Report")
    create(tmp_path / "second")
    first = (tmp_path / "First Report" / "publication.yaml").read_text(encoding="utf-8")
    second = (tmp_path / "second" / "publication.yaml").read_text(encoding="utf-8")
    ids = [re.search(r"urn:uuid:[0-9a-f-]{36}", t).group(0) for t in (first, second)]  # type: ignore[union-attr]
    assert ids[0] != ids[1] and "00000000-0000" not in ids[0]
    assert "slug: first-report" in first and slug_of(tmp_path / "!!") == "report"


def test_an_existing_folder_with_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    with pytest.raises(ImprintError, match="already exists and is not an empty folder"):
        create(tmp_path / "taken")
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
