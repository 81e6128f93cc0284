"""What needs a real process: start-up cost (lazy imports) and a reader that leaves early."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["list"], ["list", "--json"]])
def test_fast_commands_import_neither_copier_nor_git(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from mlscaffold.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "heavy = ('copier', 'git', 'questionary', 'jinja2', 'yaml')\n"
        "print('HEAVY=' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "HEAVY=" + ("yaml" if "list" in args else "")


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    completed = subprocess.run(
        f"{sys.executable} -m mlscaffold list | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert "Traceback" not in completed.stderr


def test_check_is_not_imported_by_help() -> None:
    code = (
        "import sys, mlscaffold.cli; print('detect_secrets' in sys.modules, 'git' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
