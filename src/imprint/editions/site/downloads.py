"""The editions the landing page offers: which are built, their sizes, where they go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FOLDER = "downloads"


@dataclass(frozen=True)
class Download:
    kind: str  # "pdf", "press", "epub": the key of its label in site/words.j2
    format: str  # shown to the reader: "PDF", "EPUB 3"
    source: Path  # the built file in the build folder
    size: int  # bytes; 0 when not built

    @property
    def built(self) -> bool:
        return self.size > 0

    @property
    def href(self) -> str:
        """Relative to the site folder."""
        return f"{FOLDER}/{self.source.name}"


def editions(build: Path, slug: str) -> tuple[Download, ...]:
    """The print PDF, the press PDF and the EPUB as `imprint pdf|pdf --press|epub` write them."""
    wanted = (("pdf", "PDF", f"{slug}.pdf"), ("press", "PDF", f"{slug}-press.pdf"),
              ("epub", "EPUB 3", f"{slug}.epub"))
    return tuple(Download(kind, shown, build / name, _size(build / name))
                 for kind, shown, name in wanted)


def _size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def size_text(size: int) -> str:
    """1.2 MB, 830 KB: decimal units, as download pages show them."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"
