"""Is an edition already built from exactly these inputs? Then a build is a no-op.

Make rebuilds when a file's time changes; a checkout, a sync or an editor's save without a
change touches files without changing them, and a PDF build then lays the whole book out
again (seconds to minutes). So every successful `imprint pdf|epub` records a digest of all it
read, with the digest of what it wrote and the warnings it gave; the next build with the same
inputs and an untouched edition prints the same warnings and stops, before any of the pipeline
is imported.

What "all it read" means is deliberately wide: every regular file of the manuscript folder
(hidden folders such as `.git` aside), of the house style, and of imprint itself, and the
versions of the libraries that shape the output. Symbolic links count by where they point and
are never followed, FIFOs and devices by their name: the check opens no file the build would
refuse.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from imprint.book.files import atomic_path
from imprint.book.model import Diagnostic, Loc

FORMAT = "imprint-stamp-1"
LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "ebooklib", "pypandoc-binary", "markdown-it-py",
             "mdit-py-plugins", "jinja2", "lxml", "latex2mathml", "ziamath", "nh3", "fonttools")
PACKAGE = Path(__file__).resolve().parent


def input_digest(manuscript: Path, styles: Path, options: Sequence[str]) -> str:
    """One digest of every input of a build with `options` (the command and its flags)."""
    digest = hashlib.sha256(f"{FORMAT}\0{chr(0).join(options)}\0".encode())
    for name in LIBRARIES:
        digest.update(f"{name}={_version(name)}\0".encode())
    for label, folder in (("manuscript", manuscript), ("styles", styles), ("imprint", PACKAGE)):
        for path in _files(folder.resolve()):
            digest.update(f"{label}/{path.relative_to(folder.resolve()).as_posix()}\0".encode())
            digest.update(_content(path))
    return digest.hexdigest()


def fresh(stamp: Path, inputs: str, target: Path) -> list[Diagnostic] | None:
    """The warnings of the build that wrote `target`, when it was written from `inputs` and is
    as it was written; None when the edition must be built."""
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved["inputs"] != inputs or saved["output"] != _file_digest(target):
            return None
        return [_diagnostic(item) for item in saved["warnings"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(stamp: Path, inputs: str, target: Path, warnings: Sequence[Diagnostic]) -> None:
    """Remember a successful build (atomically: a stamp is whole or absent)."""
    saved = {"inputs": inputs, "output": _file_digest(target),
             "warnings": [_saved(w) for w in warnings]}
    with atomic_path(stamp) as temporary:  # a killed run's leftover is swept like an edition's
        temporary.write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")


def _files(folder: Path) -> Iterator[Path]:
    """Every entry under `folder` in a fixed order, hidden and cache folders left out."""
    for root, folders, names in os.walk(folder):  # os.walk follows no symbolic link
        folders[:] = sorted(f for f in folders if not f.startswith(".") and f != "__pycache__")
        for name in sorted(names):
            yield Path(root) / name


def _content(path: Path) -> bytes:
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return f"link:{os.readlink(path)}".encode()
    if not stat.S_ISREG(mode):
        return b"special"  # never opened: a FIFO would block
    return _file_digest(path).encode()


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def _saved(warning: Diagnostic) -> list[object]:
    loc = warning.loc
    return [loc.path if loc else None, loc.line if loc else 0, warning.message, warning.severity]


def _diagnostic(item: list[object]) -> Diagnostic:
    path, line, message, severity = item
    loc = Loc(str(path), int(str(line))) if path is not None else None
    return Diagnostic(loc, str(message), "error" if severity == "error" else "warning")
