"""URL paths -> files the preview server may send, and nothing else.

A request path is attacker-controlled (any page the author has open could make the browser ask
for one), so every check is made on the decoded path *and* on the real file after resolving
symbolic links: `..`, `%2e%2e`, absolute paths and links leading out of the folder all fail.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

# What the screen stylesheet may pull in from styles/; templates and Python stay private.
STYLE_SUFFIXES = frozenset({".css", ".woff2", ".woff", ".otf", ".ttf", ".svg", ".png", ".jpg"})


def relative_request(encoded: str) -> str | None:
    """A percent-encoded URL path below a route prefix -> a clean relative POSIX path, or None."""
    try:
        path = unquote(encoded, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path or path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return path


def file_inside(base: Path, relative: str) -> Path | None:
    """The regular file `relative` names inside `base` after resolving links, or None."""
    folder = base.resolve()
    try:
        target = (folder / relative).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a link loop, a name too long
        return None
    if not target.is_relative_to(folder) or not target.is_file():
        return None
    return target


def style_file(styles: Path, encoded: str) -> Path | None:
    """A stylesheet or font of the house style (`/_styles/...`)."""
    relative = relative_request(encoded)
    if relative is None or relative.split("/")[0] == "templates":
        return None
    if Path(relative).suffix.lower() not in STYLE_SUFFIXES:
        return None
    return file_inside(styles, relative)


def asset_file(root: Path, assets: frozenset[str], encoded: str) -> Path | None:
    """A file the publication embeds (`/_assets/figures/x.svg`): only those the build listed,
    so the chapters, the bibliography and publication.yaml are never served."""
    relative = relative_request(encoded)
    if relative is None or relative not in assets:
        return None
    return file_inside(root, relative)
