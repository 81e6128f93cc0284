"""Smoke test: the benchmark script keeps running (its numbers are not pass/fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from helpers import REPO


def _scale_common() -> ModuleType:
    """benchmarks/scale_common.py, imported from its folder (benchmarks/ is no package)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import scale_common
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    return scale_common


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


def test_a_guard_run_succeeds_only_when_refused_with_exit_2(tmp_path: Path) -> None:
    """A run that must be refused is no success when it trains (exit 0) or crashes (exit 1)."""
    scale_common = _scale_common()
    runs = {
        code: scale_common.guard(
            f"exits {code}",
            [sys.executable, "-c", f"print('too large: one line'); raise SystemExit({code})"],
            tmp_path,
            os.environ,
            60,
        )
        for code in (0, 1, 2)
    }
    assert [runs[code].ok for code in (0, 1, 2)] == [False, False, True]
    assert runs[2].row().endswith("| exit 2, no fit | ok: too large: one line |")
    assert "FAILED: exit 0, expected 2" in runs[0].row()
    assert scale_common.report("x", [runs[2]], "", write=False) == 0
    assert scale_common.report("x", [runs[2], runs[0]], "", write=False) == 1
    cut = scale_common.last_line("start\n" + "word " * 60)
    assert cut.endswith(" word ...") and len(cut) <= 164
    assert scale_common.last_line("a | b") == "a \\| b"


def test_the_outcome_column_checks_the_goal_limits() -> None:
    scale_common = _scale_common()

    def run(cpu: float, peak_mib: float) -> str:
        measured = scale_common.Measurement("r", 1.0, cpu, peak_mib, 0, "", "g", 0, (10.0, 1.0))
        return measured.row()

    assert run(9.0, 1000.0).endswith("| g | ok, goal met |")
    assert run(35.0, 1000.0).endswith("| ok, goal missed: CPU 3.5x the goal |")
    assert run(5.0, 2048.0).endswith("| ok, goal missed: memory 2.0x the goal |")
    plain = scale_common.Measurement("r", 1.0, 99.0, 99.0, 0, "", "smoke")
    assert plain.row().endswith("| smoke | ok |")


def test_a_measured_command_reports_its_own_memory_not_the_benchmarks(tmp_path: Path) -> None:
    """A child forked from a big process would inherit its peak RSS; the launcher prevents it."""
    scale_common = _scale_common()
    ballast = bytearray(400 * 2**20)  # the benchmark holding data it has just written
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: resident
    small = scale_common.measure("small", [sys.executable, "-c", "pass"], tmp_path, os.environ)
    grow = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); raise SystemExit(3)"
    large = scale_common.measure("large", [sys.executable, "-c", grow], tmp_path, os.environ)
    assert len(ballast) == 400 * 2**20
    assert small.returncode == 0 and small.peak_mib < 100
    assert large.returncode == 3 and 200 < large.peak_mib < 300
    assert large.cpu_s > 0
