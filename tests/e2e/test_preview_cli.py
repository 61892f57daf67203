"""`imprint preview` from the command line: ports, Ctrl-C, the one-chapter print check."""

from __future__ import annotations

import http.client
import socket
from pathlib import Path

from pypdf import PdfReader
from tests.conftest import MINIMAL_CONFIG, write_manuscript
from tests.helpers import pdf_pages, run_cli
from tests.preview_support import start_preview, stop_preview

from imprint.pipeline import build_publication


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_taken_port_moves_to_the_next_and_ctrl_c_stops_cleanly(manuscript: Path,
                                                                 tmp_path: Path) -> None:
    port = free_port()
    first = start_preview(manuscript, tmp_path / "b1", "1", port=port)
    try:
        second = start_preview(manuscript, tmp_path / "b2", "second", port=port)
        try:
            assert first.port == port and second.port > port
            assert second.url.endswith("/chapters/second")
            # An open event stream (a browser tab) must not keep the server from stopping.
            stream = http.client.HTTPConnection("127.0.0.1", first.port, timeout=60)
            stream.request("GET", "/_events")
            response = stream.getresponse()
            assert response.getheader("Content-Type") == "text/event-stream"
            received = b""
            while b"event: change" not in received:  # the current version, sent at once
                chunk = response.read1(4096)
                assert chunk, f"the event stream ended early: {received!r}"
                received += chunk
            assert stop_preview(first.process) == 0
            assert "imprint: previewing Chapter 1: chapters/01-intro.md;" in (
                first.log.read_text())
            stream.close()
            with socket.socket() as again:  # nothing listens there any more
                again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server
                again.bind(("127.0.0.1", port))
        finally:
            stop_preview(second.process)
    finally:
        stop_preview(first.process)


def test_an_unknown_chapter_is_a_message_not_a_traceback(manuscript: Path,
                                                         tmp_path: Path) -> None:
    result = run_cli("--manuscript", str(manuscript), "--build", str(tmp_path),
                     "preview", "secnd")
    assert result.returncode == 1
    assert "no chapter 'secnd' in publication.yaml (did you mean 'second'?)" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_print_check_is_one_chapter_with_the_book_s_notes(sample_copy: Path,
                                                              tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = run_cli("--manuscript", str(sample_copy), "--build", str(out), "preview", "--pdf",
                     "2")  # Chapter 2 as the book prints it: 03-arms.md
    assert result.returncode == 0, result.stderr
    assert "imprint: rendering Chapter 2: chapters/03-arms.md to " in result.stderr
    assert "warning" not in result.stderr  # links into other chapters were unlinked
    pdf = out / "sino-russian-military-alignment" / "preview" / "arms.pdf"
    assert not list(pdf.parent.glob("*.part"))  # written atomically
    text = " ".join(" ".join(page.split()) for page in pdf_pages(pdf))
    arms = next(c for c in build_publication(sample_copy, tmp_path / "c").chapters
                if c.slug == "arms")
    assert "Arms Sales and Technology" in text and "Notes" in text
    assert f"{arms.notes[0].number}. " in text and f"{arms.notes[-1].number}. " in text
    assert "Contents" not in text and "Joint Military Exercises" not in text
    assert len(PdfReader(pdf).pages) < 12


def test_the_print_check_sets_footnotes_at_the_page_foot(tmp_path: Path) -> None:
    manuscript = write_manuscript(tmp_path / "m", MINIMAL_CONFIG + "notes: footnotes\n")
    out = tmp_path / "build"
    result = run_cli("--manuscript", str(manuscript), "--build", str(out), "preview", "--pdf",
                     "chapters/02-second.md")
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(out / "tiny-report" / "preview" / "second.pdf")
    assert len(pages) == 1 and "Second note." in pages[0] and "Notes" not in pages[0]
