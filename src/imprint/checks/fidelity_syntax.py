"""Check 1: no Markdown syntax left unrendered in an edition's visible text.

A printed `[@`, `[^`, `{#`, `:::`, `@key` … is a finding only when the model's own text for that
section does not hold it in the same place: an author may write about `:::` in a code span, and
then the model's text has it too, with the same words around it. "The same place" is the
syntax with the dozen characters before it, or with the dozen after it (either is enough, as a
line end, a page end or a list marker may interrupt one side in print).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imprint.book.config import CONFIG_NAME
from imprint.book.model import Diagnostic, Loc, Publication
from imprint.checks.fidelity_locate import chapter_files, line_before
from imprint.checks.fidelity_model import Expected, bib_locs
from imprint.checks.fidelity_text import Printed, context, normalize, squash

# (kind, pattern): each pattern takes the whole token where it can, to show it in the message.
SYNTAX = (
    ("citation", r"\[-?@[^\s\]]*\]?"),
    ("footnote", r"\^\[|\[\^[^\s\]]*\]?"),
    ("attribute", r"\{[#.][^\s}]*\}?"),
    ("fenced div", r":::"),
    ("table caption", r"Table:"),
    ("cross-reference", r"\\@ref\([^)\s]*\)?|(?<![\w@.])@(?:fig|tbl|sec|eq):[\w:-]+"),
    ("math", r"\$\$"),
    # A Markdown link or image printed as text: `[words](https://…)`, `](#id)`.
    ("link", r"\]\((?:https?://|mailto:|#|figures/)[^\s)]*\)?"),
    # A comment or tag printed as text: raw HTML the parse stage neither dropped nor rendered.
    ("raw HTML", r"<!--|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>"),
)
SIDE = 12


@dataclass(frozen=True)
class Occurrence:
    kind: str
    text: str  # the token as printed
    at: int  # offset in the section's printed text


def syntax_pattern(pub: Publication) -> re.Pattern[str]:
    """One pattern for every kind, with `@key` for each key the manuscript cites."""
    keys = sorted({item.key for c in pub.citations for item in c.items}, key=len, reverse=True)
    kinds = list(SYNTAX)
    if keys:
        alternatives = "|".join(re.escape(k) for k in keys)
        kinds.append(("citation", rf"(?<![\w@.])@(?:{alternatives})(?![\w])"))
    return re.compile("|".join(f"(?P<k{n}>{p})" for n, (_, p) in enumerate(kinds)))


def _kind(match: re.Match[str]) -> str:
    index = int(match.lastgroup[1:]) if match.lastgroup else 0
    return SYNTAX[index][0] if index < len(SYNTAX) else "citation"


def unexplained(pattern: re.Pattern[str], printed: str, model: str, *,
                placed: bool = True) -> list[Occurrence]:
    """Syntax in `printed` that the squashed `model` text does not hold in the same place
    (`placed`), or at all: pages made of many short pieces (contents, title page) have no
    running text for a place to be found in."""
    found = []
    for match in pattern.finditer(printed):
        sides: tuple[str, ...]
        if placed:
            sides = (printed[max(0, match.start() - SIDE):match.end()],
                     printed[match.start():match.end() + SIDE])
        else:
            sides = (match.group(),)
        if not any(squash(side) in model for side in sides):
            found.append(Occurrence(_kind(match), match.group(), match.start()))
    return found


def front_text(pub: Publication) -> str:
    """What the cover, title page, copyright page and contents are made from."""
    meta = pub.meta
    parts = [meta.title, meta.subtitle, meta.short_title, meta.publisher, meta.identifier,
             meta.rights, meta.colophon, meta.abstract,
             *((meta.funding.statement, meta.funding.disclaimer) if meta.funding else ()),
             *meta.keywords,
             *(f"{a.name} {a.affiliation}" for a in meta.authors),
             *(h.text for c in pub.chapters for h in c.headings)]
    return normalize(" ".join(parts))


def syntax_findings(pub: Publication, printed: Printed,
                    expected: dict[str, Expected]) -> list[Diagnostic]:
    pattern = syntax_pattern(pub)
    front = squash(front_text(pub))
    found = []
    for key, text in printed.sections.items():
        model = squash(expected[key].text) if key in expected else front
        by_kind: dict[str, list[Occurrence]] = {}
        for occurrence in unexplained(pattern, text, model, placed=key in expected):
            by_kind.setdefault(occurrence.kind, []).append(occurrence)
        for kind, occurrences in by_kind.items():
            first = occurrences[0]
            more = f" ({len(occurrences)} times in this section)" if len(occurrences) > 1 else ""
            found.append(Diagnostic(
                _where(pub, expected.get(key), key, text, first),
                f"the {printed.edition} prints unrendered {kind} syntax '{first.text}'{more}: "
                f"'{context(text, first.at)}'"))
    return found


def _where(pub: Publication, expected: Expected | None, key: str, text: str,
           occurrence: Occurrence) -> Loc | None:
    """The citation's own line, else the note or chapter line that holds the words around it."""
    if expected is None:
        return Loc(CONFIG_NAME)
    cited = _cited(pub, key, occurrence.text.strip("[]-@"))
    if cited is not None:
        return cited
    end = occurrence.at + len(occurrence.text)
    for near in (text[max(0, occurrence.at - 2 * SIDE):occurrence.at], text[end:end + 2 * SIDE]):
        for segment in expected.segments:
            if segment.loc and squash(near) and squash(near) in squash(segment.text):
                return _line(pub, segment.loc, text, occurrence.at, segment.search)
    whole = expected.segments[-1]  # a chapter's running text is its one segment
    return _line(pub, whole.loc, text, occurrence.at, whole.search)


def _cited(pub: Publication, key: str, cited: str) -> Loc | None:
    """Where the key in `[@key` was cited in this chapter, or its bibliography entry."""
    if key == "bibliography":
        return bib_locs(pub).get(cited)
    chapter = next((c for c in pub.chapters if key.endswith(f"-{c.slug}")), None)
    files = (chapter.files or (chapter.source.path,)) if chapter else ()
    return next((c.loc for c in pub.citations if c.loc.path in files
                 and any(item.key == cited for item in c.items)), None)


def _line(pub: Publication, loc: Loc | None, text: str, at: int, search: bool) -> Loc | None:
    if loc is None or not search:
        return loc
    return line_before(pub.root, loc, text, at, chapter_files(pub, loc))
