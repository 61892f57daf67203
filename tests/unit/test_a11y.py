"""Accessibility metadata follows from the content, claim by claim."""

from __future__ import annotations

from imprint.book.locale import shipped_locale
from imprint.editions.epub.a11y import CONFORMANCE, ContentFacts, a11y_metadata, content_facts

HEAD = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        'lang="en-US" xml:lang="en-US"><head><title>t</title></head><body>')
NAV = (HEAD + '<nav epub:type="toc"><ol><li><a href="a.xhtml">A</a></li></ol></nav>'
       '<nav epub:type="page-list"><ol><li><a href="a.xhtml#page-1">1</a></li>'
       '<li><a href="a.xhtml#page-2">2</a></li></ol></nav></body></html>')


def page(body: str) -> bytes:
    return (HEAD + body + "</body></html>").encode()


def values(facts: ContentFacts, prop: str, certifier: str = "Test Press") -> list[str]:
    words = shipped_locale("en").a11y
    return [v for p, v in a11y_metadata(facts, words, certifier).properties if p == prop]


def test_facts_are_read_from_the_documents() -> None:
    facts = content_facts([
        page('<h1>T</h1><figure><img src="f.svg" alt="A chart" /><figcaption>F</figcaption>'
             '</figure><img src="x.png" alt="" /><p><span lang="ru">Да</span></p>'
             '<table><caption>C</caption><tr><td>1</td></tr></table><table><tr><td>2</td>'
             '</tr></table>'),
        NAV.encode(),
    ], "en-US")
    assert facts == ContentFacts(images=2, images_described=1, tables=2, tables_captioned=1,
                                 headings=1, toc=True, pages=2, media=0, languages=("ru",))


def test_described_images_and_a_page_list_claim_everything() -> None:
    facts = content_facts([page('<h1>T</h1><img src="c.png" alt="Cover" />'), NAV.encode()],
                          "en-US")
    assert values(facts, "schema:accessMode") == ["textual", "visual"]
    assert values(facts, "schema:accessModeSufficient") == ["textual,visual", "textual"]
    assert values(facts, "schema:accessibilityFeature") == [
        "structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability",
        "alternativeText", "pageNavigation", "printPageNumbers"]
    assert values(facts, "schema:accessibilityHazard") == ["none"]
    assert values(facts, "dcterms:conformsTo") == [CONFORMANCE]
    assert values(facts, "a11y:certifiedBy") == ["Test Press"]
    summary = values(facts, "schema:accessibilitySummary")[0]
    assert "Its one image has a text description." in summary
    assert "The 2 page numbers of the print edition" in summary


def test_text_only_without_page_list() -> None:
    facts = content_facts([page("<h1>T</h1><p>Text.</p>")], "en-US")
    assert values(facts, "schema:accessMode") == ["textual"]
    assert values(facts, "schema:accessModeSufficient") == ["textual"]
    features = values(facts, "schema:accessibilityFeature")
    assert "alternativeText" not in features and "pageNavigation" not in features
    assert "tableOfContents" not in features  # no navigation document was given
    assert "page numbers" not in values(facts, "schema:accessibilitySummary")[0]


def test_an_undescribed_image_withdraws_alt_text_and_conformance() -> None:
    facts = content_facts([page('<h1>T</h1><img src="a.png" alt="A" /><img src="b.png" />')],
                          "en-US")
    assert "alternativeText" not in values(facts, "schema:accessibilityFeature")
    assert values(facts, "schema:accessModeSufficient") == ["textual,visual"]
    assert values(facts, "dcterms:conformsTo") == [] == values(facts, "a11y:certifiedBy")
    assert "1 of its 2 images lacks a text description." in values(
        facts, "schema:accessibilitySummary")[0]


def test_media_make_hazards_unknown() -> None:
    facts = content_facts([page('<h1>T</h1><video src="v.mp4"></video>')], "en-US")
    assert values(facts, "schema:accessibilityHazard") == ["unknown"]


def test_without_a_certifier_nothing_is_claimed_but_what_was_checked() -> None:
    facts = content_facts([page('<h1>T</h1><img src="c.png" alt="Cover" />'), NAV.encode()],
                          "en-US")
    assert values(facts, "dcterms:conformsTo", certifier="") == []
    assert values(facts, "a11y:certifiedBy", certifier="") == []
    summary = values(facts, "schema:accessibilitySummary", certifier="")[0]
    assert "claims no conformance" in summary and "EPUBCheck and DAISY Ace" in summary
    assert "meets" not in summary and "WCAG" not in summary
    certified = values(facts, "schema:accessibilitySummary")[0]
    assert certified.startswith(f"This publication meets {CONFORMANCE}, as certified by Test")
