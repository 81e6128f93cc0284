"""Scale benchmark of the kaggle-entry template: `make train` on 1,000,000-row competitions.

Writes ``train.csv``, ``test.csv`` and ``sample_submission.csv`` of a typical tabular Kaggle
competition (a Playground-series shape: an id, 8 numeric and 5 categorical columns, 1,000,000
training and 400,000 test rows) for each task, generates a kaggle-entry project for it with
the installed mlscaffold, puts the files into its data/raw/ and times the project's own
``make train`` (wall, CPU, peak memory):

- binary (ROC AUC), multiclass (4 classes, log loss), regression (RMSE).

The columns are synthetic but shaped like real ones: integer and float numbers with 0-20%
missing values and skewed scales, string categories with 3 to 1,000 values (Zipf-like
frequencies, some missing), and a target that depends on numbers, categories and an
interaction, with noise, so there is something to learn and no model is perfect. Files are
written once into ``--data-dir`` (default /tmp/scale-data/kaggle) and reused. A last run asks
for more memory than ``--memory-gib`` allows and must end in one line with exit code 2,
before any model is fitted.

    python benchmarks/scale_kaggle_entry.py            # full sizes (about 15 minutes)
    python benchmarks/scale_kaggle_entry.py --quick    # 20,000 rows: a smoke test
    python benchmarks/scale_kaggle_entry.py --write    # also update benchmarks/README.md
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scale_common import (
    Measurement,
    generate,
    guard,
    isolated_env,
    measure,
    project_env,
    report,
)

CARDINALITIES = (3, 7, 30, 200, 1000)
"""Distinct values of the five categorical columns."""


@dataclass(frozen=True)
class Shape:
    """One synthetic competition: its task, metric and size."""

    task: str
    metric: str
    rows: int
    test_rows: int
    goal: str = ""
    flags: tuple[str, ...] = ()
    """Flags of ``python -m PACKAGE.train`` instead of the default ``make train``."""
    limits: tuple[float, float] = (0.0, 0.0)
    """The goal's CPU seconds and peak GiB (0: none)."""

    @property
    def data(self) -> dict[str, object]:
        """What the files depend on (the flags do not)."""
        return {"task": self.task, "rows": self.rows, "test_rows": self.test_rows}

    @property
    def answers(self) -> dict[str, str]:
        return {
            "competition": f"scale-{self.task}",
            "task": self.task,
            "metric": self.metric,
            "target_column": "target",
            "id_column": "id",
        }


GOAL = "< 3 CPU min, < 2 GiB"
LIMITS = (180.0, 2.0)
"""GOAL's numbers, checked in the table."""
FAST_MULTICLASS = ("--learning-rate", "0.3", "--n-folds", "3")
"""Multiclass grows one tree per class each round; these flags trade a little log loss for
time (the README says how much)."""
FULL = [
    Shape("binary", "roc_auc", 1_000_000, 400_000, GOAL, (), LIMITS),
    Shape("multiclass", "logloss", 1_000_000, 400_000, GOAL, (), LIMITS),
    Shape("multiclass", "logloss", 1_000_000, 400_000, GOAL, FAST_MULTICLASS, LIMITS),
    Shape("regression", "rmse", 1_000_000, 400_000, GOAL, (), LIMITS),
]
QUICK = [Shape(shape.task, shape.metric, 20_000, 5_000, "smoke", shape.flags) for shape in FULL]
CLASSES = ["alpha", "beta", "gamma", "delta"]


def synthetic_frame(shape: Shape, rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Feature columns (with an id) and the latent score matrix behind the target."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    numeric = np.column_stack(
        [
            rng.normal(0, 1, rows),
            rng.exponential(1.0, rows),
            rng.uniform(-2, 2, rows),
            rng.normal(0, 1, rows),
            rng.lognormal(0, 1, rows),
            rng.normal(0, 1, rows),
            rng.poisson(3, rows).astype(float),
            rng.integers(0, 100, rows).astype(float),
        ]
    )
    names = [f"num_{index}" for index in range(numeric.shape[1])]
    codes = [
        np.minimum(rng.zipf(1.6, rows) - 1, size - 1) if size > 7 else rng.integers(0, size, rows)
        for size in CARDINALITIES
    ]
    outputs = 4 if shape.task == "multiclass" else 1
    effects = [rng.normal(0, 0.6, (size, outputs)) for size in CARDINALITIES]
    weights = rng.normal(0, 0.7, (numeric.shape[1], outputs))
    score = (numeric - numeric.mean(axis=0)) / numeric.std(axis=0) @ weights
    score += 0.8 * np.sin(numeric[:, [0]] * 2) * (codes[0][:, None] == 1)  # an interaction
    for code, effect in zip(codes, effects, strict=True):
        score += effect[code]
    data["id"] = np.arange(1, rows + 1) + (0 if seed == 0 else 10_000_000)
    for index, name in enumerate(names):
        column = numeric[:, index].round(0 if index >= 6 else 4)
        missing = rng.random(rows) < (0.2 if index in (1, 4) else 0.02 if index == 2 else 0.0)
        column[missing] = np.nan
        data[name] = column
    for index, (size, code) in enumerate(zip(CARDINALITIES, codes, strict=True)):
        labels = np.asarray([f"c{index}_{value}" for value in range(size)], dtype=object)
        column = labels[code]
        column[rng.random(rows) < 0.05] = None
        data[f"cat_{index}"] = column
    return pd.DataFrame(data), score


def write_competition(shape: Shape, folder: Path) -> Path:
    """Write ``shape``'s three files into ``folder`` unless the same shape is already there."""
    marker = folder / "shape.json"
    if marker.is_file() and json.loads(marker.read_text()) == shape.data:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    train, score = synthetic_frame(shape, shape.rows, 0)
    test, _ = synthetic_frame(shape, shape.test_rows, 1)
    rng = np.random.default_rng(2)
    if shape.task == "binary":
        probability = 1 / (1 + np.exp(-(score[:, 0] - 1.0)))
        train["target"] = (rng.random(shape.rows) < probability).astype(int)
        sample = pd.DataFrame({"id": test["id"], "target": 0.5})
    elif shape.task == "multiclass":
        noisy = score + rng.gumbel(0, 1, score.shape)
        train["target"] = np.asarray(CLASSES, dtype=object)[noisy.argmax(axis=1)]
        sample = pd.DataFrame({"id": test["id"], **dict.fromkeys(CLASSES, 0.25)})
    else:
        train["target"] = (100 + 25 * score[:, 0] + rng.normal(0, 15, shape.rows)).round(2)
        sample = pd.DataFrame({"id": test["id"], "target": 100.0})
    train.to_csv(folder / "train.csv", index=False, chunksize=200_000)
    test.to_csv(folder / "test.csv", index=False, chunksize=200_000)
    sample.to_csv(folder / "sample_submission.csv", index=False)
    marker.write_text(json.dumps(shape.data))
    return folder


def _link(folder: Path, project: Path) -> None:
    raw = project / "data" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name in ("train.csv", "test.csv", "sample_submission.csv"):
        (raw / name).symlink_to(folder / name)


def run(shapes: list[Shape], data_dir: Path, timeout: float) -> list[Measurement]:
    """Generate a project per shape, link its files in and time `make train`."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="scale-kaggle-") as scratch:
        env = isolated_env(Path(scratch) / "home")
        for shape in shapes:
            folder = write_competition(shape, data_dir / f"{shape.task}-{shape.rows}")
            workspace = Path(scratch) / "-".join([shape.task, *shape.flags])
            project = generate("kaggle-entry", workspace, shape.answers, env)
            _link(folder, project)
            package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
            label = f"{shape.task} ({shape.metric}), {shape.rows:,} train x 15 columns, "
            label += f"{shape.test_rows:,} test: "
            if shape.flags:
                label += f"`python -m PACKAGE.train {' '.join(shape.flags)}`"
                command = [sys.executable, "-m", f"{package}.train", *shape.flags]
            else:
                label += "default `make train`"
                command = ["make", "train", f"PYTHON={sys.executable}"]
            penv = project_env(project, env)
            result = measure(
                label, command, project, penv, goal=shape.goal, timeout=timeout, limits=shape.limits
            )
            print(result.row(), flush=True)
            print(result.tail[-2500:], flush=True)
            metrics_file = project / "reports" / "metrics.json"
            if result.ok and metrics_file.is_file():
                metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
                summary = {
                    name: round(model["mean"], 4) for name, model in metrics["models"].items()
                }
                print(
                    json.dumps(
                        {
                            "scores": summary,
                            "fold_trees": metrics.get("lightgbm_fold_trees"),
                            "threads": metrics.get("lightgbm_threads"),
                            "sampled": metrics.get("sampled_models"),
                            "memory_estimate_gib": metrics.get("memory_estimate_gib"),
                            "cv_seconds": {
                                name: model["cv_seconds"]
                                for name, model in metrics["models"].items()
                            },
                        }
                    ),
                    flush=True,
                )
            rows.append(result)
            if shape.task == "binary":
                refused = [sys.executable, "-m", f"{package}.train", "--memory-gib", "0.1"]
                label = f"{shape.task}: `--memory-gib 0.1`"
                guard_run = guard(label, refused, project, penv, timeout)
                rows.append(guard_run)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/scale-data/kaggle"))
    parser.add_argument("--tasks", default="binary,multiclass,regression", help="comma list")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per run, seconds")
    args = parser.parse_args(argv)
    wanted = set(args.tasks.split(","))
    shapes = [shape for shape in (QUICK if args.quick else FULL) if shape.task in wanted]
    rows = run(shapes, args.data_dir, args.timeout)
    note = "synthetic competitions of a Kaggle Playground shape"
    return report("kaggle-entry", rows, note, args.write and not args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
