"""The wheel is a working imprint on its own: built from a copy of the source, installed into
a fresh virtualenv outside the checkout, it finds its own styles, templates and scaffold and
builds a new report and the sample. Its dependencies come from this checkout's virtualenv
(a path, not its editable install), so the test needs no network."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.conftest import REPO, SAMPLE

IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", ".cache")


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                            timeout=900, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    for name in ("src", "styles"):
        shutil.copytree(REPO / name, source / name, symlinks=True, ignore=IGNORE)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         source, "-w", tmp_path / "dist", cwd=tmp_path)
    [wheel] = (tmp_path / "dist").glob("imprint-*.whl")
    return wheel


def test_wheel_installs_a_working_imprint(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path)
    venv = tmp_path / "fresh venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q",
         "--no-deps", wheel, cwd=tmp_path)
    purelib = _run(venv / "bin" / "python", "-c",
                   "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path)
    deps = sysconfig.get_paths()["purelib"]  # this virtualenv's packages, as a plain path
    (Path(purelib.stdout.strip()) / "imprint-deps.pth").write_text(deps + "\n")
    where = _run(venv / "bin" / "python", "-c", "import imprint; print(imprint.__file__)",
                 cwd=tmp_path)
    assert where.stdout.startswith(str(venv)), where.stdout
    imprint = venv / "bin" / "imprint"
    _run(imprint, "new", "my report", cwd=tmp_path)
    _run(imprint, "--manuscript", "my report", "--build", "out", "pdf", "--quiet", cwd=tmp_path)
    assert (tmp_path / "out" / "my-report" / "my-report.pdf").stat().st_size > 10_000
    shutil.copytree(SAMPLE, tmp_path / "sample")
    _run(imprint, "epub", "--manuscript", "sample", "--build", "out", "--quiet", cwd=tmp_path)
    slug = "sino-russian-military-alignment"
    assert (tmp_path / "out" / slug / f"{slug}.epub").is_file()
