"""A signal after the project is complete: the command still succeeds, nothing is undone.

Once the first commit is made, the project is there and whole; a Ctrl-C, SIGTERM or SIGHUP
while the next steps print must neither remove it nor report it as cancelled. The signal
is sent from inside the printing, so the moment is exact, not a race the test may miss.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import mlscaffold.summary

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


@pytest.mark.parametrize("signum", SIGNALS, ids=[s.name for s in SIGNALS])
def test_a_signal_while_the_next_steps_print_leaves_a_complete_project(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    real = mlscaffold.summary.next_steps

    def signalled_next_steps(*args: object, **kwargs: object) -> str:
        os.kill(os.getpid(), signum)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mlscaffold.summary, "next_steps", signalled_next_steps)
    result = cli("new", "image-classifier", "p", "--defaults")
    assert result.returncode == 0, result.stderr
    assert "Next steps" in result.stdout and "cancelled" not in result.stderr
    assert (tmp_path / "p" / "README.md").is_file() and (tmp_path / "p" / ".git").is_dir()
    # In this process the handlers are as they were before the command.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_signal_before_the_project_is_complete_still_undoes_it(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlscaffold.generate

    real = mlscaffold.generate.first_commit

    def interrupted_commit(*args: object, **kwargs: object) -> object:
        made = real(*args, **kwargs)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGTERM)  # committed, but the run is not done yet
        return made

    monkeypatch.setattr(mlscaffold.generate, "first_commit", interrupted_commit)
    result = cli("new", "image-classifier", "p", "--defaults")
    assert result.returncode == 2 and "cancelled" in result.stderr
    assert not (tmp_path / "p").exists() and not list(tmp_path.glob(".mlscaffold-*"))
