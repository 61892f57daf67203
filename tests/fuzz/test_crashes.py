"""Every crash the grammar fuzzer found, kept as a fixture: each chapter in crashes/ must give
exactly the located line below in every edition (exit 1, no traceback), in both notes modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.test_fuzz_editions import run, write

CRASHES = Path(__file__).parent / "crashes"

# file -> the one line imprint must print (besides the bibliography's never-cited warnings).
EXPECTED = {
    # str.splitlines broke the line at U+000B, so the control-character check never saw it;
    # the PDF then stopped with an unlocated two-line glyph message (endnotes) or an internal
    # error from lxml (footnotes).
    "vertical-tab.md": "chapters/01-fuzz.md:3: control character U+000B in the text; remove it "
                       "(it cannot print in any edition)",
    "next-line.md": "chapters/01-fuzz.md:5: control character U+0085 in the text; remove it "
                    "(it cannot print in any edition)",
    # Found by the 10,000-example run: U+2029 in a table cell stopped WeasyPrint's line
    # breaking with an AssertionError (exit 2) before the glyph check could name it.
    "paragraph-separator-in-table.md": "chapters/01-fuzz.md:3: paragraph separator U+2029 in "
                                       "the text; use a line break or a blank line (it cannot "
                                       "print in any edition)",
    # Found by the sharded run: a control character inside $…$ reached lxml as the MathML's
    # alttext, which raised ValueError (exit 2) before the control-character error was given.
    "control-character-in-math.md": "chapters/01-fuzz.md:3: control character U+000B in the "
                                    "text; remove it (it cannot print in any edition)",
}


@pytest.mark.parametrize("notes", ["endnotes", "footnotes"])
@pytest.mark.parametrize("kind", ["check", "pdf", "epub"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_fuzzer_crash_is_one_located_line(tmp_path: Path, name: str, kind: str,
                                           notes: str) -> None:
    manuscript = write(tmp_path / "m", (CRASHES / name).read_bytes(), notes)
    code, stderr = run(kind, manuscript, tmp_path / "build")
    errors = [line for line in stderr.splitlines() if "is never cited" not in line]
    assert (code, errors) == (1, [EXPECTED[name]])
    assert not [p for p in (tmp_path / "build").rglob("*")
                if p.is_file() and ".cache" not in p.parts]  # no edition, whole or half


def test_every_crash_fixture_has_its_expected_line() -> None:
    assert sorted(p.name for p in CRASHES.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("character", ["\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
def test_a_glyph_message_stays_on_one_line(character: str) -> None:
    """The glyph check quoted the character itself: a line separator split its message in two,
    and the second half had no location."""
    from imprint.editions.pdf.audit import _shown

    assert (f"character {_shown(character)}(U+{ord(character):04X}) has no glyph"
            .splitlines() == [f"character (U+{ord(character):04X}) has no glyph"])


def test_any_other_character_is_still_quoted() -> None:
    from imprint.editions.pdf.audit import _shown

    assert _shown("\U000f0001") == "'\U000f0001' "


@pytest.mark.parametrize("character", ["\x0b", "\x1b", "\x85", "\u2028", "\u2029", "\n"])
def test_a_message_quoting_the_author_stays_one_printable_line(character: str) -> None:
    from imprint.book.model import Diagnostic, Loc

    shown = str(Diagnostic(Loc("chapters/a.md", 3), f"invalid TeX math '$a{character}b$'"))
    assert shown.splitlines() == [shown]
    assert f"<U+{ord(character):04X}>" in shown and character not in shown
