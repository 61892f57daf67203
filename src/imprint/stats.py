"""`imprint stats`: words, notes, citations, figures and tables per chapter, and pages.

Pages are counted in the built PDF when there is one (from each chapter's named destination
to the next), and estimated from the words otherwise, at the sample report's density.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import html

from imprint.book.model import Chapter, Publication

# Words on a full page of running text in the house style (6 × 9 in, 10/14 pt Noto Serif):
# measured on the sample report's body pages.
WORDS_PER_PAGE = 380
FLOAT_PAGES = 0.4  # a figure or table, with its caption and the space around it
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class ChapterStats:
    title: str
    words: int
    notes: int
    citations: int
    figures: int
    tables: int
    pages: float  # counted in the PDF, or estimated (`Stats.counted` says which)


@dataclass(frozen=True)
class Stats:
    chapters: tuple[ChapterStats, ...]
    counted: bool  # pages read from a built PDF, not estimated


def publication_stats(pub: Publication, pdf: Path | None) -> Stats:
    pages = _pdf_pages(pub, pdf) if pdf is not None and pdf.is_file() else None
    chapters = tuple(_chapter(pub, chapter, pages) for chapter in pub.chapters)
    return Stats(chapters, pages is not None)


def words_in(markup: str) -> int:
    """Words of an HTML fragment's text; a Chinese character counts as a word, as editors
    count Chinese text by characters."""
    if not markup.strip():
        return 0
    text = html.fragment_fromstring(markup, create_parent="div").text_content()
    return len(_WORD.findall(_HAN.sub(" ", text))) + len(_HAN.findall(text))


def _chapter(pub: Publication, chapter: Chapter, pages: dict[str, int] | None) -> ChapterStats:
    words = words_in(chapter.html)
    files = set(chapter.files or (chapter.source.path,))
    return ChapterStats(
        title=chapter.title,
        words=words,
        notes=len(chapter.notes),
        citations=sum(1 for c in pub.citations if c.loc.path in files),
        figures=sum(1 for f in pub.figures if f.chapter == chapter.slug),
        tables=sum(1 for t in pub.tables if t.chapter == chapter.slug),
        pages=pages.get(chapter.slug, 0) if pages is not None else _estimate(pub, chapter, words),
    )


def _estimate(pub: Publication, chapter: Chapter, words: int) -> float:
    floats = sum(1 for f in pub.figures if f.chapter == chapter.slug)
    floats += sum(1 for t in pub.tables if t.chapter == chapter.slug)
    return round(words / WORDS_PER_PAGE + FLOAT_PAGES * floats, 1)


def _pdf_pages(pub: Publication, pdf: Path) -> dict[str, int] | None:
    """Pages from each chapter's start to the next section's, read from the PDF's named
    destinations (`chapter-<slug>`, `notes`, `bibliography`); None if they are not there."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        if "/Names" not in document.Root or "/Dests" not in document.Root.Names:
            return None
        index = {str(page.objgen): number for number, page in enumerate(document.pages)}
        tree = pikepdf.NameTree(document.Root.Names.Dests)
        starts = {str(name): index[str(dest[0].objgen)] for name, dest in tree.items()
                  if isinstance(dest, pikepdf.Array) and str(dest[0].objgen) in index}
        total = len(document.pages)
    return _spans([f"chapter-{c.slug}" for c in pub.chapters], starts, total)


def _spans(keys: Sequence[str], starts: dict[str, int], total: int) -> dict[str, int] | None:
    if not all(key in starts for key in keys):
        return None
    sections = [*keys, "notes", "bibliography"]
    ends = sorted({*(starts[key] for key in sections if key in starts), total})
    return {key.removeprefix("chapter-"): next(e for e in ends if e > starts[key]) - starts[key]
            for key in keys}


def table(stats: Stats) -> str:
    """The stats as a plain-text table with a total row."""
    rows = [(c.title[:40], c.words, c.notes, c.citations, c.figures, c.tables, c.pages)
            for c in stats.chapters]
    total = ("Total", *(sum(row[i] for row in rows) for i in range(1, 7)))  # type: ignore[misc]
    pages = "pages" if stats.counted else "est. pages"
    lines = [f"{'chapter':<40} {'words':>7} {'notes':>6} {'cites':>6} {'figs':>5} "
             f"{'tables':>6} {pages:>10}"]
    for row in [*rows, total]:
        title, *numbers = row
        shown = f"{numbers[5]:g}" if isinstance(numbers[5], float) else str(numbers[5])
        lines.append(f"{title:<40} {numbers[0]:>7,} {numbers[1]:>6} {numbers[2]:>6} "
                     f"{numbers[3]:>5} {numbers[4]:>6} {shown:>10}")
    return "\n".join(lines)
