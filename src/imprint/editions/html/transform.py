"""The one way an edition rewrites rendered HTML: parse it once into a tree, let each
transform change the tree, write it back once (`book.markup` keeps every byte no transform
touched as it was rendered).

A transform is a function taking the `Fragment` and changing it in place; the ones more than
one edition needs are here, the others beside their edition (`pdf/footnotes.py`,
`epub/xhtml.py`, `epub/pagebreaks.py`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from lxml import etree

from imprint.book.markup import Fragment, Node, Slot

Transform = Callable[[Fragment], None]


def rewrite(html: str, *transforms: Transform) -> str:
    """`html` with each transform applied in turn to its tree."""
    fragment = Fragment(html)
    for transform in transforms:
        transform(fragment)
    return fragment.html()


def elements(fragment: Fragment) -> Iterator[Node]:
    """Every element of the fragment, in document order (comments are none)."""
    return fragment.root.iterdescendants(etree.Element)


def ids(fragment: Fragment) -> Iterator[str]:
    """Every id, in document order."""
    return (ident for element in elements(fragment) if (ident := element.get("id")))


def retarget_links(where: Callable[[str], str | None]) -> Transform:
    """Point each `href="#id"` at `where(id) + "#id"`, when `where` names another document."""

    def retarget(fragment: Fragment) -> None:
        for element in elements(fragment):
            href = element.get("href")
            if href and href.startswith("#") and len(href) > 1:
                target = where(href[1:])
                if target is not None:
                    element.set("href", f"{target}{href}")

    return retarget


# Where a printed URL may break (Chicago 14.18): after a slash (but never between the two of
# `//`) and before a full stop, question mark or ampersand.
URL_BREAK = re.compile(r"(?<=/)(?=[^/])|(?<=.)(?=[.?&])")
URL = re.compile(r"https?://\S+")
BREAK = "\u200b"  # zero width space: a break opportunity, no glyph
# A word joiner after a hyphen or question mark: the line breaker would break after either,
# and a URL broken after its hyphen reads as a hyphenated word.
JOIN = {"-": "-\u2060", "?": "?\u2060"}


def url_parts(url: str) -> list[str]:
    """`url` cut at its break opportunities: 'https://a.b/c' -> ['https://', 'a', '.b/', 'c']."""
    cuts = [0, *(match.start() for match in URL_BREAK.finditer(url)), len(url)]
    return [url[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def break_urls(fragment: Fragment) -> None:
    """A link printed as its URL gets a break opportunity at each place it may break and none
    elsewhere, as invisible characters (format characters: the fidelity audits ignore them,
    text extraction drops them). Characters, not `<wbr>` or spans: WeasyPrint gives every box
    inside a link its own annotation, which PDF/UA wants tagged one by one."""
    for link in list(elements(fragment)):
        text = link.text or ""
        if link.tag != "a" or len(link) or not URL.fullmatch(text):
            continue
        parts = ("".join(JOIN.get(char, char) for char in part) for part in url_parts(text))
        fragment.put_text(Slot(link), BREAK.join(parts))
