"""The model keeps the manuscript's word breaks: a space the author typed is not lost, and
none is added before punctuation.

The edition audits compare each edition with the model, so they cannot see a word break the
renderer itself lost (`relationship, @lo2008axis notes` rendered as "relationship,Lo notes", or
`claim\\n[@key].` as "claim ."). This check reads the chapter file instead, and is precise by
construction: "relationship,L" is a finding only when the file has "relationship," and every
time it is followed by white space; "claim ." only when the file has "claim" and never with
white space before the same punctuation. Text the file does not hold (a formatted citation,
a label) is never a finding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from imprint.book.model import Diagnostic, Loc, Publication
from imprint.checks.fidelity_model import ModelText
from imprint.checks.fidelity_text import context

GLUED = re.compile(r"\w[,;:.!?](?=[^\W\d_])")  # "relationship,Lo"
CASE_CHANGE = re.compile(r"[a-zß-ÿа-яё][A-ZÀ-ÞА-ЯЁ]")  # "ofJohn"
SPACED = re.compile(r"(?<![\w.])(\w+) ([,;:.!?])(?=[\s\d]|$)")  # "claim ." ("::: a" is not)
WORD = re.compile(r"\w+")
WORD_BEFORE = re.compile(r"\w+[,;:.!?]$")
WORD_END = re.compile(r"\w*$")
# A formula (markdown/math.py), which the model reads as a word break (fidelity_text): the file
# is read the same way, so "equal to $x$." is not "a space before '.'" the author never typed.
# A formula never spans a blank line (Pandoc's rule; math is inline): without that, prices in a
# table ("$1.34 … $2.10") would pair up across paragraphs and blank out the text between them.
_IN = r"(?:(?!\n[ \t]*\n).)"  # any character, but no blank line
FORMULA = re.compile(rf"\$\${_IN}+?\$\$|\$[^\s$](?:(?:(?!\n[ \t]*\n)[^$])*?[^\s$\\])?\$(?!\d)"
                     rf"|\\\({_IN}+?\\\)|\\\[{_IN}+?\\\]", re.DOTALL)


@dataclass(frozen=True)
class Source:
    path: str  # as in diagnostics
    text: str  # the chapter's files, one after the other
    words: frozenset[str]
    starts: tuple[tuple[int, str], ...] = ()  # (offset in `text`, file) of each file

    def loc(self, offset: int) -> Loc:
        """The file and line holding `offset` of the text."""
        start, path = next(((s, p) for s, p in reversed(self.starts) if s <= offset),
                           (0, self.path))
        return Loc(path, self.text.count("\n", start, offset) + 1)


def chapter_source(pub: Publication, files: tuple[str, ...]) -> Source | None:
    """A chapter's files as one text, read as the model's text is: NFKC ("…" is "..."), and
    a formula a word break (its newlines kept, so lines keep their numbers)."""
    texts, starts, at = [], [], 0
    for file in files:
        try:
            text = unicodedata.normalize("NFKC", (pub.root / file).read_text(encoding="utf-8"))
        except OSError:
            return None
        text = FORMULA.sub(lambda m: " " + "\n" * m.group().count("\n"), text)
        starts.append((at, file))
        texts.append(text)
        at += len(text) + 1
    joined = "\n".join(texts)
    return Source(files[0], joined, frozenset(WORD.findall(joined)), tuple(starts))


def spacing_findings(pub: Publication, model: ModelText) -> list[Diagnostic]:
    found = []
    for chapter in pub.chapters:
        source = chapter_source(pub, chapter.files or (chapter.source.path,))
        if source is None:
            continue
        for rendered in [model.chapters[chapter.slug].text,
                         *(s.text for s in model.notes[chapter.slug])]:
            found += _lost_spaces(source, rendered)
            found += _glued_words(source, rendered)
            found += _added_spaces(source, rendered)
    return found


def _found(match: re.Match[str] | None) -> str:
    """The text of a match the surrounding pattern guarantees ("" should it ever fail)."""
    return match.group() if match else ""


def _lost_spaces(source: Source, text: str) -> list[Diagnostic]:
    found = []
    for match in GLUED.finditer(text):
        word = _found(WORD_BEFORE.search(text[max(0, match.end() - 60):match.end()]))
        if _always_spaced(word, source.text):
            found.append(Diagnostic(_after(source, word),
                                    f"the rendered text loses the space after '{word}': "
                                    f"'{context(text, match.end())}'"))
    return found


def _glued_words(source: Source, text: str) -> list[Diagnostic]:
    """"ofJohn": a word the file does not have, made of one it always ends with a space and
    a capitalized one (a narrative citation's author) glued to it."""
    found = []
    for match in CASE_CHANGE.finditer(text):
        cut = match.start() + 1
        start = cut - len(_found(WORD_END.search(text[max(0, cut - 60):cut])))
        token = _found(WORD.match(text, start))
        head = text[start:cut]
        if token not in source.words and head in source.words and _always_spaced(
                head, source.text):
            found.append(Diagnostic(_after(source, head),
                                    f"the rendered text loses the space after '{head}': "
                                    f"'{context(text, cut)}'"))
    return found


def _always_spaced(word: str, source: str) -> bool:
    after = [m.group(1) for m in re.finditer(rf"(?<!\w){re.escape(word)}(.)", source)]
    return bool(after) and all(c.isspace() for c in after)


def _added_spaces(source: Source, text: str) -> list[Diagnostic]:
    found = []
    for match in SPACED.finditer(text):
        word, mark = match.groups()
        if word not in source.words:
            continue
        written = rf"(?<!\w){re.escape(word)}(?!\w)"
        if not re.search(rf"{written}\s+[`*_~]*{re.escape(mark)}", source.text):
            found.append(Diagnostic(_line(source, written),
                                    f"the rendered text has a space before '{mark}' that the "
                                    f"manuscript does not: '{context(text, match.end(1))}'"))
    return found


def _after(source: Source, word: str) -> Loc:
    """The line where `word` is followed by white space, before a citation if it can."""
    escaped = re.escape(word)
    return _line(source, rf"(?<!\w){escaped}\s+[@\[]", rf"(?<!\w){escaped}\s")


def _line(source: Source, *patterns: str) -> Loc:
    """The line of the first match of the first pattern that matches."""
    for pattern in patterns:
        match = re.search(pattern, source.text)
        if match:
            return source.loc(match.start())
    return Loc(source.path, 1)
