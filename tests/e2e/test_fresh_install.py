"""A generated project installs into a brand-new virtualenv and works there.

The other end-to-end tests reuse mlscaffold's own environment for speed; this one runs
`pip install -e ".[dev]"` from PyPI, which proves the generated pyproject.toml declares
every dependency the project's tests and `make train` need.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from projects import all_variants, generate, isolated_env

pytestmark = pytest.mark.e2e

DEFAULT_VARIANTS = [v for v in all_variants() if not v.data]


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(v, id=v.id, marks=pytest.mark.xdist_group(f"fresh-{v.id}"))
        for v in DEFAULT_VARIANTS
    ],
)
def test_fresh_virtualenv_install_runs_tests_and_training(variant, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    project = generate(variant, workspace, isolated_env(tmp_path / "home"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    project.env.pop("PYTHONPATH")
    project.python = python
    project.run(python, "-m", "pip", "install", "-q", "-e", ".[dev]", timeout=1200)
    project.run(python, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    project.make("train")
    variant.check_metrics(project.metrics())
