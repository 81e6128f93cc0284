"""Generated code is ruff-clean for every variant, Python target and package-name length.

The package name is spliced into code and the ruff target follows the python_version
answer, so line lengths and pyupgrade rules differ between projects. Each variant is
rendered at the four extremes with copier's API in this process (no interpreter start,
no git), and ruff checks the four projects in one run, each with its own pyproject.toml.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import TEMPLATES, copier_render
from projects import Variant, all_variants

SHORTEST, LONGEST = "ab", "abcdefghij_klmnopqrst_uvwxyzabcd_efghijk"  # 2 and 40 characters
PYTHONS = ("3.10", "3.13")


@pytest.mark.parametrize("variant", all_variants(), ids=lambda variant: variant.id)
def test_generated_code_is_ruff_clean(variant: Variant, tmp_path: Path) -> None:
    assert len(LONGEST) == 40
    for python, package in itertools.product(PYTHONS, (SHORTEST, LONGEST)):
        data = {**variant.data, "python_version": python, "package_name": package}
        copier_render(TEMPLATES / variant.template, tmp_path / f"py{python}-{package}", data)
    assert len(list(tmp_path.glob("*/pyproject.toml"))) == 4
    for command in (["check"], ["format", "--check"]):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "--no-cache", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
