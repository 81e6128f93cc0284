"""Each template's default project installs into a brand-new virtualenv and works there.

The virtualenv is the one every variant of the template runs in (tests/e2e/conftest.py):
``pip install -e ".[dev]"`` from the package index, so the generated pyproject.toml must
declare every dependency the project's tests, linters and ``make train`` need.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from projects import all_variants

TEMPLATES = sorted({v.template for v in all_variants()})


@pytest.mark.parametrize(
    "template", [pytest.param(t, marks=pytest.mark.xdist_group(t)) for t in TEMPLATES]
)
def test_default_project_installs_into_a_fresh_virtualenv(
    template: str, template_venv, tmp_path: Path
) -> None:
    venv = template_venv(template)
    python = venv.python
    answers = (venv.installed.path / ".copier-answers.yml").read_text(encoding="utf-8")
    package = yaml.safe_load(answers)["package_name"]
    checked = subprocess.run([python, "-m", "pip", "check"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Imported through the editable install alone: no PYTHONPATH, outside the project.
    imported = subprocess.run(
        [python, "-c", f"import {package}.train, numpy, matplotlib"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
