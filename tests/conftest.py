"""Fixtures for every tier; the helpers themselves live in ``tests/support/helpers.py``.

The tiers are folders: ``unit/`` (pure functions), ``cli/`` (``mlscaffold.cli.main`` called
in this process), ``process/`` (what needs a real process: signals, the pseudo-terminal
wizard, start-up cost) and ``e2e/`` (generated projects running their own tests, linters
and ``make`` targets). Everything under ``e2e/`` carries the ``e2e`` marker, so
``pytest -m "not e2e"`` is the inner loop.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))

from helpers import Run, isolated_env

TIERS = ("unit", "cli", "process", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its tier (the folder it is in)."""
    for item in items:
        tier = Path(str(item.fspath)).parent.name
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fresh HOME with a git identity in its global config."""
    path = tmp_path / "home"
    isolated_env(path)
    return path


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """The isolated environment (HOME, data folders, git identity) for anything this test runs."""
    return isolated_env(home)


CliRunner = Callable[..., Run]


@pytest.fixture
def cli(env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Call ``mlscaffold.cli.main([...])`` in this process, isolated as a subprocess would be.

    The environment and working folder are those of the ``env`` fixture and ``tmp_path``
    (or ``cwd``) for the duration of the call only; there is no terminal. Returns the exit
    code and what was printed, like the ``mlscaffold`` fixture does for a real process.
    """
    from mlscaffold.cli import main

    def run(*args: str, cwd: Path | None = None, extra_env: Mapping[str, str] | None = None) -> Run:
        wanted = {**env, **(extra_env or {})}
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as patch:
            for key in list(os.environ):
                if key not in wanted:
                    patch.delenv(key)
            for key, value in wanted.items():
                patch.setenv(key, value)
            patch.chdir(cwd or tmp_path)
            _forget_process_caches()
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse: --help, --version, usage errors
                code = exit_.code if isinstance(exit_.code, int) else 1
            finally:
                _forget_process_caches()
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def _forget_process_caches() -> None:
    """Drop what mlscaffold caches per process (git settings), so each call sees its env."""
    from mlscaffold import vcs

    for value in vars(vcs).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


@pytest.fixture
def mlscaffold(env: dict[str, str], tmp_path: Path) -> CliRunner:
    """Run ``python -m mlscaffold`` as a separate process, without a terminal."""

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


@pytest.fixture
def in_isolation(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Apply the isolated environment to this process and work in ``tmp_path/ws``.

    For tests that call mlscaffold's functions directly (not through ``main``).
    """
    for key in list(os.environ):
        if key.startswith(("GIT_", "MLSCAFFOLD_")):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    monkeypatch.chdir(workspace)
    _forget_process_caches()
    yield workspace
    _forget_process_caches()
