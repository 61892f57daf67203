"""A whole folder written atomically: built beside the target under a temporary name, then
renamed into place, so a reader (or `imprint serve`) never sees half a site."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield an empty temporary folder; on success it replaces `target`, on failure it goes.

    The old folder is renamed aside before the new one takes its name and removed after, so
    the target is missing only between two renames, never partly written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".part",
                                      dir=target.parent))
    try:
        yield temporary
        temporary.chmod(0o755)
        old = temporary.with_name(temporary.name.removesuffix(".part") + ".old")
        if target.exists():
            os.replace(target, old)
        os.replace(temporary, target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def write_text(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # no newline translation: the bytes are the output


def copy_file(source: Path, folder: Path, name: str) -> None:
    """Bytes only (no modification time), so two builds give the same folder."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    path.chmod(0o644)
