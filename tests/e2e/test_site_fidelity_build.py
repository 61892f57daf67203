"""The site is audited as the PDF and EPUB are: its HTML edition's pages hold the model's words
in order and no unrendered syntax, and the landing page the title, abstract and funder's words.
A site that fails is a located error, and no folder is written (nor an old one replaced)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import INTRO, MINIMAL_CONFIG, SECOND, STYLES, TWO_BOOKS, write_manuscript

from imprint.book.model import ImprintError, Publication
from imprint.checks import fidelity_site
from imprint.checks.fidelity_site import audit_site
from imprint.editions.pages import PrintLayout
from imprint.editions.pdf.print_layout import print_layout
from imprint.editions.site import write
from imprint.editions.site.write import SiteInput, write_site
from imprint.pipeline import build_publication

CITING = INTRO.replace("It refers to @sec:second.",
                       "It refers to @sec:second and cites [@lo2008axis, 4].").replace(
    "## Background\n", "## Background\n\nThe background is told in plain words here.\n")
CONFIG_TEXT = MINIMAL_CONFIG + "bibliography: [refs.bib]\n"
CONFIG_LINES = CONFIG_TEXT.splitlines()


@dataclass(frozen=True)
class Tiny:
    pub: Publication
    layout: PrintLayout
    folder: Path  # where the tests write sites


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Tiny:
    base = tmp_path_factory.mktemp("site-fidelity")
    root = write_manuscript(base / "m", CONFIG_TEXT, {"01-intro.md": CITING,
                                                      "02-second.md": SECOND})
    (root / "refs.bib").write_text(TWO_BOOKS, encoding="utf-8")
    pub = build_publication(root, base / "cache")
    return Tiny(pub, print_layout(pub, STYLES, base / "cache"), base)


def site(tiny: Tiny, styles: Path, target: Path) -> None:
    write_site(tiny.pub, styles, target, tiny.layout, SiteInput((), ""),
               verify=lambda folder: audit_site(tiny.pub, folder))


def broken_styles(tmp_path: Path, template: str, old: str, new: str) -> Path:
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    path = styles / "templates" / "site" / template
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return styles


def failure(tiny: Tiny, styles: Path, target: Path) -> list[str]:
    with pytest.raises(ImprintError) as error:
        site(tiny, styles, target)
    assert not target.exists()
    assert not list(target.parent.glob(f".{target.name}.*"))  # no temporary folder left
    return [str(d) for d in error.value.diagnostics]


def line_of(text: str, lines: list[str]) -> int:
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_a_faithful_site_passes_and_is_written(tiny: Tiny, tmp_path: Path) -> None:
    target = tmp_path / "site"
    site(tiny, STYLES, target)
    assert fidelity_site.READ == write.READ  # the audit reads the folder the site writes
    pages = {p.name for p in (target / "read").glob("*.html")}
    assert {"chapter-intro.html", "chapter-second.html", "notes.html",
            "bibliography.html", "copyright.html"} <= pages


def test_a_landing_page_without_the_disclaimer_fails(tiny: Tiny, tmp_path: Path) -> None:
    styles = broken_styles(tmp_path, "landing.html.j2",
                           '<p class="funding-disclaimer">{{ meta.funding.disclaimer }}</p>', "")
    found = failure(tiny, styles, tmp_path / "site")
    line = line_of("disclaimer:", CONFIG_LINES)
    assert found == [f"publication.yaml:{line}: the site's landing page lacks the disclaimer "
                     "'The views expressed here do not necessarily represent those …'"]


def test_a_chapter_page_missing_a_paragraph_fails(tiny: Tiny, tmp_path: Path) -> None:
    styles = broken_styles(tmp_path, "page.html.j2", "{{ page.body | safe }}",
                           '{{ page.body | replace("More text in a second paragraph.", "")'
                           " | safe }}")
    found = failure(tiny, styles, tmp_path / "site")
    # Located, as every audit's finding in running text, by the words just before it.
    line = line_of("The background is told", CITING.splitlines())
    assert found == [
        f"chapters/01-intro.md:{line}: the HTML edition text of chapter 'Introduction' differs "
        "from the manuscript: expected '…is told in plain words here. More text in a…', "
        "the HTML edition prints '…is told in plain words here.'"]


def test_a_raw_citation_in_a_page_fails_at_its_line(tiny: Tiny, tmp_path: Path) -> None:
    styles = broken_styles(
        tmp_path, "page.html.j2", "{{ page.body | safe }}",
        '{{ page.body | replace("More text in", "More text [@lukin2018rapprochement] in")'
        " | safe }}")
    found = failure(tiny, styles, tmp_path / "site")
    line = line_of("More text in", CITING.splitlines())
    assert found[0] == (
        f"chapters/01-intro.md:{line}: the HTML edition prints unrendered citation syntax "
        "'[@lukin2018rapprochement]': '…plain words here. More text [@lukin2018rapprochement]…'")


def test_a_failed_audit_keeps_the_site_already_there(tiny: Tiny, tmp_path: Path) -> None:
    target = tmp_path / "site"
    site(tiny, STYLES, target)
    before = {p: p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()}
    styles = broken_styles(tmp_path, "page.html.j2", "{{ page.body | safe }}",
                           '{{ page.body | replace("Second note.", "") | safe }}')
    with pytest.raises(ImprintError, match=re.escape("lacks the note 3 '3. Second note.'")):
        site(tiny, styles, target)
    assert {p: p.read_bytes() for p in sorted(target.rglob("*")) if p.is_file()} == before


def test_a_stylesheet_adding_text_fails_but_page_numbers_pass(tiny: Tiny, tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    css = styles / "site.css"
    text = css.read_text(encoding="utf-8")
    assert "content: attr(data-page)" in text  # the print page numbers: allowed
    css.write_text(text + "main p::after { content: \",\"; }\n", encoding="utf-8")
    found = failure(tiny, styles, tmp_path / "site")
    assert found == [f"site.css:{text.count(chr(10)) + 1}: the site's stylesheet adds text the "
                     "manuscript does not have: main p::after { content: \",\" }"]
