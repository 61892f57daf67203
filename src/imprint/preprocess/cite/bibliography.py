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
from imprint.preprocess.cite.languages import bcp47
from imprint.preprocess.cite.romanize import SortData


@dataclass(frozen=True)
class EntryLanguage:
    """An entry's language, from its `langid`/`language`, and its field values as text (to
    tell which of the entries a note cites a run of Chinese or Cyrillic comes from)."""

    lang: str  # BCP 47; "" when the entry names none (or one we do not know)
    text: str


@dataclass(frozen=True)
class Bibliography:
    files: tuple[Path, ...]
    keys: tuple[tuple[str, Loc], ...]  # key -> where it is defined (path relative to root)
    languages: tuple[tuple[str, EntryLanguage], ...] = ()  # key -> language (every entry)
    sort_data: tuple[tuple[str, SortData], ...] = ()  # key -> first name, year, title

    def loc(self, key: str) -> Loc | None:
        return next((where for k, where in self.keys if k == key), None)

    def language(self, key: str) -> EntryLanguage | None:
        return next((lang for k, lang in self.languages if k == key), None)

    def sort_fields(self) -> dict[str, SortData]:
        return dict(self.sort_data)


_Read = tuple[str, Loc, EntryLanguage, SortData]  # an entry read: key, where, language, sort
_NAME_FIELDS = ("author", "editor")


def load_bibliography(files: Sequence[str], root: Path, loc: Loc | None) -> Bibliography:
    """Read the keys of BibLaTeX/BibTeX (`.bib`) and CSL-JSON (`.json`) files.

    Raises ImprintError listing every problem: missing files, malformed entries, duplicate keys.
    """
    problems: list[Diagnostic] = []
    paths: list[Path] = []
    keys: dict[str, Loc] = {}
    languages: dict[str, EntryLanguage] = {}
    sort_data: dict[str, SortData] = {}
    for name in files:
        try:
            path = inside_root(name, root, loc, "bibliography file")
        except ImprintError as err:
            problems.extend(err.diagnostics)
            continue
        rel = path.relative_to(root.resolve()).as_posix()
        entries = _read_entries(path, rel, loc, problems)
        paths.append(path)
        for key, where, language, sort in entries:
            languages.setdefault(key, language)
            sort_data.setdefault(key, sort)
            first = keys.setdefault(key, where)
            if first is not where:
                at = f"line {first.line}" if first.path == rel else str(first)
                problems.append(Diagnostic(where, f"duplicate key '{key}' (first defined at {at})"))
    if problems:
        raise ImprintError(problems)
    return Bibliography(tuple(paths), tuple(keys.items()), tuple(languages.items()),
                        tuple(sort_data.items()))


def _read_entries(
    path: Path, rel: str, loc: Loc | None, problems: list[Diagnostic]
) -> list[_Read]:
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


def _bib_entries(text: str, rel: str, problems: list[Diagnostic]) -> list[_Read]:
    entries: list[_Read] = []
    for block in _parse_bibtex(text).blocks:
        where = Loc(rel, (block.start_line or 0) + 1)  # bibtexparser counts lines from 0
        if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock | bibtexparser.model.Entry):
            if isinstance(block, bibtexparser.model.Entry):
                language, sort = _bib_language(block), _bib_sort(block)
            else:  # a duplicate: an error anyway
                language, sort = EntryLanguage("", ""), ("", "", "", "")
            entries.append((block.key, where, language, sort))
        elif isinstance(block, bibtexparser.model.DuplicateFieldKeyBlock):
            problems.append(_duplicate_fields(block, rel))
        elif isinstance(block, bibtexparser.model.ParsingFailedBlock):
            problems.append(Diagnostic(where, _bib_failure(block, where.line or 1)))
    return entries


def _bib_language(entry: bibtexparser.model.Entry) -> EntryLanguage:
    """biblatex's `langid` (what Better BibTeX exports), else `language`."""
    fields = {field.key.lower(): str(field.value) for field in entry.fields}
    name = fields.get("langid") or fields.get("language")
    return EntryLanguage((bcp47(name) if name else None) or "", " ".join(fields.values()))


def _bib_sort(entry: bibtexparser.model.Entry) -> SortData:
    """The first author's (else editor's) family and given names, the year and the title,
    braces dropped: `{冯, 玉军}` -> (冯, 玉军); `{{Office of …}}` (an organisation) -> family."""
    fields = {field.key.lower(): str(field.value) for field in entry.fields}
    names = next((fields[name] for name in _NAME_FIELDS if fields.get(name)), "")
    family, given = _first_bib_name(names)
    year = re.search(r"\d{4}", fields.get("date") or fields.get("year") or "")
    return (family, given, year.group(0) if year else "", _unbrace(fields.get("title", "")))


def _first_bib_name(names: str) -> tuple[str, str]:
    depth, parts, start = 0, [], 0
    for index, char in enumerate(names):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and names.startswith(" and ", index):
            parts.append(names[start:index])
            start = index + 5
    name = (parts[0] if parts else names[start:]).strip()
    if name.startswith("{") and name.endswith("}") and _depth_zero_at_end(name):
        return _unbrace(name), ""  # an organisation, or a name kept as written
    depth, commas = 0, []
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and char == ",":
            commas.append(index)
    if commas:
        return _unbrace(name[: commas[0]]), _unbrace(name[commas[-1] + 1 :])
    words = name.split()
    return (_unbrace(words[-1]), _unbrace(" ".join(words[:-1]))) if words else ("", "")


def _depth_zero_at_end(name: str) -> bool:
    """Whether the brace opening `name` closes at its end (`{A B}`, not `{A} {B}`)."""
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(name) - 1
    return False


def _unbrace(text: str) -> str:
    return " ".join(text.replace("{", "").replace("}", "").split())


def _csl_sort(item: dict[str, object]) -> SortData:
    names = next((item[name] for name in _NAME_FIELDS if item.get(name)), [])
    first = names[0] if isinstance(names, list) and names else {}
    first = first if isinstance(first, dict) else {}
    family = str(first.get("family") or first.get("literal") or "")
    given = str(first.get("given") or "")
    issued = item.get("issued")
    year = ""
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = str(parts[0][0])
        elif isinstance(issued.get("raw"), str):
            found = re.search(r"\d{4}", str(issued["raw"]))
            year = found.group(0) if found else ""
    title = item.get("title")
    return (family, given, year, title if isinstance(title, str) else "")


def _csl_language(item: dict[str, object]) -> EntryLanguage:
    name = item.get("language")
    lang = bcp47(name) if isinstance(name, str) else None
    return EntryLanguage(lang or "", json.dumps(item, ensure_ascii=False))


def _bib_failure(block: bibtexparser.model.ParsingFailedBlock, line: int) -> str:
    """bibtexparser's reason, with the (1-based) line where parsing stopped if it is not
    the entry's first."""
    raw = block.raw or ""
    head = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]*)", raw)
    name = f" '{head.group(1)}'" if head and head.group(1) else ""
    reason = getattr(block.error, "abort_reason", "") or str(block.error) or "cannot parse"
    reason = " ".join(reason.split()).rstrip(" .")
    stop = line + raw.rstrip().count("\n")
    at = f" (parsing stopped at line {stop})" if stop != line else ""
    return f"malformed entry{name}: {reason}{at}"


def _duplicate_fields(block: bibtexparser.model.DuplicateFieldKeyBlock, rel: str) -> Diagnostic:
    """A field given twice, at its second occurrence (bibtexparser drops the entry)."""
    entry = block.ignore_error_block
    names = sorted(block.duplicate_keys)
    fields = ", ".join(f"'{name}'" for name in names)
    line = (block.start_line or 0) + 1
    if not isinstance(entry, bibtexparser.model.Entry):  # never, by bibtexparser's design
        return Diagnostic(Loc(rel, line), f"an entry has the field {fields} twice")
    seen: set[str] = set()
    for item in entry.fields:
        if item.key in seen and item.key in names:
            line = (item.start_line or 0) + 1
            break
        seen.add(item.key)
    return Diagnostic(Loc(rel, line), f"entry '{entry.key}' has the field {fields} twice")


def _parse_bibtex(text: str) -> Library:
    """Parse quietly: bibtexparser logs each problem (to stderr, with 0-based lines, through
    its modules' loggers), and we report them ourselves."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)  # its module loggers inherit the level
    try:
        return parse_string(text)
    finally:
        logger.setLevel(level)


def _csljson_entries(text: str, rel: str, problems: list[Diagnostic]) -> list[_Read]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        problems.append(Diagnostic(Loc(rel, err.lineno), f"malformed CSL-JSON: {err.msg}"))
        return []
    if not isinstance(items, list):
        problems.append(Diagnostic(Loc(rel, 1), "malformed CSL-JSON: expected a list of entries"))
        return []
    ids = _id_lines(text)
    starts = entry_lines(text)
    entries: list[_Read] = []
    for number, (item, start) in enumerate(zip(items, starts, strict=True), 1):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str | int) or isinstance(key, bool) or str(key) == "":
            problems.append(Diagnostic(Loc(rel, start), f"malformed entry #{number}: no 'id'"))
            continue
        queue = ids.get(str(key), [])
        entries.append((str(key), Loc(rel, queue.pop(0) if queue else start),
                        _csl_language(item), _csl_sort(item)))
    return entries


def _id_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of the `"id": ...` members of a CSL-JSON file, per id, in order."""
    lines: dict[str, list[int]] = {}
    for match in re.finditer(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)', text):
        value = json.loads(match.group(1))
        lines.setdefault(str(value), []).append(text.count("\n", 0, match.start()) + 1)
    return lines


def entry_lines(text: str) -> list[int]:
    """The 1-based line where each entry of a CSL-JSON list (valid JSON) starts."""
    decoder = json.JSONDecoder()
    index = _skip_blank(text, text.index("[") + 1)
    lines: list[int] = []
    while text[index] != "]":
        lines.append(text.count("\n", 0, index) + 1)
        index = _skip_blank(text, decoder.raw_decode(text, index)[1])
        if text[index] == ",":
            index = _skip_blank(text, index + 1)
    return lines


def _skip_blank(text: str, index: int) -> int:
    while text[index] in " \t\r\n":  # JSON's whitespace
        index += 1
    return index


def csljson_problem(path: Path, rel: str, where: str, reason: str) -> Diagnostic:
    """Pandoc's reading error `Error in $[3].author[0].family: parsing Text failed, expected
    String, but encountered Number` at the line of entry 3 (0-based in pandoc's path)."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    match = re.match(r"\$\[(\d+)\](.*)", where)
    try:
        items, lines = json.loads(text), entry_lines(text)
    except (ValueError, IndexError):
        items, lines = [], []
    if not match or not isinstance(items, list) or int(match.group(1)) >= len(lines):
        return Diagnostic(Loc(rel, 1), f"malformed CSL-JSON: {reason}")
    index = int(match.group(1))
    item = items[index]
    key = item.get("id") if isinstance(item, dict) else None
    name = f" '{key}'" if key is not None else f" #{index + 1}"
    field = match.group(2).lstrip(".")
    detail = f" in '{field}'" if field else ""
    return Diagnostic(Loc(rel, lines[index]), f"malformed entry{name}{detail}: {reason}")


# --- checks -------------------------------------------------------------------------------

# Up to this many uncited entries in one file get a warning each, at their line; more (a shared
# reference library, most of it cited elsewhere) get one summary line for the file.
UNCITED_EACH = 10


def check_citations(
    citations: Sequence[CitationRef], bib: Bibliography | None, *, include_all: bool = False
) -> list[Diagnostic]:
    """An error for every unknown key where it is cited; a warning for every entry never
    cited, or one per file holding more than `UNCITED_EACH` of them (none when the whole
    bibliography is printed anyway, `include_all`). Without a bibliography, one error at the
    first citation naming every cited key."""
    if bib is None:
        return _no_bibliography(citations)
    known = dict(bib.keys)
    cited: set[str] = set()
    diagnostics = []
    for citation in citations:
        for key in dict.fromkeys(item.key for item in citation.items):
            cited.add(key)
            if key not in known:
                message = f"unknown citation key '{key}'{did_you_mean(key, known, cutoff=0.8)}"
                diagnostics.append(Diagnostic(citation.loc, message))
    return diagnostics if include_all else diagnostics + _uncited(bib, cited)


def _uncited(bib: Bibliography, cited: set[str]) -> list[Diagnostic]:
    by_file: dict[str, list[tuple[str, Loc]]] = {}
    for key, where in bib.keys:
        if key not in cited:
            by_file.setdefault(where.path, []).append((key, where))
    found = []
    for path, entries in by_file.items():
        if len(entries) <= UNCITED_EACH:
            found += [Diagnostic(where, f"entry '{key}' is never cited", "warning")
                      for key, where in entries]
            continue
        first = ", ".join(key for key, _ in entries[:3])
        found.append(Diagnostic(Loc(path), f"{len(entries):,} entries are never cited (first: "
                                f"{first}, …); set bibliography-all: true to print them",
                                "warning"))
    return found


def _no_bibliography(citations: Sequence[CitationRef]) -> list[Diagnostic]:
    keys = list(dict.fromkeys(item.key for c in citations for item in c.items))
    if not keys:
        return []
    listed = ", ".join(f"'{key}'" for key in keys)
    what = f"citation of {listed}" if len(keys) == 1 else f"citations of {listed}"
    return [Diagnostic(citations[0].loc, f"{what} but publication.yaml names no bibliography")]
