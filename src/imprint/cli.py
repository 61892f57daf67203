"""`imprint pdf|epub|check`: argument parsing, progress, exit codes. Messages, never tracebacks."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

from imprint.book.model import Diagnostic, ImprintError, Publication

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2


def default_styles() -> Path:
    """The house style shipped with the package: `styles/` of the repository, which
    `src/imprint/styles` links to in a checkout and a wheel carries as package data."""
    return Path(str(files("imprint") / "styles")).resolve()


def _common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options every command takes, before or after the command's name (`imprint pdf
    --strict`): on a command's own parser they have no default, so they never undo a value
    given before the command."""
    def default(value: object) -> object:
        return value if top else argparse.SUPPRESS

    parser.add_argument("--manuscript", type=Path, default=default(Path("manuscript")),
                        help="manuscript folder holding publication.yaml (default: manuscript)")
    parser.add_argument("--styles", type=Path, default=default(None),
                        help="house style folder (default: the styles/ shipped with imprint)")
    parser.add_argument("--build", type=Path, default=default(Path("build")),
                        help="output folder; a book's files go to BUILD/<slug>/ (default: build)")
    parser.add_argument("--strict", action="store_true", default=default(False),
                        help="treat warnings as errors")
    parser.add_argument("--quiet", action="store_true", default=default(False),
                        help="print only problems")
    parser.add_argument("--debug", action="store_true", default=default(False),
                        help="show tracebacks of internal errors")


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="imprint", description=__doc__)
    parser.add_argument("--version", action="version", version=f"imprint {version('imprint')}")
    _common_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    pdf = commands.add_parser("pdf", help="build the print PDF: BUILD/<slug>/<slug>.pdf")
    pdf.add_argument("--press", action="store_true",
                     help="press edition with bleed and crop marks: BUILD/<slug>/<slug>-press.pdf")
    commands.add_parser("epub", help="build the EPUB 3: BUILD/<slug>/<slug>.epub")
    check = commands.add_parser("check", help="read and check the manuscript; write nothing")
    check.add_argument("--epub", type=Path,
                       help="also validate this EPUB with EPUBCheck and DAISY Ace")
    slug = commands.add_parser("slug", help="print the output name from publication.yaml")
    slug.set_defaults(quiet=True)
    preview = commands.add_parser("preview", help="serve a chapter on 127.0.0.1 with live reload")
    preview.add_argument("chapter", help="the number the book prints (2: \"Chapter 2\"; "
                         "else the position in publication.yaml), a slug (arms) or a file")
    preview.add_argument("--port", type=int, default=8000,
                         help="port (default 8000; the next free one if taken; 0: any)")
    preview.add_argument("--pdf", action="store_true",
                         help="write BUILD/<slug>/preview/<chapter>.pdf (print style), then exit")
    preview.add_argument("--open", action="store_true", help="open the page in the browser")
    site = commands.add_parser("site", help="build the web page and HTML edition: "
                               "BUILD/<slug>/site/ (with the editions already built)")
    site.add_argument("--url", default="",
                      help="the site's public address, for absolute links in its metadata")
    serve = commands.add_parser("serve", help="serve BUILD/<slug>/site/ on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000,
                       help="port (default 8000; the next free one if taken; 0: any)")
    serve.add_argument("--open", action="store_true", help="open the site in the browser")
    new = commands.add_parser("new", help="create a manuscript that builds at once, showing "
                              "each construct: imprint new FOLDER")
    new.add_argument("folder", type=Path, help="a new or empty folder")
    stats = commands.add_parser("stats", help="words, notes, citations, figures, tables and "
                                "pages per chapter")
    stats.set_defaults(quiet=True)
    for command in commands.choices.values():
        _common_options(command, top=False)
    return parser.parse_args(argv)


class Reporter:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.monotonic()
        self.printed: list[Diagnostic] = []  # what a stamped build replays when nothing changed

    def step(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.monotonic() - self.started
            print(f"imprint: {message} ({elapsed:.1f}s)", file=sys.stderr, flush=True)

    def problems(self, diagnostics: Sequence[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            print(diagnostic, file=sys.stderr)
        self.printed.extend(diagnostics)


def _build(args: argparse.Namespace, report: Reporter) -> Publication:
    from imprint.pipeline import build_publication

    report.step(f"reading {args.manuscript}")
    pub = build_publication(args.manuscript, args.out / ".cache", strict=args.strict,
                            styles=args.styles)
    report.problems(pub.diagnostics)
    report.step(f"read {len(pub.chapters)} chapters, "
                f"{sum(len(c.notes) for c in pub.chapters)} notes")
    return pub


def _pdf(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.checks.fidelity import audit_pdf
    from imprint.editions.pdf.chapterwise import lay_out_book, write_book
    from imprint.editions.pdf.print_layout import store_laid, store_layout
    from imprint.editions.pdf.render import render_audited, write_pdf

    pub = _build(args, report)
    target = _edition(args)
    report.step(f"rendering {target}")
    cache = args.out / ".cache"
    # The digital edition is laid out part by part, in parallel, reusing unchanged parts;
    # the press edition (and a book of one part) in a single pass.
    laid = None if args.press else lay_out_book(pub, args.styles, cache, report.step)
    if laid is not None:
        warnings = write_book(pub, laid, target, lambda path, pages: audit_pdf(pub, path, pages))
        store_laid(pub, args.styles, cache, laid)
        report.step(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
        report.step(laid.typography.summary)
        return [*warnings, *laid.typography.diagnostics]
    rendered = render_audited(pub, args.styles, press=args.press, cache_dir=cache)
    # Every build is audited: the file is read back and compared with the model before it
    # replaces the last good one.
    warnings = write_pdf(pub, args.styles, target, press=args.press, rendered=rendered,
                         verify=lambda path, layout: audit_pdf(pub, path, layout))
    if not args.press:  # the EPUB's page list and cover come from this same layout
        store_layout(pub, args.styles, cache, rendered)
    report.step(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    if rendered.typography is not None:  # what the typographic audit could not mend
        report.step(rendered.typography.summary)
        warnings = [*warnings, *rendered.typography.diagnostics]
    return warnings


def _epub(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.checks.fidelity import audit_epub
    from imprint.editions.epub.package import write_epub
    from imprint.editions.pdf.print_layout import print_layout

    pub = _build(args, report)
    target = _edition(args)
    report.step("reading the print layout for the cover and the page list")
    layout = print_layout(pub, args.styles, args.out / ".cache")
    write_epub(pub, args.styles, target, layout, verify=lambda path: audit_epub(pub, path))
    report.step(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return list(layout.warnings)


def _check(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.checks.validators import run_ace, run_epubcheck

    _build(args, report)
    report.step("manuscript is consistent")
    if args.epub is None:
        return []
    failed = []
    for validate in (run_epubcheck, run_ace):  # run both, then report every problem
        result = validate(args.epub)
        report.problems([Diagnostic(None, m) for m in result.messages])
        report.step(f"{result.tool}: {result.errors} errors, {result.warnings} warnings "
                    f"in {args.epub}")
        if not result.clean:
            failed.append(Diagnostic(None, f"{result.tool}: {result.errors} errors, "
                                     f"{result.warnings} warnings in {args.epub}"))
    if failed:
        raise ImprintError(failed)
    return []


def _slug(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.book.config import load_config

    print(load_config(args.manuscript.resolve()).slug)
    return []


def _preview(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.preview.app import Options, print_check, serve

    options = Options(args.manuscript, args.styles, args.out, args.chapter, args.port,
                      args.quiet, args.open)
    if not args.pdf:
        serve(options)
        return []
    target, warnings = print_check(options)
    report.step(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return warnings


def _site(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.checks.fidelity_site import audit_site
    from imprint.editions.pdf.print_layout import print_layout
    from imprint.editions.site.downloads import editions
    from imprint.editions.site.write import SiteInput, site_folder, write_site

    pub = _build(args, report)
    target = site_folder(args.out)
    report.step("reading the print layout for the page numbers")
    layout = print_layout(pub, args.styles, args.out / ".cache")
    given = SiteInput(editions(args.out, pub.meta.slug), _report_citation(pub, args),
                      args.url)
    # Audited like the PDF and the EPUB: the pages are read back before the folder is replaced.
    late = write_site(pub, args.styles, target, layout, given,
                      verify=lambda folder: audit_site(pub, folder))
    report.step(f"wrote {target}/index.html and the HTML edition")
    return [*layout.warnings, *late]


def _report_citation(pub: Publication, args: argparse.Namespace) -> str:
    """The report's own reference in the house CSL style, by the pandoc run every citation
    goes through, from a CSL-JSON file of its metadata."""
    import json

    from imprint.book.config import CONFIG_NAME
    from imprint.book.model import Loc
    from imprint.editions.site.cite import csl_item
    from imprint.preprocess.cite.format import format_citations, load_bibliography, resolve_style

    folder = args.out / ".cache" / "site"
    folder.mkdir(parents=True, exist_ok=True)
    item = csl_item(pub.meta, args.url)
    (folder / "report.json").write_text(json.dumps([item], ensure_ascii=False), "utf-8")
    bib = load_bibliography(("report.json",), folder, None)
    style = resolve_style(pub.meta.citation_style, pub.root, Loc(CONFIG_NAME))
    formatted = format_citations([], [], bib, style, pub.meta.language, args.out / ".cache",
                                 include_all=True, sort="style")
    return formatted.bibliography[0].html if formatted.bibliography else ""


def _serve(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    import webbrowser

    from imprint.editions.site.serve import bind
    from imprint.editions.site.write import site_folder

    folder = site_folder(args.out)
    if not (folder / "index.html").is_file():
        raise ImprintError(Diagnostic(None, f"{folder} has no site yet: run `imprint site` "
                                      "(make site) first"))
    server = bind(args.port, folder)
    print(server.url, flush=True)  # alone on stdout, so scripts can read the address
    report.step(f"serving {folder}; Ctrl-C to stop")
    if args.open:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return []


def _new(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.scaffold import create

    written = create(args.folder)
    for path in written:
        print(path)
    folder = shlex.quote(str(args.folder))  # a path with a space, pasted as it is
    report.step(f"created {len(written)} files in {args.folder}; build them with "
                f"`make pdf MANUSCRIPT={folder}` or `imprint --manuscript {folder} pdf`")
    return []


def _stats(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.stats import publication_stats, table

    pub = _build(args, report)
    print(table(publication_stats(pub, args.out / f"{pub.meta.slug}.pdf")))
    return []


def _edition(args: argparse.Namespace) -> Path:
    """The file `imprint pdf|epub` writes: BUILD/<slug>/<slug>[-press].pdf|epub."""
    out: Path = args.out
    press = "-press" if getattr(args, "press", False) else ""
    return out / f"{out.name}{press}.{args.command}"


def _stamped(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    """Run an edition's command unless its inputs and its output are those of the last
    build, whose warnings are then given again (touch-only and no-op builds cost no layout)."""
    from imprint.uptodate import fresh, input_digest, record

    target = _edition(args)
    stamp = args.out / ".cache" / f"stamp-{target.name}.json"
    press = getattr(args, "press", False)
    inputs = input_digest(args.manuscript, args.styles, (args.command, f"press={press}"))
    known = fresh(stamp, inputs, target)
    if known is not None:
        target.touch()  # newer than the touched inputs, so Make's next run is a no-op
        report.step(f"{target} is up to date: no input changed")
        return known
    already = len(report.printed)
    late = COMMANDS[args.command](args, report)
    record(stamp, inputs, target, [*report.printed[already:], *late])
    return late


# The commands that read or write a book's files, which sit in BUILD/<slug>/.
BOOK_COMMANDS = frozenset({"pdf", "epub", "check", "preview", "site", "serve", "stats"})
STAMPED = frozenset({"pdf", "epub"})


def _book_folder(manuscript: Path, build: Path) -> Path:
    """BUILD/<slug>/: each manuscript's editions, cache, previews and site in a folder of its
    own, so books can share a BUILD and `make clean MANUSCRIPT=...` removes one book only."""
    from imprint.book.config import load_config

    return build / load_config(manuscript.resolve()).slug


COMMANDS: dict[str, Callable[[argparse.Namespace, Reporter], list[Diagnostic]]] = {
    "pdf": _pdf, "epub": _epub, "check": _check, "slug": _slug, "preview": _preview,
    "site": _site, "serve": _serve, "new": _new, "stats": _stats,
}


def _quiet_libraries() -> None:
    """No library's own log line or Python warning reaches the terminal: what matters to an
    author (WeasyPrint's warnings, a missing glyph) is collected and reported with its chapter
    and line; the rest is for `--debug`. A handler on the root logger keeps Python's
    last-resort handler from printing other libraries' records."""
    root = logging.getLogger()
    if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
        root.addHandler(logging.NullHandler())
    warnings.filterwarnings("ignore")


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    args.styles = (args.styles or default_styles()).resolve()
    report = Reporter(args.quiet)
    if not args.debug:
        _quiet_libraries()
    try:
        if args.command in BOOK_COMMANDS:
            args.out = _book_folder(args.manuscript, args.build)
        run = _stamped if args.command in STAMPED else COMMANDS[args.command]
        late = run(args, report)
    except ImprintError as error:
        report.problems(error.diagnostics)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # an imprint bug, not bad input: say so plainly
        if args.debug:
            raise
        print(f"imprint: internal error: {type(error).__name__}: {error} "
              "(run with --debug for a traceback)", file=sys.stderr)
        return EXIT_INTERNAL
    report.problems(late)
    if args.strict and late:
        return EXIT_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
