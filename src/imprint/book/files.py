"""Files in and out: which files a manuscript may use (only files inside its folder), reading
them as UTF-8 with located errors, and atomic writes (a temporary file beside the target, then
a rename)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imprint.book.model import Diagnostic, ImprintError, Loc

# A temporary file left by a run older than this, from before temporary names carried their
# writer's PID, is a leftover: no build takes a day.
LEGACY_STALE_AFTER = 24 * 3600.0
OUTSIDE = "is outside the manuscript folder"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces `target`, on failure it vanishes.

    The temporary name carries the writer's PID and the writer holds a lock on it, so a later
    run can tell a killed run's leftover (removed here) from a concurrent run's live file.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}-", suffix=".part",
                                    dir=target.parent)
    temporary = Path(name)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released by the kernel however this process ends
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        os.close(handle)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of `target` (and the files writers derive from them, such
    as `<temporary>.raw` or pikepdf's `.pikepdf.<temporary>XXXXXXXX`) whose writer is gone;
    return what was removed. Other targets' files, and anything not a plain file, stay."""
    ours = re.compile(rf"^(?:\.pikepdf\.)?(?P<main>\.{re.escape(target.name)}\."
                      r"(?:(?P<pid>\d+)-)?[a-z0-9_]+\.part)(?:\..*|[a-z0-9_]{8})?$")
    try:
        with os.scandir(target.parent) as scan:
            entries = [entry for entry in scan if ours.match(entry.name)]
    except OSError:
        return []
    removed = []
    for entry in entries:
        path, found = Path(entry.path), ours.match(entry.name)
        # Another run may remove the same leftover at the same moment: not a problem.
        with contextlib.suppress(OSError):
            if found and entry.is_file(follow_symlinks=False) and _stale(
                    path, found["pid"], path.with_name(found["main"])):
                path.unlink()
                removed.append(path)
    return removed


def _stale(path: Path, pid: str | None, main: Path) -> bool:
    """A writer is gone when its PID is not running here and no process holds its lock (the
    lock also covers a writer in another PID namespace sharing the folder)."""
    if pid is None:  # written before names carried a PID: only its age tells
        return time.time() - path.lstat().st_mtime > LEGACY_STALE_AFTER
    if int(pid) == os.getpid() or _running(int(pid)):
        return False
    return not _locked(main)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _locked(path: Path) -> bool:
    """True when another process holds the lock on `path` (a missing file holds no lock)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return True  # not a file we wrote: leave it alone
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False





def local_asset(root: Path, src: str) -> tuple[str | None, str]:
    """Return (path relative to root, "") for an allowed image, or (None, reason) to refuse it."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return None, f"image '{src}' is not a file inside the manuscript (remote or absolute URL)"
    if src.startswith("/"):
        return None, f"image '{src}' is an absolute path; use a path inside the manuscript"
    why = refusal(root, unquote(parts.path))
    if why == OUTSIDE:
        return None, f"image '{src}' points outside the manuscript folder"
    if why:
        return None, f"image '{src}' {why}"
    return (root / unquote(parts.path)).resolve().relative_to(root.resolve()).as_posix(), ""


def inside_root(name: str, root: Path, loc: Loc | None, what: str) -> Path:
    """`root/name` resolved, or an error at `loc` when it would lead outside the manuscript."""
    base = root.resolve()
    path = (base / name).resolve()
    if "://" in name or not path.is_relative_to(base):
        why = refusal(root, name)
        detail = f" (it {why})" if why and "symbolic link" in why else ""
        raise ImprintError.at(loc, f"{what} '{name}' must be a file inside the manuscript "
                              f"folder{detail}")
    return path


def refusal(root: Path, name: str) -> str | None:
    """Why `name` (relative to `root`) is not a file the manuscript may use, said so an author
    can act on it (`chapter file 'x' <reason>`), or None when it may be used."""
    base = root.resolve()
    if "://" in name:
        return "is a URL, not a file inside the manuscript folder"
    if not Path(os.path.normpath(base / name)).is_relative_to(base):
        return OUTSIDE
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        return "is a symbolic link leading out of the manuscript folder"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    return None if stat.S_ISREG(mode) else f"is {_file_kind(mode)}, not a regular file"


def _file_kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
    return next((kind for test, kind in kinds if test(mode)), "a special file")


def decode_utf8(data: bytes, name: str) -> tuple[str, Diagnostic | None]:
    """`data` decoded as `read_text()` would (UTF-8, universal newlines), and the first byte
    that is not UTF-8, located at its line so the author can find it. Such bytes read as
    U+FFFD, so the rest of the file can still be checked (its headings, its ids)."""
    try:
        text, problem = data.decode("utf-8"), None
    except UnicodeDecodeError as error:
        lines = _universal_newlines(data[: error.start].decode("utf-8")).split("\n")
        bad = data[error.start : error.start + 1].hex().upper()
        message = (f"not valid UTF-8: byte 0x{bad} at column {len(lines[-1]) + 1}; "
                   "save the file as UTF-8")
        text = data.decode("utf-8", errors="replace")
        problem = Diagnostic(Loc(name, len(lines)), message)
    return _universal_newlines(text), problem


def _universal_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
