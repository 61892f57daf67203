"""Notes are never lost: the laid-out pages are audited, in both note modes, on a stress load."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import output, pdf_destinations, run_cli

WORDS = ("alignment", "partnership", "exercise", "doctrine", "transfer", "strategy",
         "cooperation", "border", "navy", "aviation", "sanctions", "technology", "deterrence",
         "treaty", "statement", "command")


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def stress_chapter(rng: random.Random, prefix: str, title: str) -> str:
    """Long paragraphs dense with notes, some of them many lines long."""
    body, notes = [f"# {title}\n"], []
    for paragraph in range(45):
        parts = []
        for sentence_index in range(rng.randint(3, 6)):
            text = sentence(rng, rng.randint(8, 22))
            if rng.random() < 0.45:
                label = f"{prefix}-{paragraph}-{sentence_index}"
                text += f"[^{label}]"
                length = rng.choice([6, 10, 18, 30, 60, 110])
                notes.append(f"[^{label}]: {sentence(rng, length)}")
            parts.append(text)
        body.append(" ".join(parts) + "\n")
    return "\n".join(body + notes) + "\n"


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(20261128)
    chapters = {"01-intro.md": stress_chapter(rng, "a", "Dense One"),
                "02-second.md": stress_chapter(rng, "b", "Dense Two")}
    return write_manuscript(tmp_path_factory.mktemp("stress") / "m", chapters=chapters)


def note_count(manuscript: Path) -> int:
    return sum(path.read_text().count("\n[^") for path in (manuscript / "chapters").iterdir())


@pytest.mark.parametrize("mode", ["footnotes", "endnotes"])
def test_every_note_of_the_stress_manuscript_is_where_it_belongs(
    stress: Path, tmp_path: Path, mode: str
) -> None:
    config = stress / "publication.yaml"
    config.write_text(MINIMAL_CONFIG + f"notes: {mode}\n")
    result = run_cli("--manuscript", str(stress), "--build", str(tmp_path), "pdf")
    assert result.returncode == 0, result.stderr
    dests = pdf_destinations(tmp_path / "tiny-report/tiny-report.pdf")
    total = note_count(stress)
    assert total > 150
    for number in range(1, total + 1):
        assert f"note-{number}" in dests, f"note {number} is missing"
        if mode == "footnotes":
            assert dests[f"note-{number}"] == dests[f"noteref-{number}"], number


def test_sample_in_footnote_mode_keeps_every_note_on_its_page(sample_copy: Path,
                                                              tmp_path: Path) -> None:
    config = sample_copy / "publication.yaml"
    config.write_text(config.read_text().replace("notes: endnotes", "notes: footnotes"))
    result = run_cli("--manuscript", str(sample_copy), "--build", str(tmp_path), "pdf")
    assert result.returncode == 0, result.stderr
    dests = pdf_destinations(output(tmp_path, "sino-russian-military-alignment.pdf"))
    numbers = [int(name.split("-")[1]) for name in dests if name.startswith("noteref-")]
    assert len(numbers) >= 80
    assert all(dests[f"note-{n}"] == dests[f"noteref-{n}"] for n in numbers)


def test_a_character_without_a_glyph_fails_the_build_naming_it(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m", chapters={
        "01-intro.md": "# Intro\n\nA private-use character: \U000f0001.\n",
        "02-second.md": "# Second\n\nFine text.\n"})
    out = tmp_path / "out"
    result = run_cli("--manuscript", str(manuscript), "--build", str(out), "pdf")
    assert result.returncode == 1
    assert "chapters/01-intro.md:3: character '\U000f0001' (U+F0001) has no glyph" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (out / "tiny-report/tiny-report.pdf").exists()
