"""The templates as copier templates: one shared source, usable with copier alone, packaged."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import REPO, TEMPLATES, copier_copy, tree

from mlscaffold.catalog import iter_templates

TEMPLATE_NAMES = [t.name for t in iter_templates(TEMPLATES)]


def test_shared_layer_copies_match_their_single_source() -> None:
    completed = subprocess.run(
        [sys.executable, str(REPO / "tools" / "sync_shared.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr


def test_sync_check_catches_an_edited_copy(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(REPO / "templates", copy / "templates")
    shutil.copytree(REPO / "tools", copy / "tools")
    edited = copy / "templates" / TEMPLATE_NAMES[0] / "template" / "CONTRIBUTING.md.jinja"
    edited.write_text(edited.read_text(encoding="utf-8") + "drift\n", encoding="utf-8")
    stale = copy / "templates" / TEMPLATE_NAMES[0] / "shared" / "gone.jinja"
    stale.write_text("old\n", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(copy / "tools" / "sync_shared.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 1
    assert "CONTRIBUTING.md.jinja differs" in completed.stderr
    assert "shared/gone.jinja has no source" in completed.stderr


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_copier_alone_renders_the_same_project(name: str, cli, tmp_path: Path) -> None:
    by_copier = tmp_path / "by-copier"
    same = ("--data", "project_name=Same Name", "--data", "python_version=3.11")
    copier_copy(TEMPLATES / name, by_copier, *same)
    assert (by_copier / "README.md").is_file()
    result = cli("new", name, "by-mlscaffold", "--defaults", "--no-git", *same)
    assert result.returncode == 0, result.stderr
    ours, theirs = tree(tmp_path / "by-mlscaffold"), tree(by_copier)
    assert set(ours) == set(theirs)
    different = [path for path in ours if ours[path] != theirs[path]]
    # Only the answers file may differ (its _src_path), and author defaults from git.
    assert set(different) <= {
        ".copier-answers.yml",
        "LICENSE",
        "CITATION.cff",
        "README.md",
        "MODEL_CARD.md",
        "CODE_OF_CONDUCT.md",
        "pyproject.toml",
    }


def test_wheel_ships_complete_templates_without_bytecode(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("mlscaffold_portfolio-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in TEMPLATE_NAMES:
        prefix = f"mlscaffold/templates/{name}/"
        assert f"{prefix}copier.yml" in names
        assert f"{prefix}template/README.md.jinja" in names
        assert f"{prefix}template/data/raw/.gitkeep" in names
        assert any(n.startswith(f"{prefix}shared/layouts/") for n in names)
    assert not [n for n in names if "/_shared/" in n]
    assert not [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]
    assert not [n for n in names if n.startswith("mlscaffold/templates/") and n.endswith(".py")]
