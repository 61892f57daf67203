"""The preview server under load: many tabs at once, and tabs that close.

Real servers (`imprint preview` as a subprocess), real sockets to 127.0.0.1 only, a bounded
number of them. Nothing here is timed: every wait ends on its event (a connection completes,
a thread ends) under a generous ceiling.
"""

from __future__ import annotations

import http.client
import os
import selectors
import signal
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.preview_support import Preview, running_preview

TABS = 300  # a browser restoring a large session
STREAMS = 20  # open tabs, each holding an event stream
CEILING = 60.0  # seconds; a ceiling for events, never an expected duration


def wait_until(condition: Callable[[], bool], ceiling: float = CEILING) -> bool:
    """Poll `condition` until it holds or the ceiling passes; True when it held."""
    deadline = time.monotonic() + ceiling
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def thread_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


@contextmanager
def stopped(process_id: int) -> Iterator[None]:
    """Freeze the server (SIGSTOP): it accepts nothing, so only the kernel's listen backlog
    decides which connections complete, and no thread timing can blur the result."""
    os.kill(process_id, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(process_id, signal.SIGCONT)


def connect_all(port: int, count: int) -> list[socket.socket]:
    """Start `count` connections at once and wait until each has completed its handshake."""
    sockets, selector = [], selectors.DefaultSelector()
    for _ in range(count):
        connection = socket.socket()
        connection.setblocking(False)
        connection.connect_ex(("127.0.0.1", port))
        selector.register(connection, selectors.EVENT_WRITE)
        sockets.append(connection)
    pending = set(sockets)
    deadline = time.monotonic() + CEILING
    while pending and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            selector.unregister(key.fileobj)
            pending.discard(key.fileobj)  # type: ignore[arg-type]
    selector.close()
    assert not pending, f"{len(pending)} of {count} connections still queued after {CEILING} s"
    assert all(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0 for s in sockets)
    return sockets


def get(connection: socket.socket, preview: Preview, path: str) -> bytes:
    """Send one request on an open connection; return the whole answer (the server closes)."""
    connection.setblocking(True)
    connection.settimeout(CEILING)
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\n"
                       "Connection: close\r\n\r\n".encode())
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer


def test_300_tabs_opened_at_once_are_all_admitted_and_served(manuscript: Path,
                                                             tmp_path: Path) -> None:
    with running_preview(manuscript, tmp_path / "build", "1") as preview:
        with stopped(preview.process.pid):
            sockets = connect_all(preview.port, TABS)  # all admitted by the backlog
        try:
            answers = [get(connection, preview, "/chapters/intro") for connection in sockets]
        finally:
            for connection in sockets:
                connection.close()
        assert all(a.startswith(b"HTTP/1.0 200 ") for a in answers), \
            {a.split(b"\r\n", 1)[0] for a in answers}
        assert all(b"The first chapter has a footnote" in a for a in answers)


def read_changes(response: http.client.HTTPResponse, count: int) -> None:
    """Read until `count` change events came, under the ceiling: keep-alive comments every
    15 s keep a read from ever timing out, so the loop itself must give up."""
    received, deadline = b"", time.monotonic() + CEILING
    while received.count(b"event: change") < count:
        assert time.monotonic() < deadline, f"no change event within {CEILING} s: {received!r}"
        chunk = response.read1(4096)
        assert chunk, f"the event stream ended early: {received!r}"
        received += chunk


def save_until_seen(chapter: Path, stream: socket.socket,
                    response: http.client.HTTPResponse) -> None:
    """Save the chapter until its change event arrives. The watcher is armed only after the
    server prints its address, so on a loaded machine a first save can come before it; a save
    again (a new line each time) is seen once it is armed."""
    deadline = time.monotonic() + CEILING
    try:
        while True:
            chapter.write_text(chapter.read_text(encoding="utf-8") + "\nSaved.\n", "utf-8")
            stream.settimeout(1.0)  # not a wait for speed: how often to save again
            try:
                return read_changes(response, 1)
            except TimeoutError:
                assert time.monotonic() < deadline, f"no save seen within {CEILING} s"
    finally:
        stream.settimeout(CEILING)


Stream = tuple[http.client.HTTPConnection, http.client.HTTPResponse, socket.socket]


def open_stream(preview: Preview) -> Stream:
    """An event stream as a tab holds it, read until the first `change` arrived."""
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=CEILING)
    connection.connect()
    stream = connection.sock  # the response reads it after the connection lets go of it
    connection.request("GET", "/_events")
    response = connection.getresponse()
    read_changes(response, 1)
    return connection, response, stream


def test_event_stream_threads_end_when_their_tabs_close(manuscript: Path,
                                                        tmp_path: Path) -> None:
    with running_preview(manuscript, tmp_path / "build", "1") as preview:
        pid = preview.process.pid
        # The baseline is taken once the watcher runs (its thread starts after the address is
        # printed): a save has been seen on one open tab, which stays open throughout.
        first = open_stream(preview)
        save_until_seen(manuscript / "chapters" / "01-intro.md", first[2], first[1])
        baseline = thread_count(pid)
        streams = [open_stream(preview) for _ in range(STREAMS)]  # the response holds the socket
        assert thread_count(pid) >= baseline + STREAMS
        for connection, response, _ in streams:
            response.close()
            connection.close()
        assert wait_until(lambda: thread_count(pid) <= baseline), \
            f"{thread_count(pid) - baseline} event stream threads outlived their tabs"
        for connection, response, _ in (open_stream(preview), first):  # still served
            response.close()
            connection.close()
