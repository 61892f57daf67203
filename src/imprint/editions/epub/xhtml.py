"""What the EPUB changes in the rendered HTML of its documents, as tree transforms: links to
an id in another file name that file, `xml:lang` stands beside every `lang` (the EPUB is XML,
and some reading systems read only `xml:lang`), a right-to-left `lang` brings `dir="rtl"`, and
the manuscript's images are found under the package's `assets/` folder."""

from __future__ import annotations

from collections.abc import Callable

from imprint.book.markup import NAMESPACES, Fragment, Node
from imprint.editions.html.transform import Transform, elements, ids, retarget_links

XML_LANG = f"{{{NAMESPACES['xml']}}}lang"


def id_owners(names: list[str], fragments: list[Fragment]) -> dict[str, str]:
    """id -> the file holding it (the first, should two files share one)."""
    owner: dict[str, str] = {}
    for name, fragment in zip(names, fragments, strict=True):
        for ident in ids(fragment):
            owner.setdefault(ident, name)
    return owner


def finish(name: str, owner: dict[str, str], assets: dict[str, str]) -> Transform:
    """Every fix-up for the document `name`; `assets` maps an image as the manuscript names it
    to its place in the package."""

    def other_file(ident: str) -> str | None:
        target = owner.get(ident)
        return target if target is not None and target != name else None

    links = retarget_links(other_file)

    def apply(fragment: Fragment) -> None:
        links(fragment)
        for element in elements(fragment):
            _relocate(element, assets.get)
            _xml_lang(element)
            _direction(element)

    return apply


def _relocate(element: Node, place: Callable[[str], str | None]) -> None:
    src = element.get("src")
    target = place(src) if src is not None else None
    if target is not None:
        element.set("src", target)


# Languages written right to left (their primary subtag): a passage in one gets dir="rtl",
# so a reading system orders it, and the punctuation at its edges, right to left.
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "syr", "ug",
                           "ur", "yi"})


def _direction(element: Node) -> None:
    """`dir="rtl"` on an element whose own `lang` is a right-to-left language (a script subtag
    says otherwise: `az-Arab` is, `ar-Latn` is not)."""
    lang = element.get("lang")
    if not lang or element.get("dir") is not None:
        return
    subtags = lang.lower().split("-")
    scripts = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    rtl = (scripts[0] in {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"} if scripts
           else subtags[0] in RTL_LANGUAGES)
    if rtl:
        element.set("dir", "rtl")


def _xml_lang(element: Node) -> None:
    """`xml:lang` right after a `lang` that has none."""
    lang = element.get("lang")
    if not lang or element.get(XML_LANG) is not None:
        return
    attributes = list(element.attrib.items())
    at = [key for key, _ in attributes].index("lang") + 1
    attributes.insert(at, (XML_LANG, lang))
    element.attrib.clear()
    for key, value in attributes:
        element.set(key, value)
