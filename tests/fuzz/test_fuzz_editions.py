"""Grammar fuzzing through every edition: manuscripts made of everything imprint accepts, plus
hostile bytes, run through `check`, `pdf` and `epub` in-process. Nothing but imprint's own
located messages may come out: exit 0 or 1, every stderr line `file[:line]: ...` or a warning,
never an internal error or a traceback.

`make test` runs the small, derandomized "ci" profile; `make fuzz` runs HYPOTHESIS_PROFILE=fuzz
(10,000 examples)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from tests.conftest import MINIMAL_CONFIG
from tests.conftest import TWO_BOOKS as BIB
from tests.fuzz.grammar import SVG, chapter
from tests.helpers import build

settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Failing examples are kept under build/ (ignored by git) and replayed first on the next run.
DATABASE = DirectoryBasedExampleDatabase(Path(__file__).resolve().parents[2] / "build"
                                         / "hypothesis")
# `make fuzz` spreads its 10,000 examples over one shard per core (FUZZ_SHARDS, run by
# pytest-xdist): each shard is the same test drawing its own random examples.
SHARDS = max(1, int(os.environ.get("FUZZ_SHARDS", "1")))
settings.register_profile(
    "fuzz", max_examples=-(-10_000 // SHARDS), deadline=None, print_blob=True, database=DATABASE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "sample", max_examples=200, deadline=None, print_blob=True, database=DATABASE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

LOCATED = re.compile(r"^[^:\s][^:]*(:\d+)?: |^warning:")
CONFIG = (MINIMAL_CONFIG.split("chapters:\n")[0]
          + "chapters:\n  - file: chapters/01-fuzz.md\n    kind: body\n"
          + "bibliography: [references.bib]\n")


def write(root: Path, data: bytes, notes: str) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "figures").mkdir()
    (root / "publication.yaml").write_text(CONFIG + f"notes: {notes}\n", encoding="utf-8")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    (root / "figures" / "x.svg").write_text(SVG, encoding="utf-8")
    (root / "chapters" / "01-fuzz.md").write_bytes(data)
    return root


def run(kind: str, manuscript: Path, out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = build(kind, manuscript, out)
    return code, err.getvalue()


def assert_only_our_messages(kind: str, code: int, stderr: str, data: bytes) -> None:
    where = f"{kind} exited {code}:\n{stderr}\nmanuscript: {data!r}"
    assert code in (0, 1), where
    assert "internal error" not in stderr and "Traceback" not in stderr, where
    for line in stderr.splitlines():
        assert LOCATED.match(line), f"unlocated line {line!r} from {where}"
    if code == 1:
        assert stderr.strip(), where


@pytest.mark.parametrize("shard", range(SHARDS))
@given(data=chapter(), notes=st.sampled_from(("endnotes", "footnotes")))
def test_every_edition_gives_an_edition_or_a_located_error(shard: int, data: bytes,
                                                           notes: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        manuscript = write(Path(tmp) / "m", data, notes)
        out = Path(tmp) / "build"
        for kind in ("check", "pdf", "epub"):
            code, stderr = run(kind, manuscript, out)
            assert_only_our_messages(kind, code, stderr, data)
            event(f"{kind} exit {code}")
            if code == 1:
                written = [p for p in out.rglob("*") if ".cache" not in p.parts]  # no edition
                assert not [p for p in written if p.suffix in (".pdf", ".epub")], stderr
                break  # the same input fails the same way in every edition
