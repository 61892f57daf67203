"""Citation prefix and suffix text as Pandoc's Markdown reader (with `smart`) reads it."""

from __future__ import annotations

import re

from imprint.preprocess.cite.pandoc_ast import Node

SPACE: Node = {"t": "Space"}


def str_node(text: str) -> Node:
    return {"t": "Str", "c": text}


# `pandoc --print-default-data-file=abbreviations`: a space after these becomes a no-break space
_ABBREVIATIONS = frozenset(
    """
    aet. aetat. al. Apr. Aug. bk. Bros. c. Capt. cf. ch. chap. chs. Co. col. Corp. cp. d. Dec.
    Dr. e.g. ed. eds. esp. f. fasc. Feb. ff. fig. fl. fol. fols. Fr. Gen. Gov. Hon. i.e. ill.
    Inc. incl. Jan. Jr. Jul. Jun. Ltd. M.A. M.D. Mar. Mr. Mrs. Ms. n. n.b. nn. No. Nov. Oct. p.
    Ph.D. pp. Pres. Prof. pt. q.v. Rep. Rev. s.v. s.vv. saec. sec. Sen. Sep. Sept. Sgt. Sr. St.
    univ. viz. vol. vs.
    """.split()  # noqa: SIM905 - a word list, as pandoc stores it
)
_EMPHASIS = re.compile(r"\*\*(?P<strong>[^*]+)\*\*|\*(?P<em>[^*]+)\*|(?<!\w)_(?P<u>[^_]+)_(?!\w)")
_SMART = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"), ("'", "\u2019"))


def suffix_inlines(suffix: str) -> list[Node]:
    """A suffix that does not start with punctuation is separated by a space: `[@a p. 33]`."""
    inlines = text_inlines(suffix.strip())
    return [SPACE, *inlines] if inlines and suffix[:1].isspace() else inlines


def text_inlines(text: str) -> list[Node]:
    """Plain text with `*emphasis*`, `**strong**` and smart punctuation -> Pandoc inlines."""
    inlines: list[Node] = []
    last = 0
    for match in _EMPHASIS.finditer(text):
        inlines += _words(text[last : match.start()])
        kind = "Strong" if match.group("strong") else "Emph"
        inner = match.group("strong") or match.group("em") or match.group("u")
        inlines.append({"t": kind, "c": text_inlines(inner)})
        last = match.end()
    return inlines + _words(text[last:])


def _words(text: str) -> list[Node]:
    for plain, smart in _SMART:
        text = text.replace(plain, smart)
    text = re.sub(r'(^|[\s(\[])"', "\\1\u201c", text).replace('"', "\u201d")
    inlines: list[Node] = []
    for token in filter(None, re.split(r"(\s+)", text)):
        if token.isspace():
            inlines.append(SPACE)
        elif len(inlines) > 1 and inlines[-1] == SPACE and _ends_in_abbreviation(inlines[-2]):
            inlines[-2:] = [str_node(f"{inlines[-2]['c']}\u00a0{token}")]
        else:
            inlines.append(str_node(token))
    return inlines


def _ends_in_abbreviation(node: Node) -> bool:
    return node["t"] == "Str" and node["c"].rsplit("\u00a0", 1)[-1] in _ABBREVIATIONS
