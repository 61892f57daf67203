"""The one way an edition rewrites rendered HTML: parse it once into a tree, let each
transform change the tree, write it back once (`book.markup` keeps every byte no transform
touched as it was rendered).

A transform is a function taking the `Fragment` and changing it in place; the ones more than
one edition needs are here, the others beside their edition (`pdf/footnotes.py`,
`epub/xhtml.py`, `epub/pagebreaks.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from lxml import etree

from imprint.book.markup import Fragment, Node

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
