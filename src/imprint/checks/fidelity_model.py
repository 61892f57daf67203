"""What each edition must print, from the model: the text of every section, and the pieces
(headings, notes, captions, entries, the funder's words) that must each be found in order.

Sections are named by the id of the element that holds them in both editions: `chapter-<slug>`,
`notes`, `bibliography`, `copyright`; print footnotes are `footnotes-<slug>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html

from imprint.book.config import CONFIG_NAME
from imprint.book.model import Chapter, Loc, Publication
from imprint.checks.fidelity_locate import config_line
from imprint.checks.fidelity_text import html_parts, normalize, visible_text

BIB_ENTRY = re.compile(r"\s*@\w+\s*\{\s*([^,\s]+)\s*,")
CAPTIONS = {"figcaption": "figure caption", "caption": "table caption"}
PIECE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", *CAPTIONS)


@dataclass(frozen=True)
class Segment:
    """A run of expected text and where it came from; `search` lets a finding name the line."""

    text: str  # normalized
    loc: Loc | None
    search: bool = False  # True: find the line by searching the source file for the words


@dataclass(frozen=True)
class Expected:
    """The text of one section, as segments joined by word breaks."""

    key: str
    segments: tuple[Segment, ...]
    repeats: tuple[str, ...] = ()  # text print may repeat: table header rows

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments if s.text)

    def at(self, offset: int) -> tuple[Segment, int]:
        """The segment holding `offset` of `text`, and the offset inside it."""
        start = 0
        for segment in self.segments:
            if not segment.text:
                continue
            if offset <= start + len(segment.text):
                return segment, offset - start
            start += len(segment.text) + 1
        return self.segments[-1], len(self.segments[-1].text)


@dataclass(frozen=True)
class Piece:
    """Something that must appear in a section, after the piece before it."""

    kind: str  # "heading", "note 12", "figure caption", "disclaimer", ...
    text: str  # normalized
    loc: Loc | None
    search: bool = False  # as Segment.search


@dataclass(frozen=True)
class ModelText:
    """The model's visible text, computed once per audit (one HTML parse for the book)."""

    chapters: dict[str, Segment]  # slug -> running text
    headings: dict[str, tuple[Piece, ...]]  # slug -> headings and captions, in order
    table_heads: dict[str, tuple[str, ...]]  # slug -> header rows, which print on every page
    notes: dict[str, tuple[Segment, ...]]  # slug -> "12. The note's text", in order
    entries: tuple[Segment, ...]  # bibliography entries


def model_text(pub: Publication) -> ModelText:
    notes = [n for c in pub.chapters for n in c.notes]
    parts = html_parts([*(c.html for c in pub.chapters), *(n.html for n in notes),
                        *(e.html for e in pub.bibliography)])
    chapter_parts = list(zip(pub.chapters, parts, strict=False))
    note_parts = zip(notes, parts[len(pub.chapters):], strict=False)
    entry_parts = zip(pub.bibliography, parts[len(pub.chapters) + len(notes):], strict=True)
    by_number = {n.number: Segment(normalize(f"{n.number}. {visible_text(part)}"), n.source)
                 for n, part in note_parts}
    locs = bib_locs(pub)
    return ModelText(
        chapters={c.slug: Segment(normalize(visible_text(part)), c.source, True)
                  for c, part in chapter_parts},
        headings={c.slug: _pieces_of(c, part) for c, part in chapter_parts},
        table_heads={c.slug: tuple(normalize(visible_text(head)) for head in part.iter("thead"))
                     for c, part in chapter_parts},
        notes={c.slug: tuple(by_number[n.number] for n in c.notes) for c in pub.chapters},
        entries=tuple(Segment(normalize(visible_text(part)), locs.get(e.key, locs.get("")))
                      for e, part in entry_parts),
    )


def _pieces_of(chapter: Chapter, root: html.HtmlElement) -> tuple[Piece, ...]:
    """Headings and captions in the order the chapter's HTML holds them."""
    found = []
    for element in root.iter(*PIECE_TAGS):
        text = normalize(visible_text(element))
        if text:
            found.append(Piece(CAPTIONS.get(str(element.tag), "heading"), text, chapter.source,
                               True))
    return tuple(found)


def expected_sections(pub: Publication, model: ModelText, *,
                      footnotes: bool) -> dict[str, Expected]:
    """Every section whose words are compared; `footnotes`: notes print with their chapter."""
    found = {f"chapter-{c.slug}": Expected(f"chapter-{c.slug}", (model.chapters[c.slug],),
                                           model.table_heads[c.slug])
             for c in pub.chapters}
    if footnotes:
        found |= {f"footnotes-{c.slug}": Expected(f"footnotes-{c.slug}", model.notes[c.slug])
                  for c in pub.chapters if c.notes}
    elif any(c.notes for c in pub.chapters):
        found["notes"] = Expected("notes", _notes_section(pub, model))
    if pub.bibliography:
        found["bibliography"] = Expected(
            "bibliography", (Segment(normalize(pub.locale.bibliography), None), *model.entries))
    return found


def _notes_section(pub: Publication, model: ModelText) -> tuple[Segment, ...]:
    """The notes section: its title, then each chapter's notes under that chapter's title."""
    # The section's title is the locale's word, as the templates print it (partials/notes).
    segments = [Segment(normalize(pub.locale.notes), None)]
    for chapter in pub.chapters:
        if chapter.notes:
            number = f"{chapter.number}. " if chapter.number else ""
            segments.append(Segment(normalize(number + chapter.title), chapter.source))
            segments += model.notes[chapter.slug]
    return tuple(segments)


def pieces(pub: Publication, model: ModelText, *, footnotes: bool) -> dict[str, list[Piece]]:
    """Per section, what must be printed there, in order."""
    funding = pub.meta.funding
    found: dict[str, list[Piece]] = {"copyright": [
        Piece("funding statement", normalize(funding.statement),
              config_line(pub.root, CONFIG_NAME, "statement")),
        Piece("disclaimer", normalize(funding.disclaimer),
              config_line(pub.root, CONFIG_NAME, "disclaimer"))] if funding else []}
    for chapter in pub.chapters:
        found[f"chapter-{chapter.slug}"] = list(model.headings[chapter.slug])
        if footnotes and chapter.notes:
            found[f"footnotes-{chapter.slug}"] = _note_pieces(model.notes[chapter.slug])
    if not footnotes and any(c.notes for c in pub.chapters):
        found["notes"] = [p for c in pub.chapters for p in _note_pieces(model.notes[c.slug])]
    if pub.bibliography:
        found["bibliography"] = [Piece(f"bibliography entry '{e.key}'", s.text, s.loc)
                                 for e, s in zip(pub.bibliography, model.entries, strict=True)]
    return found


def _note_pieces(segments: tuple[Segment, ...]) -> list[Piece]:
    return [Piece(f"note {s.text.split('.', 1)[0]}", s.text, s.loc) for s in segments]


def bib_locs(pub: Publication) -> dict[str, Loc]:
    """The line of the bibliography file where each entry starts (`@book{key,`); under "",
    the file itself, for entries that cannot be found (CSL JSON or YAML)."""
    found: dict[str, Loc] = {"": Loc(pub.meta.bibliography[0])} if pub.meta.bibliography else {}
    for name in pub.meta.bibliography:
        try:
            lines = (pub.root / name).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, 1):
            match = BIB_ENTRY.match(line)
            if match:
                found.setdefault(match.group(1), Loc(name, number))
    return found
