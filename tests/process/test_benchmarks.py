"""Smoke test: the benchmark script keeps running (its numbers are not pass/fail)."""

from __future__ import annotations

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
