"""SIGTERM, SIGHUP and Ctrl-C at any moment: one line, exit code 2, nothing left behind.

A ``kill``, a ``timeout``, a closed terminal or a cancelled CI job must clean up like
Ctrl-C does. Each test waits for a moment it can see (modules loading, the staging
folder, files rendered into it, the project's ``.git``, an update's scratch clone),
signals the process then, and checks the exit code, stderr and every folder it used.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import Run, assert_one_line_error

SIGNALS = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT]
IMPORT_TIME = "import time:"


def _start(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "mlscaffold", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(child: subprocess.Popen[str], seen: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not seen():
        assert child.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"no {what} after 60 s"
        time.sleep(0.002)


def _finish(child: subprocess.Popen[str], signum: int) -> Run:
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    err = "".join(line for line in err.splitlines(True) if not line.startswith(IMPORT_TIME))
    return Run(child.returncode, out, err)


@pytest.fixture
def folders(tmp_path: Path, env: dict[str, str]) -> tuple[Path, Path, dict[str, str]]:
    """The working folder, the child's own TMPDIR, and its environment."""
    workspace, scratch = tmp_path / "ws", tmp_path / "tmp"
    workspace.mkdir()
    scratch.mkdir()
    return workspace, scratch, {**env, "TMPDIR": str(scratch)}


def _staging(workspace: Path) -> list[Path]:
    return list(workspace.glob(".mlscaffold-*"))


MOMENTS: dict[str, Callable[[Path], bool]] = {
    "the staging folder appears": lambda ws: bool(_staging(ws)),
    "files are rendered": lambda ws: any(any(s.iterdir()) for s in _staging(ws)),
    "git runs": lambda ws: (ws / "p" / ".git").exists(),
}


@pytest.mark.parametrize("signum", SIGNALS, ids=[s.name for s in SIGNALS])
def test_signal_while_starting_up_is_one_line(folders, signum: int) -> None:
    workspace, scratch, env = folders
    child = _start(["new", "image-classifier", "p", "--defaults"], workspace, env)
    assert child.stderr is not None
    # -X importtime reports each module as it loads: argparse loads with mlscaffold.cli
    for line in child.stderr:
        if line.startswith(IMPORT_TIME) and line.rsplit("|", 1)[-1].strip() == "argparse":
            break
    else:
        pytest.fail("argparse was never imported")
    result = _finish(child, signum)
    assert_one_line_error(result, "cancelled")
    assert list(workspace.iterdir()) == [] and list(scratch.iterdir()) == []


@pytest.mark.parametrize("moment", list(MOMENTS))
@pytest.mark.parametrize("signum", SIGNALS, ids=[s.name for s in SIGNALS])
def test_signal_while_generating_leaves_nothing(folders, signum: int, moment: str) -> None:
    workspace, scratch, env = folders
    child = _start(["new", "image-classifier", "p", "--defaults"], workspace, env)
    _wait_for(child, lambda: MOMENTS[moment](workspace), moment)
    result = _finish(child, signum)
    assert list(scratch.iterdir()) == [], "left in TMPDIR"
    if result.returncode == 0:  # finished before the signal arrived: a complete project
        assert "Next steps" in result.stdout
        assert [p.name for p in workspace.iterdir()] == ["p"]
        assert (workspace / "p" / "README.md").is_file()
        return
    assert_one_line_error(result, "cancelled")
    assert list(workspace.iterdir()) == [], "left beside the destination"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_signal_during_update_leaves_no_scratch_clone(cli, folders, signum: int) -> None:
    workspace, scratch, env = folders
    created = cli("new", "image-classifier", "p", "--defaults", "--quiet", cwd=workspace)
    assert created.returncode == 0, created.stderr
    project = workspace / "p"
    head = (project / ".git" / "HEAD").read_text(encoding="utf-8")
    child = _start(["update", "--data", "project_name=Renamed"], project, env)
    _wait_for(child, lambda: any(scratch.glob("mlscaffold-update-*")), "the scratch clone")
    result = _finish(child, signum)
    assert list(scratch.iterdir()) == [], "scratch clone left in TMPDIR"
    if result.returncode != 0:
        assert_one_line_error(result, "cancelled")
    assert (project / ".git" / "HEAD").read_text(encoding="utf-8") == head
