"""Mark runs of Chinese/Japanese (Han, kana) and Cyrillic text with their language.

Fonts, hyphenation and screen readers need to know that `中国的军事战略` is Chinese and
`Поворот к Азии` is Russian even inside an English note, so every such run in the text nodes
of an HTML fragment is wrapped in `<span lang="…">`. The language is the cited entry's own
(its `langid`/`language`: `uk`, `sr`, `zh-Hant`, `ja`, …) when the caller passes the entries
of the fragment; else it is guessed from the script: `ja` for a run with kana, `zh-Hans` for
other Han, `ru` for Cyrillic. A run spans
letters of one script and the spaces, digits and punctuation *between* them, never the
brackets, quotes or punctuation around it. Text already inside an element whose `lang`
belongs to that script is left alone, so wrapping twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from imprint.book.markup import NAMESPACES, Fragment, Node, Slot, slots

_KANA = "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HAN = f"{_KANA}\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3007\U00020000-\U0003134f"
_CYRILLIC = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
# What may sit between two letters of a run: spaces, digits, inner punctuation (commas, stops,
# colons, dashes, ellipses, middle dots, CJK commas and stops) and character references
# (`_REFERENCE`).
# Brackets and quotation marks never do: they belong to the sentence around the run.
_BETWEEN = (
    r"(?:[\s\d!#$%*+,\-./:;=?@\\^_`|~\u00a0\u00b7\u2010-\u2015\u2022\u2026\u2027"
    r"\u3000-\u3003\u301c\u30fb\uff01\uff0c\uff0d\uff0e\uff1a\uff1b\uff1f\uff5e\ue000])"
)
_REFERENCE = "\ue000"  # stands, in the text scanned, for a character written as a reference


@dataclass(frozen=True)
class _Script:
    lang: str  # the lang of a run when no cited entry of this script says (kana: `ja`)
    letter: str  # regex of one letter of the script
    lang_prefixes: tuple[str, ...]  # primary subtags whose text is already in this script
    script_subtags: tuple[str, ...]  # ISO 15924 subtags (lower case) of this script


_SCRIPTS = {
    "han": _Script(
        "zh-Hans",
        f"[{_HAN}]",
        ("zh", "ja", "ko", "yue", "cmn", "wuu", "hak", "nan", "lzh"),
        ("hani", "hans", "hant", "jpan", "kore"),
    ),
    "cyrillic": _Script(
        "ru",
        f"[{_CYRILLIC}][\u0300-\u036f]*",
        (
            "ru",
            "uk",
            "be",
            "bg",
            "sr",
            "mk",
            "kk",
            "ky",
            "tg",
            "mn",
            "tt",
            "ba",
            "cv",
            "os",
            "ab",
            "ce",
            "cu",
            "rue",
            "sah",
            "udm",
            "kv",
            "mhr",
            "myv",
            "mdf",
        ),
        ("cyrl", "cyrs"),
    ),
}
_HAS_KANA = re.compile(f"[{_KANA}]")
_LANG_KEYS = ("lang", f"{{{NAMESPACES['xml']}}}lang")
_RUN = re.compile(
    "|".join(f"(?P<{name}>{s.letter}(?:{_BETWEEN}*{s.letter})*)" for name, s in _SCRIPTS.items())
)

# (BCP 47 tag or "", text of the entry) of each bibliography entry a fragment prints.
Languages = Sequence[tuple[str, str]]


def wrap_scripts(html: str, languages: Languages = ()) -> str:
    """Wrap Han and Cyrillic runs in the text nodes of `html` in language spans; a run takes
    the language of the entry in `languages` that it comes from (see `_run_lang`)."""
    if not _RUN.search(html):  # no letter of either script anywhere: nothing to read
        return html
    fragment = Fragment(html)
    for slot in list(slots(fragment.root)):  # the spans added are not walked again
        if _RUN.search(fragment.text(slot)):
            _wrap_slot(fragment, slot, languages)
    return fragment.html()


def _wrap_slot(fragment: Fragment, slot: Slot, languages: Languages) -> None:
    context = _lang(slot.element.getparent() if slot.tail else slot.element)
    spelling = fragment.spelling(slot)
    # Each character the source wrote as a reference (`&amp;`) is read as one between-letter
    # character, as runs have always been told.
    scanned = "".join(_REFERENCE * len(text) if text != source else text
                      for text, source in spelling.pieces)
    for match in reversed(list(_RUN.finditer(scanned))):  # last first: earlier indices hold
        script = _SCRIPTS[match.lastgroup or ""]
        if not _in_script(context, script):
            lang = _run_lang(match.group(), script, languages)
            fragment.wrap(slot, match.start(), match.end(), etree.Element("span", lang=lang))


def _run_lang(run: str, script: _Script, languages: Languages) -> str:
    """The language of the cited entry whose text holds the run (a note citing a Ukrainian
    and a Russian work), else of the first cited entry in `script`, else the script's guess
    (also for a run from an entry naming no language, or one in another script)."""
    holding = next((lang for lang, text in languages if _holds(text, run)), None)
    if holding is None:
        holding = next((lang for lang, _ in languages if _in_script(lang.lower(), script)), "")
    if holding and _in_script(holding.lower(), script):
        return holding
    return "ja" if script is _SCRIPTS["han"] and _HAS_KANA.search(run) else script.lang


def _holds(text: str, run: str) -> bool:
    """Whether an entry's field values hold a run, which names may reorder: every word of
    `Александр Лукин` is in `Лукин, Александр`; `冯玉军` is `冯, 玉军` without its comma."""
    words = re.findall(r"\w+", run)
    return all(word in text for word in words) or (
        _squashed(run) in _squashed(text) if _squashed(run) else False)


def _squashed(text: str) -> str:
    return re.sub(r"[\W_]+", "", text)


def _lang(element: Node | None) -> str:
    """The language of text inside `element`: its own `lang` or `xml:lang`, or its nearest
    ancestor's (whichever of the two an element writes first)."""
    while element is not None:
        value = next((v for k, v in element.attrib.items() if k in _LANG_KEYS), None)
        if value is not None:
            return value.lower()
        element = element.getparent()
    return ""


def _in_script(lang: str, script: _Script) -> bool:
    """True when text under `lang` is already declared to be written in `script`."""
    if not lang:
        return False
    subtags = lang.split("-")
    # A script subtag decides alone: `sr-latn` is Serbian in Latin letters, not Cyrillic.
    scripts = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    if scripts:
        return any(tag in script.script_subtags for tag in scripts)
    return subtags[0] in script.lang_prefixes
