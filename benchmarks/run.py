"""Benchmark mlscaffold as whole processes, against the tools people use instead.

Every measurement is a whole process (what a user waits for), repeated, with the
commands of one comparison interleaved in the same round so that machine noise
hits them alike. Results are medians with min and max, and ratios against a
reference measured in the same batch (bare ``copier copy`` of the same template
folder, ``ccds --no-input``). Nothing here is a pass/fail test; the smoke test in
tests/ only makes sure the script keeps running.

    python benchmarks/run.py                 # everything, 7 repetitions
    python benchmarks/run.py --quick         # start-up and one generation, 3 repetitions
    python benchmarks/run.py --write         # also rewrite the table in benchmarks/README.md
    python benchmarks/run.py --ccds PATH/TO/ccds --ccds-template PATH/TO/cookiecutter-data-science

``ccds`` (cookiecutter-data-science) clones its template from GitHub unless given a
local copy, so it is only measured when both ``--ccds`` and ``--ccds-template`` are given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
README = HERE / "README.md"
START, END = "<!-- benchmark:start -->", "<!-- benchmark:end -->"
PYTHON = sys.executable


@dataclass
class Timing:
    """Wall-clock seconds of repeated runs of one command."""

    label: str
    seconds: list[float] = field(default_factory=list)
    goal: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def row(self, reference: Timing | None = None) -> list[str]:
        ratio = f"{self.median / reference.median:.2f}x" if reference else ""
        return [
            self.label,
            f"{self.median:.3f}",
            f"{min(self.seconds):.3f}",
            f"{max(self.seconds):.3f}",
            ratio,
            self.goal,
        ]


def run_timed(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """Run ``command`` to completion; return its wall-clock seconds (it must succeed)."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(
            f"benchmark command failed: {' '.join(command)}\n{completed.stdout}\n{completed.stderr}"
        )
    return elapsed


def isolated_env(home: Path) -> dict[str, str]:
    """A HOME with a git identity, so runs do not depend on (or touch) the user's config."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text("[user]\n\tname = Bench\n\temail = bench@example.com\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MLSCAFFOLD_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def templates() -> list[str]:
    try:
        import mlscaffold  # noqa: F401 - the installed package, as users run it
    except ImportError:
        sys.path.insert(0, str(REPO / "src"))
    from mlscaffold.catalog import iter_templates

    return [t.name for t in iter_templates()]


def template_dir(name: str) -> Path:
    from mlscaffold.catalog import templates_root

    return templates_root() / name


def interleaved(
    commands: dict[str, Callable[[Path], Sequence[str]]],
    repeat: int,
    env: dict[str, str],
    work: Path,
    goals: dict[str, str] | None = None,
) -> dict[str, Timing]:
    """Time each command ``repeat`` times, one of each per round, after one warm-up round.

    Each command gets a fresh empty folder per run, so generation always starts clean.
    """
    timings = {label: Timing(label, goal=(goals or {}).get(label, "")) for label in commands}
    for round_ in range(repeat + 1):
        for label, build in commands.items():
            folder = Path(tempfile.mkdtemp(dir=work))
            seconds = run_timed(build(folder), folder, env)
            if round_:  # round 0 warms caches (file system, template store)
                timings[label].seconds.append(seconds)
            shutil.rmtree(folder, ignore_errors=True)
    return timings


def bench_startup(repeat: int, env: dict[str, str], work: Path) -> list[list[str]]:
    goal = "< 0.150 s"
    commands = {
        "python -c pass (interpreter alone)": lambda _: [PYTHON, "-c", "pass"],
        "mlscaffold --help": lambda _: [PYTHON, "-m", "mlscaffold", "--help"],
        "mlscaffold --version": lambda _: [PYTHON, "-m", "mlscaffold", "--version"],
        "mlscaffold list": lambda _: [PYTHON, "-m", "mlscaffold", "list"],
    }
    goals = {label: goal for label in commands if label.startswith("mlscaffold")}
    timings = interleaved(commands, repeat, env, work, goals)
    return [t.row() for t in timings.values()]


def bench_generation(
    names: Sequence[str],
    repeat: int,
    env: dict[str, str],
    work: Path,
    ccds: tuple[str, str] | None,
) -> list[list[str]]:
    rows: list[list[str]] = []
    for name in names:
        source = str(template_dir(name))
        commands: dict[str, Callable[[Path], Sequence[str]]] = {
            f"copier copy --defaults ({name})": lambda d, s=source: [
                PYTHON,
                "-m",
                "copier",
                "copy",
                "--quiet",
                "--defaults",
                s,
                str(d / "p"),
            ],
            f"mlscaffold new {name} --defaults": lambda d, n=name: [
                PYTHON,
                "-m",
                "mlscaffold",
                "new",
                n,
                str(d / "p"),
                "--defaults",
                "--quiet",
            ],
            f"mlscaffold new {name} --defaults --no-git": lambda d, n=name: [
                PYTHON,
                "-m",
                "mlscaffold",
                "new",
                n,
                str(d / "p"),
                "--defaults",
                "--quiet",
                "--no-git",
            ],
        }
        if ccds:
            executable, template = ccds
            commands["ccds --no-input (cookiecutter-data-science)"] = (
                lambda d, e=executable, t=template: [
                    e,
                    "--no-input",
                    t,
                ]
            )
        timings = list(interleaved(commands, repeat, env, work).values())
        reference = timings[0]
        reference.goal = "reference"
        timings[1].goal = "<= 1.20x copier"
        rows.append(reference.row())
        rows.append(timings[1].row(reference))
        rows.append(timings[2].row(reference))
        if ccds:
            ccds_timing = timings[3]
            ccds_timing.goal = "reference"
            rows.append(ccds_timing.row())
            ours = Timing(f"mlscaffold new {name} vs ccds", timings[1].seconds, "< 1.00x ccds")
            rows.append(ours.row(ccds_timing))
    return rows


def bench_check(
    names: Sequence[str], repeat: int, env: dict[str, str], work: Path, big: bool
) -> list[list[str]]:
    project = work / "check-project"
    subprocess.run(
        [PYTHON, "-m", "mlscaffold", "new", names[0], str(project), "--defaults", "--quiet"],
        env=env,
        check=True,
    )
    commands: dict[str, Callable[[Path], Sequence[str]]] = {
        f"mlscaffold check (fresh {names[0]} project)": lambda _: [
            PYTHON,
            "-m",
            "mlscaffold",
            "check",
            str(project),
            "--json",
        ],
    }
    goals = {}
    if big:
        sys.path.insert(0, str(HERE))
        from check_bench import build_repo  # the synthetic-repository builder

        repository = build_repo(work / "big-repo", files=10_000, commits=1_000)
        label = "mlscaffold check (10,000 files, 1,000 commits)"
        commands[label] = lambda _: [PYTHON, "-m", "mlscaffold", "check", str(repository), "--json"]
        goals[label] = "< 5 s"
    return [t.row() for t in _checked(commands, repeat, env, work, goals).values()]


def _checked(commands, repeat, env, work, goals):
    """Like :func:`interleaved`, but `mlscaffold check` exits 1 when it finds blockers."""
    timings = {label: Timing(label, goal=goals.get(label, "")) for label in commands}
    for round_ in range(repeat + 1):
        for label, build in commands.items():
            started = time.perf_counter()
            completed = subprocess.run(build(work), cwd=work, env=env, capture_output=True)
            elapsed = time.perf_counter() - started
            if completed.returncode not in (0, 1):
                raise SystemExit(f"check failed: {completed.stderr.decode()}")
            if round_:
                timings[label].seconds.append(elapsed)
    return timings


def bench_projects(
    names: Sequence[str], repeat: int, env: dict[str, str], work: Path
) -> list[list[str]]:
    """`make train` and the generated test suite of each template's default project."""
    rows = []
    for name in names:
        project = work / f"project-{name}"
        subprocess.run(
            [PYTHON, "-m", "mlscaffold", "new", name, str(project), "--defaults", "--quiet"],
            env=env,
            check=True,
        )
        project_env = {**env, "PYTHONPATH": "src", "MPLBACKEND": "Agg"}
        train = Timing(f"{name}: make train", goal="< 30 s")
        tests = Timing(f"{name}: generated test suite", goal="< 60 s")
        for _ in range(repeat):
            train.seconds.append(
                run_timed(["make", "train", f"PYTHON={PYTHON}"], project, project_env)
            )
            tests.seconds.append(
                run_timed(
                    [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, project_env
                )
            )
        rows += [train.row(), tests.row()]
    return rows


def table(rows: list[list[str]]) -> str:
    header = ["Measurement", "Median (s)", "Min (s)", "Max (s)", "Ratio", "Goal"]
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    versions = []
    for package in ("mlscaffold", "copier", "jinja2", "gitpython", "cookiecutter-data-science"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            continue
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {git}; " + ", ".join(versions)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, help="repetitions per command (default 7; 3 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="start-up and one template only")
    parser.add_argument(
        "--write", action="store_true", help="rewrite the table in benchmarks/README.md"
    )
    parser.add_argument("--output", type=Path, help="write the markdown report to this file")
    parser.add_argument("--ccds", help="path of the ccds executable (cookiecutter-data-science)")
    parser.add_argument("--ccds-template", help="local clone of cookiecutter-data-science")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)
    names = templates()
    ccds = (args.ccds, args.ccds_template) if args.ccds and args.ccds_template else None

    with tempfile.TemporaryDirectory(prefix="mlscaffold-bench-") as tmp:
        work = Path(tmp)
        env = isolated_env(work / "home")
        sections = [("Start-up", bench_startup(repeat, env, work))]
        sections.append(
            (
                "Generation",
                bench_generation(names[:1] if args.quick else names, repeat, env, work, ccds),
            )
        )
        if not args.quick:
            has_check = (REPO / "src" / "mlscaffold" / "check").is_dir()
            if has_check:
                sections.append(
                    ("Check", bench_check(names, max(3, repeat // 2), env, work, big=True))
                )
            sections.append(("Generated projects", bench_projects(names, 1, env, work)))

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = [f"Measured {stamp} on {machine()}; {repeat} repetitions after a warm-up round.", ""]
    for title, rows in sections:
        report += [f"**{title}**", "", table(rows), ""]
    text = "\n".join(report)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    if args.write:
        readme = README.read_text(encoding="utf-8")
        head, _, rest = readme.partition(START)
        _, _, tail = rest.partition(END)
        README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
