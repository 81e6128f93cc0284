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
import resource
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
    """Wall-clock and CPU seconds of repeated runs of one command.

    Wall-clock time is what a user waits for; CPU time (user + system, of the
    process and its children) is what the command itself costs, and moves much
    less than wall-clock time when other work shares the machine.
    """

    label: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    goal: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def row(self, reference: Timing | None = None) -> list[str]:
        ratio = cpu_ratio = ""
        if reference:
            ratio = f"{self.median / reference.median:.2f}x"
            cpu_ratio = f"{self.cpu_median / reference.cpu_median:.2f}x"
        return [
            self.label,
            f"{self.median:.3f}",
            f"{min(self.seconds):.3f}",
            f"{max(self.seconds):.3f}",
            ratio,
            f"{self.cpu_median:.3f}",
            cpu_ratio,
            self.goal,
        ]


def run_timed(
    command: Sequence[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Run ``command`` to completion; return (wall-clock, CPU) seconds.

    An exit code outside ``ok`` stops the benchmark (``mlscaffold check`` exits 1 when
    it finds a blocker, which is a result, not a failure).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode not in ok:
        raise SystemExit(
            f"benchmark command failed: {' '.join(command)}\n{completed.stdout}\n{completed.stderr}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


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
    ok: tuple[int, ...] = (0,),
) -> dict[str, Timing]:
    """Time each command ``repeat`` times, one of each per round, after one warm-up round.

    Each command gets a fresh empty folder per run, so generation always starts clean.
    """
    timings = {label: Timing(label, goal=(goals or {}).get(label, "")) for label in commands}
    for round_ in range(repeat + 1):
        for label, build in commands.items():
            folder = Path(tempfile.mkdtemp(dir=work))
            seconds, cpu = run_timed(build(folder), folder, env, ok)
            if round_:  # round 0 warms caches (file system, template store)
                timings[label].seconds.append(seconds)
                timings[label].cpu.append(cpu)
            shutil.rmtree(folder, ignore_errors=True)
    return timings


def copier_copy(name: str, destination: Path) -> list[str]:
    """A bare ``copier copy`` of the installed template folder: the reference."""
    return [
        PYTHON,
        "-m",
        "copier",
        "copy",
        "--quiet",
        "--defaults",
        str(template_dir(name)),
        str(destination),
    ]


def mlscaffold_new(name: str, destination: Path, *extra: str) -> list[str]:
    """``mlscaffold new NAME DEST --defaults --quiet`` plus ``extra`` options."""
    return [
        PYTHON,
        "-m",
        "mlscaffold",
        "new",
        name,
        str(destination),
        "--defaults",
        "--quiet",
        *extra,
    ]


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
        commands: dict[str, Callable[[Path], Sequence[str]]] = {
            f"copier copy --defaults ({name})": lambda d, n=name: copier_copy(n, d / "p"),
            f"mlscaffold new {name} --defaults": lambda d, n=name: mlscaffold_new(n, d / "p"),
            f"mlscaffold new {name} --defaults --no-git": lambda d, n=name: mlscaffold_new(
                n, d / "p", "--no-git"
            ),
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
            ours = Timing(
                f"mlscaffold new {name} vs ccds", timings[1].seconds, timings[1].cpu, "< 1.00x ccds"
            )
            rows.append(ours.row(ccds_timing))
    return rows


def bench_check(
    names: Sequence[str], repeat: int, env: dict[str, str], work: Path, big: bool
) -> list[list[str]]:
    project = work / "check-project"
    subprocess.run(mlscaffold_new(names[0], project), env=env, check=True)
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
    timings = interleaved(commands, repeat, env, work, goals, ok=(0, 1))
    return [t.row() for t in timings.values()]


def bench_projects(
    names: Sequence[str], repeat: int, env: dict[str, str], work: Path
) -> list[list[str]]:
    """`make train` and the generated test suite of each template's default project."""
    rows = []
    for name in names:
        project = work / f"project-{name}"
        subprocess.run(mlscaffold_new(name, project), env=env, check=True)
        project_env = {**env, "PYTHONPATH": "src", "MPLBACKEND": "Agg"}
        train = Timing(f"{name}: make train", goal="< 30 s")
        tests = Timing(f"{name}: generated test suite", goal="< 60 s")
        for _ in range(repeat):
            for timing, command in (
                (train, ["make", "train", f"PYTHON={PYTHON}"]),
                (tests, [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]),
            ):
                seconds, cpu = run_timed(command, project, project_env)
                timing.seconds.append(seconds)
                timing.cpu.append(cpu)
        rows += [train.row(), tests.row()]
    return rows


def count_instructions(command: Sequence[str], cwd: Path, env: dict[str, str]) -> tuple[int, int]:
    """Instructions executed by ``command`` and every process it starts (valgrind callgrind).

    Deterministic for the same inputs whatever else the machine is doing, so a ratio of
    counts is a steady proxy for a ratio of times on a noisy machine (it leaves out
    process start-up and I/O waits). Returns (instructions, processes).
    """
    out = Path(tempfile.mkdtemp(dir=cwd.parent))
    subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--trace-children=yes",
            f"--callgrind-out-file={out}/cg.%p",
            *command,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=True,
    )
    total, processes = 0, 0
    for profile in out.iterdir():
        for line in profile.read_text(errors="replace").splitlines():
            if line.startswith("summary:"):
                total += int(line.split()[1])
                processes += 1
    shutil.rmtree(out, ignore_errors=True)
    return total, processes


def bench_instructions(names: Sequence[str], env: dict[str, str], work: Path) -> list[list[str]]:
    rows = []
    for name in names:
        counts = {}
        for label, command in (
            ("copier copy", copier_copy(name, Path("p"))),
            ("mlscaffold new", mlscaffold_new(name, Path("p"))),
        ):
            folder = Path(tempfile.mkdtemp(dir=work))
            counts[label] = count_instructions(command, folder, env)
        (ref, ref_procs), (ours, our_procs) = counts["copier copy"], counts["mlscaffold new"]
        rows.append(
            [
                f"copier copy --defaults ({name})",
                f"{ref / 1e9:.3f}",
                str(ref_procs),
                "",
                "reference",
            ]
        )
        rows.append(
            [
                f"mlscaffold new {name} --defaults",
                f"{ours / 1e9:.3f}",
                str(our_procs),
                f"{ours / ref:.2f}x",
                "<= 1.20x copier",
            ]
        )
    return rows


def instruction_table(rows: list[list[str]]) -> str:
    header = ["Measurement", "Instructions (billions)", "Processes", "Ratio", "Goal"]
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def table(rows: list[list[str]]) -> str:
    header = [
        "Measurement",
        "Median (s)",
        "Min (s)",
        "Max (s)",
        "Ratio",
        "CPU (s)",
        "CPU ratio",
        "Goal",
    ]
    lines = ["| " + " | ".join(header) + " |", "|---|---:|---:|---:|---:|---:|---:|---|"]
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
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count executed instructions of generation with valgrind (slow, steady)",
    )
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
        instructions = None
        if args.instructions:
            instructions = bench_instructions(names[:1] if args.quick else names, env, work)

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = [f"Measured {stamp} on {machine()}; {repeat} repetitions after a warm-up round.", ""]
    for title, rows in sections:
        report += [f"**{title}**", "", table(rows), ""]
    if instructions:
        report += [
            "**Generation, in executed instructions** (valgrind callgrind, child processes "
            "included)",
            "",
            instruction_table(instructions),
            "",
        ]
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
