"""Shared machinery for the scale benchmarks (benchmarks/scale_*.py).

Each scale benchmark generates a project with the installed mlscaffold, writes data
files of the real format at the real size, and times the project's own ``make train``
as a whole process tree: wall time, CPU time (user + system of make and everything it
waited for) and peak resident memory of the largest process. Nothing here is a test;
goals are printed next to the measurements, and ``--write`` puts the table into
benchmarks/README.md between ``<!-- scale-NAME:start -->`` and ``<!-- scale-NAME:end -->``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"


@dataclass(frozen=True)
class Measurement:
    """One whole-process run."""

    label: str
    wall_s: float
    cpu_s: float
    peak_mib: float
    returncode: int
    tail: str
    goal: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def row(self) -> str:
        outcome = "ok" if self.ok else f"exit {self.returncode}: {last_line(self.tail)}"
        return (
            f"| {self.label} | {self.wall_s:.1f} s | {self.cpu_s:.1f} s | "
            f"{self.peak_mib / 1024:.2f} GiB | {self.goal} | {outcome} |"
        )


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1].replace("|", "\\|")[:160] if lines else ""


def isolated_env(home: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment with its own HOME and a git identity, so nothing personal leaks in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PYTHON", "VIRTUAL_ENV"))
    }
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Bench",
        GIT_AUTHOR_EMAIL="bench@example.com",
        GIT_COMMITTER_NAME="Bench",
        GIT_COMMITTER_EMAIL="bench@example.com",
        PYTHONHASHSEED="0",
    )
    env.update(extra or {})
    return env


def generate(
    template: str, workspace: Path, data: Mapping[str, str], env: Mapping[str, str]
) -> Path:
    """Generate ``template`` into ``workspace/project`` with the installed mlscaffold."""
    args = [sys.executable, "-m", "mlscaffold", "new", template, "project", "--defaults"]
    for key, value in data.items():
        args += ["--data", f"{key}={value}"]
    workspace.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        args, cwd=workspace, env=dict(env), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"generating {template} failed: {done.stderr.strip()}")
    return workspace / "project"


def project_env(project: Path, env: Mapping[str, str]) -> dict[str, str]:
    """Run the project's code from its source tree with this interpreter's packages."""
    result = dict(env)
    result["PYTHONPATH"] = str(project / "src")
    return result


def measure(
    label: str,
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    *,
    goal: str = "",
    timeout: float | None = None,
) -> Measurement:
    """Run ``command`` and measure its own process tree (wall, CPU, peak RSS).

    ``os.wait4`` returns the resources of exactly this child and the descendants it
    waited for (``make`` waits for its recipe's Python), so runs measured one after
    another in one benchmark process do not leak into each other's numbers.
    """
    import tempfile
    import threading

    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, 9)

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            if timer:
                timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if timed_out.is_set():
        output += f"\ntimed out after {timeout:.0f} s"
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(label, wall, cpu, usage.ru_maxrss / 1024, process.returncode, output, goal)


def machine() -> str:
    cpus = os.cpu_count()
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = ""
    return f"{platform.machine()}, {cpus} CPUs{memory}, Python {platform.python_version()}"


def table(name: str, rows: Sequence[Measurement], note: str = "") -> str:
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine()}" + (f"; {note}" if note else ""),
        "",
        "| run | wall | CPU | peak memory | goal | outcome |",
        "|---|---|---|---|---|---|",
        *(row.row() for row in rows),
    ]
    return "\n".join(lines)


def guard(
    label: str, command: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float
) -> Measurement:
    """A run that asks for too much and must stop with one line and exit 2 before any fit."""
    result = measure(
        f"{label} (must refuse with one line, exit 2)",
        command,
        cwd,
        env,
        goal="exit 2, no fit",
        timeout=timeout,
    )
    print(result.row(), result.tail.strip()[-600:], sep="\n", flush=True)
    return result


def report(name: str, rows: Sequence[Measurement], note: str, write: bool) -> None:
    """Print the table of ``rows``; with ``write``, also put it in benchmarks/README.md."""
    text = table(name, rows, note)
    print(text)
    if write:
        write_table(name, text)


def write_table(name: str, text: str) -> None:
    """Replace the ``scale-NAME`` section of benchmarks/README.md (appended if absent)."""
    start, end = f"<!-- scale-{name}:start -->", f"<!-- scale-{name}:end -->"
    current = README.read_text(encoding="utf-8")
    block = f"{start}\n{text}\n{end}"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        _, after = rest.split(end, 1)
        updated = before + block + after
    else:
        updated = current.rstrip("\n") + "\n\n" + block + "\n"
    temporary = README.with_suffix(".md.tmp")
    temporary.write_text(updated, encoding="utf-8")
    temporary.replace(README)
