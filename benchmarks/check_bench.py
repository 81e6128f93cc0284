"""Time `mlscaffold check` on a large synthetic repository and on a fresh project.

    python benchmarks/check_bench.py                 # 10,000 files, 1,000 commits, 5 runs
    python benchmarks/check_bench.py --files 2000 --commits 200 --repeat 3

The synthetic repository is built once with `git fast-import` (a few seconds) and
kept in a cache folder (default: $XDG_CACHE_HOME/mlscaffold-bench) for the next
runs. Its files look like a real ML project: Python modules, Markdown, YAML and
JSON configs, small CSV samples, notebooks, a few binary images; every commit
after the first edits, adds or deletes a handful of files, so history holds
thousands of blobs that are no longer in the working tree. It also carries the
false-positive traps a real repository has (sha256 digests, UUIDs, git SHAs,
tokenizer code, `os.environ["API_KEY"]` lookups) and no secret, so the check
should report no blocker.

Each timing runs `python -m mlscaffold check REPO --json` as a whole process (start-up
included), after one warm-up run; the numbers are median / min / max.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

BUILDER_VERSION = 2
"""Bump when the generated content changes, so cached repositories are rebuilt."""

TARGET_SECONDS = 5.0
WORDS = [
    "model",
    "data",
    "train",
    "test",
    "split",
    "feature",
    "label",
    "score",
    "batch",
    "epoch",
    "loss",
    "metric",
    "value",
    "image",
    "text",
    "sample",
    "weight",
    "layer",
    "input",
    "output",
    "config",
    "path",
    "result",
    "figure",
    "table",
    "baseline",
    "accuracy",
    "precision",
    "recall",
    "vector",
    "matrix",
    "tensor",
    "token",
    "vocab",
    "embedding",
]


def _ident(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def _digest(rng: random.Random) -> str:
    return hashlib.sha256(rng.randbytes(16)).hexdigest()


def python_module(rng: random.Random) -> str:
    """A plausible module of an ML project; some carry the usual false-positive traps."""
    lines = [
        f'"""Helpers for {rng.choice(WORDS)} {rng.choice(WORDS)}."""',
        "",
        "from __future__ import annotations",
        "",
        "import os",
        "from dataclasses import dataclass",
        "from pathlib import Path",
        "",
        "import numpy as np",
        "",
    ]
    if rng.random() < 0.2:
        lines.append(f'CHECKSUM = "{_digest(rng)}"  # sha256 of the sample file')
    if rng.random() < 0.1:
        lines.append(f'RUN_ID = "{uuid.UUID(int=rng.getrandbits(128))}"')
    if rng.random() < 0.1:
        lines.append(f'PINNED_COMMIT = "{hashlib.sha1(rng.randbytes(8)).hexdigest()}"')
    if rng.random() < 0.05:
        lines.append('WANDB_API_KEY = os.environ.get("WANDB_API_KEY", "")')
    lines += [
        "",
        "",
        "@dataclass(frozen=True)",
        f"class {rng.choice(WORDS).title()}Config:",
        f'    """Settings of one {rng.choice(WORDS)} run."""',
        "",
        f"    seed: int = {rng.randint(0, 99)}",
        f"    learning_rate: float = {rng.random() / 100:.5f}",
        f'    output: Path = Path("reports") / "{_ident(rng)}.json"',
        "",
    ]
    for _ in range(rng.randint(3, 8)):
        name = _ident(rng)
        arg = rng.choice(WORDS)
        lines += [
            "",
            f"def {name}({arg}: np.ndarray, scale: float = {rng.random():.3f}) -> float:",
            f'    """Return the {rng.choice(WORDS)} of ``{arg}``, scaled."""',
            f"    values = np.asarray({arg}, dtype=float) * scale",
            "    if values.size == 0:",
            '        raise ValueError("empty input")',
        ]
        trap = rng.random()
        if trap < 0.1:
            lines += [
                "    tokens = [str(v) for v in values]  # tokenizer-style code",
                "    vocab = {token: i for i, token in enumerate(sorted(set(tokens)))}",
            ]
        elif trap < 0.2:
            lines += [
                "    ranked = sorted(values.tolist(), key=lambda v: -v)",
                '    lookup = {"key": len(ranked), "mean": float(values.mean())}',
            ]
        lines += [
            f"    # {' '.join(rng.choice(WORDS) for _ in range(8))}",
            "    return float(values.mean() + values.std())",
            "",
        ]
    return "\n".join(lines)


def markdown(rng: random.Random) -> str:
    """A documentation page with headings, prose, a table and a command block."""
    lines = [f"# {rng.choice(WORDS).title()} {rng.choice(WORDS)}", ""]
    for _ in range(rng.randint(2, 6)):
        lines += [
            f"## {rng.choice(WORDS).title()}",
            "",
            " ".join(rng.choice(WORDS) for _ in range(40)),
            "",
            "| run | accuracy | commit |",
            "| --- | ---: | --- |",
            f"| {rng.randint(1, 99)} | {rng.random():.3f} | {_digest(rng)[:12]} |",
            "",
            "```bash",
            f"python -m project.train --seed {rng.randint(0, 99)}",
            "```",
            "",
            "See https://github.com/example/project for details.",
            "",
        ]
    return "\n".join(lines)


def yaml_config(rng: random.Random) -> str:
    """A training configuration."""
    return "\n".join(
        [
            f"name: {_ident(rng)}",
            f"seed: {rng.randint(0, 999)}",
            "optimizer:",
            f"  lr: {rng.random() / 100:.5f}",
            f"  weight_decay: {rng.random() / 1000:.6f}",
            "data:",
            f"  path: data/raw/{_ident(rng)}.csv",
            f"  sha256: {_digest(rng)}",
            "tracking:",
            "  project: baseline",
            "",
        ]
    )


def json_config(rng: random.Random) -> str:
    """A metrics file."""
    return json.dumps(
        {
            "model": _ident(rng),
            "metrics": {w: round(rng.random(), 4) for w in rng.sample(WORDS, 5)},
            "run": str(uuid.UUID(int=rng.getrandbits(128))),
        },
        indent=2,
    )


def csv_sample(rng: random.Random) -> str:
    """A small CSV sample."""
    rows = ["id,feature_a,feature_b,label"]
    rows += [
        f"{i},{rng.random():.4f},{rng.random():.4f},{rng.randint(0, 1)}"
        for i in range(rng.randint(20, 80))
    ]
    return "\n".join(rows) + "\n"


def notebook(rng: random.Random) -> str:
    """An nbformat 4 notebook without outputs."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": uuid.UUID(int=rng.getrandbits(128)).hex[:8],
            "metadata": {},
            "outputs": [],
            "source": [f"import {rng.choice(['numpy', 'pandas', 'sklearn'])}\n", "x = 1\n"],
        }
        for _ in range(rng.randint(2, 6))
    ]
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def binary(rng: random.Random) -> bytes:
    """A small binary file (PNG signature, then noise with NUL bytes)."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(rng.randint(2_000, 20_000))


KINDS = (
    (0.55, ".py", python_module),
    (0.15, ".md", markdown),
    (0.10, ".yaml", yaml_config),
    (0.08, ".json", json_config),
    (0.06, ".csv", csv_sample),
    (0.02, ".ipynb", notebook),
    (0.04, ".png", binary),
)


def _new_file(rng: random.Random, index: int) -> tuple[str, bytes]:
    pick = rng.random()
    suffix, make = KINDS[-1][1:]
    for share, kind_suffix, kind_make in KINDS:
        pick -= share
        if pick <= 0:
            suffix, make = kind_suffix, kind_make
            break
    folder = f"pkg{index % 97:02d}/sub{index % 7}"
    body = make(rng)
    data = body if isinstance(body, bytes) else body.encode()
    return f"{folder}/{rng.choice(WORDS)}_{index}{suffix}", data


FIXED_FILES = {
    "README.md": b"# Synthetic project\n\n## Results\n\n| model | accuracy |\n| --- | ---: |\n"
    b"| baseline | 0.500 |\n\n## Reproduce\n\n```bash\npip install -e .\nmake train\n```\n",
    "LICENSE": b"MIT License\n\nCopyright (c) 2024 Synthetic\n",
    "CITATION.cff": b"cff-version: 1.2.0\ntitle: Synthetic\n",
    ".github/workflows/ci.yml": b"name: CI\non: [push]\n",
    "tests/test_basic.py": b"def test_basic() -> None:\n    assert 1 + 1 == 2\n",
    ".gitignore": b".env\nkaggle.json\n*.pem\ndata/raw/\nmodels/\n",
}


def _fast_import_stream(files: int, commits: int, seed: int) -> Iterator[bytes]:
    """The `git fast-import` input: one commit with every file, then small edits."""
    rng = random.Random(seed)
    tree: dict[str, bytes] = dict(FIXED_FILES)
    index = 0
    while len(tree) < files:
        path, data = _new_file(rng, index)
        tree[path] = data
        index += 1
    when = 1_700_000_000

    def commit(number: int, changes: list[tuple[str, bytes | None]]) -> Iterator[bytes]:
        message = f"Change {number}".encode()
        yield b"commit refs/heads/main\n"
        yield f"committer Bench <bench@example.com> {when + number * 60} +0000\n".encode()
        yield b"data %d\n%s\n" % (len(message), message)
        for path, data in changes:
            if data is None:
                yield f"D {path}\n".encode()
            else:
                yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        yield b"\n"

    yield from commit(0, sorted(tree.items()))
    editable = [p for p in tree if p.endswith((".py", ".md", ".yaml", ".json", ".csv"))]
    for number in range(1, commits):
        changes: list[tuple[str, bytes | None]] = []
        for path in rng.sample(editable, 3):
            if path in tree:
                tree[path] = tree[path] + f"\n# edit {number}\n".encode()
                changes.append((path, tree[path]))
        if number % 10 == 0:  # add a file, delete another: history-only blobs
            path, data = _new_file(rng, index)
            index += 1
            tree[path] = data
            changes.append((path, data))
            victim = rng.choice(editable)
            if victim in tree and victim not in FIXED_FILES:
                del tree[victim]
                changes.append((victim, None))
        yield from commit(number, changes)


def build_repo(dest: Path, *, files: int, commits: int, seed: int = 0) -> Path:
    """Create the synthetic repository in ``dest`` (which must not exist); return it."""
    dest.mkdir(parents=True)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    git = ["git", "-C", str(dest)]
    subprocess.run([*git, "init", "--quiet", "--initial-branch=main"], check=True, env=env)
    importer = subprocess.Popen([*git, "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env)
    assert importer.stdin is not None
    for chunk in _fast_import_stream(files, commits, seed):
        importer.stdin.write(chunk)
    importer.stdin.close()
    if importer.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run([*git, "reset", "--quiet", "--hard", "main"], check=True, env=env)
    return dest


def cached_repo(cache: Path, *, files: int, commits: int, rebuild: bool = False) -> Path:
    """Return the synthetic repository for these sizes, building it on first use."""
    path = cache / f"repo-f{files}-c{commits}-v{BUILDER_VERSION}"
    marker = path / ".git" / "mlscaffold-bench-complete"
    if rebuild or not marker.exists():
        shutil.rmtree(path, ignore_errors=True)
        started = time.perf_counter()
        build_repo(path, files=files, commits=commits)
        marker.write_text("ok\n", encoding="utf-8")
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    return path


def time_check(path: Path, repeat: int, env: dict[str, str]) -> tuple[list[float], dict]:
    """Run the check ``repeat`` times (after a warm-up); return the timings and the last JSON."""
    command = [sys.executable, "-m", "mlscaffold", "check", str(path), "--json"]
    timings: list[float] = []
    report: dict = {}
    for run in range(repeat + 1):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        elapsed = time.perf_counter() - started
        if done.returncode not in (0, 1):
            raise RuntimeError(f"check failed ({done.returncode}): {done.stderr}")
        report = json.loads(done.stdout)
        if run:  # the first run only warms the page cache
            timings.append(elapsed)
    return timings, report


def describe(label: str, timings: list[float], report: dict) -> str:
    """One result line."""
    summary = report["summary"]
    return (
        f"{label}: median {statistics.median(timings):.2f} s, min {min(timings):.2f} s, "
        f"max {max(timings):.2f} s over {len(timings)} runs "
        f"({report['stats']['files']} files, {report['stats']['history_blobs']} history blobs; "
        f"{summary['blockers']} blockers, {summary['warnings']} warnings)"
    )


def fresh_project(workspace: Path, template: str) -> tuple[Path, dict[str, str]]:
    """Generate ``template`` with defaults under an isolated HOME; return it and the env."""
    home = workspace / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Ada Lovelace\n\temail = ada@example.com\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MLSCAFFOLD_"))}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", XDG_CONFIG_HOME=str(home / ".config"))
    subprocess.run(
        [sys.executable, "-m", "mlscaffold", "new", template, "project", "--defaults", "-q"],
        cwd=workspace,
        env=env,
        check=True,
    )
    return workspace / "project", env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--template", default="all", help="template of the fresh project (default: every one)"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mlscaffold-bench",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached repository")
    args = parser.parse_args()

    repo = cached_repo(args.cache_dir, files=args.files, commits=args.commits, rebuild=args.rebuild)
    timings, report = time_check(repo, args.repeat, dict(os.environ))
    label = f"check on {args.files:,} files / {args.commits:,} commits"
    print(describe(label, timings, report))
    verdict = "OK" if statistics.median(timings) < TARGET_SECONDS else "OVER BUDGET"
    print(f"  target < {TARGET_SECONDS:.0f} s: {verdict}")

    for template in templates() if args.template == "all" else [args.template]:
        with tempfile.TemporaryDirectory() as workspace:
            project, env = fresh_project(Path(workspace), template)
            timings, report = time_check(project, args.repeat, env)
            print(describe(f"check on a fresh {template} project", timings, report))
    return 0


def templates() -> list[str]:
    """The installed templates' names."""
    listing = subprocess.run(
        [sys.executable, "-m", "mlscaffold", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [item["name"] for item in json.loads(listing.stdout)]


if __name__ == "__main__":
    raise SystemExit(main())
