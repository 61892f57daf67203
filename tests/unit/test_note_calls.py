"""Note calls and typography, rendered by the real pipeline on small chapters: where calls go
(pandoc's rules), what separates them, and which characters imprint never rewrites."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import MINIMAL_CONFIG, write_manuscript

from imprint.pipeline import build_publication

BIB = "@book{lo2008, author = {Lo, Bobo}, title = {Axis of Convenience}, date = {2008}}\n"
CONFIG = MINIMAL_CONFIG.replace(
    "  - file: chapters/02-second.md\n    kind: body\n", "") + "bibliography: [refs.bib]\n"


def text_of(tmp_path: Path, body: str) -> str:
    root = write_manuscript(tmp_path / "m", CONFIG, {"01-intro.md": f"# T\n\n{body}\n"})
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    html = build_publication(root, tmp_path / "cache").chapters[0].html
    paragraph = html[html.index("<p>", html.index("</h1>")):]
    calls = re.sub(r'<a class="noteref"[^>]*>(\d+)</a>', r"^\1", paragraph)
    return re.sub(r"<[^>]+>", "", calls).strip()


@pytest.mark.parametrize(("source", "printed"), [
    ("Claim [@lo2008].", "Claim.^1"),
    ("Claim\n[@lo2008, 4].", "Claim.^1"),
    ("A part (of it [@lo2008]) holds.", "A part (of it)^1 holds."),
    ('He said "an axis" [@lo2008].', "He said “an axis.”^1"),
    ('He said "an axis [@lo2008]".', "He said “an axis^1”."),
    ("An axis [@lo2008]---and more.", "An axis^1—and more."),
    ("@lo2008's book.", "Bobo Lo^1’s book."),
    ("Holds.[@lo2008] @lo2008 argues.", "Holds.^1 Lo^2 argues."),
    ("Agree [@lo2008] [@lo2008, 3].", "Agree.^1,^2"),
    ("Claim [@lo2008].[^a]\n\n[^a]: A.", "Claim.^1,^2"),
    ("Claim [@lo2008], and.[^a]\n\n[^a]: A.", "Claim,^1 and.^2"),
    ("@lo2008 [45] argues.", "Bobo Lo^1 argues."),
    ("Text.[^a] [^b] And.[^c] More.\n\n[^a]: A.\n\n[^b]: B.\n\n[^c]: C.",
     "Text.^1,^2 And.^3 More."),
])
def test_calls_go_where_pandoc_puts_them(tmp_path: Path, source: str, printed: str) -> None:
    assert text_of(tmp_path, source).split("\n")[0] == printed


def test_a_citation_in_link_text_calls_after_the_link(tmp_path: Path) -> None:
    root = write_manuscript(tmp_path / "m", CONFIG, {
        "01-intro.md": "# T\n\nSee [the book @lo2008](https://example.org) here.\n"})
    (root / "refs.bib").write_text(BIB, encoding="utf-8")
    html = build_publication(root, tmp_path / "cache").chapters[0].html
    assert re.search(r'Lo</a><a class="noteref"[^>]*>1</a> here', html), html


@pytest.mark.parametrize(("source", "printed"), [
    # Not at a line start: "(c) " opens a list there, in Pandoc too (fancy_lists).
    ("So (c) (tm) (r) +-5 Wait,, what???? a.. b", "So (c) (tm) (r) +-5 Wait,, what???? a.. b"),
    ("1990--2000, yes---no, and so on...", "1990–2000, yes—no, and so on…"),
    ("in the '90s", "in the ’90s"),
    ("`a--b` and \\'x", "a--b and 'x"),
])
def test_typography_changes_only_dashes_ellipses_and_quotes(tmp_path: Path, source: str,
                                                            printed: str) -> None:
    assert text_of(tmp_path, source) == printed
