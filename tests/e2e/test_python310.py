"""mlscaffold claims Python >= 3.10: install it on a real 3.10 and run the fast tiers there.

The package and its own suite must import and pass on the oldest Python it claims; this
builds a 3.10 virtualenv, installs mlscaffold from this checkout with the test tools the
unit and cli tiers need, and runs those tiers (in one process, next to the other workers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import IN_CI, REPO

TOOLS = (
    "pytest>=8,<9",
    "pytest-xdist>=3.5",
    "pexpect>=4.9",
    "tomli>=2",
    "jsonschema>=4",
    "check-jsonschema>=0.29",
)


def find_python310() -> str | None:
    """A working Python 3.10: $MLSCAFFOLD_TEST_PYTHON310, PATH, or a pyenv installation."""
    candidates = [os.environ.get("MLSCAFFOLD_TEST_PYTHON310"), shutil.which("python3.10")]
    pyenv = Path.home().glob(".pyenv/versions/3.10*/bin/python3.10")
    candidates += sorted(str(path) for path in pyenv)
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys, venv; print(sys.version_info[:2] == (3, 10))"],
            capture_output=True,
            text=True,
        )
        if probe.stdout.strip() == "True":
            return candidate
    return None


@pytest.mark.xdist_group("python310")
def test_unit_and_cli_tiers_pass_on_python_310(tmp_path: Path) -> None:
    python310 = find_python310()
    if python310 is None:
        if IN_CI:
            pytest.fail("CI must test the oldest claimed Python: no Python 3.10 found")
        pytest.skip("no Python 3.10 here (set MLSCAFFOLD_TEST_PYTHON310)")
    venv = tmp_path / "venv"
    subprocess.run([python310, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    install = subprocess.run(
        [*pip, str(REPO), *TOOLS], capture_output=True, text=True, timeout=1200
    )
    assert install.returncode == 0, install.stderr[-4000:]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MLSCAFFOLD_"))}
    suite = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "tests/unit",
            "tests/cli",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert suite.returncode == 0, suite.stdout[-6000:] + suite.stderr[-2000:]
    assert " passed" in suite.stdout.splitlines()[-1]
