"""`imprint site` on the sample, read in Debian's Chromium through `imprint serve`: the landing
page and every page of the HTML edition load with no console error, each download link gives
the built file, the Highwire tags say what publication.yaml says, axe-core finds nothing, the
HTML edition's text is the model's (the EPUB's fidelity audit, run on the web pages) and its
print page numbers are the EPUB's page list."""

from __future__ import annotations

import hashlib
import re
import select
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from playwright.sync_api import Browser, Page
from tests.conftest import REPO, SAMPLE
from tests.helpers import build
from tests.preview_support import chromium, stop_preview

from imprint.book.config import load_config
from imprint.book.model import Publication
from imprint.checks.fidelity import audit
from imprint.checks.fidelity_model import expected_sections, model_text, pieces
from imprint.checks.fidelity_site import site_sections
from imprint.pipeline import build_publication

AXE = REPO / ".venv" / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
SLUG = load_config(SAMPLE).slug


@pytest.fixture(scope="module")
def manuscript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy: the site is compared with its own sources, built twice."""
    copy = tmp_path_factory.mktemp("manuscript") / "manuscript"
    shutil.copytree(SAMPLE, copy)
    return copy


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory, manuscript: Path) -> Path:
    out = tmp_path_factory.mktemp("site")
    for options in ((), ("--press",)):
        assert build("pdf", manuscript, out, command_options=options) == 0
    assert build("epub", manuscript, out) == 0
    assert build("site", manuscript, out) == 0
    return out


@pytest.fixture(scope="module")
def folder(out: Path) -> Path:
    return out / f"{SLUG}/site"


@pytest.fixture(scope="module")
def origin(out: Path, manuscript: Path) -> Iterator[str]:
    """`imprint serve` as a user starts it; stopped with Ctrl-C."""
    command = [sys.executable, "-m", "imprint.cli", "--quiet", "--manuscript", str(manuscript),
               "--build", str(out), "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline().strip() if ready and process.stdout else ""
    try:
        assert line.startswith("http://127.0.0.1:"), line
        yield line.rstrip("/")
    finally:
        assert stop_preview(process) == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as running:
        yield running


def edition_pages(folder: Path) -> list[str]:
    """The HTML edition in reading order: from the title page along the `rel=next` links."""
    names, name = [], "titlepage.html"
    while name:
        names.append(name)
        found = lxml.html.parse(folder / "read" / name).xpath("//link[@rel='next']/@href")
        name = found[0] if found else ""
    return names


def open_clean(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}")
            if r.status >= 400 else None)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    return page, problems


def test_every_page_loads_without_console_errors(browser: Browser, origin: str,
                                                 folder: Path) -> None:
    names = edition_pages(folder)
    assert sorted(names) == sorted(p.name for p in (folder / "read").glob("*.html"))
    for path in ["/", *(f"/read/{name}" for name in names)]:
        page, problems = open_clean(browser, origin + path)
        page.wait_for_load_state("load")
        images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        assert all(width > 0 for width in images), path
        page.close()
        assert problems == [], path


def test_download_links_give_the_built_files(browser: Browser, origin: str, out: Path) -> None:
    page, problems = open_clean(browser, origin + "/")
    links = page.eval_on_selector_all(".downloads a", "els => els.map(e => e.href)")
    facts = page.eval_on_selector_all(".downloads .file-facts",
                                      "els => els.map(e => e.textContent)")
    wanted = [f"{SLUG}.pdf", f"{SLUG}-press.pdf", f"{SLUG}.epub"]
    assert [link.rsplit("/", 1)[1] for link in links] == wanted
    for link, fact, name in zip(links, facts, wanted, strict=True):
        response = page.request.get(link)
        assert response.ok and response.body() == (out / SLUG / name).read_bytes(), link
        megabytes = (out / SLUG / name).stat().st_size / 1e6
        assert re.fullmatch(r"\((PDF|EPUB 3), [\d.]+ (MB|KB)\)", fact), fact
        assert f"{megabytes:.1f} MB" in fact or "KB" in fact
    for link in page.eval_on_selector_all(".cite-files a", "els => els.map(e => e.href)"):
        assert page.request.get(link).ok, link
    page.close()
    assert problems == []


def test_highwire_tags_say_what_the_metadata_says(browser: Browser, origin: str,
                                                  pub: Publication) -> None:
    meta = pub.meta
    page, _ = open_clean(browser, origin + "/")
    tags = page.eval_on_selector_all("meta[name^='citation_']",
                                     "els => els.map(e => [e.name, e.content])")
    by_name: dict[str, list[str]] = {}
    for name, content in tags:
        by_name.setdefault(name, []).append(content)
    assert by_name["citation_title"] == [meta.title]
    assert by_name["citation_author"] == [a.name for a in meta.authors]
    assert by_name["citation_publication_date"] == [meta.date.replace("-", "/")]
    assert by_name["citation_publisher"] == [meta.publisher]
    assert by_name["citation_language"] == [meta.language]
    assert by_name["citation_keywords"] == ["; ".join(meta.keywords)]
    pdf_url = by_name["citation_pdf_url"][0]
    assert page.request.get(f"{origin}/{pdf_url}").headers["content-type"] == "application/pdf"
    dc = page.eval_on_selector_all("meta[name='DC.title']", "els => els.map(e => e.content)")
    og = page.eval_on_selector("meta[property='og:title']", "e => e.content")
    report = page.eval_on_selector("script[type='application/ld+json']",
                                   "e => JSON.parse(e.textContent)")
    assert dc == [meta.title] and og == meta.title
    assert report["@type"] == "Report" and report["name"] == meta.title
    assert [a["name"] for a in report["author"]] == [a.name for a in meta.authors]
    assert page.locator(".funding-disclaimer").inner_text() == meta.funding.disclaimer
    page.close()


def test_axe_core_finds_no_violations(browser: Browser, origin: str, folder: Path) -> None:
    # The site's policy forbids scripts; the test's own (axe) is let in by the context alone.
    context = browser.new_context(bypass_csp=True)
    for path in ["/", *(f"/read/{name}" for name in edition_pages(folder))]:
        page = context.new_page()
        page.goto(origin + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document)")
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in result["violations"]]
        assert violations == [], path
        assert len(result["passes"]) > 10  # it ran
        page.close()
    context.close()


@pytest.fixture(scope="module")
def pub(out: Path, manuscript: Path) -> Publication:
    return build_publication(manuscript, out / ".cache")


def test_the_html_edition_prints_the_models_text(folder: Path, pub: Publication) -> None:
    model = model_text(pub)
    keys = {*expected_sections(pub, model, footnotes=False),
            *pieces(pub, model, footnotes=False), "contents"}
    assert audit(pub, site_sections(folder, keys), footnotes=False, model=model) == []
    notes = lxml.html.parse(folder / "read" / "notes.html")
    for chapter in pub.chapters:
        page = lxml.html.parse(folder / "read" / f"chapter-{chapter.slug}.html")
        assert {h.id for h in chapter.headings} <= set(page.xpath("//@id"))
        for note in chapter.notes:
            call = page.xpath(f"//a[@id='noteref-{note.number}']/@href")
            assert call == [f"notes.html#note-{note.number}"]
            back = notes.xpath(f"//li[@id='note-{note.number}']/a[@role='doc-backlink']/@href")
            assert back == [f"chapter-{chapter.slug}.html#noteref-{note.number}"]


def test_print_page_numbers_are_the_epubs_page_list(folder: Path, out: Path) -> None:
    with zipfile.ZipFile(out / f"{SLUG}/{SLUG}.epub") as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml", "e": "http://www.idpf.org/2007/ops"}
    listed = nav.xpath("//x:nav[@e:type='page-list']//x:a/@href", namespaces=ns)
    marked = [f"{name.replace('.html', '.xhtml')}#{ident}" for name in edition_pages(folder)
              for ident in lxml.html.parse(folder / "read" / name).xpath(
                  "//main//span[@class='pagebreak']/@id")]
    # The cover's page (i) is an image in the EPUB; the web edition starts at the title page.
    assert listed[0] == "cover.xhtml#page-i" and marked == listed[1:]


def test_a_second_build_is_byte_identical(folder: Path, out: Path, manuscript: Path) -> None:
    def digests() -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}

    before = digests()
    assert build("site", manuscript, out) == 0
    assert digests() == before
    assert not [p for p in (out / SLUG).iterdir() if p.name.startswith(".site")]
