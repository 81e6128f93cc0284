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
import json
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
    expected: int = 0
    """The exit code that makes the run a success (2 for a run that must be refused)."""
    limits: tuple[float, float] = (0.0, 0.0)
    """The goal's CPU seconds and peak GiB (0: none), checked in the outcome column."""

    @property
    def ok(self) -> bool:
        return self.returncode == self.expected

    def verdict(self) -> str:
        """ "goal met", or by how much each limit of the goal was missed ("" without limits)."""
        cpu, gib = self.limits
        missed = []
        if cpu and self.cpu_s > cpu:
            missed.append(f"CPU {self.cpu_s / cpu:.1f}x the goal")
        if gib and self.peak_mib / 1024 > gib:
            missed.append(f"memory {self.peak_mib / 1024 / gib:.1f}x the goal")
        if not (cpu or gib):
            return ""
        return "goal missed: " + ", ".join(missed) if missed else "goal met"

    def row(self) -> str:
        if self.ok:
            outcome = "ok" if self.expected == 0 else f"ok: {last_line(self.tail)}"
            outcome += f", {self.verdict()}" if self.verdict() else ""
        elif self.returncode == 0:
            outcome = f"FAILED: exit 0, expected {self.expected}"
        else:
            outcome = f"exit {self.returncode}: {last_line(self.tail)}"
        return (
            f"| {self.label} | {self.wall_s:.1f} s | {self.cpu_s:.1f} s | "
            f"{self.peak_mib / 1024:.2f} GiB | {self.goal} | {outcome} |"
        )


def last_line(text: str, limit: int = 160) -> str:
    """The output's last line for a table cell: pipes escaped, cut at a word near ``limit``."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[-1].replace("|", "\\|") if lines else ""
    return line if len(line) <= limit else line[:limit].rsplit(" ", 1)[0] + " ..."


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


LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    except OSError as error:
        print(f"cannot run {sys.argv[2]}: {error}", file=sys.stderr, flush=True)
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": os.waitstatus_to_exitcode(status), "cpu_s": usage.ru_utime
               + usage.ru_stime, "peak_kib": usage.ru_maxrss}, out)
"""
"""Runs the measured command as its own child and writes that child's resources to a file.

Linux starts a child's peak RSS (``ru_maxrss``) at the RSS of the process it was forked from,
so a command forked straight from a benchmark that has just written gigabytes of data would
report the benchmark's memory as its own. Forked from this small launcher, it reports its
own (plus the launcher's few MiB)."""


def measure(
    label: str,
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str],
    *,
    goal: str = "",
    timeout: float | None = None,
    expected: int = 0,
    limits: tuple[float, float] = (0.0, 0.0),
) -> Measurement:
    """Run ``command`` and measure its own process tree (wall, CPU, peak RSS).

    ``os.wait4`` in :data:`LAUNCHER` returns the resources of exactly the command and the
    descendants it waited for (``make`` waits for its recipe's Python), so runs measured one
    after another in one benchmark process do not leak into each other's numbers.
    """
    import tempfile
    import threading

    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log,
        tempfile.TemporaryDirectory(prefix="measure-") as scratch,
    ):
        report_file = Path(scratch) / "usage.json"
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(report_file), *command],
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
            launcher_code = process.wait()
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - started
        log.seek(0)
        output = log.read()
        if report_file.is_file():
            usage = json.loads(report_file.read_text(encoding="utf-8"))
        else:  # killed before the command ended
            usage = {"returncode": launcher_code, "cpu_s": float("nan"), "peak_kib": 0}
    if timed_out.is_set():
        output += f"\ntimed out after {timeout:.0f} s"
    returncode = int(usage["returncode"])
    peak = usage["peak_kib"] / 1024
    return Measurement(
        label, wall, usage["cpu_s"], peak, returncode, output, goal, expected, limits
    )


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
        expected=2,
    )
    print(result.row(), result.tail.strip()[-600:], sep="\n", flush=True)
    return result


def report(name: str, rows: Sequence[Measurement], note: str, write: bool) -> int:
    """Print the table of ``rows``; with ``write``, also put it in benchmarks/README.md.

    Returns the benchmark's exit code: 0 when every run ended as it must, else 1.
    """
    text = table(name, rows, note)
    print(text)
    if write:
        write_table(name, text)
    return 0 if all(row.ok for row in rows) else 1


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
