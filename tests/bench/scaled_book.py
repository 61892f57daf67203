"""A manuscript N times the sample: its chapters repeated N times, so the book still builds.

    .venv/bin/python -m tests.bench.scaled_book 10 /tmp/book-10x

Copy 1 of each chapter is the sample's own file; copy k (k >= 2) is written as
`<stem>-r<k>.md`, and every label in it that must be unique in a book (heading, figure, table
and equation ids, the cross-references to them, footnote labels) gets the suffix `-r<k>`, so
copy k refers to its own figures and sections. Citations keep their keys: the bibliography is
shared. Each kind keeps its place (front matter first, back matter last), and
publication.yaml keeps its metadata and comments: only its chapter list grows.
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from tests.conftest import SAMPLE

KINDS = ("front", "body", "back")
# An id or a cross-reference to one: `{#sec:x`, `@fig:x`, `[-@tbl:x`, `](#sec:x)`, Quarto's `fig-x`.
LABEL = re.compile(r"(?<=[#@])((?:sec|fig|tbl|eq)[:-][\w:.-]*\w)")
FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


def suffixed(text: str, copy_number: int) -> str:
    """The chapter's text with its ids, references and note labels made unique to this copy."""
    if copy_number == 1:
        return text
    tag = f"-r{copy_number}"
    text = LABEL.sub(lambda m: m.group(1) + tag, text)
    return FOOTNOTE.sub(lambda m: f"[^{m.group(1)}{tag}]", text)


def copy_name(file: str, copy_number: int) -> str:
    """`chapters/03-arms.md` -> `chapters/03-arms-r2.md` (the slug drops the number only)."""
    if copy_number == 1:
        return file
    path = Path(file)
    return str(path.with_name(f"{path.stem}-r{copy_number}{path.suffix}"))


def copied_entry(entry: Any, copy_number: int) -> Any:
    """A chapter entry of publication.yaml naming the copy's file(s)."""
    new = copy.deepcopy(entry)
    if new.get("file"):
        new["file"] = copy_name(new["file"], copy_number)
    if new.get("files"):
        new["files"] = [copy_name(f, copy_number) for f in new["files"]]
    return new


def entry_files(entry: Any) -> list[str]:
    return [entry["file"]] if entry.get("file") else list(entry.get("files", []))


def scaled_entries(entries: list[Any], times: int) -> list[Any]:
    """Each kind's chapters repeated `times` times, the kinds in the order a book has them."""
    scaled = []
    for kind in KINDS:
        group = [e for e in entries if e.get("kind", "body") == kind]
        scaled += [copied_entry(e, k) for k in range(1, times + 1) for e in group]
    return scaled


def write_chapters(source: Path, target: Path, entries: list[Any], times: int) -> None:
    for entry in entries:
        for file in entry_files(entry):
            text = (source / file).read_text(encoding="utf-8")
            for k in range(2, times + 1):
                (target / copy_name(file, k)).write_text(suffixed(text, k), encoding="utf-8")


def scaled_book(target: Path, times: int, source: Path = SAMPLE) -> Path:
    """Write the sample (or `source`) repeated `times` times into `target`; return `target`."""
    if times < 1:
        raise ValueError("times must be at least 1")
    shutil.copytree(source, target)
    if times == 1:
        return target
    yaml = YAML()  # round-trip: comments and key order stay as the author wrote them
    yaml.indent(mapping=2, sequence=4, offset=2)  # and the sample's indentation
    yaml.width = 4096  # long titles stay on one line
    config_path = target / "publication.yaml"
    config = yaml.load(config_path.read_text(encoding="utf-8"))
    entries = list(config["chapters"])
    write_chapters(source, target, entries, times)
    config["chapters"] = scaled_entries(entries, times)
    with config_path.open("w", encoding="utf-8") as out:
        yaml.dump(config, out)
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("times", type=int, help="how many times to repeat the chapters")
    parser.add_argument("target", type=Path, help="the new manuscript folder (must not exist)")
    args = parser.parse_args()
    print(scaled_book(args.target, args.times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
