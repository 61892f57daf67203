"""`imprint preview CHAPTER`: build, serve, watch, rebuild; and `--pdf` for a print check."""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
import webbrowser
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imprint.book.config import load_config
from imprint.book.model import Chapter, ChapterSpec, Diagnostic
from imprint.markdown.parse import chapter_slug
from imprint.pipeline import build_publication
from imprint.preview.page import PageRenderer, chapter_url
from imprint.preview.print_check import chapter_pdf_path, write_chapter_pdf
from imprint.preview.selection import described, entry_numbers, select_chapter
from imprint.preview.server import Site, bind
from imprint.preview.state import PreviewState, Snapshot
from imprint.preview.watch import Effect, watch_changes


@dataclass(frozen=True)
class Options:
    manuscript: Path
    styles: Path
    build: Path
    chapter: str  # as given: a number, a slug or a file
    port: int = 8000
    quiet: bool = False
    open_browser: bool = False  # `--open`: the system's browser shows the page once served

    def say(self, message: str) -> None:
        if not self.quiet:
            print(f"imprint: {message}", file=sys.stderr, flush=True)


def chosen_chapter(options: Options) -> tuple[ChapterSpec, str]:
    """The chapter asked for, and how to name it: `Chapter 2: chapters/03-arms.md`."""
    root = options.manuscript.resolve()
    specs = load_config(root).chapters
    numbers = entry_numbers(root, specs)
    spec = select_chapter(specs, root, options.chapter, numbers=numbers)
    return spec, described(spec, specs, numbers)


def _holding(chapters: Sequence[Chapter], spec: ChapterSpec) -> int:
    """The chapter holding `spec`'s file: a file that continues a chapter is previewed as
    part of it. The first chapter when none does (the build failed)."""
    return next((i for i, c in enumerate(chapters) if spec.file in c.files), 0)


def print_check(options: Options) -> tuple[Path, list[Diagnostic]]:
    """Write build/preview/<slug>.pdf; return it with the build's and WeasyPrint's warnings."""
    spec, name = chosen_chapter(options)
    pub = build_publication(options.manuscript, options.build / ".cache", styles=options.styles)
    chapter = pub.chapters[_holding(pub.chapters, spec)]
    slug = chapter.slug
    target = chapter_pdf_path(options.build, slug)
    options.say(f"rendering {name} to {target}")
    warnings = write_chapter_pdf(pub, chapter, options.styles, target)
    return target, [*pub.diagnostics, *warnings]


def serve(options: Options) -> None:
    """Serve until Ctrl-C (or SIGTERM), then stop the server and the watcher cleanly."""
    spec, name = chosen_chapter(options)
    state = PreviewState(options.manuscript, options.build, options.styles)
    started = time.perf_counter()
    snapshot = state.rebuild()
    _settle_heap()
    _report(options, snapshot, "built the book", started)
    chapters = snapshot.pub.chapters if snapshot.pub else ()
    home = chapters[_holding(chapters, spec)].slug if chapters else chapter_slug(spec.file)
    site = Site(state, PageRenderer(options.styles, state.boot), options.styles, home)
    server = bind(options.port, site)
    thread = threading.Thread(target=server.serve_forever, name="imprint-preview", daemon=True)
    thread.start()
    # On stdout, alone on its line, so scripts (and the tests) can read the address.
    print(f"{server.url}{chapter_url(site.home)}", flush=True)
    if options.open_browser:
        webbrowser.open(f"{server.url}{chapter_url(site.home)}")
    options.say(f"previewing {name}; live reload on save; Ctrl-C to stop")
    try:
        with _terminate_as_interrupt():
            _watch(options, state)
    except KeyboardInterrupt:
        pass
    finally:
        state.close()  # wakes the event streams first, or shutdown would wait on them
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        options.say("preview stopped")


def _settle_heap() -> None:
    """Set the first build's objects aside from the garbage collector: most live as long as
    the server (the parsed book, its pages), and a full collection walking them took 40-50 ms
    every dozen saves of a long book. They are still freed when no longer referenced."""
    gc.collect()
    gc.freeze()


def _watch(options: Options, state: PreviewState) -> None:
    stop = threading.Event()
    for effect, names in watch_changes(state.root, options.styles, options.build, stop):
        started = time.perf_counter()
        snapshot = state.restyle() if effect & Effect.STYLESHEET else state.snapshot()
        if effect & Effect.CONTENT:
            snapshot = state.rebuild()
        elif effect & Effect.TEMPLATE:
            snapshot = state.touch()
        _report(options, snapshot, f"{', '.join(names)} changed", started)


def _report(options: Options, snapshot: Snapshot, what: str, started: float) -> None:
    elapsed = (time.perf_counter() - started) * 1000
    if snapshot.errors:
        options.say(f"{what}; {len(snapshot.errors)} error(s), shown in the page:")
        for problem in snapshot.errors:
            print(problem, file=sys.stderr, flush=True)
    else:
        options.say(f"{what}: updated in {elapsed:.0f} ms")


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a supervisor, a test's teardown) stops the server as Ctrl-C does."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
