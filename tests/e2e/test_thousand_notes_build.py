"""A book with a thousand endnotes: the four-digit number widens its hanging box and keeps its
gap ("1000. Schwartz", not "1000.Schwartz", which the PDF audit refused in the 10x bench book)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript
from tests.helpers import build, output, pdf_text

NOTES = 1001


def test_a_four_digit_note_number_keeps_its_space(tmp_path: Path) -> None:
    calls = " ".join(f"Claim {n}.[^n{n}]" for n in range(1, NOTES + 1))
    notes = "\n".join(f"[^n{n}]: Source {n}, a report." for n in range(1, NOTES + 1))
    manuscript = write_manuscript(tmp_path / "m", ONE_CHAPTER_CONFIG,
                                  {"01-intro.md": f"# Many Notes\n\n{calls}\n\n{notes}\n"})
    assert build("pdf", manuscript, tmp_path / "out") == 0  # the audit reads every note back
    text = " ".join(pdf_text(output(tmp_path / "out", "tiny-report.pdf")).split())
    assert "999. Source 999, a report." in text and "1000. Source 1000, a report." in text
