"""Images refused before layout: corrupt data, a header that claims a decompression bomb, too
many pixels. Real files written with Pillow and by hand."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from imprint.book.images import MAX_PIXELS, image_problem


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A valid-looking PNG of a few hundred bytes whose header claims `width`×`height`."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
                     + _chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _chunk(b"IEND", b""))
    return path


@pytest.fixture
def good(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for suffix in ("png", "jpg", "gif", "webp"):
        files[suffix] = tmp_path / f"ok.{suffix}"
        Image.new("RGB", (40, 30), "teal").save(files[suffix])
    return files


def test_good_images_pass(good: dict[str, Path], tmp_path: Path) -> None:
    assert [image_problem(path) for path in good.values()] == [None] * 4
    svg = tmp_path / "x.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    assert image_problem(svg) is None


def test_decompression_bomb_is_refused_by_its_header(tmp_path: Path) -> None:
    problem = image_problem(png_claiming(tmp_path / "bomb.png", 60000, 60000))
    assert problem is not None and "3,600 megapixels" in problem


def test_too_many_pixels_is_refused_with_the_size(tmp_path: Path) -> None:
    problem = image_problem(png_claiming(tmp_path / "big.png", 9000, 8000))
    assert problem == ("is 9,000×8,000 pixels, 72 megapixels; imprint decodes at most "
                       f"{MAX_PIXELS // 1_000_000} megapixels an image: scale it down")


def test_fifty_megapixels_pass(tmp_path: Path) -> None:
    assert image_problem(png_claiming(tmp_path / "photo.png", 8660, 5774)) is None


def test_corrupt_data_is_named(good: dict[str, Path], tmp_path: Path) -> None:
    data = good["png"].read_bytes()
    flipped = tmp_path / "crc.png"
    flipped.write_bytes(data[:-20] + bytes([data[-20] ^ 0xFF]) + data[-19:])
    cut_png, cut_jpg = tmp_path / "cut.png", tmp_path / "cut.jpg"
    cut_png.write_bytes(data[: len(data) // 2])
    cut_jpg.write_bytes(good["jpg"].read_bytes()[:-2])  # its end marker gone
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"<html>not an image</html>")
    assert "checksum" in (image_problem(flipped) or "")
    assert (image_problem(cut_png) or "").startswith("is corrupt: ")
    assert image_problem(cut_jpg) == "is corrupt: the JPEG data is cut off"
    assert image_problem(junk) == ("is not an image imprint can read (PNG, JPEG, GIF, WebP or "
                                   "SVG)")


def test_a_changed_file_is_checked_again(good: dict[str, Path]) -> None:
    path = good["png"]
    assert image_problem(path) is None
    path.write_bytes(b"garbage, now")
    assert image_problem(path) is not None
