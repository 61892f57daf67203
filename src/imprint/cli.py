"""`imprint pdf|epub|check`: argument parsing, progress, exit codes. Messages, never tracebacks."""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from imprint.book.model import Diagnostic, ImprintError, Publication

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2


def default_styles() -> Path:
    """The house style shipped beside the package (repository checkout layout)."""
    return Path(__file__).resolve().parents[2] / "styles"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="imprint", description=__doc__)
    parser.add_argument("--manuscript", type=Path, default=Path("manuscript"),
                        help="manuscript folder holding publication.yaml (default: manuscript)")
    parser.add_argument("--styles", type=Path, default=None,
                        help="house style folder (default: the styles/ shipped with imprint)")
    parser.add_argument("--build", type=Path, default=Path("build"),
                        help="output folder (default: build)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    pdf = commands.add_parser("pdf", help="build the print PDF: BUILD/<slug>.pdf")
    pdf.add_argument("--press", action="store_true",
                     help="press edition with bleed and crop marks: BUILD/<slug>-press.pdf")
    commands.add_parser("epub", help="build the EPUB 3: BUILD/<slug>.epub")
    check = commands.add_parser("check", help="read and check the manuscript; write nothing")
    check.add_argument("--epub", type=Path,
                       help="also validate this EPUB with EPUBCheck and DAISY Ace")
    slug = commands.add_parser("slug", help="print the output name from publication.yaml")
    slug.set_defaults(quiet=True)
    preview = commands.add_parser("preview", help="serve a chapter on 127.0.0.1 with live reload")
    preview.add_argument("chapter", help="a number (2: the second chapter in publication.yaml), "
                         "a slug (arms) or a chapter file")
    preview.add_argument("--port", type=int, default=8000,
                         help="port (default 8000; the next free one if taken; 0: any)")
    preview.add_argument("--pdf", action="store_true",
                         help="write BUILD/preview/<chapter>.pdf in the print style and exit")
    return parser.parse_args(argv)


class Reporter:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.monotonic()

    def step(self, message: str) -> None:
        if not self.quiet:
            elapsed = time.monotonic() - self.started
            print(f"imprint: {message} ({elapsed:.1f}s)", file=sys.stderr, flush=True)

    def problems(self, diagnostics: Sequence[Diagnostic]) -> None:
        for diagnostic in diagnostics:
            print(diagnostic, file=sys.stderr)


def _build(args: argparse.Namespace, report: Reporter) -> Publication:
    from imprint.pipeline import build_publication

    report.step(f"reading {args.manuscript}")
    pub = build_publication(args.manuscript, args.build / ".cache", strict=args.strict,
                            styles=args.styles)
    report.problems(pub.diagnostics)
    report.step(f"read {len(pub.chapters)} chapters, "
                f"{sum(len(c.notes) for c in pub.chapters)} notes")
    return pub


def _pdf(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.checks.fidelity import audit_pdf
    from imprint.editions.pdf.print_layout import store_layout
    from imprint.editions.pdf.render import render_audited, write_pdf

    pub = _build(args, report)
    suffix = "-press" if args.press else ""
    target = args.build / f"{pub.meta.slug}{suffix}.pdf"
    report.step(f"rendering {target}")
    rendered = render_audited(pub, args.styles, press=args.press)
    # Every build is audited: the file is read back and compared with the model before it
    # replaces the last good one.
    warnings = write_pdf(pub, args.styles, target, press=args.press, rendered=rendered,
                         verify=lambda path, layout: audit_pdf(pub, path, layout))
    if not args.press:  # the EPUB's page list and cover come from this same layout
        store_layout(pub, args.styles, args.build / ".cache", rendered)
    report.step(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return warnings


def _epub(args: argparse.Namespace, report: Reporter) -> list[Diagnostic]:
    from imprint.checks.fidelity import audit_epub
    from imprint.editions.epub.package import write_epub
    from imprint.editions.pdf.print_layout import print_layout

    pub = _build(args, report)
    target = args.build / f"{pub.meta.slug}.epub"
    report.step("reading the print layout for the cover and the page list")
    layout = print_layout(pub, args.styles, args.build / ".cache")
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

    options = Options(args.manuscript, args.styles, args.build, args.chapter, args.port,
                      args.quiet)
    if not args.pdf:
        serve(options)
        return []
    target, warnings = print_check(options)
    report.step(f"wrote {target} ({target.stat().st_size // 1024} KiB)")
    return warnings


COMMANDS: dict[str, Callable[[argparse.Namespace, Reporter], list[Diagnostic]]] = {
    "pdf": _pdf, "epub": _epub, "check": _check, "slug": _slug, "preview": _preview,
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
        late = COMMANDS[args.command](args, report)
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
