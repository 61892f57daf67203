"""File changes -> what the preview must redo, through `watchfiles` (inotify on Linux; no polling).

    a stylesheet          -> nothing is rebuilt; the page fetches the sheet again
    a template            -> the page is rendered again from the current build
    anything in the manuscript (a chapter, publication.yaml, the bibliography, a figure)
                          -> the publication is rebuilt, from caches except for what changed
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import watchfiles

# watchfiles waits this long for a burst of events (an editor's write and rename) to end: short
# enough to keep save-to-screen well under 200 ms, long enough to see a save as one change.
STEP_MS = 30
DEBOUNCE_MS = 400


class Effect(enum.IntFlag):
    NONE = 0
    STYLESHEET = 1
    TEMPLATE = 2
    CONTENT = 4


class PreviewFilter(watchfiles.DefaultFilter):
    """watchfiles' defaults (editor swap and backup files, VCS folders) plus hidden files and
    the build folder, which the preview itself writes to (citation cache, print checks)."""

    ignore_entity_patterns = (*watchfiles.DefaultFilter.ignore_entity_patterns, r"^\.")

    def __init__(self, build_dir: Path) -> None:
        super().__init__(ignore_paths=[build_dir.resolve()])


def classify(paths: Iterable[str], root: Path, styles: Path) -> Effect:
    effect = Effect.NONE
    root, styles = root.resolve(), styles.resolve()
    for name in paths:
        path = Path(name).resolve()
        if path.is_relative_to(styles / "templates"):
            effect |= Effect.TEMPLATE
        elif path.is_relative_to(styles):
            effect |= Effect.STYLESHEET
        elif path.is_relative_to(root):
            effect |= Effect.CONTENT
    return effect


def watch_changes(root: Path, styles: Path, build_dir: Path,
                  stop: threading.Event) -> Iterator[tuple[Effect, list[str]]]:
    """Yield (effect, changed paths relative to their folder) per burst of saves, until `stop`
    is set; Ctrl-C raises KeyboardInterrupt here (watchfiles checks for signals as it waits)."""
    for changes in watchfiles.watch(root, styles, watch_filter=PreviewFilter(build_dir),
                                    step=STEP_MS, debounce=DEBOUNCE_MS, stop_event=stop):
        paths = sorted({name for _, name in changes})
        effect = classify(paths, root, styles)
        if effect:
            yield effect, [_short(name, root, styles) for name in paths]


def _short(name: str, root: Path, styles: Path) -> str:
    path = Path(name).resolve()
    for base, prefix in ((root.resolve(), ""), (styles.resolve(), "styles/")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return name
