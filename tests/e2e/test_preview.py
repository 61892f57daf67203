"""The chapter preview in a real browser (Debian's Chromium through Playwright).

One server on a copy of the sample manuscript serves the whole module; each test leaves the
files as it found them. The server is stopped with Ctrl-C at the end and must exit cleanly.
"""

from __future__ import annotations

import http.client
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from tests.conftest import SAMPLE, STYLES
from tests.preview_support import Preview, launch_chromium, running_preview, stop_preview

from imprint.book.model import Chapter, Publication
from imprint.pipeline import build_publication

CHAPTER_FILE = "chapters/03-arms.md"
# A ceiling, not an expectation (a save normally shows in ~0.1 s): every wait ends on its
# event, and a loaded machine must not fail a test that would pass on an idle one. Playwright's
# own defaults (5 s for `expect`, 30 s for the page) are raised to it in the `page` fixture.
RELOAD_TIMEOUT = 60_000  # ms
HTTP_TIMEOUT = 60  # seconds


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("preview")
    manuscript = root / "manuscript"
    shutil.copytree(SAMPLE, manuscript)
    styles = root / "styles"  # a copy, so a test can plant a symbolic link in it
    shutil.copytree(STYLES, styles)
    (styles / "leak.css").symlink_to("/etc/passwd")
    (manuscript / "figures" / "leak.svg").symlink_to("/etc/passwd")
    return {"manuscript": manuscript, "styles": styles, "build": root / "build"}


@pytest.fixture(scope="module")
def preview(project: dict[str, Path]) -> Iterator[Preview]:
    with running_preview(project["manuscript"], project["build"], "2",  # Chapter 2
                         "--styles", str(project["styles"])) as server:
        yield server
        # Ctrl-C must stop the server and its watcher at once, with a clean exit.
        assert stop_preview(server.process) == 0, server.log.read_text()


@pytest.fixture(scope="module")
def book(project: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Publication:
    """The full book, built independently of the server, as `make pdf` would build it."""
    return build_publication(project["manuscript"], tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def page(preview: Preview) -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.set_default_timeout(RELOAD_TIMEOUT)
            page.set_default_navigation_timeout(RELOAD_TIMEOUT)
            expect.set_options(timeout=RELOAD_TIMEOUT)
            yield page
        finally:
            browser.close()


@pytest.fixture
def chapter_file(project: dict[str, Path]) -> Iterator[Path]:
    """The previewed chapter; restored after each test."""
    path = project["manuscript"] / CHAPTER_FILE
    original = path.read_text(encoding="utf-8")
    yield path
    path.write_text(original, encoding="utf-8")


def chapter_of(book: Publication, slug: str) -> Chapter:
    return next(c for c in book.chapters if c.slug == slug)


def labels(html: str) -> list[str]:
    return re.findall(r'<span class="caption-label">([^<]+)</span>', html)


def open_chapter(page: Page, preview: Preview) -> None:
    page.goto(preview.url)
    expect(page.locator("h1").first).to_have_text("Arms Sales and Technology Transfer")


def assert_numbers_are_the_book_s(page: Page, chapter: Chapter) -> None:
    numbers = [n.number for n in chapter.notes]
    notes = page.locator("ol.notes-list > li")
    assert [i.removeprefix("note-") for i in notes.evaluate_all("l => l.map(e => e.id)")] == \
        [str(n) for n in numbers]
    calls = page.locator("main a.noteref").all_inner_texts()
    assert sorted(map(int, calls)) == numbers
    assert page.locator("main .caption-label").all_inner_texts() == \
        [label.strip() for label in labels(chapter.html)]


def test_the_chapter_has_the_full_book_s_numbers(page: Page, preview: Preview,
                                                  book: Publication) -> None:
    open_chapter(page, preview)
    arms = chapter_of(book, "arms")
    assert arms.notes[0].number > 1  # earlier chapters' notes come first
    assert_numbers_are_the_book_s(page, arms)
    first_note = page.locator(f"#note-{arms.notes[0].number}")
    expect(first_note).to_contain_text("Federal Service for Military-Technical Cooperation")
    page.wait_for_function("() => document.querySelector('main figure img').naturalWidth > 0")


def test_a_save_shows_in_place_and_keeps_the_scroll_position(
        page: Page, preview: Preview, chapter_file: Path) -> None:
    open_chapter(page, preview)
    page.evaluate("window.scrollTo(0, 2400); window.notReloaded = true")
    before = page.evaluate("window.scrollY")
    text = chapter_file.read_text(encoding="utf-8")
    chapter_file.write_text(text.replace("The first major sale", "Edited-by-the-test. The "
                                         "first major sale"), encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Edited-by-the-test.", timeout=RELOAD_TIMEOUT)
    assert page.evaluate("window.notReloaded") is True  # swapped in place, not reloaded
    assert abs(page.evaluate("window.scrollY") - before) <= 2


def test_a_bad_citation_shows_an_overlay_until_fixed(page: Page, preview: Preview,
                                                      chapter_file: Path) -> None:
    open_chapter(page, preview)
    lines = chapter_file.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, row in enumerate(lines) if row.startswith("The first major sale"))
    original = lines[line]
    lines[line] = original.rstrip("\n") + " Broken [@nosuchkey2020].\n"
    chapter_file.write_text("".join(lines), encoding="utf-8")
    overlay = page.locator(".preview-overlay")
    expect(overlay).to_contain_text(
        f"{CHAPTER_FILE}:{line + 1}: unknown citation key 'nosuchkey2020'",
        timeout=RELOAD_TIMEOUT)
    lines[line] = original.rstrip("\n") + " Fixed-by-the-test.\n"
    chapter_file.write_text("".join(lines), encoding="utf-8")
    expect(page.locator("main")).to_contain_text("Fixed-by-the-test.", timeout=RELOAD_TIMEOUT)
    expect(overlay).to_have_count(0)


def test_bad_yaml_shows_an_overlay_with_its_line(page: Page, preview: Preview,
                                                  project: dict[str, Path]) -> None:
    open_chapter(page, preview)
    config = project["manuscript"] / "publication.yaml"
    original = config.read_text(encoding="utf-8")
    try:
        config.write_text(original.replace("\nlanguage: en-US", "\nlanguage en-US"), "utf-8")
        line = next(i for i, row in enumerate(config.read_text().splitlines(), 1)
                    if row == "language en-US")
        overlay = page.locator(".preview-overlay")
        expect(overlay).to_contain_text("invalid YAML", timeout=RELOAD_TIMEOUT)
        where = re.search(r"publication\.yaml:(\d+): invalid YAML", overlay.inner_text())
        assert where and abs(int(where.group(1)) - line) <= 1
        expect(page.locator("main h1").first).to_be_visible()  # the last good page stays
    finally:
        config.write_text(original, encoding="utf-8")
    expect(page.locator(".preview-overlay")).to_have_count(0, timeout=RELOAD_TIMEOUT)


def test_a_cross_reference_opens_the_other_chapter_s_preview(page: Page, preview: Preview,
                                                             book: Publication) -> None:
    open_chapter(page, preview)
    page.locator('main a.xref[href^="/chapters/ukraine"]').first.click()
    page.wait_for_url(re.compile(r"/chapters/ukraine#sec-ukraine$"))
    ukraine = chapter_of(book, "ukraine")
    expect(page.locator("main h1").first).to_have_text(ukraine.title)
    assert_numbers_are_the_book_s(page, ukraine)


def raw_get(preview: Preview, path: str, host: str = "127.0.0.1") -> int:
    """Send `path` byte for byte: a browser or URL library would normalise `..` away."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=HTTP_TIMEOUT)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", f"{host}:{preview.port}")
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/_assets/../publication.yaml",
    "/_assets/%2e%2e/%2e%2e/etc/passwd", "/_assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/_assets//etc/passwd", "/_assets/figures/leak.svg", "/_assets/chapters/03-arms.md",
    "/_assets/publication.yaml", "/_styles/../pyproject.toml", "/_styles/leak.css",
    "/_styles/templates/preview/page.html.j2", "//etc/passwd", "/_styles/%2e%2e/%2e%2e/etc/passwd",
    "/chapters/..%2f..%2fetc%2fpasswd", "/_assets/figures/arms-milestones.svg%00.png",
])
def test_paths_outside_the_preview_are_404(preview: Preview, path: str) -> None:
    assert raw_get(preview, path) == 404


def test_the_preview_s_own_files_are_served(preview: Preview) -> None:
    assert raw_get(preview, "/_styles/preview.css") == 200
    assert raw_get(preview, "/_assets/figures/arms-milestones.svg") == 200
    assert raw_get(preview, "/chapters/arms") == 200
    assert raw_get(preview, "/chapters/no-such-chapter") == 404


def test_another_host_name_is_refused(preview: Preview) -> None:
    """A web page that rebinds its own name to 127.0.0.1 still cannot read the preview."""
    assert raw_get(preview, "/chapters/arms", host="attacker.example") == 403
    assert raw_get(preview, "/chapters/arms", host="localhost") == 200


def test_a_stylesheet_change_applies_without_a_rebuild(page: Page, preview: Preview,
                                                        project: dict[str, Path]) -> None:
    open_chapter(page, preview)
    page.evaluate("window.notReloaded = true")
    sheet = project["styles"] / "preview.css"
    original = sheet.read_text(encoding="utf-8")
    try:
        sheet.write_text(original + "\nmain { outline: 3px solid rgb(1, 2, 3); }\n", "utf-8")
        page.wait_for_function("() => getComputedStyle(document.querySelector('main'))"
                               ".outlineColor === 'rgb(1, 2, 3)'", timeout=RELOAD_TIMEOUT)
        assert page.evaluate("window.notReloaded") is True
        assert page.locator("link[data-preview-stylesheet]").count() == 1  # the old one went
    finally:
        sheet.write_text(original, encoding="utf-8")
