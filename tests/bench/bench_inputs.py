"""Bounded inputs: what large or hostile manuscripts cost, or the located error they get.

    make bench                      # or: .venv/bin/python -m tests.bench.bench_inputs

A benchmark, not a test (the refusals themselves are tested in tests/e2e and tests/unit): for
each input it builds the PDF and the EPUB in a fresh process and prints the exit status, the
wall time, the peak resident memory and the first line imprint printed. The limits the README
states are checked here: a build that should succeed must stay under LIMITS.
"""

from __future__ import annotations

import argparse
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tests.conftest import ONE_CHAPTER_CONFIG, write_manuscript

CONFIG = ONE_CHAPTER_CONFIG
# The README's stated bounds for an input that builds: seconds and MiB per edition.
LIMITS = {"pdf": (600.0, 2500.0), "epub": (300.0, 1500.0)}
PARAGRAPH = ("The partnership rests on arms sales, joint exercises and a shared reading of the "
             "strategic environment, and each of these has limits that the record makes plain. ")


@dataclass(frozen=True)
class Outcome:
    status: int
    seconds: float
    peak_mib: float
    first_line: str


def run(manuscript: Path, build: Path, command: str) -> Outcome:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "imprint.cli", "--quiet", "--manuscript",
                              str(manuscript), "--build", str(build), command],
                             stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    lines = stderr.strip().splitlines()
    return Outcome(os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024,
                   lines[0][:110] if lines else "")


def big_chapter(root: Path, megabytes: float) -> None:
    paragraphs = int(megabytes * 1_000_000 / (len(PARAGRAPH) * 6))
    body = "\n\n".join(PARAGRAPH * 6 for _ in range(paragraphs))
    write_manuscript(root, CONFIG, {"01-intro.md": f"# A Long Chapter\n\n{body}\n"})


def photo(root: Path, width: int, height: int, kind: str) -> None:
    chapter = (f"# Photo\n\nText.\n\n![A photograph.](figures/photo.{kind})"
               "{#fig:p fig-alt=\"x\"}\n")
    write_manuscript(root, CONFIG, {"01-intro.md": chapter})
    (root / "figures").mkdir()
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    gradient.save(root / "figures" / f"photo.{kind}", quality=85)


def bomb(root: Path) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 10_000_000, 9)  # what a real bomb carries: zeros, compressed
    chapter = "# Bomb\n\n![A chart.](figures/bomb.png){#fig:b fig-alt=\"x\"}\n"
    write_manuscript(root, CONFIG, {"01-intro.md": chapter})
    (root / "figures").mkdir()
    (root / "figures" / "bomb.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
        + chunk(b"IEND", b""))


def long_table(root: Path, rows: int) -> None:
    lines = ["| Year | System | Quantity | Note |", "|---:|:---|---:|:---|"]
    lines += [f"| {1990 + i % 35} | System {i} | {i * 7 % 500} | Delivered in part |"
              for i in range(rows)]
    chapter = "# Deliveries\n\nText.\n\n" + "\n".join(lines) + "\n\nTable: Deliveries. {#tbl:d}\n"
    write_manuscript(root, CONFIG, {"01-intro.md": chapter})


def deep_lists(root: Path, depth: int) -> None:
    items = "\n".join("  " * level + f"- item at depth {level + 1}" for level in range(depth))
    write_manuscript(root, CONFIG, {"01-intro.md": f"# Lists\n\nText.\n\n{items}\n"})


CASES: dict[str, Callable[[Path], None]] = {
    "chapter 1 MB": lambda root: big_chapter(root, 1),
    "chapter 10 MB": lambda root: big_chapter(root, 10),
    "image 50 MP (JPEG)": lambda root: photo(root, 8660, 5774, "jpg"),
    "image 50 MP (PNG)": lambda root: photo(root, 8660, 5774, "png"),
    "PNG bomb 60000×60000": bomb,
    "table 5,000 rows": lambda root: long_table(root, 5000),
    "lists 50 deep": lambda root: deep_lists(root, 50),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run the cases whose name contains this")
    only = parser.parse_args().only
    print(f"{'input':<24}{'edition':<8}{'exit':>5}{'s':>8}{'MiB':>7}  message")
    over = []
    for name, make in CASES.items():
        if only and only not in name:
            continue
        with tempfile.TemporaryDirectory() as folder:
            make(Path(folder) / "m")
            for command in ("pdf", "epub"):
                outcome = run(Path(folder) / "m", Path(folder) / command, command)
                print(f"{name:<24}{command:<8}{outcome.status:>5}{outcome.seconds:>8.1f}"
                      f"{outcome.peak_mib:>7.0f}  {outcome.first_line}", flush=True)
                seconds, mib = LIMITS[command]
                if outcome.seconds > seconds or outcome.peak_mib > mib:
                    over.append(f"{name} {command}")
    if over:
        print("over the stated limits: " + ", ".join(over))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
