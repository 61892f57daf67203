"""Every `imprint pdf` and `imprint epub` reads its edition back and fails, writing nothing,
when the words differ from the manuscript's. Each check is shown catching an edition broken
on purpose (a stylesheet or template in a copy of styles/), and the sample passes in both note
modes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import ONE_CHAPTER_CONFIG, STYLES, write_manuscript
from tests.helpers import build

CHAPTER = """\
# Calls {#sec:calls}

The relationship is close.[^a] Words come between the calls.[^b] And more words follow.

Code may show `[@smith2020]`, `{#sec:x}` and `:::` as an author wrote them, and a claim is
cited [@smith2020].

[^a]: First note.

[^b]: Second note.
"""

BIB = """\
@book{smith2020,
  author = {Smith, John},
  title = {A Book About Things},
  publisher = {Test Press},
  date = {2020}
}
"""

CONFIG = ONE_CHAPTER_CONFIG
DISCLAIMER_LINE = CONFIG.splitlines().index(next(
    line for line in CONFIG.splitlines() if "disclaimer:" in line)) + 1


def styles_with(tmp_path: Path, *, css: str = "", edit: Callable[[Path], None] | None = None,
                sheet: str = "print.css") -> Path:
    """A copy of the house style with `css` appended to `sheet` and `edit` applied."""
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    with (styles / sheet).open("a", encoding="utf-8") as handle:
        handle.write("\n" + css + "\n")
    if edit is not None:
        edit(styles / "templates")
    return styles


def replace_in(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(templates: Path) -> None:
        path = templates / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


def run(kind: str, root: Path, out: Path, capsys: pytest.CaptureFixture[str],
        *extra: str, options: tuple[str, ...] = ()) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = build(kind, root, out, *extra, command_options=options)
    return code, capsys.readouterr().err.splitlines()


def written(out: Path) -> list[str]:
    """Editions (and temporary parts) in the build folder; the caches do not count."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*")
                  if p.is_file() and ".cache" not in p.relative_to(out).parts)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    root = write_manuscript(tmp_path / "m", CONFIG + "bibliography: [refs.bib]\n",
                            {"01-intro.md": CHAPTER})
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    return root


@pytest.mark.parametrize("notes", ["endnotes", "footnotes"])
def test_sample_builds_clean_in_both_note_modes(sample_copy: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                notes: str) -> None:
    config = sample_copy / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "notes: endnotes", f"notes: {notes}"), encoding="utf-8")
    for kind in ("pdf", "epub"):
        code, err = run(kind, sample_copy, tmp_path / "out", capsys)
        # The typographic audit's loose lines are reported, not failed (5 in footnote mode,
        # 2.0-2.7x, where a note's page break sets the paragraph; tests/e2e/test_typography_*).
        err = [line for line in err if "loose line" not in line or notes == "endnotes"]
        assert (code, err) == (0, []), "\n".join(err)


def test_syntax_an_author_writes_in_code_builds(tiny: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("pdf", "epub"):
        assert run(kind, tiny, tmp_path / "out", capsys) == (0, [])


def test_invisible_format_characters_are_no_difference(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """A right-to-left mark, a zero-width space, a soft hyphen or a bidi isolate prints no
    glyph, and the PDF's text may keep it or not: the audit must not refuse the book."""
    text = ("# T\n\nA right\u200f-to-left mark, a zero\u200bwidth space, a soft\u00adhyphen "
            "and a word\u2066isolate\u2069 here.\n")
    root = write_manuscript(tmp_path / "m", CONFIG, {"01-intro.md": text})
    for kind in ("pdf", "epub"):
        assert run(kind, root, tmp_path / "out", capsys) == (0, [])


@pytest.mark.parametrize(("css", "printed"), [
    ('a.noteref + a.noteref::before { content: ","; }', "Words come between the calls.,2"),
    ('h1 + p::after { content: "x"; }', "And more words follow.x"),
], ids=["noteref-comma", "paragraph-suffix"])
def test_a_character_a_stylesheet_adds_fails_the_pdf(tiny: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     css: str, printed: str) -> None:
    styles = styles_with(tmp_path, css=css)
    code, err = run("pdf", tiny, tmp_path / "out", capsys, "--styles", str(styles))
    assert code == 1
    assert err[0].startswith("chapters/01-intro.md:3: the PDF text of chapter 'Calls' differs "
                             "from the manuscript: expected '")
    assert printed in err[0]
    assert written(tmp_path / "out") == []


def test_a_comma_between_footnote_calls_fails_in_footnote_mode(
        tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tiny / "publication.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "notes: footnotes\n", "utf-8")
    styles = styles_with(tmp_path, css=".footnote-group + .footnote-group > "
                         '.footnote::footnote-call { content: "," counter(footnote); }')
    code, err = run("pdf", tiny, tmp_path / "out", capsys, "--styles", str(styles))
    assert code == 1
    assert err[0].startswith("chapters/01-intro.md:3: the PDF text of chapter 'Calls' differs")
    assert "the calls.,2" in err[0]
    assert written(tmp_path / "out") == []


def test_the_press_edition_is_audited_too(tiny: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    styles = styles_with(tmp_path, css='h1::before { content: "§"; }')
    code, err = run("pdf", tiny, tmp_path / "out", capsys, "--styles", str(styles),
                    options=("--press",))
    assert code == 1
    assert err[0].startswith("chapters/01-intro.md:1: the PDF text of chapter 'Calls' differs")
    assert written(tmp_path / "out") == []


@pytest.mark.parametrize("kind", ["pdf", "epub"])
def test_a_template_that_drops_the_disclaimer_fails(tiny: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    kind: str) -> None:
    styles = styles_with(tmp_path, edit=replace_in(
        "partials/copyright.html.j2",
        '<p class="funding-disclaimer">{{ meta.funding.disclaimer }}</p>', ""))
    code, err = run(kind, tiny, tmp_path / "out", capsys, "--styles", str(styles))
    assert (code, err) == (1, [f"publication.yaml:{DISCLAIMER_LINE}: the {kind.upper()} lacks "
                               "the disclaimer 'The views expressed here do not necessarily "
                               "represent those …'"])
    assert not list((tmp_path / "out").glob(f"*.{kind}"))


@pytest.mark.parametrize("kind", ["pdf", "epub"])
def test_a_template_that_prints_a_raw_citation_fails(tiny: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     kind: str) -> None:
    styles = styles_with(tmp_path, edit=replace_in(
        "partials/bibliography.html.j2", "{{ entry.html | safe }}",
        "[@{{ entry.key }}] {{ entry.html | safe }}"))
    code, err = run(kind, tiny, tmp_path / "out", capsys, "--styles", str(styles))
    assert code == 1
    assert err[0] == (f"refs.bib:1: the {kind.upper()} prints unrendered citation syntax "
                      "'[@smith2020]': 'Bibliography [@smith2020] Smith,…'")
    assert not list((tmp_path / "out").glob(f"*.{kind}"))


def test_an_epub_stylesheet_that_adds_text_fails_the_epub(tiny: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    styles = styles_with(tmp_path, css='a.noteref + a.noteref::before { content: ","; }',
                         sheet="epub.css")
    code, err = run("epub", tiny, tmp_path / "out", capsys, "--styles", str(styles))
    assert code == 1
    assert err[-1].endswith("the EPUB's stylesheet adds text the manuscript does not have: "
                            'a.noteref + a.noteref::before { content: "," }')
    assert written(tmp_path / "out") == []

