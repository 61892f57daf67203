"""The preview's one piece of shared state: the latest build and a change counter.

The watcher writes it (one thread), page and event requests read it (many threads). Every
change makes a new immutable `Snapshot`, so a reader never sees half of a rebuild.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from imprint.book.locale import SHIPPED_STYLES
from imprint.book.model import Diagnostic, ImprintError, Loc, Publication
from imprint.pipeline import build_publication
from imprint.preview.caches import BuildCaches


@dataclass(frozen=True)
class Snapshot:
    serial: int  # bumped on every change the open page should show
    pub: Publication | None  # the last build that succeeded (None until one does)
    errors: tuple[Diagnostic, ...]  # why the latest build failed; () when it succeeded
    styles_serial: int = 0  # bumped when a stylesheet changes, so the page fetches it again

    @property
    def assets(self) -> frozenset[str]:
        return frozenset(self.pub.assets) if self.pub else frozenset()


class PreviewState:
    def __init__(self, root: Path, build_dir: Path, styles: Path = SHIPPED_STYLES) -> None:
        self.root = root.resolve()
        self.styles = styles  # the house style: its locales give the book's fixed words
        self.cache_dir = build_dir / ".cache"
        self.caches = BuildCaches()  # a save redoes only what it changed
        # A new id per server start: a page left open across a restart reloads itself.
        self.boot = secrets.token_hex(4)
        self._snapshot = Snapshot(0, None, ())
        self._changed = threading.Condition()
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def rebuild(self) -> Snapshot:
        """Build the whole publication (cheap: caches) so numbers are those of the full book;
        on failure keep the last good build and record why."""
        try:
            pub = build_publication(self.root, self.cache_dir, styles=self.styles,
                                    stages=self.caches.stages)
        except ImprintError as error:
            return self._publish(errors=error.diagnostics)
        except OSError as error:  # e.g. a file caught between an editor's delete and rename
            where = Loc(self._relative(error.filename)) if error.filename else None
            return self._publish(errors=(Diagnostic(where, f"cannot read: {error.strerror}"),))
        except Exception as error:  # an imprint bug must not stop the server: show it
            message = f"internal error: {type(error).__name__}: {error}"
            return self._publish(errors=(Diagnostic(None, message),))
        return self._publish(pub=pub, errors=())

    def restyle(self) -> Snapshot:
        """A stylesheet changed: nothing to rebuild, the page only fetches it again."""
        return self._publish(restyle=True)

    def touch(self) -> Snapshot:
        """A template changed: nothing to rebuild, the page is rendered again."""
        return self._publish()

    def wait(self, serial: int, timeout: float) -> Snapshot:
        """Block until the snapshot is newer than `serial`, the state closes, or `timeout`."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._snapshot.serial != serial,
                                   timeout)
            return self._snapshot

    def close(self) -> None:
        """Wake every waiting event stream so the server can stop at once."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _publish(self, *, pub: Publication | None = None,
                 errors: tuple[Diagnostic, ...] | None = None,
                 restyle: bool = False) -> Snapshot:
        """Replace the snapshot (keeping what is not given) and wake every event stream."""
        with self._changed:
            old = self._snapshot
            self._snapshot = dataclasses.replace(
                old,
                serial=old.serial + 1,
                pub=pub or old.pub,
                errors=old.errors if errors is None else errors,
                styles_serial=old.styles_serial + restyle,
            )
            self._changed.notify_all()
            return self._snapshot

    def _relative(self, filename: str) -> str:
        path = Path(filename)
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return path.name
