"""Files in and out: which files a manuscript may use (only files inside its folder), and
atomic writes (a temporary file beside the target, then a rename)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imprint.book.model import ImprintError, Loc


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target`, on failure it vanishes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomic(target: Path, produce: Callable[[Path], None]) -> None:
    with atomic_path(target) as temporary:
        produce(temporary)



def local_asset(root: Path, src: str) -> tuple[str | None, str]:
    """Return (path relative to root, "") for an allowed image, or (None, reason) to refuse it."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return None, f"image '{src}' is not a file inside the manuscript (remote or absolute URL)"
    if src.startswith("/"):
        return None, f"image '{src}' is an absolute path; use a path inside the manuscript"
    target = (root / unquote(parts.path)).resolve()
    if not target.is_relative_to(root.resolve()):
        return None, f"image '{src}' points outside the manuscript folder"
    if not target.is_file():
        return None, f"image '{src}' does not exist"
    return target.relative_to(root.resolve()).as_posix(), ""


def inside_root(name: str, root: Path, loc: Loc | None, what: str) -> Path:
    """`root/name` resolved, or an error at `loc` when it would lead outside the manuscript."""
    base = root.resolve()
    path = (base / name).resolve()
    if "://" in name or not path.is_relative_to(base):
        raise ImprintError.at(loc, f"{what} '{name}' must be a file inside the manuscript folder")
    return path
