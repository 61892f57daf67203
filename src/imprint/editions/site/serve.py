"""`imprint serve`: the site folder on 127.0.0.1, and nothing outside it.

The request path is checked as the preview server checks its own (preview/paths.py, a layer
above this one): decoded strictly, no empty, `.` or `..` segment, and the real file after
resolving links must lie inside the folder. A folder path serves its `index.html`; there are
no directory listings.
"""

from __future__ import annotations

import contextlib
import errno
import mimetypes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from imprint.book.model import Diagnostic, ImprintError

HOST = "127.0.0.1"
PORT_ATTEMPTS = 20
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".epub": "application/epub+zip", ".bib": "application/x-bibtex; charset=utf-8",
         ".ris": "application/x-research-info-systems; charset=utf-8",
         ".svg": "image/svg+xml"}
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("Content-Security-Policy", "default-src 'self'; script-src 'none'; "
                     "img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                     "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"))


def site_file(folder: Path, url_path: str) -> Path | None:
    """The regular file a URL path names inside `folder`, or None."""
    try:
        path = unquote(url_path.split("?", 1)[0].split("#", 1)[0], errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    parts = path[1:].split("/")
    if parts[-1] == "":
        parts[-1] = "index.html"
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = folder.resolve()
    try:
        target = base.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return target if target.is_relative_to(base) and target.is_file() else None


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, folder: Path) -> None:
        super().__init__((HOST, port), SiteHandler)
        self.folder = folder

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def bind(port: int, folder: Path) -> SiteServer:
    """Listen on `port`, or the next free one; port 0 lets the system choose."""
    if not 0 <= port <= 65535:
        raise ImprintError(Diagnostic(None, f"--port {port} is not a port number (0 to 65535)"))
    last = min(port + PORT_ATTEMPTS, 65536) - 1
    for candidate in [0] if port == 0 else range(port, last + 1):
        try:
            return SiteServer(candidate, folder)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise ImprintError(Diagnostic(None, f"cannot listen on {HOST}:{candidate}: "
                                              f"{error.strerror}")) from None
    raise ImprintError(Diagnostic(None, f"ports {port} to {last} are all in use; "
                                  "choose another with --port"))


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "imprint-serve"
    sys_version = ""

    def do_GET(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer()

    def do_HEAD(self) -> None:
        self.do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        host, port = self.headers.get("Host"), self.server.server_address[1]
        if host is not None and host not in (f"{HOST}:{port}", f"localhost:{port}"):
            return self._send(403, b"forbidden host\n", "text/plain; charset=utf-8")
        path = site_file(self.server.folder, self.path)
        if path is None:
            return self._send(404, b"not found\n", "text/plain; charset=utf-8")
        kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        self._send(200, path.read_bytes(), kind or "application/octet-stream")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
