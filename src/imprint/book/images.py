"""Images a manuscript embeds: refused before layout when they are corrupt or too large.

WeasyPrint reports an image it cannot decode only as a log line and prints the figure without
it (exit 0), and it decodes whatever size a header claims: a 1 KB PNG whose header says
60000×60000 asks for 10 GB. So each raster image is opened here first (Pillow reads the header
only), its size bounded, and its data checked as far as is cheap: PNG chunk checksums, and a
JPEG's end marker (a JPEG is embedded as it is, never decoded, so it is not decoded here).
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# Pixels imprint decodes in one image: a 50-megapixel photograph passes; its decoded RGBA
# copy (~200 MB) is the most one figure may cost. Pillow's own bomb guard starts at 89 MP.
MAX_PIXELS = 60_000_000
_VECTOR = frozenset({".svg"})
_JPEG_END = b"\xff\xd9"


def image_problem(path: Path) -> str | None:
    """Why the image at `path` cannot be embedded ("is corrupt: …"), or None when it can.
    Remembered per file version, as the preview renumbers the book on every save."""
    try:
        info = path.stat()
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    return _checked(str(path), info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=512)
def _checked(name: str, mtime_ns: int, size: int) -> str | None:
    path = Path(name)
    if path.suffix.lower() in _VECTOR:
        return None  # parsed by WeasyPrint's SVG reader, which has no pixel budget to exceed
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return _size_problem(image.size) or _data_problem(path, image)
    except Image.DecompressionBombError as error:  # past twice Pillow's limit: no size given
        pixels = re.search(r"\((\d+) pixels\)", str(error))
        return _pixels_problem(int(pixels.group(1)) if pixels else None)
    except UnidentifiedImageError:
        return "is not an image imprint can read (PNG, JPEG, GIF, WebP or SVG)"
    except (OSError, SyntaxError, ValueError) as error:  # Pillow's errors for damaged data
        return f"is corrupt: {_reason(error)}"


def _size_problem(size: tuple[int, int]) -> str | None:
    width, height = size
    if width * height <= MAX_PIXELS:
        return None
    return _pixels_problem(width * height, f"{width:,}×{height:,} pixels, ")


def _pixels_problem(pixels: int | None, dimensions: str = "") -> str:
    size = f"{pixels / 1e6:,.0f} megapixels" if pixels else "more pixels than Pillow allows"
    return (f"is {dimensions}{size}; imprint decodes at most {MAX_PIXELS / 1e6:.0f} megapixels "
            "an image: scale it down")


def _data_problem(path: Path, image: Image.Image) -> str | None:
    if image.format == "JPEG":
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 2))
            return None if handle.read() == _JPEG_END else "is corrupt: the JPEG data is cut off"
    if image.format == "PNG":
        image.verify()  # checksums of every chunk, without decoding the pixels
    return None


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:120] or type(error).__name__
