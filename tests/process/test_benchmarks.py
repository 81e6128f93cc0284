"""Smoke test: the benchmark script keeps running (its numbers are not pass/fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import REPO


def test_quick_benchmark_runs_and_reports(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    completed = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "run.py"),
            "--quick",
            "--repeat",
            "1",
            "--output",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    text = report.read_text(encoding="utf-8")
    assert "| mlscaffold --help |" in text
    assert "| copier copy --defaults (image-classifier) |" in text
    assert "x | <= 1.20x copier |" in text


def test_scanner_comparison_runs_on_a_small_repository(tmp_path: Path) -> None:
    """Without gitleaks or kingfisher given, it still times `check` and prints the table."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("# x\n", encoding="utf-8")
    (repo / "LICENSE").write_text("MIT\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b.c"}
    env |= {"GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b.c"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "one", "--no-gpg-sign"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env)
    script = REPO / "benchmarks" / "check_vs_scanners.py"
    completed = subprocess.run(
        [sys.executable, str(script), str(repo), "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "| repo (1 commit) | mlscaffold check |" in completed.stdout
    assert "0 blockers | n/a |" in completed.stdout


def test_scale_benchmarks_start_and_document_their_options() -> None:
    """The scale benchmarks run for many minutes at real sizes; here they must at least start."""
    for script in ("scale_recommender.py", "scale_image_classifier.py", "scale_kaggle_entry.py"):
        done = subprocess.run(
            [sys.executable, str(REPO / "benchmarks" / script), "--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "--quick" in done.stdout and "--write" in done.stdout
