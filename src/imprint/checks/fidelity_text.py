"""Text as a reader sees it, and where two texts first disagree.

The fidelity audits compare what an edition prints with what the model says, so both sides
are brought to one form here: the visible text of HTML (no markup, blocks separated by spaces)
and the text read back from a PDF (line breaks kept, since a line break is the one place where
the PDF may legitimately differ: a hyphenated word, a CJK line break, a superscript).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree, html

# Elements that start a new line in every edition: their boundaries count as a word break.
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
})
UNSEEN = frozenset({"head", "script", "style", "title", "template"})
# A formula is no words: the PDF draws it as vector paths (no text at all), the EPUB holds it as
# MathML. Both sides read it as a word break, which is also what the PDF's text extraction
# makes of the gap a drawing leaves between two words ("a $x$ b" reads "a b").
WORD_BREAKS = frozenset({"math"})
# Invisible characters: they print nothing, so they must not count on either side.
# Unicode's format characters (category Cf): soft hyphen, zero-width spaces and joiners, the
# bidi marks and controls, the BOM, tags. None prints a glyph, and a PDF's text may keep them
# or not, so they are no part of the words compared.
INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]")
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character at an automatic line-end break
JOINED_HYPHEN = "\ufffe"  # PDFium's mark for a hard hyphen it joined across a line end
VERTICAL = re.compile("\r\n?|[\v\f\x1c-\x1e\x85\u2028\u2029]")
SPACES = re.compile(r"[^\S\n]+")
LINE_BREAK = re.compile(r" ?\n[\n ]*")
LINE_END = re.compile(f"[\n{HYPHEN}]")
UNSQUASHED = re.compile(rf"\s|{HYPHEN}|-")
# A list marker alone on a line: WeasyPrint draws markers after the page's text, so PDFium
# reads them out of place.
# Roman numerals in either case: Pandoc's fancy lists (markdown/fancy_lists.py).
LIST_MARKER = re.compile(r"[•◦▪▫‣⁃–-]|\d{1,3}[.)]|[a-zA-Z][.)]|(?:[ivxlc]{1,6}|[IVXLC]{1,6})[.)]")
BULLETS = frozenset("•◦▪▫‣⁃")
CONTEXT = 28


def visible_text(element: etree._Element) -> str:
    """The text a reader sees in `element`: no attributes (alt, aria-label), no hidden parts."""
    out: list[str] = []
    _walk(element, out)
    return "".join(out)


def _walk(element: etree._Element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    name = etree.QName(tag).localname.lower() if tag else ""
    if name in WORD_BREAKS:
        out.append(" " + (element.tail or ""))
        return
    seen = bool(tag) and name not in UNSEEN and element.get("hidden") is None
    block = name in BLOCKS
    if seen:
        out.append(" " if block else "")
        out.append(element.text or "")
        for child in element:
            _walk(child, out)
        out.append(" " if block else "")
    out.append(element.tail or "")


def html_text(fragment: str) -> str:
    """Visible text of an HTML fragment as the model renders it (chapter, note, entry)."""
    return visible_text(html_parts([fragment])[0])


def html_parts(fragments: list[str]) -> list[html.HtmlElement]:
    """Each fragment as one element, from a single parse (a book has hundreds of notes)."""
    joined = "".join(f"<div>{fragment}</div>" for fragment in fragments)
    return list(html.fragment_fromstring(joined, create_parent="div")) if fragments else []


def normalize(text: str, *, lines: bool = False) -> str:
    """One form for both sides: NFKC (ligatures, no-break spaces), no invisible characters,
    whitespace collapsed; `lines` keeps a line break where the run of whitespace had one."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text))
    if not lines:
        return " ".join(text.split())
    text = SPACES.sub(" ", VERTICAL.sub("\n", text.replace(JOINED_HYPHEN, "-")))
    return LINE_BREAK.sub("\n", text).strip()


def squash(text: str) -> str:
    """For presence checks: no whitespace, no hyphen that a line end may add, no case."""
    return UNSQUASHED.sub("", normalize(text)).lower()


def _fold(text: str) -> str:
    """Case-folded with offsets kept, so text-transform is not a difference."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def is_cjk(char: str) -> bool:
    if not char:
        return False
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFF)


@dataclass(frozen=True)
class Printed:
    """One edition's visible text by section key (see fidelity_model), normalized: a PDF's
    with `lines=True`, an EPUB's without (a reading system shows any white space as one)."""

    edition: str  # "PDF" or "EPUB", for messages
    sections: dict[str, str]


@dataclass(frozen=True)
class Mismatch:
    """Where the expected text (offset `expected_at`) and the printed text first disagree."""

    expected_at: int
    printed_at: int
    expected: str  # short context around the difference
    printed: str


def first_mismatch(expected: str, printed: str,
                   repeats: tuple[str, ...] = ()) -> Mismatch | None:
    """Compare `expected` (normalized) with `printed` (normalized, with `lines=True` for print).

    Equal means: the same characters (case aside), a word break wherever the expected text has
    one, and nothing else. A printed line break may stand for a space or for nothing (a line
    broken after a dash, inside CJK text, before a superscript); a hyphen before a line break
    may be one the printer added; a space between CJK characters may be justification; and a
    list marker alone on a line is the list's own, as is one of `repeats` (a table's header
    row, printed again on every page the table runs onto) at the start of a line. The text
    between line breaks is compared with one string comparison, so a book's worth of text
    costs a few milliseconds.
    """
    e_low, p_low = _fold(expected), _fold(printed)
    i = j = 0
    while j < len(printed):
        match = LINE_END.search(printed, j)
        k = match.start() if match else len(printed)
        if e_low[i:i + k - j] != p_low[j:k]:
            if _marker_line(printed, j, k):
                j = k
                continue
            if _bullet_before(printed, j):
                j += 2
                continue
            if end := _repeated(p_low, j, repeats):
                j = end
                continue
            d = _differ(e_low[i:i + k - j], p_low[j:k])
            if not _cjk_space(printed, j + d):
                return _mismatch(expected, printed, i + d, j + d)
            i, j = i + d, j + d + 1  # inter-character justification in CJK text
            continue
        i, j = i + k - j, k
        if j < len(printed):
            step = _line_end(expected, printed, i, j)
            if step is None:
                return _mismatch(expected, printed, i, j)
            i, j = i + step[0], j + step[1]
    return None if i >= len(expected) else _mismatch(expected, printed, i, j)


def _differ(a: str, b: str) -> int:
    """Index of the first difference of two unequal strings (by halves, at C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high) // 2
        if a[low:middle + 1] == b[low:middle + 1]:
            low = middle + 1
        else:
            high = middle
    return low


def _line_end(expected: str, printed: str, i: int, j: int) -> tuple[int, int] | None:
    """How far each side moves at a printed line break or hyphen; None: a difference."""
    char, wanted = printed[j], expected[i] if i < len(expected) else ""
    if char == wanted:
        return 1, 1
    if char == "\n":
        return (1, 1) if wanted == " " else (0, 1)
    if char == HYPHEN and printed[j + 1:j + 2] == "\n":
        return 0, 2  # hyphenated at the line end
    return None


def _cjk_space(printed: str, j: int) -> bool:
    return printed[j:j + 1] == " " and (is_cjk(printed[j - 1]) or is_cjk(printed[j + 1:j + 2]))


def _repeated(p_low: str, j: int, repeats: tuple[str, ...]) -> int:
    """The end of the repeated text that starts the line at `j`, or 0."""
    if j > 0 and p_low[j - 1] != "\n":
        return 0
    for text in repeats:
        end = j + len(text)
        if p_low[j:end].replace("\n", " ") == _fold(text) and p_low[end:end + 1] in ("", "\n"):
            return end
    return 0


def _bullet_before(printed: str, start: int) -> bool:
    """A bullet and a space opening a line: an item's marker drawn in reading order, as it is
    when the item is the only text on its page (a list nested past ~24 levels in print)."""
    at_line_start = start == 0 or printed[start - 1] == "\n"
    bullet = printed[start:start + 2]
    return at_line_start and len(bullet) == 2 and bullet[0] in BULLETS and bullet[1] == " "


def _marker_line(printed: str, start: int, end: int) -> bool:
    at_line_start = start == 0 or printed[start - 1] == "\n"
    at_line_end = end == len(printed) or printed[end] == "\n"
    return at_line_start and at_line_end and LIST_MARKER.fullmatch(printed[start:end]) is not None


def _mismatch(expected: str, printed: str, i: int, j: int) -> Mismatch:
    return Mismatch(i, j, context(expected, i), context(printed, j))


def context(text: str, at: int) -> str:
    """A few words either side of `at`, on one line, with ellipses where text was cut."""
    start, end = max(0, at - CONTEXT), min(len(text), at + CONTEXT // 2)
    while start > 0 and not text[start - 1].isspace() and at - start < CONTEXT + 12:
        start -= 1
    while end < len(text) and not text[end].isspace() and end - at < CONTEXT:
        end += 1
    snippet = text[start:end].replace(f"{HYPHEN}\n", "").replace("\n", " ").strip()
    return f"{'…' if start > 0 else ''}{snippet}{'…' if end < len(text) else ''}"
