"""`imprint preview CHAPTER`: a number, a slug or a file names one chapter; anything else is a
clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from imprint.book.model import ChapterSpec, ImprintError, Loc
from imprint.preview.selection import select_chapter

FILES = ("chapters/01-executive-summary.md", "chapters/02-introduction.md", "chapters/03-arms.md")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in FILES:
        (tmp_path / "m" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "m" / name).write_text("# Title\n", encoding="utf-8")
    return tmp_path / "m"


SPECS = tuple(ChapterSpec(name, "body", Loc("publication.yaml", 30 + i))
              for i, name in enumerate(FILES))


def chosen(root: Path, choice: str, cwd: Path | None = None) -> str:
    return select_chapter(SPECS, root, choice, cwd=cwd or root.parent).file


@pytest.mark.parametrize(("choice", "expected"), [
    ("1", FILES[0]), ("2", FILES[1]), ("3", FILES[2]), (" 2 ", FILES[1]),
    ("arms", FILES[2]), ("executive-summary", FILES[0]),
    ("chapters/03-arms.md", FILES[2]), ("m/chapters/02-introduction.md", FILES[1]),
    ("03-arms.md", FILES[2]),
])
def test_a_number_slug_or_path_names_the_chapter(root: Path, choice: str,
                                                 expected: str) -> None:
    assert chosen(root, choice) == expected


def test_an_absolute_path_and_a_link_name_the_chapter(root: Path, tmp_path: Path) -> None:
    assert chosen(root, str(root / FILES[1])) == FILES[1]
    (tmp_path / "link.md").symlink_to(root / FILES[2])
    assert chosen(root, "link.md", cwd=tmp_path) == FILES[2]


@pytest.mark.parametrize("choice", ["0", "4", "99"])
def test_a_number_out_of_range_is_a_clear_error(root: Path, choice: str) -> None:
    with pytest.raises(ImprintError) as error:
        chosen(root, choice)
    message = str(error.value)
    assert f"no chapter {choice}: the book numbers chapters 1 to 3 and publication.yaml " \
        "lists 3 chapters" in message
    assert "a position in publication.yaml (1 to 3)" in message and "arms" in message


@pytest.mark.parametrize("choice", ["armss", "chapters/09-missing.md", "../outside.md", ""])
def test_an_unknown_chapter_is_a_clear_error(root: Path, choice: str) -> None:
    with pytest.raises(ImprintError) as error:
        chosen(root, choice)
    message = str(error.value)
    assert f"no chapter '{choice}' in publication.yaml" in message
    assert "executive-summary, introduction, arms" in message


def test_a_near_miss_suggests_the_slug(root: Path) -> None:
    with pytest.raises(ImprintError, match="did you mean 'arms'"):
        chosen(root, "armss")
