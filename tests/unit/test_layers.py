"""The package tree is the pipeline: each package imports only the stages below it, as the
README's Development section lists them. Walks every module's imports (top level and inside
functions) with `ast`, so a new upward import fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.conftest import REPO

SRC = REPO / "src" / "imprint"

# package -> the imprint packages it may import (besides itself). Keep in step with README.md.
ALLOWED: dict[str, set[str]] = {
    "book": set(),
    "markdown": {"book"},
    "preprocess": {"book", "markdown"},
    "pipeline": {"book", "markdown", "preprocess"},
    "editions": {"book"},
    "editions.html": {"book", "editions"},
    "editions.pdf": {"book", "editions", "editions.html"},
    "editions.epub": {"book", "editions", "editions.html"},
    # The HTML edition is the EPUB's finished documents as web pages (page markers, links).
    "editions.site": {"book", "editions", "editions.html", "editions.epub"},
    "checks": {"book", "editions", "editions.html", "editions.pdf", "editions.epub"},
    "preview": {"book", "markdown", "preprocess", "pipeline", "editions", "editions.html",
                "editions.pdf"},
    "scaffold": {"book"},  # `imprint new`: files to copy, nothing of the pipeline
    "stats": {"book"},  # `imprint stats`: counts read from the finished model
    "uptodate": {"book"},  # the input digest, read before any stage is imported
    "cli": {"book", "markdown", "preprocess", "pipeline", "editions", "editions.html",
            "editions.pdf", "editions.epub", "editions.site", "checks", "preview", "scaffold",
            "stats", "uptodate"},
}
LAYERED = ("editions.html", "editions.pdf", "editions.epub", "editions.site")


def layer_of(dotted: str) -> str:
    """`imprint.editions.pdf.render` -> `editions.pdf`; `imprint.pipeline` -> `pipeline`."""
    parts = dotted.split(".")[1:]
    two = ".".join(parts[:2])
    if two in LAYERED:
        return two
    return parts[0] if parts else ""


def module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = [p for p in relative.parts if p != "__init__"]
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every `imprint.*` module the file imports, at any depth of the syntax tree."""
    found = set()
    package = module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("imprint")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if base.startswith("imprint"):
                found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_only_lower_stages(path: Path) -> None:
    own = layer_of(module_name(path))
    assert own in ALLOWED, f"{module_name(path)} is in no package the README describes"
    wrong = sorted(name for name in imports(path)
                   if (layer := layer_of(name)) != own and layer not in ALLOWED[own])
    assert not wrong, f"{module_name(path)} ({own}) imports {wrong}"


def test_every_package_says_its_job() -> None:
    for init in SRC.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()) <= 12, f"{init} needs a short docstring"
    assert (SRC / "py.typed").exists()


def test_the_layer_test_can_fail() -> None:
    assert "book" not in ALLOWED["book"] and "editions.pdf" not in ALLOWED["editions.epub"]
    assert layer_of("imprint.editions.pdf.render") == "editions.pdf"
    assert layer_of("imprint.checks.fidelity") == "checks"
