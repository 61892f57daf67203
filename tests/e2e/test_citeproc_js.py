"""imprint's notes and bibliography against citeproc-js, the engine inside Zotero.

The fixture (tests/fixtures/citations/reference: 14 entries in English, Chinese and Russian,
two chapters, 40+ citations: full, short and Ibid. forms, locators, prefixes, a suffix,
suppress-author, narrative, several works in one citation, citations inside footnotes) is
built by imprint's real stages and formatted by citeproc-js (npm `citeproc`, installed by
`make bootstrap` under .venv/citeproc-js) with the same CSL file, the same locale (the
en-US locale pandoc itself carries, read from its binary) and the same entries (the `.bib`
as pandoc reads it, written out as CSL-JSON by pandoc). Every citation and every entry is
compared; each remaining difference is listed, with its reason, in
tests/fixtures/citations/reference/allowlist.yaml.

A missing node or citeproc-js fails: the comparison is the point of the test.

    .venv/bin/python -m tests.e2e.test_citeproc_js   # print every compared pair
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypandoc
import pytest
from ruamel.yaml import YAML
from tests.conftest import MINIMAL_CONFIG, REPO

from imprint.book.config import load_config
from imprint.book.model import CitationRef, CiteItem
from imprint.markdown.parse import parse_chapter
from imprint.preprocess.cite.format import (
    format_citations,
    load_bibliography,
    resolve_style,
)
from imprint.preprocess.numbering import number_publication

FIXTURE = REPO / "tests" / "fixtures" / "citations" / "reference"
CITEPROC_JS = REPO / ".venv" / "citeproc-js" / "node_modules" / "citeproc"
STYLES = (
    "chicago-notes-bibliography",
    "chicago-notes-bibliography-subsequent-ibid",
    "chicago-author-date",
)
LANG = "en-US"
# Pandoc's Markdown locator labels (the ones the fixture uses) as CSL locator types.
# Pandoc knows a label by the locale's terms: `chap.` is one, `ch.` is not (it stays suffix).
_LABELS = {"p.": "page", "pp.": "page", "chap.": "chapter", "sec.": "section"}
_LOCATOR = re.compile(r",?\s*(?:(?P<label>[a-z]+\.)\s*)?(?P<loc>\d+(?:[–-]\d+)?)(?P<rest>.*)",
                      re.DOTALL)


@dataclass(frozen=True)
class Pair:
    """One compared item: a citation (`c07 lo2008axis`) or a bibliography entry (`bib key`)."""

    style: str
    item: str
    imprint: str
    citeproc_js: str


# --- imprint ------------------------------------------------------------------------------


def _manuscript(root: Path, style: str) -> Path:
    chapters = "".join(f"  - file: chapters/{p.name}\n    kind: body\n"
                       for p in sorted((FIXTURE / "chapters").glob("*.md")))
    config = MINIMAL_CONFIG.split("chapters:\n")[0] + "chapters:\n" + chapters
    config += f"bibliography: [references.bib]\ncitation-style: {style}\n"
    shutil.copytree(FIXTURE / "chapters", root / "chapters")
    shutil.copy(FIXTURE / "references.bib", root / "references.bib")
    (root / "publication.yaml").write_text(config, encoding="utf-8")
    return root


def imprint_side(root: Path, cache_dir: Path) -> tuple[list[CitationRef], dict[str, str]]:
    """The citations as imprint's stages number them, and imprint's text of each (label ->
    HTML): a note's text, the text printed in place (a footnote's citation, author-date), and
    a narrative citation's author (`label author`); then the bibliography (`bib key`)."""
    meta = load_config(root)
    style = resolve_style(meta.citation_style, root, None)
    bib = load_bibliography(meta.bibliography, root, None)
    parsed = [parse_chapter(root, spec) for spec in meta.chapters]
    numbering = number_publication(root, parsed, style.is_note_style)
    formatted = format_citations(numbering.citations, numbering.footnote_numbers, bib, style,
                                 meta.language, cache_dir)
    texts: dict[str, str] = {}
    for index, citation in enumerate(numbering.citations):
        label = _label(index, citation)
        text = formatted.get(citation.id)
        if text.note_html is not None:
            texts[label] = text.note_html
            if _narrative(citation):
                texts[f"{label} author"] = text.inline_html
        else:
            texts[label] = text.inline_html
    texts.update((f"bib {entry.key}", entry.html) for entry in formatted.bibliography)
    return list(numbering.citations), texts


def _label(index: int, citation: CitationRef) -> str:
    return f"c{index + 1:02d} " + "+".join(item.key for item in citation.items)


def _narrative(citation: CitationRef) -> bool:
    return any(item.mode == "author-in-text" for item in citation.items)


# --- citeproc-js --------------------------------------------------------------------------


@cache
def pandoc_locale(lang: str) -> str:
    """The CSL locale file pandoc formats with: its citeproc embeds the official locales in
    the binary as they are, so the exact bytes are read back from there."""
    data = Path(pypandoc.get_pandoc_path()).read_bytes()
    head = re.search(rb'<locale xmlns="http://purl.org/net/xbiblio/csl"[^>]*xml:lang="'
                     + re.escape(lang.encode()) + rb'"', data)
    assert head, f"no {lang} locale found in pandoc's binary"
    start = data.rfind(b"<?xml", 0, head.start())
    end = data.index(b"</locale>", head.start()) + len(b"</locale>")
    return data[start:end].decode("utf-8")


def csl_items() -> list[dict[str, Any]]:
    """The fixture's entries as pandoc reads them, written out as CSL-JSON by pandoc."""
    command = [pypandoc.get_pandoc_path(), "--from=biblatex", "--to=csljson",
               str(FIXTURE / "references.bib")]
    items: list[dict[str, Any]] = json.loads(
        subprocess.run(command, capture_output=True, check=True).stdout)
    return items


def _cite_item(item: CiteItem) -> dict[str, Any]:
    """A Pandoc citation item as citeproc-js takes it: pandoc reads a locator off the start
    of the suffix (`, ch. 2`), puts a space after the prefix, and makes a narrative citation
    an author-only item (in the text) and a suppress-author item (in the note)."""
    cited: dict[str, Any] = {"id": item.key}
    if item.prefix.strip() and item.mode != "author-in-text":
        cited["prefix"] = item.prefix.strip() + " "
    suffix = item.suffix.strip()
    match = _LOCATOR.fullmatch(suffix)
    if match and (match.group("label") or "p.") in _LABELS:
        cited["label"] = _LABELS[match.group("label") or "p."]
        cited["locator"] = match.group("loc")
        suffix = match.group("rest").strip()
    if suffix:
        cited["suffix"] = suffix if suffix.startswith(",") else f" {suffix}"
    if item.mode != "normal":
        cited["suppress-author"] = True
    return cited


def citeproc_js_side(style: str, citations: list[CitationRef], note_style: bool
                     ) -> dict[str, str]:
    """citeproc-js's text of each citation (same labels as `imprint_side`) and entry."""
    sequence = _clusters(citations, note_style)
    author_only = _author_only(sequence, citations)
    output = _run_citeproc_js({
        "style": resolve_style(style, REPO, None).path.read_text(encoding="utf-8"),
        "locales": {LANG: pandoc_locale(LANG)},
        "lang": LANG,
        "items": csl_items(),
        "citations": sequence,
        "authorOnly": author_only,
    })
    texts: dict[str, str] = {}
    for index, citation in enumerate(citations):
        label = _label(index, citation)
        texts[label] = output["citations"][f"c{index}"]
        if f"c{index}" in author_only:
            author = output["authorOnly"][f"c{index}"]
            if note_style:
                texts[f"{label} author"] = author
            else:  # in the text: `Lo (2008, 45)`, as pandoc joins the two items
                texts[label] = f"{author} {texts[label]}"
    texts.update((f"bib {key}", entry) for key, entry in output["bibliography"])
    return texts


def _clusters(citations: list[CitationRef], note_style: bool) -> list[dict[str, Any]]:
    """citeproc-js's citation clusters in reading order: by note number in a note style (a
    footnote's citations at its call), as listed in an author-date style."""
    clusters: list[tuple[int, int, dict[str, Any]]] = []
    for index, citation in enumerate(citations):
        note = citation.note_number if note_style or citation.in_footnote else 0
        clusters.append(((citation.note_number or 0) if note_style else index, index, {
            "citationID": f"c{index}",
            "citationItems": [_cite_item(item) for item in citation.items],
            "properties": {"noteIndex": note or 0},
        }))
    return [cluster for *_, cluster in sorted(clusters, key=lambda c: (c[0], c[1]))]


def _author_only(sequence: list[dict[str, Any]], citations: list[CitationRef]
                 ) -> dict[str, dict[str, Any]]:
    """A narrative citation's author, previewed at its place in the sequence (after the
    clusters in `pre`), since its form depends on the position too (`Bobo Lo`, then `Lo`)."""
    return {
        cluster["citationID"]: {
            "cluster": {"citationID": f"author-{at}", "properties": cluster["properties"],
                        "citationItems": [{"id": i.key, "author-only": True}
                                          for i in _citation(cluster, citations).items
                                          if i.mode == "author-in-text"]},
            "pre": [[c["citationID"], c["properties"]["noteIndex"]] for c in sequence[:at]],
        }
        for at, cluster in enumerate(sequence)
        if _narrative(_citation(cluster, citations))
    }


def _citation(cluster: dict[str, Any], citations: list[CitationRef]) -> CitationRef:
    return citations[int(cluster["citationID"].removeprefix("c"))]


def _run_citeproc_js(data: dict[str, Any]) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "node is not installed: run `make bootstrap`"
    assert CITEPROC_JS.is_dir(), f"no citeproc-js at {CITEPROC_JS}: run `make bootstrap`"
    proc = subprocess.run(
        [node, str(FIXTURE / "run_citeproc.js")], input=json.dumps(data).encode(),
        capture_output=True, check=False, timeout=120,
        env={"NODE_PATH": str(CITEPROC_JS.parent), "PATH": str(Path(node).parent)},
    )
    assert proc.returncode == 0, proc.stderr.decode()
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


# --- comparing ----------------------------------------------------------------------------


class _Text(HTMLParser):
    """HTML -> text with italics as `*…*`: the only markup either side prints here."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("i", "em"):
            self.parts.append("*")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("i", "em"):
            self.parts.append("*")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def normalise(fragment: str) -> str:
    """What is only representation: tags other than italics (imprint's language spans,
    pandoc's csl-* spans and DOI links, citeproc-js's divs), character references, runs of
    white space (no-break spaces too) and straight against curly apostrophes."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = "".join(parser.parts).replace("**", "").replace("'", "\u2019")
    return " ".join(text.split())


def _in_note(text: str) -> str:
    """A citation inside a note's text is parenthesised, without its closing full stop,
    as pandoc prints `[@key]` inside a footnote (citeproc-js formats the cluster alone)."""
    return f"({text.removesuffix('.')})"


def compare(style: str, tmp: Path) -> list[Pair]:
    """Every citation and entry of the fixture under `style`, normalised, both ways."""
    root = _manuscript(tmp / "manuscript", style)
    citations, ours = imprint_side(root, tmp / "cache")
    note_style = resolve_style(style, root, None).is_note_style
    theirs = citeproc_js_side(style, citations, note_style)
    in_note = {_label(i, c) for i, c in enumerate(citations) if c.in_footnote and note_style}
    pairs = []
    for label in sorted(ours.keys() | theirs.keys()):
        reference = normalise(theirs.get(label, "(missing)"))
        if label in in_note:
            reference = _in_note(reference)
        pairs.append(Pair(style, label, normalise(ours.get(label, "(missing)")), reference))
    return pairs


def load_allowlist() -> dict[tuple[str, str], dict[str, str]]:
    data = YAML(typ="safe").load((FIXTURE / "allowlist.yaml").read_text(encoding="utf-8"))
    return {(entry["style"], entry["item"]): entry for entry in data["differences"]}


def counts(pairs: list[Pair]) -> Iterator[str]:
    for style in STYLES:
        mine = [p for p in pairs if p.style == style]
        same = sum(p.imprint == p.citeproc_js for p in mine)
        yield f"{style}: {same}/{len(mine)} identical to citeproc-js"


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> list[Pair]:
    found = []
    for style in STYLES:
        found += compare(style, tmp_path_factory.mktemp(style))
    return found


def test_fixture_is_large_enough(pairs: list[Pair]) -> None:
    for style in STYLES:
        cites = [p for p in pairs if p.style == style and p.item.startswith("c")]
        assert len([p for p in cites if not p.item.endswith(" author")]) >= 40


def test_every_item_matches_citeproc_js_or_is_allowed(pairs: list[Pair]) -> None:
    allowed = load_allowlist()
    print("\n" + "\n".join(counts(pairs)))
    unlisted, stale = [], []
    for pair in pairs:
        entry = allowed.pop((pair.style, pair.item), None)
        differs = pair.imprint != pair.citeproc_js
        if entry is None and differs:
            unlisted.append(_yaml_entry(pair))
        elif entry is not None and (entry["imprint"], entry["citeproc-js"]) != (
                pair.imprint, pair.citeproc_js):
            stale.append(f"{pair.style} {pair.item}: now imprint {pair.imprint!r}, "
                         f"citeproc-js {pair.citeproc_js!r}")
    stale += [f"{style} {item}: no such item" for style, item in allowed]
    assert not unlisted, "differences from citeproc-js not in allowlist.yaml:\n" + "\n".join(
        unlisted)
    assert not stale, "allowlist.yaml entries that no longer hold:\n" + "\n".join(stale)


def test_allowlist_gives_reasons() -> None:
    assert all(entry.get("reason") for entry in load_allowlist().values())


def _yaml_entry(pair: Pair) -> str:
    """The entry to paste into allowlist.yaml (JSON strings are YAML strings)."""
    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)
    return (f"- style: {pair.style}\n  item: {pair.item}\n  imprint: {quoted(pair.imprint)}\n"
            f"  citeproc-js: {quoted(pair.citeproc_js)}\n  reason: TODO")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        every = [p for s in STYLES for p in compare(s, Path(folder) / s)]
    for pair in every:
        mark = "=" if pair.imprint == pair.citeproc_js else "≠"
        print(f"{mark} {pair.style} {pair.item}\n  imprint:     {pair.imprint}\n"
              f"  citeproc-js: {pair.citeproc_js}")
    print("\n".join(counts(every)), file=sys.stderr)
