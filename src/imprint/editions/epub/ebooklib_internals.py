"""Every use of ebooklib beyond its public API, in one place.

ebooklib's public API builds a book (`EpubBook`, `EpubItem`, `add_metadata`, `spine`, ...) and
writes it (`write_epub`, or `EpubWriter(...).process()` and `.write()`). It has no way to add
an attribute to the OPF's <package> element, to fix the `dcterms:modified` date, or to give a
plain `EpubItem` manifest properties. The ways used here are undocumented:

- a subclass overriding the private `EpubWriter._write_opf_file(root)`, the one moment the
  OPF exists as an lxml tree before it is serialized (`PackageWriter.edit_package`);
- the writer option "mtime", read by `EpubWriter._write_opf_metadata` but documented nowhere;
- `EpubItem.properties`, which only `EpubHtml` defines but the manifest writer reads from any
  item that has it (`set_manifest_properties`).

A new ebooklib breaks this module alone, and `tests/unit/test_library_contracts.py` checks each
use against the installed version and names the function to fix. That is why pyproject.toml
pins `ebooklib>=0.20,<0.21`: raise the pin only with that test green.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ebooklib import epub


class PackageWriter(epub.EpubWriter):
    """ebooklib's writer with a hook on the OPF's <package> element and a fixed modified date.

    Subclasses override `edit_package`; construct, then call the public `process()` and
    `write()` as for `EpubWriter`.
    """

    def __init__(self, name: str, book: epub.EpubBook, options: dict[str, Any], *,
                 modified: dt.datetime) -> None:
        # Needs: the undocumented option "mtime", which ebooklib writes as the package's
        # dcterms:modified (otherwise the time of the build, and no two builds are equal).
        super().__init__(name, book, {"mtime": modified, **options})

    def edit_package(self, root: Any) -> None:
        """Change the OPF's <package> element (an lxml element) before it is written."""

    def _write_opf_file(self, root: Any) -> None:
        # Needs: `EpubWriter._write_opf_file(root)`, private, called by `_write_opf` with the
        # finished <package> element just before serializing it; ebooklib has no public hook.
        self.edit_package(root)
        super()._write_opf_file(root)


def set_manifest_properties(item: epub.EpubItem, properties: list[str]) -> None:
    """Give a plain item manifest properties ("nav", "cover-image", ...).

    Needs: the attribute `properties`, defined only on `EpubHtml` but written into the manifest
    by `EpubWriter._write_opf_manifest` for any item that has one; `EpubItem` takes no such
    argument, and `EpubHtml` would re-render our XHTML.
    """
    item.properties = properties
