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

import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypandoc

from imprint.book import markup
from imprint.book.model import BibEntry, CitationRef, CiteItem, Diagnostic, ImprintError, Loc
from imprint.preprocess.cite import (
    bibliography,
    langspans,
    languages,
    pandoc_ast,
    romanize,
    text,
)
from imprint.preprocess.cite.bibliography import (
    Bibliography,
    check_citations,
    csljson_problem,
    load_bibliography,
)
from imprint.preprocess.cite.langspans import wrap_scripts
from imprint.preprocess.cite.pandoc_ast import (
    Node,
    blocks_to_html,
    inlines_to_html,
    split_notes,
    strip_spaces,
)
from imprint.preprocess.cite.styles import CslStyle, resolve_style, style_files
from imprint.preprocess.cite.text import SPACE, str_node, suffix_inlines, text_inlines
from imprint.preprocess.cite.translations import (
    corporate_translation,
    roman_translations,
    shorten_corporate,
)

__all__ = ["Bibliography", "CitationText", "CslStyle", "Formatted", "check_citations",
           "format_citations", "load_bibliography", "pandoc_runs", "resolve_style"]

PANDOC_API_VERSION = [1, 23, 1, 1]  # `pandoc -t json` of an empty document, pandoc 3.9
PANDOC_TIMEOUT = 300  # seconds
CACHE_VERSION = 2  # bump when the cached data changes shape (code changes are in the key)
CACHE_KEEP = 8  # cached results kept per cache directory
_NOT_FOUND = re.compile(r"Citeproc: citation (.+) not found")
_RUNS = {"pandoc": 0}


def pandoc_runs() -> int:
    """How many times this process has run pandoc to format citations."""
    return _RUNS["pandoc"]


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
    sort: str = "romanized",
) -> Formatted:
    """Format every citation and the bibliography with one (cached) pandoc run.

    `citations` are as the numbering stage lists them (each chapter's footnote citations after
    its body citations); `footnote_numbers` are the numbers of all author footnotes, with or
    without citations. The cache holds the finished XHTML, keyed on the inputs themselves, so
    a hit builds no document and converts nothing (~10 ms at 3,000 citations).

    `sort="romanized"` moves the Chinese and Cyrillic entries of the bibliography among the
    Latin ones by their romanised names (`romanize`), when the style sorts its bibliography
    alphabetically; `"style"` keeps pandoc's order.
    """
    if not citations and not (include_all and bib.files):
        return Formatted((), ())
    key = _cache_key(citations, footnote_numbers, bib, style, lang, include_all)
    result = _read_cache(cache_dir, key)
    if result is None:
        document, order = _document(
            citations, footnote_numbers, style.is_note_style, lang, include_all
        )
        output = _run_pandoc(document, bib, style, len(order))
        result = _converted(output, citations, order, style.is_note_style, bib)
        _write_cache(cache_dir, key, result)
    formatted = _formatted(result, citations)
    if sort == "romanized" and _sorts_alphabetically(style):
        formatted = _romanized(formatted, bib, cache_dir, key)
    return formatted


def _romanized(formatted: Formatted, bib: Bibliography, cache_dir: Path, key: str) -> Formatted:
    """The bibliography in romanised order (`romanize.interleave`), remembered beside the
    cached result: romanising Chinese names loads pypinyin's dictionaries, about 0.2 s of a
    warm build."""
    entries = formatted.bibliography
    by_key = {entry.key: entry for entry in entries}
    path = cache_dir / f"romanized-{key}.json"
    try:
        order = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        order = None
    if not isinstance(order, list) or sorted(order) != sorted(by_key) or len(by_key) < len(
            entries):
        data = bib.sort_fields()
        entries = tuple(romanize.interleave(entries, [data.get(e.key) for e in entries]))
        if len(by_key) == len(entries):  # keys name the entries one to one
            _write_json(cache_dir, "romanized", key, [entry.key for entry in entries])
    else:
        entries = tuple(by_key[entry_key] for entry_key in order)
    return Formatted(formatted.citations, entries, formatted.diagnostics)


def _sorts_alphabetically(style: CslStyle) -> bool:
    """Whether the style sorts its bibliography, by something other than citation number
    (a numeric style lists the entries in the order of their numbers)."""
    path = style.parent or style.path
    try:
        return _bibliography_sorted(path, path.stat().st_mtime_ns)
    except OSError:
        return False


@functools.cache
def _bibliography_sorted(path: Path, mtime_ns: int) -> bool:
    ns = "{http://purl.org/net/xbiblio/csl}"
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return False
    keys = root.findall(f"{ns}bibliography/{ns}sort/{ns}key")
    return bool(keys) and keys[0].get("variable") != "citation-number"


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
            blocks.append(_para([str_node("Note"), _footnote(cites)]))
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
    """Slots in reading order: one per body citation, one per footnote (its citations
    together) at its call, as pandoc reads a footnote where it is called.

    The numbering stage lists a chapter's footnote citations after its body citations; their
    note numbers give the reading order back, as body citations and footnotes share one
    sequence (footnotes without citations count too: "Ibid." needs the note before). In an
    author-date style body citations have no number: a footnote then stays where its first
    citation is listed, which matters only to styles numbering sources by first citation."""
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
    if all(slot.number is not None for slot in slots):
        slots.sort(key=lambda slot: slot.number or 0)
    return slots


def _footnote(cites: list[Node]) -> Node:
    """A footnote whose citations stand inside its text (not first, followed by lower case),
    as `[^1]: A note citing [@a, 3] and [@b].` has them."""
    inlines = [str_node("Text")]
    for cite in cites:
        inlines += [SPACE, cite, SPACE, str_node("and")]
    return {"t": "Note", "c": [_para([*inlines, SPACE, str_node("text.")])]}


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
                    "citationSuffix": suffix_inlines(item.suffix),
                    "citationMode": {"t": modes[item.mode]},
                    "citationNoteNum": note_num,
                    "citationHash": tag,
                }
                for item in items
            ],
            [str_node("[citation]")],
        ],
    }


def _para(inlines: list[Node]) -> Node:
    return {"t": "Para", "c": inlines}



# --- running pandoc -----------------------------------------------------------------------


def _run_pandoc(
    document: dict[str, Any], bib: Bibliography, style: CslStyle, expected: int
) -> dict[str, Any]:
    """Run `pandoc --citeproc` once; return each Cite's inlines, the bibliography entries and
    pandoc's warnings (JSON-serialisable, for the cache)."""
    _RUNS["pandoc"] += 1
    with tempfile.TemporaryDirectory(prefix="imprint-bib-") as tmp:
        files = _marked_files(bib, Path(tmp))
        try:
            proc = subprocess.run(
                _pandoc_command(files, style),
                input=json.dumps(document).encode(),
                capture_output=True,
                timeout=PANDOC_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as err:
            raise ImprintError.at(
                None, f"could not run pandoc to format citations: {err}"
            ) from None
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0:
            raise ImprintError(_pandoc_error(stderr, bib, style))
    cites, bibliography = _extract(_unmarked(json.loads(proc.stdout)))
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


# A one-character Chinese given name (乔, 良): pandoc's citeproc takes a one-letter given name
# for an initial and prints 乔良. ("乔良., and 王湘穗"), where citeproc-js and CMOS print 乔良.
# Pandoc reads the bibliography files itself, so a copy of a file with such a name, with a
# WORD JOINER (U+2060, invisible, no width) after the character, is what pandoc reads: a
# two-character given name is no initial. The copies keep every line where it was (errors
# are located in the original), and the joiner is removed from pandoc's output, only where
# it follows a Han character. A real full stop (the one closing a bibliography entry's author,
# "乔良. 超限战") is the style's and stays.
_MARK = "\u2060"
_HAN_CHAR = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
_BIB_NAME_FIELD = re.compile(
    r"\b(?:author|editor|translator|bookauthor|editora|editorb|editorc)\s*=\s*([{\"])",
    re.IGNORECASE,
)
# "family, G" with G one Han character (in braces or not), at the end of a name.
_BIB_ONE_HAN_GIVEN = re.compile(rf"(,\s*\{{?{_HAN_CHAR})(?=\}}?\s*(?:$|\sand\s))")
_CSL_ONE_HAN_GIVEN = re.compile(rf'("given"\s*:\s*"{_HAN_CHAR})(?=")')
_MARKED = re.compile(rf"(?<={_HAN_CHAR}){_MARK}")


def _marked_files(bib: Bibliography, folder: Path) -> list[Path]:
    """The bibliography files for pandoc: a marked copy (in `folder`, under its path relative
    to the manuscript, so errors name it the same) of each file with a one-character Chinese
    given name, the file itself otherwise."""
    files: list[Path] = []
    for path in bib.files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            files.append(path)
            continue
        marked = (_mark_bib(text) if path.suffix.lower() == ".bib"
                  else _CSL_ONE_HAN_GIVEN.sub(rf"\1{_MARK}", text))
        if marked == text:
            files.append(path)
            continue
        rel = next((loc.path for _, loc in bib.keys
                    if path.as_posix().endswith(f"/{loc.path}")), path.name)
        copy = folder / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(marked, encoding="utf-8")
        files.append(copy)
    return files


def _mark_bib(text: str) -> str:
    """Mark the one-character Han given names in the name fields (author, editor, …)."""
    pieces: list[str] = []
    last = 0
    for match in _BIB_NAME_FIELD.finditer(text):
        start = match.end()
        if start < last:
            continue
        end = _value_end(text, start, match.group(1))
        pieces += [text[last:start], _BIB_ONE_HAN_GIVEN.sub(rf"\1{_MARK}", text[start:end])]
        last = end
    return "".join(pieces) + text[last:]


def _value_end(text: str, start: int, opening: str) -> int:
    """Where a field value that starts after `opening` ({ or ") ends (its closing delimiter)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and opening == "{":
                return index
            depth -= 1
        elif char == '"' and opening == '"' and depth == 0:
            return index
    return len(text)


def _unmarked(node: Any) -> Any:
    """Pandoc's output without the marks of `_marked_files`."""
    if isinstance(node, str):
        return _MARKED.sub("", node) if _MARK in node else node
    if isinstance(node, list):
        return [_unmarked(item) for item in node]
    if isinstance(node, dict):
        return {key: _unmarked(value) for key, value in node.items()}
    return node


def _pandoc_command(files: Sequence[Path], style: CslStyle) -> list[str]:
    """JSON in, JSON out. The resource path lets pandoc find a dependent style's parent
    locally: `--sandbox` does not stop citeproc from downloading it otherwise."""
    folders = dict.fromkeys(str(path.parent) for path in style_files(style))
    return [
        pypandoc.get_pandoc_path(),
        "--from=json",
        "--to=json",
        "--citeproc",
        "--sandbox",
        f"--csl={style.path}",
        f"--resource-path={os.pathsep.join(folders)}",
        *(f"--bibliography={path}" for path in files),
    ]


def _pandoc_error(stderr: str, bib: Bibliography, style: CslStyle) -> list[Diagnostic]:
    """Pandoc's error as one located line: a bibliography file's (`Error reading bibliography
    file x.bib:` then `(line 8, column 3):` or, for CSL-JSON, `Error in $[2].title: …`) or
    the style's (`CiteprocParseError: unknown element "bogus"`)."""
    style_error = re.search(r"CiteprocParseError:\s*(.*)", stderr, re.DOTALL)
    if style_error:
        reason = " ".join(style_error.group(1).split())
        return [Diagnostic(style.loc, f"citation style '{style.name}' is not valid CSL: {reason}")]
    match = re.search(r"Error reading bibliography file (.+?):\s*(.*)", stderr, re.DOTALL)
    if not match:
        return [Diagnostic(None, "pandoc could not format the citations: "
                           + " ".join(stderr.split()))]
    path = Path(match.group(1))
    rel = next((loc.path for _, loc in bib.keys if path.as_posix().endswith(f"/{loc.path}")),
               path.name)
    detail = match.group(2)
    json_error = re.match(r"Error in (\$\S*): (.*)", detail, re.DOTALL)
    if json_error and path.is_file():
        reason = " ".join(json_error.group(2).split())
        return [csljson_problem(path, rel, json_error.group(1), reason)]
    line = re.match(r"\(line (\d+), column \d+\):\s*(.*)", detail, re.DOTALL)
    reason = " ".join((line.group(2) if line else detail).split())
    return [Diagnostic(Loc(rel, int(line.group(1)) if line else 1),
                       f"malformed bibliography: {reason}")]


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


def _converted(
    output: dict[str, Any],
    citations: Sequence[CitationRef],
    order: list[int],
    note_style: bool,
    bib: Bibliography,
) -> dict[str, Any]:
    """Pandoc's output as the XHTML of each citation (in `citations` order: [inline, note])
    and of each bibliography entry ([key, html]), with pandoc's warnings: JSON, for the
    cache. Chinese and Cyrillic runs take the language of the entries cited."""
    texts: list[list[str | None]] = [["", None] for _ in citations]
    seen: set[str] = set()
    for index, inlines in zip(order, output["cites"], strict=True):
        keys = [item.key for item in citations[index].items]
        langs = _languages(bib, keys)
        short = _short_names(bib, keys, seen) if note_style else []
        seen.update(keys)
        inlines = roman_translations(inlines)
        if note_style and not citations[index].in_footnote:
            rest, notes = split_notes(inlines)
            note = shorten_corporate(blocks_to_html(notes[0]), short) if notes else None
            texts[index] = [_inline_html(rest, langs), note and wrap_scripts(note, langs)]
        else:
            html = shorten_corporate(inlines_to_html(strip_spaces(inlines)), short)
            texts[index] = [wrap_scripts(html, langs), None]
    entries = [
        [key, wrap_scripts(blocks_to_html(roman_translations(blocks)), _languages(bib, [key]))]
        for key, blocks in output["bibliography"]
    ]
    return {"texts": texts, "bibliography": entries, "warnings": output["warnings"]}


def _formatted(result: dict[str, Any], citations: Sequence[CitationRef]) -> Formatted:
    missing = {m.group(1) for w in result["warnings"] if (m := _NOT_FOUND.fullmatch(w))}
    if missing:
        raise ImprintError(_missing_keys(citations, missing))
    texts = tuple(
        (citation.id, CitationText(inline, note))
        for citation, (inline, note) in zip(citations, result["texts"], strict=True)
    )
    entries = tuple(BibEntry(key, html) for key, html in result["bibliography"])
    warnings = tuple(Diagnostic(None, w, "warning") for w in result["warnings"])
    return Formatted(texts, entries, warnings)


def _short_names(bib: Bibliography, keys: Sequence[str], seen: set[str]) -> list[tuple[str, str]]:
    """The translated organisation names a citation's short notes (its keys cited before)
    print without their translation; not one a first citation in it names in full."""
    data = bib.sort_fields()
    names = {key: corporate_translation(*data[key][:2]) for key in keys if key in data}
    full = {names[key] for key in keys if key not in seen and names.get(key)}
    return [name for key in keys if key in seen and (name := names.get(key)) and name not in full]


def _inline_html(inlines: list[Node], langs: langspans.Languages) -> str:
    return wrap_scripts(inlines_to_html(strip_spaces(inlines)), langs)


def _languages(bib: Bibliography, keys: Sequence[str]) -> list[tuple[str, str]]:
    """(lang, text) of the entries `keys`, in citation order ("" for no language named)."""
    found = (bib.language(key) for key in dict.fromkeys(keys))
    return [(language.lang, language.text) for language in found if language is not None]


def _missing_keys(citations: Sequence[CitationRef], missing: set[str]) -> list[Diagnostic]:
    """Pandoc's "citation x not found", as an error at each place `x` is cited."""
    return [
        Diagnostic(c.loc, f"unknown citation key '{key}'")
        for c in citations
        for key in dict.fromkeys(item.key for item in c.items)
        if key in missing
    ]


# --- cache --------------------------------------------------------------------------------


def _cache_key(
    citations: Sequence[CitationRef],
    footnote_numbers: Sequence[int],
    bib: Bibliography,
    style: CslStyle,
    lang: str,
    include_all: bool,
) -> str:
    """Everything the result depends on: the citations as written (without their ids and
    locations) and numbered, the footnotes, lang, nocite, the bibliography and style bytes,
    the pandoc binary, and the code that builds pandoc's document and converts its output."""
    digest = hashlib.sha256()
    pandoc = Path(pypandoc.get_pandoc_path())
    stat = pandoc.stat() if pandoc.is_file() else None
    header = [
        CACHE_VERSION,
        _code_digest(),
        pypandoc.get_pandoc_version(),
        str(pandoc),
        stat.st_size if stat else 0,
        stat.st_mtime_ns if stat else 0,
        style.is_note_style,
        lang,
        include_all,
        sorted(footnote_numbers),
    ]
    cites = [
        [c.note_number, c.in_footnote, [[i.key, i.prefix, i.suffix, i.mode] for i in c.items]]
        for c in citations
    ]
    digest.update(json.dumps([header, cites]).encode())
    for path in [*style_files(style), *bib.files]:
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _code_digest() -> str:
    """The source of the modules that shape the cached XHTML: an edit to any of them (the
    script runs of `langspans`, say) must not be hidden by an old cached result."""
    digest = hashlib.sha256()
    modules = (sys.modules[__name__], text, pandoc_ast, langspans, languages, bibliography, markup,
               romanize)
    for module in modules:
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def _read_cache(cache_dir: Path, key: str) -> dict[str, Any] | None:
    try:
        data = json.loads((cache_dir / f"citations-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("key") == key else None


def _write_cache(cache_dir: Path, key: str, result: dict[str, Any]) -> None:
    _write_json(cache_dir, "citations", key, {"key": key, **result})


def _write_json(cache_dir: Path, kind: str, key: str, value: object) -> None:
    """Write `kind-key.json` atomically (temporary file, then rename), then drop the oldest
    files of that kind."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / f"{kind}-{key}.json"
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=cache_dir, prefix=f".{kind}-", suffix=".tmp", delete=False
    ) as handle:
        json.dump(value, handle, ensure_ascii=False)
    os.replace(handle.name, target)
    old = sorted(cache_dir.glob(f"{kind}-*.json"), key=lambda p: p.stat().st_mtime_ns)
    for path in old[:-CACHE_KEEP]:
        path.unlink(missing_ok=True)
