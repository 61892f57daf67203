"""The editions' rewrites of rendered HTML, each a transform of one parsed tree: the layer's
own (ids, links across documents), the print edition's footnotes, the EPUB's fix-ups and the
preview's links."""

from __future__ import annotations

from pathlib import Path

from imprint.book.markup import Fragment
from imprint.book.model import Chapter, Loc, Note
from imprint.editions.epub.xhtml import finish, id_owners
from imprint.editions.html.transform import ids, retarget_links, rewrite
from imprint.editions.pdf.footnotes import break_at_calls, inline_notes
from imprint.preview.page import preview_links
from imprint.preview.print_check import unlinked

CALL = ('<a class="noteref" id="noteref-{0}" href="#note-{0}" epub:type="noteref" '
        'role="doc-noteref">{0}</a>').format
GROUP = ('<span class="footnote-group"><a class="footnote-call-anchor" id="noteref-{0}"></a>'
         '<span class="footnote" id="note-{0}">{1}</span></span>').format
CHAPTER = (f"<p>One two{CALL(1)} three.</p>\n<p>Word{CALL(2)}</p>\n"
           f"<ul>\n<li><strong>Item.</strong> Some words{CALL(3)}</li>\n</ul>\n")
NOTES = {1: "<p>First note.</p>", 2: "<p>Second</p>\n<p>in two.</p>", 3: "<p>Third.</p>"}
BODIES = {1: '<span class="footnote-para">First note.</span>',
          2: '<span class="footnote-para">Second</span>\n'
             '<span class="footnote-para">in two.</span>',
          3: '<span class="footnote-para">Third.</span>'}


def footnotes(fixes: list[int]) -> str:
    return rewrite(CHAPTER, break_at_calls(fixes), inline_notes(NOTES))


def test_rewrite_without_transforms_changes_nothing() -> None:
    assert rewrite(CHAPTER) == CHAPTER


def test_ids_in_document_order() -> None:
    assert list(ids(Fragment('<p id="a">x<em id="b">y</em></p><!-- c --><p id="">z</p>'))) == [
        "a", "b"]


def test_retarget_links_only_where_told() -> None:
    html = ('<a href="#a">A</a> <a href="#b">B</a> <a href="https://x.org/#a">C</a> '
            '<a href="#">D</a>')
    where = {"a": "other.xhtml"}.get
    assert rewrite(html, retarget_links(where)) == html.replace('"#a"', '"other.xhtml#a"')


def test_notes_are_put_at_their_calls_with_paragraphs_as_spans() -> None:
    assert footnotes([]) == (
        f"<p>One two{GROUP(1, BODIES[1])} three.</p>\n<p>Word{GROUP(2, BODIES[2])}</p>\n"
        f"<ul>\n<li><strong>Item.</strong> Some words{GROUP(3, BODIES[3])}</li>\n</ul>\n")


def test_a_fixed_call_starts_a_new_page_at_its_word() -> None:
    assert footnotes([1]).startswith(
        f'<p class="footnote-split">One</p>\n<p class="footnote-break footnote-continued">'
        f"two{GROUP(1, BODIES[1])} three.</p>\n<p>Word")


def test_a_call_with_no_plain_word_before_it_breaks_before_its_paragraph() -> None:
    assert (f'</p>\n<p class="footnote-split"></p>\n<p class="footnote-break footnote-continued">'
            f"Word{GROUP(2, BODIES[2])}</p>\n") in footnotes([2])


def test_a_call_in_a_list_item_is_split_as_it_always_was() -> None:
    # Kept byte for byte: the paragraph before the list is marked, and the continuation opens
    # inside the list item after a stray </p> (HTML parsers make it a paragraph of its own).
    assert footnotes([3]) == (
        f'<p>One two{GROUP(1, BODIES[1])} three.</p>\n<p class="footnote-split">Word'
        f'{GROUP(2, BODIES[2])}</p>\n<ul>\n<li><strong>Item.</strong> Some</p>\n'
        f'<p class="footnote-break footnote-continued">words{GROUP(3, BODIES[3])}</li>\n</ul>\n')


def test_epub_links_point_across_files_and_xml_lang_follows_lang() -> None:
    first = Fragment('<p id="a">See <a href="#b">B</a> and <a href="#a">A</a>.</p>')
    second = Fragment('<p id="b" lang="ru" class="x">Да <span lang="zh" xml:lang="zh">中</span>'
                      '<img src="figures/a&amp;b.svg" alt="" /><img src="images/c.png" alt="" />'
                      "</p>")
    owner = id_owners(["one.xhtml", "two.xhtml"], [first, second])
    assets = {"figures/a&b.svg": "assets/figures/a&b.svg"}
    finish("one.xhtml", owner, assets)(first)
    finish("two.xhtml", owner, assets)(second)
    assert first.html() == '<p id="a">See <a href="two.xhtml#b">B</a> and <a href="#a">A</a>.</p>'
    assert second.html() == (
        '<p id="b" lang="ru" xml:lang="ru" class="x">Да <span lang="zh" xml:lang="zh">中</span>'
        '<img src="assets/figures/a&amp;b.svg" alt="" /><img src="images/c.png" alt="" /></p>')


def test_epub_ids_belong_to_the_first_file_holding_them() -> None:
    fragments = [Fragment('<p id="x">1</p>'), Fragment('<p id="x">2</p><p id="y">3</p>')]
    assert id_owners(["1.xhtml", "2.xhtml"], fragments) == {"x": "1.xhtml", "y": "2.xhtml"}


def test_a_lang_in_text_is_no_attribute() -> None:
    html = '<p><code>&lt;p lang="ru"&gt; href="#a"</code></p>'
    fragment = Fragment(html)
    finish("one.xhtml", {"a": "two.xhtml"}, {})(fragment)
    assert fragment.html() == html


def test_preview_links_point_at_other_chapters_and_version_images(tmp_path: Path) -> None:
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "a b.png").write_bytes(b"png")
    stamp = (tmp_path / "figures" / "a b.png").stat().st_mtime_ns
    html = ('<a href="#sec-x">X</a> <a href="#sec-here">H</a> '
            '<img src="figures/a b.png" alt="" /><img src="missing.png" alt="" />')
    owners = {"sec-x": "other", "sec-here": "here"}
    assert preview_links(html, "here", owners, tmp_path) == (
        '<a href="/chapters/other#sec-x">X</a> <a href="#sec-here">H</a> '
        f'<img src="/_assets/figures/a%20b.png?v={stamp}" alt="" />'
        '<img src="missing.png" alt="" />')


def test_print_check_unlinks_references_into_other_chapters() -> None:
    html = ('<h2 id="sec-a">A</h2><p>See <a class="xref" href="#sec-a">Section 1</a> and '
            '<a class="xref" href="#fig-b"><em>Figure</em> 2</a>.</p>')
    note = Note(1, '<p><a class="xref" href="#fig-b">Figure 2</a></p>', Loc("c.md"), "c")
    chapter = Chapter("c", "C", "C", 1, "body", Loc("c.md"), html, notes=(note,))
    plain = unlinked(chapter)
    assert plain.html == html.replace(
        '<a class="xref" href="#fig-b"><em>Figure</em> 2</a>',
        '<span class="xref"><em>Figure</em> 2</span>')
    assert plain.notes[0].html == '<p><span class="xref">Figure 2</span></p>'
