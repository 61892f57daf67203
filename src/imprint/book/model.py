"""The typed model that flows between stages.

Every stage takes and returns these frozen dataclasses, so the PDF, the EPUB and the preview
read one shared description of the publication and can never disagree about numbering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # locale.py reads its files into Locales, reporting with this module's Loc
    from imprint.book.locale import Locale

Severity = Literal["error", "warning"]
ChapterKind = Literal["front", "body", "back"]
NotesMode = Literal["endnotes", "footnotes"]
PaperSize = Literal["letter", "a4"]
CiteMode = Literal["normal", "suppress-author", "author-in-text"]


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True, order=True)
class Loc:
    """Where a thing came from: a path relative to the manuscript folder and a 1-based line."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Diagnostic:
    loc: Loc | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc else ""
        prefix = "warning: " if self.severity == "warning" else ""
        # A message quoting the author's text stays one line: a control character or a line
        # separator in the quote is shown by its code point, never sent to the terminal.
        message = _UNPRINTABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", self.message)
        return f"{where}{prefix}{message}"


class ImprintError(Exception):
    """One or more problems with the input; the CLI prints them and exits non-zero."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic) -> None:
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @classmethod
    def at(cls, loc: Loc | None, message: str) -> ImprintError:
        return cls(Diagnostic(loc, message))


@dataclass(frozen=True)
class Author:
    name: str
    affiliation: str = ""
    bio: str = ""


@dataclass(frozen=True)
class Funding:
    """The funder's statement and disclaimer: data from publication.yaml, never template text."""

    statement: str
    disclaimer: str


@dataclass(frozen=True)
class ChapterSpec:
    """One entry of the chapter list in publication.yaml."""

    file: str  # relative to the manuscript folder; the first of `files`
    kind: ChapterKind
    loc: Loc
    # Every file of the chapter, read one after the other (`files: [a.md, b.md]`); `(file,)`
    # when the entry names one.
    files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.files:
            object.__setattr__(self, "files", (self.file,))


@dataclass(frozen=True)
class Metadata:
    slug: str
    title: str
    subtitle: str
    short_title: str
    authors: tuple[Author, ...]
    date: str  # ISO 8601 (YYYY-MM-DD)
    publisher: str
    identifier: str
    language: str
    rights: str
    keywords: tuple[str, ...]
    abstract: str
    funding: Funding | None  # None: no funder, and no funding block in any edition
    chapters: tuple[ChapterSpec, ...]
    bibliography: tuple[str, ...] = ()
    citation_style: str = "chicago-notes-bibliography"
    bibliography_all: bool = False
    bibliography_sort: str = "romanized"  # or "style": the CSL style's own order
    notes: NotesMode = "endnotes"
    paper: PaperSize = "letter"  # the print edition's page size (styles/paper-<size>.css)
    colophon: str = ""
    certified_by: str = ""  # who certified the EPUB's accessibility; "" claims nothing
    accessibility: str = "warn"  # "strict": a figure without alt text is an error
    bibliography_title: str = ""  # `reference-section-title`; "" is the locale's word
    cover_image: str = ""  # the EPUB's cover (`cover-image`); "" is the print edition's cover
    language_loc: Loc = Loc("publication.yaml")  # where `language:` is, for its warnings


@dataclass(frozen=True)
class CiteItem:
    """One key inside a citation: `see @a, ch. 2` is prefix 'see', key 'a', suffix ', ch. 2'."""

    key: str
    prefix: str = ""
    suffix: str = ""
    mode: CiteMode = "normal"


@dataclass(frozen=True)
class CitationRef:
    """A citation as written, numbered: `note_number` is the note it sits in, or None when the
    style is author-date and the citation stays in the running text."""

    id: str
    items: tuple[CiteItem, ...]
    loc: Loc
    note_number: int | None
    in_footnote: bool


@dataclass(frozen=True)
class Note:
    """A note in the one sequence shared by every edition."""

    number: int
    html: str
    source: Loc
    chapter: str  # chapter slug


@dataclass(frozen=True)
class Heading:
    id: str
    level: int
    text: str  # plain text, for contents, bookmarks and navigation
    listed: bool = True  # False: `{.unlisted}`, left out of the contents and navigation


@dataclass(frozen=True)
class Figure:
    id: str
    number: int
    src: str  # relative to the manuscript folder; "" when the image was refused
    alt: str
    caption: str  # plain text
    source: str
    chapter: str


@dataclass(frozen=True)
class Table:
    id: str
    number: int
    caption: str  # plain text
    source: str
    chapter: str


@dataclass(frozen=True)
class Chapter:
    slug: str
    title: str
    short_title: str
    number: int | None  # body chapters are numbered; front and back matter are not
    kind: ChapterKind
    source: Loc
    html: str
    headings: tuple[Heading, ...] = ()
    notes: tuple[Note, ...] = ()
    files: tuple[str, ...] = ()  # every file the chapter was read from, `source`'s first


@dataclass(frozen=True)
class BibEntry:
    key: str
    html: str


@dataclass(frozen=True)
class Publication:
    root: Path
    meta: Metadata
    chapters: tuple[Chapter, ...]
    locale: Locale  # the fixed words of every edition, in `meta.language`
    bibliography: tuple[BibEntry, ...] = ()
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    citations: tuple[CitationRef, ...] = ()
    assets: tuple[str, ...] = ()  # files the editions embed, relative to the manuscript folder
    diagnostics: tuple[Diagnostic, ...] = field(default=())
