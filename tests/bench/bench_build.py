"""Build time and peak memory of each edition of the sample report.

    make bench                      # or: .venv/bin/python -m tests.bench.bench_build --runs 3

A benchmark, not a test: it prints the median wall time and the peak resident memory of
`imprint pdf`, `imprint pdf --press` and `imprint epub` (each a fresh process, as make runs
them), cold (empty build folder: pandoc and the layout run) and warm (their caches kept).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import SAMPLE

COMMANDS = {"pdf": ["pdf"], "pdf --press": ["pdf", "--press"], "epub": ["epub"]}


def run(build: Path, command: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one imprint process (wait4 reports that child alone)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "imprint.cli", "--quiet", "--manuscript",
                              str(SAMPLE), "--build", str(build), *command])
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"imprint {' '.join(command)} failed ({child.returncode})")
    return seconds, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    print(f"{'edition':<14}{'cold s':>9}{'warm s':>9}{'peak MiB':>10}")
    for name, command in COMMANDS.items():
        cold, warm, peaks = [], [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                seconds, peak = run(Path(folder), command)
                cold.append(seconds)
                seconds, peak_warm = run(Path(folder), command)
                warm.append(seconds)
                peaks.append(max(peak, peak_warm))
        print(f"{name:<14}{statistics.median(cold):>9.2f}{statistics.median(warm):>9.2f}"
              f"{max(peaks):>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
