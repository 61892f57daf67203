"""HTML fragments as trees (`book.markup`): written back byte for byte as read, and only what a
rewrite changed written anew."""

from __future__ import annotations

import pytest
from lxml import etree
from tests.conftest import SAMPLE, STYLES

from imprint.book.markup import Fragment, Point, Slot, Spelling, slots
from imprint.book.model import Publication
from imprint.editions.epub.package import _context, _documents
from imprint.pipeline import build_publication


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Publication:
    return build_publication(SAMPLE, tmp_path_factory.mktemp("cache"))


def sample_fragments(pub: Publication) -> list[str]:
    """Every kind of HTML the stages rewrite: chapters, notes, bibliography entries (citeproc's
    output) and the EPUB's rendered documents (templates and all)."""
    docs = _documents(pub, STYLES, _context(pub))
    return [*(c.html for c in pub.chapters), *(n.html for c in pub.chapters for n in c.notes),
            *(e.html for e in pub.bibliography), *(d.body for d in docs)]


def test_the_samples_html_round_trips_byte_for_byte(sample: Publication) -> None:
    fragments = sample_fragments(sample)
    assert len(fragments) > 100
    for html in fragments:
        assert Fragment(html).html() == html


@pytest.mark.parametrize("html", [
    '<p>a<br />b<br>c<img src="x.png" alt=""><img src="y.png" alt="" /></p>',
    "<p>Russia&#x27;s &#39;view&#39; &amp; &lt;code&gt; &#8195;&nbsp;&quot;q&quot; \"raw\"</p>",
    '<a class="noteref" id="noteref-1" href="#note-1" epub:type="noteref">1</a>',
    "<!-- 中国 --><p>x</p><!-- a -- b -->",
    "<!DOCTYPE html><?xml version='1.0'?><p>x</p>",
    "<p>unclosed<li>one<li>two</ul></p></div>",  # stray end tags are kept as written
    "<P CLASS='x' data-n=1 hidden>Upper</P >",
    "text only & more",
    "",
    "<p>a &notanentity; b &amp c</p>",
])
def test_any_markup_round_trips(html: str) -> None:
    assert Fragment(html).html() == html


def test_prefixed_attributes_are_namespaced_in_the_tree_and_written_with_their_prefix() -> None:
    fragment = Fragment('<span epub:type="pagebreak" xml:lang="ru">x</span>')
    span = fragment.root[0]
    assert span.get("{http://www.idpf.org/2007/ops}type") == "pagebreak"
    span.set("role", "doc-pagebreak")
    assert fragment.html() == ('<span epub:type="pagebreak" xml:lang="ru" '
                               'role="doc-pagebreak">x</span>')


def test_a_changed_start_tag_is_written_anew_with_its_closing_style() -> None:
    fragment = Fragment('<img src="a.png" alt="Russia&#x27;s" /><br><em class=x>t</em>')
    image, br, em = fragment.root
    image.set("src", "assets/a.png")
    br.set("class", "c")
    em.tag = "strong"
    assert fragment.html() == ('<img src="assets/a.png" alt="Russia&#x27;s" /><br class="c">'
                               '<strong class="x">t</strong>')


def test_new_elements_are_written_as_the_renderer_writes() -> None:
    fragment = Fragment("")
    span = etree.SubElement(fragment.root, "span", {"class": "a&b"})
    span.text = "x < y & z"
    etree.SubElement(fragment.root, "br")
    assert fragment.html() == '<span class="a&amp;b">x &lt; y &amp; z</span><br />'


def test_text_is_read_as_characters() -> None:
    fragment = Fragment("<p>Russia&#x27;s &amp; China&#8195;</p>")
    assert fragment.root[0].text == "Russia's & China\u2003"


def test_insert_splits_the_spelling_so_both_halves_stay_as_written() -> None:
    fragment = Fragment("<p>Russia&#x27;s &#39;view&#39;</p>")
    paragraph = fragment.root[0]
    fragment.insert(Point(Slot(paragraph), 9), etree.Element("span"))
    assert fragment.html() == "<p>Russia&#x27;s <span></span>&#39;view&#39;</p>"


def test_wrap_moves_characters_into_an_element() -> None:
    fragment = Fragment("<p>a &amp; b&#39;c</p>")
    fragment.wrap(Slot(fragment.root[0]), 2, 5, etree.Element("em"))
    assert fragment.html() == "<p>a <em>&amp; b</em>&#39;c</p>"


def test_text_set_by_a_rewrite_is_escaped() -> None:
    fragment = Fragment("<p>a&#39;b</p>")
    fragment.root[0].text = "a'b & c"
    assert fragment.html() == "<p>a'b &amp; c</p>"


def test_replace_keeps_the_text_after_as_written() -> None:
    fragment = Fragment("<p><a>1</a>&#39;s</p>")
    fragment.replace(fragment.root[0][0], etree.Element("span"))
    assert fragment.html() == "<p><span></span>&#39;s</p>"


def test_read_parses_more_markup_into_the_same_fragment() -> None:
    fragment = Fragment("<p>x</p>")
    part = fragment.read("<b>&#39;</b>")
    fragment.root[0].append(part[0])
    assert fragment.html() == "<p>x<b>&#39;</b></p>"


def test_slots_in_document_order_skip_comment_text() -> None:
    fragment = Fragment("a<p>b<em>c</em>d<!--x-->e</p>f")
    assert [fragment.text(slot) for slot in slots(fragment.root)] == [
        "a", "b", "c", "d", "e", "f"]


def test_spelling_split_inside_a_reference_of_several_characters() -> None:
    spelling = Spelling((("ab", "ab"), ("\u2242\u0338", "&NotEqualTilde;")))
    before, after = spelling.split(3)
    assert (before.text, after.text) == ("ab\u2242", "\u0338")
    assert before.source + after.source == "ab\u2242\u0338"


def test_a_second_fragment_parse_is_independent() -> None:
    one, two = Fragment("<p>&#39;</p>"), Fragment("<p>&#39;</p>")
    one.root[0].text = "x"
    assert (one.html(), two.html()) == ("<p>x</p>", "<p>&#39;</p>")
