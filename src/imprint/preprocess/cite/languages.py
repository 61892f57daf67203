"""The language of a bibliography entry, as a BCP 47 tag.

A `.bib` entry names it in `langid` (or `language`) with a biblatex/babel name (`ukrainian`,
`chinese-traditional`); a CSL-JSON entry in `language`, usually already a tag (`zh-Hant`,
`ru-RU`). The tag decides the `lang` of the entry's Chinese, Japanese and Cyrillic text in
notes and bibliography; an entry without one (or with a name we do not know) leaves the
choice to the script (`langspans`).

Only language and script matter to text (fonts, hyphenation, speech), and a region would
make a `.bib` entry (`langid = {russian}`) and its CSL-JSON twin (pandoc writes `ru-RU`)
print different tags: the region is dropped, and Chinese always gets its script
(`zh-TW` -> `zh-Hant`, `zh-CN` and plain `zh` -> `zh-Hans`).
"""

from __future__ import annotations

import re

# biblatex's language names (babel's and polyglossia's) -> BCP 47. Chinese has no single
# babel name: `chinese` is taken as Simplified, the script of the sources imprint was made
# for; Traditional needs `chinese-traditional` (or a tag, `zh-Hant`).
_NAMES = {
    "english": "en", "american": "en", "USenglish": "en", "british": "en", "UKenglish": "en",
    "australian": "en", "canadian": "en",
    "russian": "ru", "ukrainian": "uk", "belarusian": "be", "bulgarian": "bg",
    "macedonian": "mk", "serbian": "sr", "serbianc": "sr-Cyrl", "serbian-cyrillic": "sr-Cyrl",
    "serbian-latin": "sr-Latn", "kazakh": "kk", "kyrgyz": "ky", "mongolian": "mn",
    "tajik": "tg", "tatar": "tt", "churchslavonic": "cu",
    "chinese": "zh-Hans", "chinese-simplified": "zh-Hans", "schinese": "zh-Hans",
    "simplifiedchinese": "zh-Hans", "chinese-traditional": "zh-Hant", "tchinese": "zh-Hant",
    "traditionalchinese": "zh-Hant", "cantonese": "yue", "japanese": "ja", "korean": "ko",
    "french": "fr", "german": "de", "ngerman": "de", "spanish": "es", "italian": "it",
    "polish": "pl", "czech": "cs", "portuguese": "pt", "dutch": "nl",
}
_BY_NAME = {name.lower(): tag for name, tag in _NAMES.items()}
# A BCP 47 tag as people write them: a 2-3 letter language, then script/region/variants.
_TAG = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{1,8})*", re.IGNORECASE)


_TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})


def bcp47(value: str) -> str | None:
    """`ukrainian` -> `uk`, `zh_hant` -> `zh-Hant`, `ru-RU` -> `ru`; None if unknown."""
    name = value.strip().strip("{}").strip()
    if name.lower() in _BY_NAME:
        return _BY_NAME[name.lower()]
    if not _TAG.fullmatch(name):
        return None
    subtags = [_case(i, subtag) for i, subtag in enumerate(re.split("[-_]", name))]
    regions = [tag for tag in subtags[1:] if _is_region(tag)]
    kept = [tag for tag in subtags if not _is_region(tag)]
    if kept[0] == "zh" and not any(_is_script(tag) for tag in kept):
        kept.insert(1, "Hant" if set(regions) & _TRADITIONAL_REGIONS else "Hans")
    return "-".join(kept)


def _is_region(subtag: str) -> bool:
    return (len(subtag) == 2 and subtag.isupper()) or (len(subtag) == 3 and subtag.isdigit())


def _is_script(subtag: str) -> bool:
    return len(subtag) == 4 and subtag.isalpha()


def _case(index: int, subtag: str) -> str:
    """BCP 47's conventional case: `zh-Hant-TW`, `sr-Cyrl`, `en-US`."""
    if index == 0:
        return subtag.lower()
    if _is_script(subtag):
        return subtag.title()
    return subtag.upper() if len(subtag) == 2 else subtag.lower()
