"""`imprint new <folder>`: a manuscript that builds at once, showing each construct.

The files under `scaffold/files/` are copied as they are, except that the new publication gets
a slug from the folder's name and an identifier of its own (a random UUID: two reports must
never share one, and the scaffold is written once, so it need not be reproducible).
"""

from __future__ import annotations

import re
import uuid
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from imprint.book.model import ImprintError

TEMPLATE_SLUG = "slug: my-report"
TEMPLATE_ID = "urn:uuid:00000000-0000-4000-8000-000000000000"


def create(folder: Path) -> list[Path]:
    """Write the scaffold into `folder` (new or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ImprintError.at(None, f"'{folder}' already exists and is not an empty folder; "
                              "choose a new one")
    written: list[Path] = []
    _copy(files("imprint.scaffold") / "files", folder, written)
    config = folder / "publication.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(TEMPLATE_SLUG, f"slug: {slug_of(folder)}", 1)
    config.write_text(text.replace(TEMPLATE_ID, f"urn:uuid:{uuid.uuid4()}", 1), encoding="utf-8")
    return written


def slug_of(folder: Path) -> str:
    """`My Report 2026/` -> `my-report-2026`: what the outputs are named after."""
    name = folder.resolve().name.lower()
    return re.sub(r"[^a-z0-9]+", "-", name).strip("-") or "report"


def _copy(source: Traversable, target: Path, written: list[Path]) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            _copy(entry, target / entry.name, written)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())
            written.append(target / entry.name)
