"""The typographic audit's fixes where footnote mode and real books need them (issue #14): a
word broken at its own hyphen across a page turn is counted and moved; a rule found on one
layout still names its element after a late note splits a paragraph before it; a figure
shrinks only when it draws no words (or may hold them: 60%); a hole no other fix mends
borrows lines from the page before. Tiny pages laid out by the real WeasyPrint."""

from __future__ import annotations

from pathlib import Path

import cssselect2  # type: ignore[import-untyped]
from tests.conftest import write_manuscript
from weasyprint import CSS, HTML
from weasyprint.document import Document

from imprint.editions.pdf.typography import FULL, HARD, audit_typography
from imprint.editions.pdf.typography_fix import (
    SMALLEST,
    SMALLEST_WORDLESS,
    fix_rules,
    merged,
    selector,
    smallest_share,
    stylesheet,
    typeset,
)
from imprint.pipeline import build_publication

PAGE = """
@page { size: 300px 240px; margin: 20px; }
body { font: 16px/20px monospace; margin: 0; orphans: 2; widows: 2; }
p, div { margin: 0; }
.fill { height: 140px; }
.narrow { width: 120px; hyphens: manual; }
"""
# 12 characters a line: "joint-" ends a line, "exercise" starts the next. After 7 lines of
# fill, the paragraph's lines 1-3 are on page 1, "joint-" the last of them.
TURN = ('<div class="fill"></div><p class="narrow">abcdefghij klmnopqrst '
        'joint-exercise uvwxyzabcd efghijklmn opqrstuvwx</p>')


def lay(body: str, css: str = "") -> Document:
    html = f'<html lang="en"><head><title>t</title></head><body>{body}</body></html>'
    sheets = [CSS(string=PAGE)] + ([CSS(string=css)] if css else [])
    return HTML(string=html).render(stylesheets=sheets)


def test_a_word_broken_at_its_own_hyphen_across_a_page_turn_is_a_turn() -> None:
    turns = [d for d in audit_typography(lay(TURN)).defects if d.kind == "turn"]
    assert [(d.page, d.detail) for d in turns] == [(0, HARD)]


def test_a_word_broken_at_its_own_hyphen_inside_a_page_is_not() -> None:
    inside = TURN.replace('class="fill"', 'style="height: 20px"')
    assert not [d for d in audit_typography(lay(inside)).defects if d.kind == "turn"]


def test_the_turn_moves_and_the_word_is_whole_again(tmp_path: Path) -> None:
    pub = build_publication(write_manuscript(tmp_path / "m"), tmp_path / "cache")
    laid: list[str] = []

    def relayout(css: str) -> Document:
        laid.append(css)
        return lay(TURN, css)

    best, report = typeset(pub, lay(TURN), lambda d: d, relayout)
    assert dict(report.counts)["hyphens across page turns"] == 0, report.diagnostics
    assert laid and best is not None
    # The lines of page 1 end in no hyphen of either kind.
    last = [line for line in audit_typography(best).pages[0].lines if line.text][-1]
    assert not last.hyphen and not last.hard_hyphen


SPLIT = ('<p class="footnote-split">one two</p>'
         '<p class="footnote-break footnote-continued">three</p>')
EMPTY_SPLIT = ('<p class="footnote-split"></p>'
               '<p class="footnote-break footnote-continued">one two three</p>')


def _matches(document: Document, path: str) -> list[str]:
    root = audit_typography(document).tree.root
    wrapper = cssselect2.ElementWrapper.from_html_root(root)
    compiled = cssselect2.compile_selector_list(path)
    return [" ".join("".join(m.etree_element.itertext()).split()) for m in wrapper.query_all(
        *compiled)] if compiled else []


def test_a_rule_still_names_its_paragraph_after_a_split_before_it() -> None:
    plain = '<section id="s"><p>one two three</p><p>four</p><p>five six</p></section>'
    first = lay(plain)
    tree = audit_typography(first).tree
    target = next(e for e in tree.root.iter("p") if (e.text or "").startswith("five"))
    path = selector(target, tree)
    for split in (SPLIT, EMPTY_SPLIT):
        later = lay(plain.replace("<p>one two three</p>", split))
        assert _matches(later, path) == ["five six"], (split, path)


def test_a_paragraph_rule_follows_its_own_later_split() -> None:
    """A rule for a whole paragraph also names the part a late note's break splits off."""
    plain = '<section id="s"><p>zero</p><p>one two three</p></section>'
    tree = audit_typography(lay(plain)).tree
    target = next(e for e in tree.root.iter("p") if (e.text or "").startswith("one"))
    path = selector(target, tree)
    later = lay(plain.replace("<p>one two three</p>", SPLIT))
    assert _matches(later, f"{path}, {path} + .footnote-continued") == ["one two", "three"]


def test_declarations_for_one_element_are_merged() -> None:
    both = merged("letter-spacing: -0.015em !important;", "widows: 4 !important;")
    assert both == "letter-spacing: -0.015em !important; widows: 4 !important;"
    assert merged(both, "widows: 5 !important;").endswith("widows: 5 !important;")
    assert merged(None, "hyphens: manual !important;") == "hyphens: manual !important;"


def test_a_figure_shrinks_only_as_far_as_its_words_allow(tmp_path: Path) -> None:
    from lxml import etree

    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'
    (tmp_path / "bars.svg").write_text(svg.format('<rect width="5" height="5"/>'))
    (tmp_path / "words.svg").write_text(svg.format('<text font-size="2">Label</text>'))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path.parent / "outside.svg").write_text(svg.format(""))

    def image(src: str) -> etree._Element:
        return etree.Element("img", src=src)

    assert smallest_share(image("bars.svg"), tmp_path) == SMALLEST_WORDLESS
    assert smallest_share(image("words.svg"), tmp_path) == 1.0  # set for 7 pt across
    assert smallest_share(image("photo.png"), tmp_path) == SMALLEST
    assert smallest_share(image("../outside.svg"), tmp_path) == 1.0  # never read
    assert smallest_share(image("bars.svg"), None) == 1.0


def test_a_hole_no_other_fix_mends_borrows_lines_from_the_page_before() -> None:
    """A block kept whole that fits on neither page's rest: the page before it runs short
    (`widows`) so that the hole page is as full as the house asks."""
    small = "p, div { font: 8px/10px monospace; }"  # 20 lines a page
    words = " ".join(["word"] * 6 * 25)  # 25 lines of six words: 10 on page 1, 15 on page 2
    kept = " ".join(["kept"] * 6 * 15)
    body = (f'<div style="height: 100px"></div><p style="width: 150px">{words}</p>'
            f'<div style="width: 150px; break-inside: avoid">{kept}</div>')
    audit = audit_typography(lay(body, small))
    assert [(d.page, d.detail) for d in audit.defects if d.kind == "hole"] == [(1, "75% full")]
    rules = fix_rules(audit)
    assert list(rules.values()) == ["widows: 18 !important;"]  # 15 lines and 3 more
    again = audit_typography(lay(body, small + stylesheet(rules)))
    assert not [d for d in again.defects if d.kind == "hole"], again.defects
    assert [p.fill >= FULL for p in again.pages[:2]] == [True, True]  # page 3: the end
