"""Differential comparison of imprint with Pandoc, the reference for our Markdown dialect.

Each case is a tiny manuscript: imprint builds it with `build_publication`, Pandoc renders the
same Markdown with `pandoc -f markdown -t html --citeproc` and the same CSL style and
bibliography. Both HTMLs are reduced to an *outline*: one line per block (tag, a few
attributes, normalised text), then the notes and the bibliography. The rules are documented
at the top of `allowlist.yaml`.

    python -m tests.differential.compare                # every case that differs, with a diff
    python -m tests.differential.compare "notes/basic"  # one case, whether it differs or not
"""

from __future__ import annotations

import difflib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pypandoc
from lxml import html as lxml_html
from lxml.html import HtmlElement
from markdown_it.utils import read_fixture_file
from ruamel.yaml import YAML

from imprint.book.model import ImprintError
from imprint.markdown.parser import parser
from imprint.pipeline import build_publication
from imprint.preprocess.cite.langspans import wrap_scripts
from imprint.preprocess.cite.styles import STYLES_DIR
from imprint.preprocess.cite.translations import roman_translations
from imprint.preprocess.numbering import anchor
from tests.conftest import MINIMAL_CONFIG, write_manuscript

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"
DIALECT_FIXTURES = HERE.parent / "fixtures" / "markdown" / "dialect.md"
BIBLIOGRAPHY = (HERE.parent / "fixtures" / "citations" / "fixture.bib", HERE / "extra.json")
CSL = STYLES_DIR / "chicago-notes-bibliography.csl"
XREF_FILTER = HERE / "xrefs.lua"
ALLOWLIST = HERE / "allowlist.yaml"
SEPARATOR = "%%% "
CHAPTER_FILE = "01-case.md"
PANDOC_TIMEOUT = 60  # seconds; one case takes ~0.1 s

# The manuscript around a case: the tests' minimal publication.yaml with one body chapter and
# the shared bibliography in place of its two chapters.
CONFIG = MINIMAL_CONFIG.split("chapters:")[0] + (
    f"chapters:\n  - file: chapters/{CHAPTER_FILE}\n    kind: body\n"
    "bibliography:\n" + "".join(f"  - {path.name}\n" for path in BIBLIOGRAPHY)
)
# Images a case may show: every relative path after `](` ending in an image suffix.
IMAGE_PATH = re.compile(r"\]\((?!\w+:|/)([^)\s\"]+\.(?:svg|png|jpe?g))")
TINY_SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>"

# --- the corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str  # "<file stem>/<name>", unique in the corpus
    source: str  # the Markdown both tools read
    origin: str  # "tests/differential/cases/notes.md:12", for messages


def load_cases() -> list[Case]:
    """Every case file under cases/, then the dialect fixtures (their inputs only)."""
    cases = [case for path in sorted(CASES_DIR.glob("*.md")) for case in _case_file(path)]
    cases += _dialect_cases()
    names = [case.name for case in cases]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"duplicate case names: {duplicates}")
    return cases


def _case_file(path: Path) -> list[Case]:
    """Cases separated by `%%% name` lines; text before the first separator is a comment."""
    cases: list[Case] = []
    name, start, body = None, 0, []
    for number, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), None], 1):
        if line is None or line.startswith(SEPARATOR):
            if name is not None:
                text = "\n".join(body).strip("\n") + "\n"
                cases.append(Case(f"{path.stem}/{name}", text, f"{_rel(path)}:{start}"))
            if line is not None:
                name, start, body = line[len(SEPARATOR) :].strip(), number, []
        elif name is not None:
            body.append(line)
    return cases


def _dialect_cases() -> list[Case]:
    """The markdown-it fixtures of our dialect: the same inputs, now checked against Pandoc."""
    return [
        Case(f"dialect/{title}", source, f"{_rel(DIALECT_FIXTURES)}:{line}")
        for line, title, source, _expected in read_fixture_file(DIALECT_FIXTURES)
    ]


def _rel(path: Path) -> str:
    return path.relative_to(HERE.parent.parent).as_posix()


def document(case: Case) -> str:
    """The chapter both tools read: imprint needs a `# Title`, so a case without one gets
    `# Case` in front. A case opening with front matter (which must stay first) brings its
    own title."""
    text = case.source
    if text.startswith("---\n"):
        return text
    first = next((line for line in text.splitlines() if line.strip()), "")
    return text if first.startswith("# ") else f"# Case\n\n{text}"


def explicit_ids(text: str) -> set[str]:
    """Ids written in `{#id …}` blocks, made XML-safe as imprint makes them. These ids are
    compared on every element; a heading's id is compared always, since imprint gives a heading
    the automatic id Pandoc gives it."""
    found = set()
    for block in re.findall(r"\{[^{}]*\}", text):
        found.update(anchor(ident) for ident in re.findall(r"(?:^|[\s{])#([^\s{}#]+)", block))
    return found


# --- the outline: blocks with normalised text -------------------------------------------------

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "table",
          "tr", "th", "td", "caption", "figure", "figcaption", "pre", "dl", "dt", "dd", "hr",
          "div", "aside", "section"}
TRANSPARENT = {"thead", "tbody", "tfoot"}  # wrappers that add no block of their own
# imprint's callout is an <aside>; Pandoc makes a div that starts with a heading a <section>.
AS_DIV = {"aside", "section"}
# Superscript, subscript and strikeout are marked as tags: marked `^…^`, `~…~`, `~~…~~`, they
# looked the same as the same syntax left as text, and a tool that ignored it passed.
INLINE_MARKS = {"em": ("*", "*"), "strong": ("**", "**"), "code": ("`", "`"),
                "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"), "del": ("<del>", "</del>")}


@dataclass(frozen=True)
class Outline:
    lines: tuple[str, ...]
    messages: tuple[str, ...] = ()  # warnings, for the failure report only


def fragment(markup: str) -> HtmlElement:
    return lxml_html.fragment_fromstring(markup or "", create_parent="div")


def outline(root: HtmlElement, ids: set[str], depth: int = 0) -> list[str]:
    """One line per block element under `root`, indented by nesting."""
    lines: list[str] = []
    for child in root:
        if not isinstance(child.tag, str):
            continue  # comments
        if child.tag in TRANSPARENT:
            lines += outline(child, ids, depth)
        elif child.tag in BLOCKS:
            text = _pre_text(child) if child.tag == "pre" else inline_text(child)
            head = "  " * depth + signature(child, ids)
            lines.append(f"{head}: {text}" if text else head)
            if child.tag != "pre":
                lines += outline(child, ids, depth + 1)
    return lines


def signature(element: HtmlElement, ids: set[str]) -> str:
    """The tag and the attributes both tools can express: explicit ids, div and heading
    classes, lang, list numbering, cell alignment, code language."""
    tag = "div" if element.tag in AS_DIV else element.tag
    parts = [tag]
    ident = anchor(element.get("id", ""))
    if ident in ids or (re.fullmatch(r"h\d", tag) and ident):
        parts.append(f"#{ident}")
    if tag == "div" or re.fullmatch(r"h\d", tag):
        parts += [f".{name}" for name in sorted(element.get("class", "").split())]
    for name in ("lang", "start", "type"):
        if element.get(name) and (name, element.get(name)) != ("type", "1"):  # 1 is the default
            parts.append(f"{name}={element.get(name)}")
    align = re.search(r"text-align:\s*(\w+)", element.get("style", ""))
    if align and tag in ("th", "td"):
        parts.append(f"align={align.group(1)}")
    parts += [f"{name}={element.get(name)}" for name in ("colspan", "rowspan")
              if tag in ("th", "td") and element.get(name)]
    if tag == "table":
        parts += _table_widths(element)
    if tag == "pre":
        parts += [f"[{lang}]" for lang in _code_languages(element)]
    return " ".join(parts)


def _table_widths(table: HtmlElement) -> list[str]:
    """Relative column widths (Pandoc's <colgroup>) and the table's own width, in per cent."""
    percent = re.compile(r"width:\s*(\d+)%")
    widths = [m.group(1) for col in table.iter("col")
              if (m := percent.search(col.get("style", "")))]
    own = percent.search(table.get("style", ""))
    return ([f"widths={','.join(widths)}"] if widths else []) + ([f"width={own.group(1)}"]
                                                                 if own else [])


def _code_languages(pre: HtmlElement) -> list[str]:
    """Pandoc puts the language on <pre class="python">, markdown-it on <code
    class="language-python">."""
    classes = pre.get("class", "").split()
    for code in pre.iter("code"):
        classes += [c.removeprefix("language-") for c in code.get("class", "").split()]
    return sorted(set(classes) - {"sourceCode"})


def _pre_text(pre: HtmlElement) -> str:
    # Code keeps its spaces; newlines are shown so the outline stays one line per block.
    return pre.text_content().rstrip("\n").replace("\n", "\\n")


def inline_text(element: HtmlElement) -> str:
    """The element's own text (not its block children's) with inline markup marked, and
    whitespace (no-break spaces too) collapsed."""
    parts = [element.text or ""]
    for child in element:
        # A figure's image is left out: Pandoc's alt text is the caption, imprint's `fig-alt`.
        figure_image = child.tag == "img" and element.tag == "figure"
        if isinstance(child.tag, str) and child.tag not in BLOCKS | TRANSPARENT \
                and not figure_image:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _inline(element: HtmlElement) -> str:
    """Markdown-like marks for inline elements, so a lost emphasis or link is a difference."""
    inner, tag = inline_text(element), element.tag
    if tag in INLINE_MARKS:
        opening, closing = INLINE_MARKS[tag]
        return f"{opening}{inner}{closing}"
    if tag == "br":
        return " ⏎ "
    if tag == "img":
        return f"![{element.get('alt', '')}]({element.get('src', '')})"
    if tag == "a" and element.get("href"):
        return f"[{inner}]({_href(element.get('href', ''))})"
    if tag == "span" and (element.get("lang") or element.get("class")):
        return f"[{inner}]{{{_span_attrs(element)}}}"
    return inner


def _href(href: str) -> str:
    """A link inside the document as the id it points at, made XML-safe as imprint makes ids:
    Pandoc's `#fig:x` is imprint's `#fig-x`."""
    return "#" + anchor(unquote(href[1:])) if href.startswith("#") else href


def _span_attrs(span: HtmlElement) -> str:
    classes = [f".{name}" for name in sorted(span.get("class", "").split())]
    lang = [f"lang={span.get('lang')}"] if span.get("lang") else []
    return " ".join(classes + lang)


def replace_with(element: HtmlElement, text: str) -> None:
    """Replace `element` (keeping its tail) by plain text."""
    parent = element.getparent()
    previous = element.getprevious()
    joined = text + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)


def elements(tree: HtmlElement) -> list[HtmlElement]:
    """Every element under `tree` (not comments), as a list: the callers change the tree."""
    return [element for element in tree.iter() if isinstance(element.tag, str)]


def with_notes(body_lines: list[str], notes: Iterable[tuple[int, HtmlElement]],
               ids: set[str]) -> list[str]:
    """The body's outline, then "note N" and the outline of each note's blocks."""
    lines = list(body_lines)
    for number, note in notes:
        lines.append(f"note {number}")
        lines += outline(note, ids, 1)
    return lines


# --- imprint's side ---------------------------------------------------------------------------


def imprint_outline(case: Case, workdir: Path) -> Outline:
    """Build the case as a manuscript; a refusal or a crash is itself the outline."""
    root = _manuscript(case, workdir / "manuscript")
    try:
        publication = build_publication(root, workdir / "cache")
    except ImprintError as error:
        return Outline((f"imprint refuses: {'; '.join(map(str, error.diagnostics))}",))
    except Exception as error:  # a crash is a finding to report, not an error of the test
        return Outline((f"imprint crashes: {type(error).__name__}: {error}",))
    chapter = publication.chapters[0]
    ids = explicit_ids(document(case))
    body = fragment(chapter.html)
    _map_imprint_extras(body)
    notes = []
    for note in chapter.notes:
        tree = fragment(note.html)
        _map_imprint_extras(tree)
        notes.append((note.number, tree))
    lines = with_notes(outline(body, ids), notes, ids)
    lines += [f"bib: {inline_text(fragment(entry.html))}" for entry in publication.bibliography]
    messages = [str(d) for d in publication.diagnostics if "never cited" not in d.message]
    return Outline(tuple(lines), tuple(messages))


def _manuscript(case: Case, root: Path) -> Path:
    text = document(case)
    write_manuscript(root, CONFIG, {CHAPTER_FILE: text})
    for path in BIBLIOGRAPHY:
        shutil.copyfile(path, root / path.name)
    for image in IMAGE_PATH.findall(text):
        target = root / image
        if target.resolve().is_relative_to(root.resolve()):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(TINY_SVG, encoding="utf-8")
    return root


def _map_imprint_extras(tree: HtmlElement) -> None:
    """imprint's generated extras, mapped to what the Pandoc side shows for the same source:
    no chapter number, "Figure N." / "Table N." labels or separators between note calls;
    note calls as [^N]; cross-references as their `@key` source; source lines as blocks."""
    for element in elements(tree):
        classes = (element.get("class") or "").split()
        if {"chapter-number", "caption-label", "noteref-separator"} & set(classes):
            replace_with(element, "")
        elif "table-wrap" in classes:
            element.drop_tag()  # a table's scroll region and print fit: no block of Pandoc's
        elif "noteref" in classes:
            replace_with(element, f"[^{element.text_content().strip()}]")
        elif "xref" in classes:  # `[-@fig:x]` prints the number alone
            key = "@" + _xref_key(element.get("href", ""))
            replace_with(element, f"[-{key}]" if element.text_content().isdigit() else key)
        elif "caption-source" in classes or "table-source" in classes:
            _source_block(element)
        elif element.tag == "span" and "math" in classes:  # its equation number goes with it
            formula = element.find(".//math")
            tex = formula.get("alttext", "") if formula is not None else element.text_content()
            replace_with(element, math_mark("display" in classes, tex))


def math_mark(display: bool, tex: str) -> str:
    """A formula as `$tex$` or `$$tex$$`, white space collapsed, on both sides: imprint's TeX is
    its MathML's alttext, Pandoc's (with --mathjax) what stands between `\\(…\\)` or `\\[…\\]`."""
    dollars = "$$" if display else "$"
    return f"{dollars}{' '.join(tex.split())}{dollars}"


def _xref_key(href: str) -> str:
    """`#fig-rising` -> `fig:rising`: the anchor made XML-safe, back to the key as written."""
    ident = href.removeprefix("#")
    for prefix in ("fig", "tbl", "sec", "eq"):
        if ident.startswith(prefix + "-"):
            return f"{prefix}:{ident[len(prefix) + 1 :]}"
    return ident


def _source_block(element: HtmlElement) -> None:
    """A "Source: …" line becomes a "source:" paragraph after the figure's caption or after
    the table, where the Pandoc side puts the `source` attribute."""
    text = element.text_content().strip().removeprefix("Source:").strip()
    # A figure's source is a span inside its figcaption; a table's a paragraph after it.
    after = element.getparent() if element.tag == "span" else element
    after.addnext(_source_paragraph(text))
    replace_with(element, "")


def _source_paragraph(text: str) -> HtmlElement:
    paragraph = lxml_html.Element("p")
    paragraph.text = f"source: {text}"
    return paragraph


# --- Pandoc's side ----------------------------------------------------------------------------


def pandoc_command(citations: bool) -> list[str]:
    """Citeproc costs ~70 ms a run for reading the bibliography, and changes nothing in a
    text without an `@`: it runs only when there may be a citation."""
    command = [
        pypandoc.get_pandoc_path(), "--from=markdown", "--to=html",
        "--syntax-highlighting=none", "--metadata=lang:en-US",
        "--mathjax",  # math as its TeX source (`\(…\)`), not Pandoc's HTML approximation
        f"--lua-filter={XREF_FILTER}",  # before --citeproc: filters run in the order given
    ]
    if citations:  # as JSON, for imprint's one post-pass on citeproc's output (below)
        command[2] = "--to=json"
        command += ["--citeproc", f"--csl={CSL}",
                    *(f"--bibliography={path}" for path in BIBLIOGRAPHY)]
    return command


def _titles_as_imprint_sets_them(document: str) -> str:
    """pandoc's JSON with the bracketed translation of a title taken out of its italics or
    quotation marks, roman, in sentence case (CMOS 14.97; README, "Titles and names in other
    languages"), then written as HTML as pandoc writes it."""
    data = json.loads(document)
    data["blocks"] = roman_translations(data["blocks"])
    command = [pypandoc.get_pandoc_path(), "--from=json", "--to=html",
               "--syntax-highlighting=none", "--mathjax"]
    return subprocess.run(command, input=json.dumps(data).encode(), capture_output=True,
                          timeout=PANDOC_TIMEOUT, check=True).stdout.decode()


def pandoc_outline(case: Case) -> Outline:
    text = document(case)
    proc = subprocess.run(pandoc_command("@" in text), input=text.encode(), capture_output=True,
                          timeout=PANDOC_TIMEOUT, check=False)
    messages = tuple(proc.stderr.decode("utf-8", "replace").splitlines())
    if proc.returncode != 0:
        return Outline((f"pandoc fails: {' '.join(messages)}",), messages)
    output = proc.stdout.decode()
    tree = fragment(_titles_as_imprint_sets_them(output) if "@" in text else output)
    ids = explicit_ids(text)
    notes_section = tree.find(".//section[@id='footnotes']")
    refs = tree.find(".//div[@id='refs']")
    citation_notes = _mark_citeproc_text(tree, refs)
    notes = _pandoc_notes(notes_section, citation_notes)
    bib = [] if refs is None else [inline_text(entry) for entry in refs]
    for container in (notes_section, refs):
        if container is not None:
            container.getparent().remove(container)
    _map_pandoc_extras(tree)
    lines = with_notes(outline(tree, ids), notes, ids)
    return Outline(tuple(lines + [f"bib: {entry}" for entry in bib]), messages)


def _mark_citeproc_text(tree: HtmlElement, refs: HtmlElement | None) -> set[int]:
    """imprint marks Han and Cyrillic runs in citeproc's output with `lang` (README,
    "Titles and names in other languages"); mark Pandoc's citeproc output the same way:
    the citations, the notes they make and the bibliography. Returns those notes' numbers."""
    notes = set()
    for citation in tree.xpath(".//span[contains(@class, 'citation')]"):
        calls = citation.xpath(".//a[contains(@class, 'footnote-ref')]")
        notes.update(int(call.text_content()) for call in calls)
        _wrap_scripts_in(citation)
    for entry in [] if refs is None else list(refs):
        _wrap_scripts_in(entry)
    return notes


def _wrap_scripts_in(element: HtmlElement) -> None:
    inner = html.escape(element.text or "", quote=False) + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in element
    )
    wrapped = fragment(wrap_scripts(inner))
    element.text = wrapped.text
    element[:] = list(wrapped)


def _pandoc_notes(section: HtmlElement | None,
                  citation_notes: set[int]) -> list[tuple[int, HtmlElement]]:
    notes = []
    for item in [] if section is None else section.xpath("./ol/li"):
        number = int(item.get("id", "fn0").removeprefix("fn"))
        for back in item.xpath(".//a[contains(@class, 'footnote-back')]"):
            replace_with(back, "")
        if number in citation_notes:
            _wrap_scripts_in(item)
        _map_pandoc_extras(item)
        notes.append((number, item))
    return notes


def _map_pandoc_extras(tree: HtmlElement) -> None:
    """Pandoc's note calls as [^N]; a callout's `title` as imprint's title paragraph; `source`
    attributes of figures and tables as `source:` blocks; citation spans unwrapped."""
    for element in elements(tree):
        classes = (element.get("class") or "").split()
        if "footnote-ref" in classes:
            replace_with(element, f"[^{element.text_content().strip()}]")
        elif element.tag == "span" and "citation" in classes:
            element.drop_tag()  # keep the citation's text, drop the span
        elif element.tag == "span" and "math" in classes:  # `\(x\)` -> `$x$`
            replace_with(element, math_mark("display" in classes,
                                            element.text_content().strip()[2:-2]))
        elif element.tag == "div" and "callout" in classes and element.get("title"):
            title = lxml_html.Element("p", {"class": "callout-title"})
            title.text, title.tail = element.get("title"), element.text
            element.text = None
            element.insert(0, title)
        elif element.get("data-source") is not None:
            _pandoc_source(element)
        elif element.tag == "section" and element.get("id"):
            _id_back_to_heading(element)


def _id_back_to_heading(section: HtmlElement) -> None:
    """Pandoc makes a div that opens with a heading a <section> and moves the heading's id
    onto it; imprint leaves the id on the heading, where the comparison looks for it."""
    first = next((child for child in section if isinstance(child.tag, str)), None)
    if first is not None and re.fullmatch(r"h\d", first.tag) and not first.get("id"):
        first.set("id", section.attrib.pop("id"))


def _pandoc_source(element: HtmlElement) -> None:
    source = _source_paragraph(element.get("data-source", ""))
    if element.tag == "img" and element.getparent().tag == "figure":
        element.getparent().append(source)
    elif element.tag == "table":
        element.addnext(source)


# --- the comparison ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    case: Case
    imprint: Outline
    pandoc: Outline

    @property
    def differs(self) -> bool:
        return self.imprint.lines != self.pandoc.lines

    def report(self) -> str:
        """A unified diff of the outlines, with both tools' messages."""
        diff = difflib.unified_diff(list(self.imprint.lines), list(self.pandoc.lines),
                                    "imprint", "pandoc", lineterm="", n=2)
        parts = [f"{self.case.name} ({self.case.origin})", *diff]
        parts += [f"imprint says: {m}" for m in self.imprint.messages]
        parts += [f"pandoc says: {m}" for m in self.pandoc.messages]
        return "\n".join(parts)


def compare(case: Case, workdir: Path) -> Result:
    return Result(case, imprint_outline(case, workdir), pandoc_outline(case))


def compare_all(cases: list[Case], workdir: Path, workers: int = 4) -> dict[str, Result]:
    """Every case, in parallel: most of the time is spent waiting for pandoc processes."""
    parser()  # build the shared parser and find pandoc once, before threads race to do it
    pypandoc.get_pandoc_path()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda n: compare(cases[n], workdir / f"case-{n}"), range(len(cases)))
        return {result.case.name: result for result in results}


def load_allowlist() -> dict[str, str]:
    """Case name -> the reason it may differ."""
    data = YAML(typ="safe").load(ALLOWLIST.read_text(encoding="utf-8")) or {}
    return {str(name): str(reason or "").strip() for name, reason in data.items()}


def main(argv: list[str]) -> int:
    cases = load_cases()
    chosen = [c for c in cases if c.name in argv] if argv else cases
    with tempfile.TemporaryDirectory() as tmp:
        results = compare_all(chosen, Path(tmp))
    for result in results.values():
        if result.differs or argv:
            print(result.report() if result.differs else f"{result.case.name}: same\n"
                  + "\n".join(result.imprint.lines), end="\n\n")
    print(f"{sum(r.differs for r in results.values())} of {len(results)} cases differ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
