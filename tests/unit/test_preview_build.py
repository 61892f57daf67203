"""The preview's build side: the parse cache, the shared state, the page and what a change
means; all without a server or a browser."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from tests.conftest import STYLES

from imprint.markdown.cache import ParseCache
from imprint.pipeline import build_publication
from imprint.preview.page import PageRenderer
from imprint.preview.state import PreviewState
from imprint.preview.watch import Effect, classify


def test_the_cache_parses_only_changed_files_and_builds_the_same_book(
        manuscript: Path, tmp_path: Path) -> None:
    cache = ParseCache()
    plain = build_publication(manuscript, tmp_path / "c1")
    first = build_publication(manuscript, tmp_path / "c2", cache=cache)
    again = build_publication(manuscript, tmp_path / "c2", cache=cache)
    assert cache.parses == 2
    assert first.chapters == plain.chapters == again.chapters  # tokens were not shared
    intro = manuscript / "chapters" / "01-intro.md"
    intro.write_text(intro.read_text().replace("More text", "A note.[^x] More text")
                     + "\n[^x]: An added note.\n", encoding="utf-8")
    edited = build_publication(manuscript, tmp_path / "c2", cache=cache)
    assert cache.parses == 3  # only the edited chapter
    assert [n.number for n in edited.chapters[1].notes] == [3]  # the later chapter renumbered


def test_a_failed_build_keeps_the_last_good_one_until_fixed(manuscript: Path,
                                                             tmp_path: Path) -> None:
    state = PreviewState(manuscript, tmp_path / "build")
    good = state.rebuild()
    assert good.pub is not None and not good.errors and good.serial == 1
    second = manuscript / "chapters" / "02-second.md"
    text = second.read_text()
    second.write_text(text + "\nSee @fig:nowhere.\n", encoding="utf-8")
    bad = state.rebuild()
    assert bad.pub is good.pub and bad.serial == 2
    assert [str(d) for d in bad.errors] == [
        "chapters/02-second.md:7: unknown cross-reference '@fig:nowhere'"]
    second.write_text(text, encoding="utf-8")
    assert not state.rebuild().errors


def test_waiting_for_a_change_wakes_on_the_change_or_on_close(manuscript: Path,
                                                              tmp_path: Path) -> None:
    state = PreviewState(manuscript, tmp_path / "build")
    seen: list[int] = []
    waiter = threading.Thread(target=lambda: seen.append(state.wait(0, 60).serial))
    waiter.start()
    state.touch()
    waiter.join(60)
    assert seen == [1]
    state.close()
    assert state.wait(1, 60).serial == 1  # returns at once once closed


def page_of(manuscript: Path, tmp_path: Path, slug: str,
            styles: Path = STYLES) -> tuple[int, str]:
    state = PreviewState(manuscript, tmp_path / "build")
    return PageRenderer(styles, state.boot).page(state.rebuild(), slug)


def test_the_page_links_other_chapters_to_their_previews(manuscript: Path,
                                                         tmp_path: Path) -> None:
    status, page = page_of(manuscript, tmp_path, "intro")
    assert status == 200
    assert 'href="/chapters/second#sec-second">Chapter 2</a>' in page
    assert '<li id="note-1">' in page and 'href="#noteref-1"' in page
    assert 'href="/_styles/preview.css?v=0"' in page and "new EventSource" in page
    assert 'rel="next"' in page and 'rel="prev"' not in page


def test_an_unknown_chapter_is_404_and_errors_are_an_overlay(manuscript: Path,
                                                             tmp_path: Path) -> None:
    assert page_of(manuscript, tmp_path, "nothing")[0] == 404
    (manuscript / "publication.yaml").write_text("slug: [\n", encoding="utf-8")
    status, page = page_of(manuscript, tmp_path, "intro")
    assert status == 200 and 'class="preview-overlay"' in page
    assert '<code class="preview-loc">publication.yaml:2</code>: invalid YAML' in page


def test_a_broken_page_template_says_where(manuscript: Path, tmp_path: Path) -> None:
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    template = styles / "templates" / "preview" / "page.html.j2"
    template.write_text("<p>\n{% if %}\n", encoding="utf-8")
    status, page = page_of(manuscript, tmp_path, "intro", styles)
    assert status == 500
    assert "preview/page.html.j2:2:" in page and "new EventSource" in page


def test_a_change_is_classified_by_what_it_affects(tmp_path: Path) -> None:
    root, styles = tmp_path / "m", tmp_path / "styles"
    assert classify([str(styles / "preview.css")], root, styles) == Effect.STYLESHEET
    assert classify([str(styles / "templates/preview/page.html.j2")], root,
                    styles) == Effect.TEMPLATE
    for name in ("chapters/03-arms.md", "publication.yaml", "references.bib", "figures/x.svg"):
        assert classify([str(root / name)], root, styles) == Effect.CONTENT
    assert classify([str(tmp_path / "elsewhere.txt")], root, styles) == Effect.NONE
    both = classify([str(styles / "preview.css"), str(root / "publication.yaml")], root, styles)
    assert both == Effect.STYLESHEET | Effect.CONTENT
