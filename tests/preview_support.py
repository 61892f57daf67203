"""Running `imprint preview` and Debian's Chromium for the browser tests and the benchmark."""

from __future__ import annotations

import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = "/usr/bin/chromium"  # Debian's package (make bootstrap); no browser download
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Ceilings, not expectations: each wait ends on its event (the address printed, the process
# exited), so a generous ceiling costs nothing when the machine is fast and keeps a loaded
# machine (make -j, a CI neighbour) from failing a test that would have passed.
START_TIMEOUT = 120.0  # seconds: the first build runs pandoc once
STOP_TIMEOUT = 60.0  # seconds for Ctrl-C to stop the server; it normally takes ~0.1 s


@dataclass
class Preview:
    process: subprocess.Popen[str]
    url: str  # of the chapter named on the command line
    log: Path

    @property
    def origin(self) -> str:
        return self.url.split("/chapters/", 1)[0]

    @property
    def port(self) -> int:
        return int(self.origin.rsplit(":", 1)[1])


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright for a module's tests, closed after them."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def start_preview(manuscript: Path, build: Path, chapter: str, *extra: str,
                  port: int = 0) -> Preview:
    """Start the server as a user would; return once it has printed its address."""
    build.mkdir(parents=True, exist_ok=True)
    log = build / "preview.log"
    command = [sys.executable, "-m", "imprint.cli", "--manuscript", str(manuscript),
               "--build", str(build), *extra, "preview", chapter, "--port", str(port)]
    with log.open("w") as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline().strip() if ready and process.stdout else ""
    if not line.startswith("http://127.0.0.1:"):
        stop_preview(process)
        raise RuntimeError(f"preview did not start: {line!r}\n{log.read_text()}")
    return Preview(process, line, log)


def stop_preview(process: subprocess.Popen[str], timeout: float = STOP_TIMEOUT) -> int:
    """Ctrl-C, as an author would; kill only if that fails, so no process is left behind."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout:
        process.stdout.close()
    return process.returncode


@contextmanager
def running_preview(manuscript: Path, build: Path, chapter: str,
                    *extra: str) -> Iterator[Preview]:
    preview = start_preview(manuscript, build, chapter, *extra)
    try:
        yield preview
    finally:
        stop_preview(preview.process)
