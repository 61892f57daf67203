"""Parsed chapters kept between builds, keyed by file and content hash.

A long-running process (the preview server) rebuilds the whole publication on every save so its
numbers stay those of the full book; with this cache only the file that changed is parsed again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from pathlib import Path

from imprint.book.model import ChapterSpec
from imprint.markdown.parse import ParsedChapter, parse_chapter


class ParseCache:
    """`parse(root, spec)` behaves as `parse_chapter`, but reuses the last parse of the same bytes.

    A `ParsedChapter` is frozen plain data (no markdown-it token, no mutable container), and no
    later stage can change it, so one parse is handed to every build as it is: no copy needed.
    """

    def __init__(self) -> None:
        # files -> (hash, their parse); a chapter of several files is one entry
        self._entries: dict[tuple[str, ...], tuple[str, ParsedChapter]] = {}
        self._lock = threading.Lock()
        self.parses = 0  # how many files were really parsed: lets tests see the cache work

    def parse(self, root: Path, spec: ChapterSpec) -> ParsedChapter:
        data = tuple((root / file).read_bytes() for file in spec.files)
        digest = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for d in data)).hexdigest()
        with self._lock:
            entry = self._entries.get(spec.files)
        if entry is not None and entry[0] == digest:
            # The spec (kind, line in publication.yaml) may change without the file changing.
            return dataclasses.replace(entry[1], spec=spec)
        parsed = parse_chapter(root, spec, data)
        with self._lock:
            # Only the latest version of each file is kept, so memory stays bounded.
            self._entries[spec.files] = (digest, parsed)
            self.parses += 1
        return parsed

    def stored(self, file: str) -> ParsedChapter | None:
        """What the cache holds for `file` (for tests: it must be plain data)."""
        with self._lock:
            entry = self._entries.get((file,))
        return entry[1] if entry is not None else None
