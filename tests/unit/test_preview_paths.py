"""The preview server sends only its own files: no `..`, no encoded dots, no absolute paths, no
symbolic links out of the folder, no templates, no manuscript sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from imprint.preview.paths import asset_file, file_inside, relative_request, style_file


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "manuscript"
    (root / "figures").mkdir(parents=True)
    (root / "figures" / "chart.svg").write_text("<svg/>", encoding="utf-8")
    (root / "figures" / "a b.svg").write_text("<svg/>", encoding="utf-8")
    (root / "publication.yaml").write_text("slug: x\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (root / "figures" / "out.svg").symlink_to(tmp_path / "secret.txt")
    (root / "figures" / "in.svg").symlink_to(root / "figures" / "chart.svg")
    styles = tmp_path / "styles"
    (styles / "templates").mkdir(parents=True)
    (styles / "preview.css").write_text("body {}", encoding="utf-8")
    (styles / "templates" / "x.css").write_text("", encoding="utf-8")
    (styles / "evil.css").symlink_to(tmp_path / "secret.txt")
    return {"root": root, "styles": styles}


ASSETS = frozenset({"figures/chart.svg", "figures/a b.svg", "figures/out.svg", "figures/in.svg"})


@pytest.mark.parametrize("encoded", [
    "", "..", "../secret.txt", "%2e%2e/secret.txt", "%2E%2E%2Fsecret.txt", "/etc/passwd",
    "%2fetc%2fpasswd", "figures/../../secret.txt", "figures//chart.svg", "./figures/chart.svg",
    "figures\\..\\..\\secret.txt", "figures/chart.svg%00.png", "%ff%fe", "figures/",
])
def test_unsafe_request_paths_are_refused(encoded: str) -> None:
    assert relative_request(encoded) is None


def test_clean_request_paths_are_decoded() -> None:
    assert relative_request("figures/a%20b.svg") == "figures/a b.svg"
    assert relative_request("figures/chart.svg") == "figures/chart.svg"


def test_assets_are_the_publication_s_images_only(project: dict[str, Path]) -> None:
    root = project["root"]
    assert asset_file(root, ASSETS, "figures/chart.svg") == (root / "figures/chart.svg").resolve()
    assert asset_file(root, ASSETS, "figures/a%20b.svg") is not None
    assert asset_file(root, ASSETS, "publication.yaml") is None  # a file, but not an asset
    assert asset_file(root, ASSETS, "figures/missing.svg") is None


def test_a_link_out_of_the_folder_is_refused_and_one_inside_is_followed(
        project: dict[str, Path]) -> None:
    root = project["root"]
    assert asset_file(root, ASSETS, "figures/out.svg") is None
    assert asset_file(root, ASSETS, "figures/in.svg") == (root / "figures/chart.svg").resolve()
    assert style_file(project["styles"], "evil.css") is None


def test_styles_serve_stylesheets_but_not_templates(project: dict[str, Path]) -> None:
    styles = project["styles"]
    assert style_file(styles, "preview.css") == (styles / "preview.css").resolve()
    assert style_file(styles, "templates/x.css") is None
    assert style_file(styles, "../manuscript/publication.yaml") is None


def test_file_inside_refuses_folders_and_missing_files(project: dict[str, Path]) -> None:
    assert file_inside(project["root"], "figures") is None
    assert file_inside(project["root"], "nothing.svg") is None
