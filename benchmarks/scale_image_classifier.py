"""Scale benchmark of the image-classifier template at CIFAR-10 shape.

Writes CIFAR-10 "python version" batches of the real format and size (data_batch_1..5
and test_batch, 10,000 images each: a uint8 ``data`` array of 3,072 columns, 1,024 red then
1,024 green then 1,024 blue values per row, and ``labels``; plus batches.meta), then times
``make train`` of generated projects on them with benchmarks/scale_common.py:

- the scikit-learn default (all 50,000 training images; goal under 3 CPU minutes);
- one epoch of the small CNN on the CPU (PyTorch variant, ``--epochs 1``), when torch is
  installed.

The images are synthetic but learnable: each class has a fixed smooth colour pattern that
every image of the class shows at a random strength and sign, under heavy pixel noise, so a
linear model cannot separate all of them and kernels and convolutions have something to
learn. Real CIFAR-10 photos have the same shape and size, so the cost per image is the same;
accuracies are not comparable.

    python benchmarks/scale_image_classifier.py --quick        # smoke test, ~1 minute
    flock /tmp/bench.lock python benchmarks/scale_image_classifier.py --write
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_common import (  # the benchmarks folder is not a package
    Measurement,
    generate,
    isolated_env,
    measure,
    project_env,
    report,
)

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def synthetic_images(count: int, rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    """``count`` CIFAR-10 rows (uint8, 3,072 columns) and their labels."""
    patterns = np.random.default_rng(0).normal(size=(10, 3, 4, 4))
    labels = rng.integers(0, 10, count)
    strength = rng.uniform(0.5, 1.5, count) * np.where(rng.random(count) < 0.8, 1.0, -1.0)
    smooth = np.kron(patterns[labels], np.ones((1, 1, 8, 8)))  # (count, 3, 32, 32)
    noise = rng.normal(0.0, 60.0, size=(count, 3, 32, 32))
    pixels = 128.0 + 25.0 * strength[:, None, None, None] * smooth + noise
    data = np.clip(pixels, 0, 255).astype(np.uint8).reshape(count, 3 * 32 * 32)
    return data, [int(label) for label in labels]


def write_cifar10(root: Path, per_batch: int, seed: int = 0) -> list[Path]:
    """Write data_batch_1..5, test_batch and batches.meta of ``per_batch`` images each."""
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    written = []
    for name in [*(f"data_batch_{i}" for i in range(1, 6)), "test_batch"]:
        data, labels = synthetic_images(per_batch, rng)
        batch = {b"batch_label": name.encode(), b"labels": labels, b"data": data}
        path = root / name
        with path.open("wb") as stream:
            pickle.dump(batch, stream, protocol=2)
        written.append(path)
    meta = {b"label_names": [name.encode() for name in CLASSES], b"num_vis": 3072}
    with (root / "batches.meta").open("wb") as stream:
        pickle.dump(meta, stream, protocol=2)
    return written


def torch_installed() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def run(quick: bool, workspace: Path) -> list[Measurement]:
    """Generate the projects, write the data into each, and measure ``make train``."""
    per_batch = 200 if quick else 10_000
    size = f"{5 * per_batch:,} train + {per_batch:,} test"
    env = isolated_env(workspace / "home")
    rows = []
    runs = [("sklearn", "scikit-learn default", [], "< 180 CPU s, all 50k images", 180.0)]
    if torch_installed():
        cnn = ("pytorch", "PyTorch small CNN, 1 epoch, CPU", ["--epochs", "1"], "reported", 0.0)
        runs.append(cnn)
    for framework, title, flags, goal, cpu_limit in runs:
        project = generate(
            "image-classifier",
            workspace / framework,
            {"dataset": "cifar10", "framework": framework},
            env,
        )
        write_cifar10(project / "data" / "raw" / "cifar-10-batches-py", per_batch)
        command = ["make", "train", f"PYTHON={sys.executable}"]
        if flags:
            command = [sys.executable, "-m", _package(project) + ".train", *flags]
        measured = measure(
            f"{title}, CIFAR-10 shape ({size})",
            command,
            project,
            project_env(project, env),
            goal="" if quick else goal,
            timeout=1800,
            limits=(0.0 if quick else cpu_limit, 0.0),
        )
        print(measured.row(), flush=True)
        if not measured.ok:
            print(measured.tail[-2000:], file=sys.stderr)
        else:
            print(_model_lines(measured.tail), flush=True)
        rows.append(measured)
    return rows


def _package(project: Path) -> str:
    return next(p.name for p in (project / "src").iterdir() if (p / "train.py").is_file())


def _model_lines(output: str) -> str:
    return "\n".join(line for line in output.splitlines() if "accuracy" in line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 images per batch")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scale-image-") as tmp:
        rows = run(args.quick, Path(tmp))
    note = "synthetic images of the real CIFAR-10 format and size; CPU only"
    return report("image-classifier", rows, note, args.write and not args.quick)


if __name__ == "__main__":
    raise SystemExit(main())
