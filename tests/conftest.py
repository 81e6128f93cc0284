"""Fixtures shared by the test suite.

Every test that runs git gets its own HOME and global git config, so results do
not depend on (and never touch) the machine's configuration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "templates"
IN_CI = bool(os.environ.get("CI"))


@dataclass(frozen=True)
class Run:
    """The outcome of one mlscaffold process."""

    returncode: int
    stdout: str
    stderr: str


def tree(path: Path) -> dict[str, bytes]:
    """Every file below ``path`` (relative name -> content), to prove nothing changed."""
    if not path.exists():
        return {}
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh HOME with a git identity in its global config."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n", encoding="utf-8"
    )
    return home


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """Environment for mlscaffold subprocesses: isolated HOME/git config, no colours."""
    result = dict(os.environ)
    for key in list(result):
        if key.startswith(("GIT_", "MLSCAFFOLD_")):
            del result[key]
    result.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "NO_COLOR": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return result


@pytest.fixture
def mlscaffold(env: dict[str, str], tmp_path: Path):
    """Run the installed ``mlscaffold`` as a separate process, without a terminal."""

    def run(*args: str, cwd: Path | None = None, extra_env: Mapping[str, str] | None = None) -> Run:
        completed = subprocess.run(
            [sys.executable, "-m", "mlscaffold", *args],
            cwd=cwd or tmp_path,
            env={**env, **(extra_env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)

    return run


def copier_copy(
    template: Path, destination: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run plain ``copier copy --defaults`` (no mlscaffold involved); it must succeed."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--quiet",
            "--defaults",
            *args,
            str(template),
            str(destination),
        ],
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
    )
    assert completed.returncode == 0, completed.stderr
    return completed


def assert_one_line_error(run: Run, *fragments: str, code: int = 2) -> None:
    """The promise for every handled error: one line on stderr, no traceback, the right code."""
    assert run.returncode == code, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert lines[0].startswith("mlscaffold: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def ensure_torch() -> None:
    """Skip a torch test outside CI when torch is missing; in CI that is a failure."""
    try:
        import torch  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("CI must install torch (see .ci/run)")
        pytest.skip("torch is not installed (pip install torch)")
