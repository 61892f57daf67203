"""Bibliography files (BibLaTeX/BibTeX and CSL-JSON): keys, where they are, and checks."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bibtexparser.model
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library

from imprint.book.files import inside_root
from imprint.book.model import CitationRef, Diagnostic, ImprintError, Loc
from imprint.book.suggest import did_you_mean


@dataclass(frozen=True)
class Bibliography:
    files: tuple[Path, ...]
    keys: tuple[tuple[str, Loc], ...]  # key -> where it is defined (path relative to root)

    def loc(self, key: str) -> Loc | None:
        return next((where for k, where in self.keys if k == key), None)


def load_bibliography(files: Sequence[str], root: Path, loc: Loc | None) -> Bibliography:
    """Read the keys of BibLaTeX/BibTeX (`.bib`) and CSL-JSON (`.json`) files.

    Raises ImprintError listing every problem: missing files, malformed entries, duplicate keys.
    """
    problems: list[Diagnostic] = []
    paths: list[Path] = []
    keys: dict[str, Loc] = {}
    for name in files:
        try:
            path = inside_root(name, root, loc, "bibliography file")
        except ImprintError as err:
            problems.extend(err.diagnostics)
            continue
        rel = path.relative_to(root.resolve()).as_posix()
        entries = _read_entries(path, rel, loc, problems)
        paths.append(path)
        for key, where in entries:
            first = keys.setdefault(key, where)
            if first is not where:
                at = f"line {first.line}" if first.path == rel else str(first)
                problems.append(Diagnostic(where, f"duplicate key '{key}' (first defined at {at})"))
    if problems:
        raise ImprintError(problems)
    return Bibliography(tuple(paths), tuple(keys.items()))


def _read_entries(
    path: Path, rel: str, loc: Loc | None, problems: list[Diagnostic]
) -> list[tuple[str, Loc]]:
    if not path.is_file():
        problems.append(Diagnostic(loc, f"bibliography file '{rel}' not found"))
        return []
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if path.suffix.lower() == ".bib":
        return _bib_entries(text, rel, problems)
    if path.suffix.lower() == ".json":
        return _csljson_entries(text, rel, problems)
    problems.append(Diagnostic(loc, f"bibliography file '{rel}' is not .bib or .json"))
    return []


def _bib_entries(text: str, rel: str, problems: list[Diagnostic]) -> list[tuple[str, Loc]]:
    entries = []
    for block in _parse_bibtex(text).blocks:
        where = Loc(rel, (block.start_line or 0) + 1)
        if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock | bibtexparser.model.Entry):
            entries.append((block.key, where))
        elif isinstance(block, bibtexparser.model.ParsingFailedBlock):
            head = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]*)", block.raw or "")
            name = f" '{head.group(1)}'" if head and head.group(1) else ""
            reason = getattr(block.error, "abort_reason", "") or str(block.error) or "cannot parse"
            problems.append(Diagnostic(where, f"malformed entry{name}: {reason.strip()}"))
    return entries


def _parse_bibtex(text: str) -> Library:
    """Parse quietly: bibtexparser logs each problem, and we report them ourselves."""
    logger = logging.getLogger("bibtexparser")
    disabled, logger.disabled = logger.disabled, True
    try:
        return parse_string(text)
    finally:
        logger.disabled = disabled


def _csljson_entries(text: str, rel: str, problems: list[Diagnostic]) -> list[tuple[str, Loc]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        problems.append(Diagnostic(Loc(rel, err.lineno), f"malformed CSL-JSON: {err.msg}"))
        return []
    if not isinstance(items, list):
        problems.append(Diagnostic(Loc(rel, 1), "malformed CSL-JSON: expected a list of entries"))
        return []
    lines = _id_lines(text)
    entries = []
    for number, item in enumerate(items, 1):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str | int) or isinstance(key, bool) or str(key) == "":
            problems.append(Diagnostic(Loc(rel), f"malformed entry #{number}: no 'id'"))
            continue
        queue = lines.get(str(key), [])
        entries.append((str(key), Loc(rel, queue.pop(0) if queue else 0)))
    return entries


def _id_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of the `"id": ...` members of a CSL-JSON file, per id, in order."""
    lines: dict[str, list[int]] = {}
    for match in re.finditer(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)', text):
        value = json.loads(match.group(1))
        lines.setdefault(str(value), []).append(text.count("\n", 0, match.start()) + 1)
    return lines



# --- checks -------------------------------------------------------------------------------


def check_citations(
    citations: Sequence[CitationRef], bib: Bibliography, *, include_all: bool = False
) -> list[Diagnostic]:
    """An error for every unknown key where it is cited; a warning for every entry never
    cited (none when the whole bibliography is printed anyway, `include_all`)."""
    known = dict(bib.keys)
    cited: set[str] = set()
    diagnostics = []
    for citation in citations:
        for key in dict.fromkeys(item.key for item in citation.items):
            cited.add(key)
            if key not in known:
                message = f"unknown citation key '{key}'{did_you_mean(key, known, cutoff=0.8)}"
                diagnostics.append(Diagnostic(citation.loc, message))
    if not include_all:
        for key, where in bib.keys:
            if key not in cited:
                diagnostics.append(Diagnostic(where, f"entry '{key}' is never cited", "warning"))
    return diagnostics


