"""Generated code is ruff-clean for every variant, Python target and package-name length.

The package name is spliced into code and the ruff target follows the python_version
answer, so line lengths and pyupgrade rules differ between projects: render the
extremes with plain copier (fast, no git) and lint them with the project's own config.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TEMPLATES, copier_copy
from projects import Variant, all_variants

SHORTEST, LONGEST = "ab", "abcdefghij_klmnopqrst_uvwxyzabcd_efghijk"  # 2 and 40 characters
CASES = [
    pytest.param(variant, python, package, id=f"{variant.id}-py{python}-{len(package)}")
    for variant, python, package in itertools.product(
        all_variants(), ["3.10", "3.13"], [SHORTEST, LONGEST]
    )
]


@pytest.mark.parametrize(("variant", "python", "package"), CASES)
def test_generated_code_is_ruff_clean(
    variant: Variant, python: str, package: str, tmp_path: Path
) -> None:
    assert len(LONGEST) == 40
    project = tmp_path / "p"
    data = {**variant.data, "python_version": python, "package_name": package}
    args = [arg for key, value in data.items() for arg in ("--data", f"{key}={value}")]
    copier_copy(TEMPLATES / variant.template, project, *args)
    for command in (["check"], ["format", "--check"]):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
