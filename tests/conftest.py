"""Shared fixtures: small manuscripts written into a temporary folder."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STYLES = REPO / "styles"
SAMPLE = REPO / "manuscript"

MINIMAL_CONFIG = """\
slug: tiny-report
title: A Tiny Report
subtitle: For Testing
authors:
  - name: Ada Author
    affiliation: Test Institute
    bio: Writes tests.
date: 2026-01-15
publisher: Test Press
identifier: urn:uuid:00000000-0000-4000-8000-000000000001
language: en-US
rights: All rights reserved.
keywords: [testing]
abstract: A small report for tests.
funding:
  statement: This publication was funded by the Test Foundation.
  disclaimer: The views expressed here do not necessarily represent those of the Test Foundation.
chapters:
  - file: chapters/01-intro.md
    kind: body
  - file: chapters/02-second.md
    kind: body
"""

# The same report with one chapter, `chapters/01-intro.md`.
ONE_CHAPTER_CONFIG = MINIMAL_CONFIG.replace("  - file: chapters/02-second.md\n    kind: body\n", "")

INTRO = """\
---
short-title: Intro
---

# Introduction {#sec:intro}

The first chapter has a footnote.[^intro-1] It refers to @sec:second.

## Background

More text in a second paragraph.

[^intro-1]: A discursive note.
"""

SECOND = """\
# The Second Chapter {#sec:second}

Text of the second chapter with another note.[^second-1]

[^second-1]: Second note.
"""

# Two real books, for manuscripts that cite (the citation pipeline tests, the fuzzer).
TWO_BOOKS = """\
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


def write_manuscript(root: Path, config: str = MINIMAL_CONFIG,
                     chapters: dict[str, str] | None = None) -> Path:
    """A manuscript folder under `root`; `chapters` maps file names to Markdown."""
    (root / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "publication.yaml").write_text(textwrap.dedent(config), encoding="utf-8")
    files = {"01-intro.md": INTRO, "02-second.md": SECOND} if chapters is None else chapters
    for name, text in files.items():
        (root / "chapters" / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def manuscript(tmp_path: Path) -> Path:
    return write_manuscript(tmp_path / "manuscript")


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample manuscript, safe to edit."""
    target = tmp_path / "manuscript"
    shutil.copytree(SAMPLE, target)
    return target
