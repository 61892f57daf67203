"""A killed build's temporary files are removed by the next build; a running build's are not.

The writers here are real processes running the real `atomic_path`, killed with SIGKILL (no
handler, no cleanup) or kept alive while a real `imprint pdf` runs beside them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers import run_cli

from imprint.book.files import LEGACY_STALE_AFTER, remove_stale_temporaries

WRITER = """
import sys
from pathlib import Path
from imprint.book.files import atomic_path
with atomic_path(Path(sys.argv[1])) as temporary:
    print(temporary, flush=True)
    sys.stdin.read()  # hold the temporary file until the test closes stdin (or kills us)
"""
CEILING = 120.0  # seconds; a ceiling for events, never an expected duration


class Writer:
    """A process inside `atomic_path(target)`, its temporary file created and locked."""

    def __init__(self, target: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", WRITER, str(target)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.temporary = Path(self.process.stdout.readline().strip())  # blocks until created
        assert self.temporary.is_file(), self.temporary

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(CEILING)

    def finish(self) -> int:
        assert self.process.stdin is not None
        self.process.stdin.close()
        return self.process.wait(CEILING)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(CEILING)
        for stream in (self.process.stdin, self.process.stdout):
            if stream:
                stream.close()


@pytest.fixture
def writers() -> Iterator[list[Writer]]:
    started: list[Writer] = []
    yield started
    for writer in started:
        writer.stop()


def test_a_build_removes_a_killed_run_s_leftovers_and_keeps_a_live_one(
        manuscript: Path, tmp_path: Path, writers: list[Writer]) -> None:
    out = tmp_path / "build"
    target = out / "tiny-report/tiny-report.pdf"
    killed = Writer(target)
    writers.append(killed)
    killed.kill()
    assert killed.temporary.exists()  # what kill -9 leaves behind
    derived = killed.temporary.with_name(killed.temporary.name + ".raw")  # as the EPUB writer's
    derived.write_bytes(b"half a zip")
    other = target.parent / f".tiny-report.epub.{killed.process.pid}-abcd1234.part"  # not ours
    other.write_bytes(b"")
    live = Writer(target)  # a concurrent build of the same target, still writing
    writers.append(live)

    result = run_cli("--manuscript", str(manuscript), "--build", str(out), "pdf")

    assert result.returncode == 0, result.stderr
    assert not killed.temporary.exists() and not derived.exists()
    assert live.temporary.exists(), "a running build's temporary file was removed"
    assert other.exists()  # only this build's own target is swept
    assert live.finish() == 0  # the live writer completes undisturbed
    assert not live.temporary.exists()


def test_a_temporary_file_from_before_names_carried_a_pid_goes_once_old(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    old, recent = tmp_path / ".report.pdf.k2j4_x9a.part", tmp_path / ".report.pdf.q8w7e6r5.part"
    for path in (old, recent):
        path.write_bytes(b"")
    long_ago = time.time() - LEGACY_STALE_AFTER - 60
    os.utime(old, (long_ago, long_ago))
    assert remove_stale_temporaries(target) == [old]
    assert recent.exists()


def test_a_leftover_that_is_not_a_plain_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    fifo = tmp_path / ".report.pdf.999999999-abcd1234.part"  # no such PID
    os.mkfifo(fifo)
    link = tmp_path / ".report.pdf.999999998-abcd1234.part"
    link.symlink_to(tmp_path / "elsewhere")
    assert remove_stale_temporaries(target) == []
    assert fifo.exists() and link.is_symlink()
