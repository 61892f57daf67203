"""Mark runs of Chinese (Han) and Cyrillic text with their language.

Fonts, hyphenation and screen readers need to know that `中国的军事战略` is Chinese and
`Поворот к Азии` is Russian even inside an English note, so every such run in the text nodes
of an HTML fragment is wrapped in `<span lang="zh-Hans">` or `<span lang="ru">`. A run spans
letters of one script and the spaces, digits and punctuation *between* them, never the
brackets, quotes or punctuation around it. Text already inside an element whose `lang`
belongs to that script is left alone, so wrapping twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3007\U00020000-\U0003134f"
_CYRILLIC = "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"
# What may sit between two letters of a run: spaces, digits, inner punctuation (commas, stops,
# colons, dashes, ellipses, middle dots, CJK commas and stops) and character references.
# Brackets and quotation marks never do: they belong to the sentence around the run.
_BETWEEN = (
    r"(?:[\s\d!#$%*+,\-./:;=?@\\^_`|~\u00a0\u00b7\u2010-\u2015\u2022\u2026\u2027"
    r"\u3000-\u3003\u301c\u30fb\uff01\uff0c\uff0d\uff0e\uff1a\uff1b\uff1f\uff5e]|&#?\w+;)"
)


@dataclass(frozen=True)
class _Script:
    lang: str  # the lang attribute given to a run
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
_RUN = re.compile(
    "|".join(f"(?P<{name}>{s.letter}(?:{_BETWEEN}*{s.letter})*)" for name, s in _SCRIPTS.items())
)

_TOKEN = re.compile(r"<!--.*?-->|<(?:\"[^\"]*\"|'[^']*'|[^'\">])*>|[^<]+", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>")
_LANG_ATTR = re.compile(r"""(?:^|\s)(?:xml:)?lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)


def wrap_scripts(html: str) -> str:
    """Wrap Han and Cyrillic runs in the text nodes of `html` in language spans."""
    if not _RUN.search(html):
        return html
    out: list[str] = []
    stack: list[tuple[str, str | None]] = []  # (element name, its lang attribute or None)
    for match in _TOKEN.finditer(html):
        token = match.group(0)
        if token.startswith("<"):
            _track(token, stack)
            out.append(token)
        else:
            out.append(_wrap_text(token, _current_lang(stack)))
    return "".join(out)


def _track(token: str, stack: list[tuple[str, str | None]]) -> None:
    tag = _TAG.fullmatch(token)
    if not tag:
        return  # comment, doctype or processing instruction
    closing, name, attrs = tag.group(1), tag.group(2).lower(), tag.group(3)
    if closing:
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i:]
                break
    elif name not in _VOID and not attrs.rstrip().endswith("/"):
        lang = _LANG_ATTR.search(attrs)
        value = next((g for g in lang.groups() if g is not None), "") if lang else None
        stack.append((name, value))


def _current_lang(stack: list[tuple[str, str | None]]) -> str:
    for _, lang in reversed(stack):
        if lang is not None:
            return lang.lower()
    return ""


def _wrap_text(text: str, context_lang: str) -> str:
    def wrap(match: re.Match[str]) -> str:
        script = _SCRIPTS[match.lastgroup or ""]
        if _in_script(context_lang, script):
            return match.group(0)
        return f'<span lang="{script.lang}">{match.group(0)}</span>'

    return _RUN.sub(wrap, text)


def _in_script(lang: str, script: _Script) -> bool:
    """True when text under `lang` is already declared to be written in `script`."""
    if not lang:
        return False
    subtags = lang.split("-")
    if subtags[0] in script.lang_prefixes:
        return True
    return any(subtag in script.script_subtags for subtag in subtags[1:])
