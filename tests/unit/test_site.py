"""The site package alone: the report's reference (CSL-JSON, BibTeX, RIS), discovery metadata,
EPUB XHTML to web HTML, the atomic folder, `imprint serve`'s path checks; and `imprint site` on
a small manuscript with math, a table and no funder."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import build

from imprint.book.config import load_config
from imprint.book.model import Metadata
from imprint.editions.site import cite, discovery
from imprint.editions.site.downloads import Download, editions, size_text
from imprint.editions.site.edition import body_html
from imprint.editions.site.folder import atomic_folder
from imprint.editions.site.serve import bind, site_file


@pytest.fixture
def meta(tmp_path: Path) -> Metadata:
    return load_config(write_manuscript(tmp_path / "m"))


def test_the_reference_in_three_formats(meta: Metadata) -> None:
    item = cite.csl_item(meta, "https://example.org/tiny/")
    assert item["type"] == "report" and item["id"] == "tiny-report"
    assert item["author"] == [{"family": "Author", "given": "Ada"}]
    assert item["issued"] == {"date-parts": [[2026, 1, 15]]}
    assert item["title"] == "A Tiny Report: For Testing"
    bib = cite.bibtex(replace(meta, publisher="R&D Press"))
    assert bib.startswith("@techreport{tiny-report,\n")
    assert "author = {{Author}, Ada}" in bib and "institution = {R\\&D Press}" in bib
    assert "title = {{A Tiny Report: For Testing}}" in bib and bib.count("{") == bib.count("}")
    ris = cite.ris(meta)
    assert ris.startswith("TY  - RPRT\r\n") and ris.endswith("ER  - \r\n")
    assert "AU  - Author, Ada\r\n" in ris and "DA  - 2026/01/15\r\n" in ris
    assert "KW  - testing\r\n" in ris


def downloads(tmp_path: Path, *built: str) -> tuple[Download, ...]:
    for name in built:
        (tmp_path / name).write_bytes(b"x" * 1_234_567)
    return editions(tmp_path, "tiny-report")


def test_highwire_tags(meta: Metadata, tmp_path: Path) -> None:
    tags = [(t.key, t.content) for t in discovery.highwire(meta, downloads(tmp_path), "")]
    assert ("citation_title", "A Tiny Report") in tags
    assert ("citation_author", "Ada Author") in tags
    assert tags.index(("citation_author", "Ada Author")) + 1 == tags.index(
        ("citation_author_institution", "Test Institute"))
    assert ("citation_publication_date", "2026/01/15") in tags
    assert not [k for k, _ in tags if k == "citation_pdf_url"]  # no PDF built: none promised
    built = downloads(tmp_path, "tiny-report.pdf")
    tags = [(t.key, t.content) for t in discovery.highwire(meta, built, "https://x.org/r/")]
    assert ("citation_pdf_url", "https://x.org/r/downloads/tiny-report.pdf") in tags
    assert size_text(built[0].size) == "1.2 MB" and size_text(830_000) == "830 KB"


def test_json_ld_cannot_close_its_script(meta: Metadata, tmp_path: Path) -> None:
    text = discovery.json_ld(replace(meta, title="A </script><b>Report"), downloads(tmp_path), "")
    assert "</" not in text and "<" not in text
    data = json.loads(text)
    assert data["@type"] == "Report" and data["name"] == "A </script><b>Report"
    assert "encoding" not in data  # nothing built


def test_epub_xhtml_becomes_web_html() -> None:
    xhtml = b"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body
 epub:type="bodymatter"><section id="chapter-a"><p>One <span lang="ru" xml:lang="ru">
<span epub:type="pagebreak" role="doc-pagebreak" id="page-4" lang="en" xml:lang="en"
 aria-label="4"></span>word</span><a href="notes.xhtml#note-1" epub:type="noteref">1</a>
<a href="https://example.org/x.xhtml">web</a><math xmlns="http://www.w3.org/1998/Math/MathML">
<mi>x</mi><mspace width="1em"/></math></p></section></body></html>"""
    html = body_html(xhtml)
    assert "xmlns" not in html and "epub:" not in html and "xml:lang" not in html
    assert '<a href="notes.html#note-1">1</a>' in html
    assert 'href="https://example.org/x.xhtml"' in html
    assert '<mi>x</mi><mspace width="1em"></mspace></math>' in html  # no <mspace/> in HTML
    tree = lxml.html.fromstring(html)
    assert tree.xpath("string(//p)").split() == ["One", "word1", "web", "x"]
    marker = tree.xpath("//span[@id='page-4']")[0]
    assert dict(marker.attrib) == {"id": "page-4", "lang": "en", "class": "pagebreak",
                                   "data-page": "4"}  # ARIA gives doc-pagebreak to <hr> only


def test_a_failed_build_leaves_the_old_folder(tmp_path: Path) -> None:
    target = tmp_path / "site"
    with atomic_folder(target) as folder:
        (folder / "index.html").write_text("one")
    with pytest.raises(RuntimeError), atomic_folder(target) as folder:
        (folder / "index.html").write_text("two")
        raise RuntimeError("audit failed")
    assert (target / "index.html").read_text() == "one"
    with atomic_folder(target) as folder:
        (folder / "other.html").write_text("three")
    assert sorted(p.name for p in target.iterdir()) == ["other.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_serve_sends_only_files_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    (folder / "read").mkdir(parents=True)
    (folder / "index.html").write_text("home")
    (folder / "read" / "a.html").write_text("a")
    (tmp_path / "secret.txt").write_text("no")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert site_file(folder, "/") == (folder / "index.html").resolve()
    assert site_file(folder, "/read/a.html?x=1#y") == (folder / "read" / "a.html").resolve()
    for bad in ("/../secret.txt", "/%2e%2e/secret.txt", "/read/../../secret.txt", "/link.txt",
                "/read", "//etc/passwd", "/%ff", "/read%5c..%5csecret.txt", "index.html"):
        assert site_file(folder, bad) is None, bad


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("<p>home</p>")
    server = bind(0, folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_server_answers_on_localhost_only(served: str) -> None:
    assert served.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(served) as answer:
        assert answer.read() == b"<p>home</p>"
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "script-src 'none'" in answer.headers["Content-Security-Policy"]
    for path, host, status in (("%2e%2e/x", None, 404), ("", "evil.example", 403)):
        request = urllib.request.Request(served + path)
        if host:
            request.add_header("Host", host)
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request)
        assert error.value.code == status


SMALL = "".join(line for line in MINIMAL_CONFIG.splitlines(keepends=True)
                if not line.startswith(("funding:", "  statement:", "  disclaimer:")))
MATH = """\
# Measures {#sec:measures}

The ratio is $x^2 + y$ here.[^m-1]

| Year | Count |
|------|------:|
| 2020 | 4     |

: Counts by year {#tbl:counts}

[^m-1]: A note on the ratio.
"""


def test_site_of_a_book_without_a_funder(tmp_path: Path) -> None:
    chapters = {"01-intro.md": MATH, "02-second.md": "# Second\n\nText.\n"}
    manuscript = write_manuscript(tmp_path / "m", SMALL, chapters)
    assert "funding" not in SMALL and "chapters/02-second.md" in SMALL
    out = tmp_path / "build"
    assert build("site", manuscript, out) == 0
    folder = out / "tiny-report/site"
    landing = (folder / "index.html").read_text()
    assert "funding" not in landing.lower()  # no funder: no block, no heading
    assert landing.count("not built yet") == 3 and "citation_pdf_url" not in landing
    assert "Author, Ada. <em>A Tiny Report: For Testing</em>. Test Press, 2026." in landing
    page = lxml.html.parse(folder / "read" / "chapter-intro.html")
    assert page.xpath("//main//math//*[local-name()='msup']")
    assert page.xpath("//main//table//td/text()") == ["2020", "4"]
    assert page.xpath("//a[@id='noteref-1']/@href") == ["notes.html#note-1"]
    assert page.xpath("//link[@rel='next']/@href") == ["chapter-second.html"]
    notes = lxml.html.parse(folder / "read" / "notes.html")
    assert notes.xpath("//li[@id='note-1']/a/@href") == ["chapter-intro.html#noteref-1"]
    assert "A note on the ratio." in notes.xpath("string(//li[@id='note-1'])")
    assert not (folder / "downloads").exists()
