"""A hostile manuscript: nothing outside the project is read, nothing on the network fetched."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.conftest import write_manuscript
from tests.helpers import epub_text, run_cli

from imprint.editions.pdf.render import SandboxFetcher


@pytest.fixture
def listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.5)
    yield server
    server.close()


def assert_no_connection(server: socket.socket) -> None:
    with pytest.raises(TimeoutError):
        connection, _ = server.accept()
        connection.close()


def hostile(tmp_path: Path, port: int) -> Path:
    (tmp_path / "outside.png").write_bytes(b"\x89PNG not really")
    chapter = (
        "# Hostile\n\n"
        "![host](file:///etc/hostname){fig-alt=\"host\"}\n\n"
        "Inline ![up](../outside.png) image.\n\n"
        f"![net](http://127.0.0.1:{port}/x.png){{#fig:net fig-alt=\"remote\"}}\n"
    )
    return write_manuscript(tmp_path / "m", chapters={"01-intro.md": chapter,
                                                      "02-second.md": "# Second\n\nText.\n"})


def test_build_embeds_and_fetches_nothing_outside(tmp_path: Path,
                                                  listener: socket.socket) -> None:
    port = listener.getsockname()[1]
    manuscript = hostile(tmp_path, port)
    out = tmp_path / "build"
    pdf = run_cli("--manuscript", str(manuscript), "--build", str(out), "pdf")
    epub = run_cli("--manuscript", str(manuscript), "--build", str(out), "epub")
    assert pdf.returncode == 0, pdf.stderr
    assert epub.returncode == 0, epub.stderr
    for result in (pdf, epub):
        assert "chapters/01-intro.md:3: warning: image 'file:///etc/hostname'" in result.stderr
        assert "chapters/01-intro.md:5: warning: image '../outside.png' points outside" \
            in result.stderr
        assert f"chapters/01-intro.md:7: warning: image 'http://127.0.0.1:{port}/x.png'" \
            in result.stderr
    assert_no_connection(listener)
    reader = PdfReader(out / "tiny-report/tiny-report.pdf")
    assert all(not page.images for page in reader.pages)
    hostname = Path("/etc/hostname").read_bytes().strip()
    assert hostname not in (out / "tiny-report/tiny-report.pdf").read_bytes()
    assert "127.0.0.1" not in epub_text(out / "tiny-report/tiny-report.epub", "chapter-intro.xhtml")


def test_fetcher_refuses_everything_outside_the_allowed_folders(
    tmp_path: Path, listener: socket.socket
) -> None:
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "ok.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("secret")
    (inside / "link.txt").symlink_to(tmp_path / "secret.txt")
    fetcher = SandboxFetcher((inside,))
    port = listener.getsockname()[1]
    for url in (f"http://127.0.0.1:{port}/x.png", "file:///etc/hostname",
                (inside / ".." / "secret.txt").as_uri(), (inside / "link.txt").as_uri(),
                "data:text/plain,hi"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert_no_connection(listener)
    assert fetcher.fetch((inside / "ok.css").as_uri()).read() == b"p {}"
