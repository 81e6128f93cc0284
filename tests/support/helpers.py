"""Helpers shared by every tier of the suite (fixtures live in ``tests/conftest.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATES = REPO / "templates"
IN_CI = bool(os.environ.get("CI"))
IDENTITY = "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n"


@dataclass(frozen=True)
class Run:
    """The outcome of one mlscaffold run (in-process or a separate process)."""

    returncode: int
    stdout: str
    stderr: str


def isolated_env(home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment with its own HOME, data folders and git identity, no system git config.

    The one definition of "isolated" for in-process runs, subprocesses and e2e projects:
    results never depend on, and never touch, the machine's own configuration.
    """
    home.mkdir(parents=True, exist_ok=True)
    gitconfig = home / ".gitconfig"
    if not gitconfig.exists():
        gitconfig.write_text(IDENTITY, encoding="utf-8")
    env = {
        key: value
        for key, value in (base if base is not None else os.environ).items()
        if not key.startswith(("GIT_", "MLSCAFFOLD_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def tree(path: Path) -> dict[str, bytes]:
    """Every file below ``path`` (relative name -> content), to prove nothing changed."""
    if not path.exists():
        return {}
    return {
        p.relative_to(path).as_posix(): p.read_bytes()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def copier_copy(
    template: Path, destination: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run plain ``copier copy --defaults`` as its own process (no mlscaffold involved)."""
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


def copier_render(template: Path, destination: Path, data: Mapping[str, str]) -> None:
    """Render ``template`` with copier's API in this process (fast: no interpreter start)."""
    import warnings

    import copier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(
            str(template),
            destination,
            data=dict(data),
            defaults=True,
            quiet=True,
            unsafe=False,
            skip_tasks=True,
        )


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


def write_canary(folder: Path) -> Path:
    """A script that appends its name and arguments to ``folder/ran.txt`` whenever it runs.

    Hostile repositories name it as their fsmonitor, hook, gpg program or filter: the
    tests then assert that :func:`canary_record` stays empty.
    """
    script = folder / "canary.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{folder / "ran.txt"}"\nexit 1\n')
    script.chmod(0o755)
    return script


def canary_record(folder: Path) -> str:
    """What the canaries in ``folder`` recorded ("" when nothing ran)."""
    record = folder / "ran.txt"
    return record.read_text() if record.exists() else ""
