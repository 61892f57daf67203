"""The preview's HTTP server, on 127.0.0.1 only: pages, the project's assets, change events.

    /                      -> redirect to the chapter named on the command line
    /chapters/<slug>       the preview of any chapter of the book
    /_events               server-sent events: one `change` per rebuild
    /_styles/<file>        the house style's screen stylesheet (and fonts)
    /_assets/<file>        the images the publication embeds
Everything else is 404. The standard library's threading server is enough for one author's
browser, and it keeps the preview free of another web framework.
"""

from __future__ import annotations

import contextlib
import errno
import json
import mimetypes
import socket
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from imprint.book.model import Diagnostic, ImprintError
from imprint.preview.page import PageRenderer, chapter_url
from imprint.preview.paths import asset_file, style_file
from imprint.preview.state import PreviewState

HOST = "127.0.0.1"
PORT_ATTEMPTS = 20  # "if the port is taken, the next free one", within reason
KEEPALIVE = 15.0  # seconds between comments on an idle event stream
# How often an idle event stream looks whether its tab is still there: a change wakes it at
# once; this only bounds how long a closed tab's thread lingers.
CLIENT_CHECK = 1.0
# Connections the kernel accepts for us while the server thread catches up (the kernel caps it
# at net.core.somaxconn). Python's default, 5, makes the rest of 300 tabs opened at once
# (a browser restoring its session) wait on TCP's SYN retries: 1, 3, 7, 15, 31 s...
LISTEN_BACKLOG = 1024
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    # The page may load nothing from elsewhere; its one script is inline.
    ("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'; "
     "style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
     "form-action 'none'; frame-ancestors 'none'"),
)


@dataclass(frozen=True)
class Site:
    """What every request handler reads."""

    state: PreviewState
    pages: PageRenderer
    styles: Path
    home: str  # slug of the chapter named on the command line


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must never keep the process alive
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, port: int, site: Site) -> None:
        super().__init__((HOST, port), PreviewHandler)
        self.site = site

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


def bind(port: int, site: Site) -> PreviewServer:
    """Listen on `port`, or the next free one; port 0 lets the system choose."""
    if not 0 <= port <= 65535:
        raise ImprintError(Diagnostic(None, f"--port {port} is not a port number (0 to 65535)"))
    last = min(port + PORT_ATTEMPTS, 65536) - 1
    for candidate in [0] if port == 0 else range(port, last + 1):
        try:
            return PreviewServer(candidate, site)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                message = f"cannot listen on {HOST}:{candidate}: {error.strerror}"
                raise ImprintError(Diagnostic(None, message)) from None
    raise ImprintError(Diagnostic(None, f"ports {port} to {last} are all in use; "
                                  "choose another with --port"))


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "imprint-preview"
    sys_version = ""

    def do_GET(self) -> None:
        # The browser may go away mid-answer (a closed tab, a reload): nothing to do then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route()

    def do_HEAD(self) -> None:
        self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the rebuild messages

    def _route(self) -> None:
        site = self.server.site
        if not self._host_allowed():
            return self._text(403, "forbidden host")
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/":
            return self._redirect(chapter_url(site.home))
        if path == "/_events":
            if self.command == "HEAD":  # headers only: a stream never ends
                return self._send(200, b"", "text/event-stream")
            return self._events(site.state)
        if path.startswith("/chapters/"):
            return self._page(site, path.removeprefix("/chapters/"))
        if path.startswith("/_styles/"):
            return self._file(style_file(site.styles, path.removeprefix("/_styles/")))
        if path == "/favicon.ico":  # browsers ask; an empty answer keeps their console quiet
            return self._send(204, b"", "image/x-icon")
        if path.startswith("/_assets/"):
            snapshot = site.state.snapshot()
            root = site.state.root
            return self._file(asset_file(root, snapshot.assets, path.removeprefix("/_assets/")))
        return self._text(404, "not found")

    def _host_allowed(self) -> bool:
        """Refuse other host names, so a web page cannot reach the preview by DNS rebinding."""
        host = self.headers.get("Host")
        port = self.server.server_address[1]
        return host is None or host in (f"{HOST}:{port}", f"localhost:{port}")

    def _page(self, site: Site, encoded: str) -> None:
        slug = unquote(encoded)
        if not slug or "/" in slug:
            return self._text(404, "not found")
        status, text = site.pages.page(site.state.snapshot(), slug)
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8")

    def _file(self, path: Path | None) -> None:
        if path is None:
            return self._text(404, "not found")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        # `no-cache` revalidates every time; page links carry a version, so this stays cheap.
        self._send(200, path.read_bytes(), kind, cache="no-cache")

    def _events(self, state: PreviewState) -> None:
        """One `change` event now and one per rebuild, until the tab goes or the server stops:
        the thread ends within CLIENT_CHECK of the tab closing, not at the next failed write."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 500\n\n")  # reconnect fast after a server restart
        serial = None
        quiet_since = time.monotonic()
        while not state.closed and not self._client_gone():
            snapshot = state.snapshot() if serial is None else state.wait(serial, CLIENT_CHECK)
            if state.closed:
                break
            if snapshot.serial != serial:
                serial = snapshot.serial
                data = json.dumps({"boot": state.boot, "serial": serial})
                self.wfile.write(f"event: change\ndata: {data}\n\n".encode())
            elif time.monotonic() - quiet_since < KEEPALIVE:
                continue
            else:
                self.wfile.write(b": keep-alive\n\n")
            quiet_since = time.monotonic()

    def _client_gone(self) -> bool:
        """A closed tab closes its socket: it reads as end-of-file (or fails) at once. An event
        stream's client sends nothing else, so anything readable but empty means it left."""
        try:  # a peek without waiting (select() would fail on descriptors above 1023)
            return not self.connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:  # nothing to read: still there
            return False
        except OSError:
            return True

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _text(self, status: int, message: str) -> None:
        self._send(status, f"{message}\n".encode(), "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str, cache: str = "no-store") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
