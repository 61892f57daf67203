"""Bibliography order as an English-language reader expects: romanised, one alphabet.

CSL styles sort with Unicode's collation, which puts every Latin-script entry first, then the
Cyrillic ones, then the Chinese. An English-language reader looks for 冯玉军 under F and for
Герасимов under G, so with `bibliography-sort: romanized` (the default) each entry gets a sort
key from its first author (or editor; else its title) romanised:

- Chinese (Han) in Hanyu Pinyin without tones (`pypinyin`): 冯玉军 -> feng, yujun;
- Cyrillic in BGN/PCGN romanisation (Russian, with the Ukrainian and Belarusian letters):
  Герасимов -> gerasimov;
- Latin letters without their accents, in lower case; punctuation and spaces are ignored,
  as the Unicode collation ignores them.

The key is (family name, given name) of the first name, or the title for an entry without
one, the first keys of Chicago's and most styles' bibliography sort; entries with equal keys
(one author's works) keep the style's order, by year or by title as the style says. The
entries pandoc sorted are merged: the Latin-script entries keep the style's order exactly (so
a bibliography without Chinese or Cyrillic entries is not changed at all), and every other
entry is placed before the first Latin entry whose key is greater than its own.

Polyphonic surnames are read as pypinyin reads the character alone (曾 -> ceng, not zeng).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
SortData = tuple[str, str, str, str]  # family, given, year, title (as written)
SortKey = tuple[str, str]

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_CYRILLIC = re.compile("[\u0400-\u052f]")
# BGN/PCGN (Russian 1947; Ukrainian and Belarusian letters from their BGN/PCGN tables),
# as the sort needs it: lower case only, without the diacritics (ë) and apostrophes (ʹ, ʺ).
_BGN_PCGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ў": "w",
    "ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj",
    "ѕ": "dz",
}


def is_latin(data: SortData) -> bool:
    """An entry whose sort name (or title) has no Chinese or Cyrillic letter."""
    text = data[0] + data[1] if (data[0] or data[1]) else data[3]
    return not (_HAN.search(text) or _CYRILLIC.search(text))


def sort_key(data: SortData) -> SortKey:
    """(family, given) romanised; (title, "") for an entry without a name."""
    family, given, _, title = data
    if not family and not given:
        return (romanize(title), "")
    return (romanize(family), romanize(given))


def romanize(text: str) -> str:
    """`冯玉军` -> `fengyujun`, `Герасимов` -> `gerasimov`, `Lö, B.` -> `lob`: letters and
    digits only, lower case, for comparing."""
    if _HAN.search(text):
        text = _pinyin(text)
    text = "".join(_BGN_PCGN.get(char, char) for char in text.lower())
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isalnum()).casefold()


def _pinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # ~0.1 s to import: only for Chinese entries

    return " ".join(lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: chars))


def interleave(entries: Sequence[T], data: Sequence[SortData | None]) -> list[T]:
    """`entries` (in the style's order) with the non-Latin ones moved among the Latin ones by
    their romanised keys; the Latin entries, and entries without sort data, keep their order."""
    latin: list[tuple[T, SortKey | None]] = []
    other: list[tuple[T, SortKey]] = []
    for entry, entry_data in zip(entries, data, strict=True):
        if entry_data is None or is_latin(entry_data):
            latin.append((entry, None if entry_data is None else sort_key(entry_data)))
        else:
            other.append((entry, sort_key(entry_data)))
    other.sort(key=lambda pair: pair[1])  # stable: equal keys keep the style's order
    merged: list[T] = []
    index = 0
    for entry, key in latin:
        while key is not None and index < len(other) and other[index][1] < key:
            merged.append(other[index][0])
            index += 1
        merged.append(entry)
    merged.extend(entry for entry, _ in other[index:])
    return merged
