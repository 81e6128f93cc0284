"""Smoke test of benchmarks/check_bench.py: its repository builder runs at a tiny size.

The benchmark itself (10,000 files, 1,000 commits, timed) is never part of the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlscaffold.check import audit

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture
def check_bench(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import check_bench

    return check_bench


def test_builder_makes_a_clean_repository_with_history(
    check_bench, tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.setenv(key, env[key])
    repo = check_bench.cached_repo(tmp_path / "cache", files=60, commits=12)
    assert check_bench.cached_repo(tmp_path / "cache", files=60, commits=12) == repo  # reused
    count = subprocess.run(
        ["git", "rev-list", "--count", "main"], cwd=repo, capture_output=True, text=True
    )
    assert count.stdout.strip() == "12"
    files = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True)
    assert len(files.stdout.splitlines()) >= 60
    report = audit(repo)
    assert report.blockers == [], report.blockers  # the synthetic content holds only traps
    assert report.history_blobs_scanned > 0


def test_benchmark_command_line_parses() -> None:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "check_bench.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--files" in result.stdout
