"""End to end: the image classifier's write-ups state the facts of the data actually used.

The template is generated once per data source: the bundled digits, a folder of the
learner's own images and a CIFAR-10 style folder of python batches (both written by this
test, tiny). After ``make train`` and ``make report``, every number in the generated
sections of README.md, docs/blog-post.md and MODEL_CARD.md must come from
reports/metrics.json, the data facts must be those of the files written here (no stale
digits facts on one's own data), ``make report-check`` must pass and catch an edited
number, and no sentence outside a WRITE prompt may claim an action of the learner.
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from projects import Project, Variant, generate, isolated_env

TEMPLATE = "image-classifier"
DOCUMENTS = ("README.md", "docs/blog-post.md", "MODEL_CARD.md")
SECTION = re.compile(r"<!-- ([a-z][a-z-]*):start -->\n(.*?)\n<!-- \1:end -->", re.S)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?%?")
FIRST_PERSON_ACTION = re.compile(
    r"\b(?:I|we)\s+(?:\w+ed|built|found|chose|spent|held|made|took|saw|ran|wrote|kept|"
    r"began|thought|knew|got|had)\b",
    re.I,
)
DIGITS_FACTS = ("1,797", "1,437", "8x8", "13 people", "UCI", "inked pixels")

# The learner's own images: three classes of unequal size, in three sizes and two modes.
FOLDER_CLASSES = {"circle": 8, "square": 10, "stripes": 14}
FOLDER_SIZES = [(20, 20), (36, 28), (50, 40)]
# A CIFAR-10 style download: five training batches and a test batch, ten named classes.
CIFAR_NAMES = ["airplane", "automobile", "bird", "cat", "deer"]
CIFAR_NAMES += ["dog", "frog", "horse", "ship", "truck"]
CIFAR_TRAIN_PER_BATCH, CIFAR_TEST = 20, 30


def _pattern(label: int, height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """A noisy picture whose bright region depends on ``label`` (learnable, not trivial)."""
    pixels = rng.integers(0, 90, (height, width, 3)).astype(np.uint8)
    rows, cols = np.mgrid[:height, :width]
    masks = [
        (rows - height / 2) ** 2 + (cols - width / 2) ** 2 < (min(height, width) / 3) ** 2,
        (abs(rows - height / 2) < height / 4) & (abs(cols - width / 2) < width / 4),
        (cols // 3) % 2 == 0,
        rows < height / 2,
        cols < width / 2,
    ]
    pixels[masks[label % len(masks)]] = 200 + label
    return pixels


def write_image_folder(raw: Path) -> dict[str, Any]:
    """One sub-folder per class under data/raw; return what a loader must find."""
    rng = np.random.default_rng(0)
    sizes: dict[str, int] = {}
    for label, (name, count) in enumerate(FOLDER_CLASSES.items()):
        folder = raw / name
        folder.mkdir(parents=True)
        for i in range(count):
            width, height = FOLDER_SIZES[i % len(FOLDER_SIZES)]
            image = Image.fromarray(_pattern(label, height, width, rng))
            if i == 0:
                image = image.convert("L")  # a grayscale file among colour ones
            image.save(folder / f"{i:03d}.png")
            sizes[f"{width}x{height}"] = sizes.get(f"{width}x{height}", 0) + 1
    return {
        "class_names": sorted(FOLDER_CLASSES),
        "counts": dict(sorted(FOLDER_CLASSES.items())),
        "n_images": sum(FOLDER_CLASSES.values()),
        "image_shape": [32, 32, 3],
        "original_sizes": sizes,
    }


def _cifar_batch(path: Path, labels: list[int], rng: np.random.Generator) -> None:
    images = np.stack([_pattern(label, 32, 32, rng) for label in labels])
    rows = images.transpose(0, 3, 1, 2).reshape(len(labels), -1)  # 1024 R, 1024 G, 1024 B
    batch = {
        b"batch_label": path.name.encode(),
        b"labels": labels,
        b"data": rows,
        b"filenames": [f"{path.name}_{i}.png".encode() for i in range(len(labels))],
    }
    with path.open("wb") as stream:
        pickle.dump(batch, stream)


def write_cifar10(raw: Path) -> dict[str, Any]:
    """data/raw/cifar-10-batches-py in the official layout, tiny; return what it holds."""
    root = raw / "cifar-10-batches-py"
    root.mkdir(parents=True)
    rng = np.random.default_rng(1)
    counts = dict.fromkeys(CIFAR_NAMES, 0)
    for number in range(1, 6):
        labels = [i % 10 for i in range(CIFAR_TRAIN_PER_BATCH)]
        _cifar_batch(root / f"data_batch_{number}", labels, rng)
        for label in labels:
            counts[CIFAR_NAMES[label]] += 1
    test_labels = [i % 10 for i in range(CIFAR_TEST)]
    _cifar_batch(root / "test_batch", test_labels, rng)
    meta = {b"label_names": [name.encode() for name in CIFAR_NAMES], b"num_vis": 3072}
    with (root / "batches.meta").open("wb") as stream:
        pickle.dump(meta, stream)
    test_counts = {name: test_labels.count(i) for i, name in enumerate(CIFAR_NAMES)}
    return {
        "class_names": CIFAR_NAMES,
        "train_counts": counts,
        "test_counts": test_counts,
        "n_images": 5 * CIFAR_TRAIN_PER_BATCH + CIFAR_TEST,
        "image_shape": [32, 32, 3],
        "files": [f"data_batch_{n}" for n in range(1, 6)] + ["test_batch"],
    }


SOURCES = {"digits": None, "folder": write_image_folder, "cifar10": write_cifar10}


@pytest.fixture(
    scope="module",
    params=[pytest.param(name, marks=pytest.mark.xdist_group(TEMPLATE)) for name in SOURCES],
)
def reported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_venv
) -> tuple[Project, dict[str, Any] | None]:
    """The template generated for one data source, after `make train` and `make report`."""
    dataset = request.param
    root = tmp_path_factory.mktemp(f"writeup-{dataset}")
    workspace = root / "ws"
    workspace.mkdir()
    variant = Variant(TEMPLATE, {"dataset": dataset})
    project = generate(variant, workspace, isolated_env(root / "home"))
    project.python = template_venv(TEMPLATE).python
    writer = SOURCES[dataset]
    written = writer(project.path / "data" / "raw") if writer else None
    project.make("train")
    project.make("report")
    return project, written


def _sections(project: Project) -> dict[str, dict[str, str]]:
    """Document -> section name -> generated text."""
    return {
        name: dict(SECTION.findall((project.path / name).read_text(encoding="utf-8")))
        for name in DOCUMENTS
    }


def _tokens(text: str) -> set[str]:
    return {match.group().rstrip(",") for match in NUMBER.finditer(text)}


def allowed_numbers(metrics: dict[str, Any]) -> set[str]:
    """Every way the report may print a number recorded in metrics.json."""
    allowed = {"95%"}

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                allowed.update(_tokens(str(key)))
                visit(item)
        elif isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, int):
            allowed.update({str(value), f"{value:,}"})
        elif isinstance(value, float):
            allowed.update(
                {f"{value:.3f}", f"{value:.1%}", f"{value:.0%}", f"{abs(100 * value):.1f}"}
            )
            if value.is_integer():
                allowed.update({str(int(value)), f"{value:.1f}"})
        else:
            allowed.update(_tokens(str(value)))

    visit(metrics)
    allowed.add(f"{100 / metrics['data']['n_test']:.2f}")
    allowed.add(str(len(metrics["data"]["class_names"])))  # "in 10 classes"
    return allowed


def test_every_number_in_the_generated_sections_comes_from_metrics(reported) -> None:
    project, _ = reported
    allowed = allowed_numbers(project.metrics())
    for document, sections in _sections(project).items():
        assert {"data", "results"} <= set(sections), document
        for name, text in sections.items():
            assert "make report" not in text.split("Reproduce with")[0], (document, name)
            unexplained = _tokens(text) - allowed
            assert not unexplained, (document, name, sorted(unexplained))


def test_data_facts_are_those_of_the_data_used(reported) -> None:
    project, written = reported
    metrics = project.metrics()
    data = metrics["data"]
    if written is None:  # the bundled digits
        assert (data["n_images"], data["n_train"], data["n_test"]) == (1797, 1437, 360)
        assert data["image_shape"] == [8, 8, 1] and data["writers"] == 13
    else:
        assert data["class_names"] == written["class_names"]
        assert data["n_images"] == written["n_images"]
        assert data["image_shape"] == written["image_shape"]
        if "counts" in written:  # an image folder, split at random
            assert data["original_sizes"] == dict(
                sorted(written["original_sizes"].items(), key=lambda kv: (-kv[1], kv[0]))
            )
            for name, count in written["counts"].items():
                assert data["train_counts"][name] + data["test_counts"][name] == count
        else:  # CIFAR-10's official split
            assert data["train_counts"] == written["train_counts"]
            assert data["test_counts"] == written["test_counts"]
            assert data["files"] == written["files"] and data["split"]["method"] == "official"
        assert data["writers"] is None

    height, width, channels = data["image_shape"]
    shape = f"{width}x{height} pixels, {channels} {'grayscale' if channels == 1 else 'colour'}"
    sections = _sections(project)
    for document in DOCUMENTS:
        facts = sections[document]["data"]
        assert f"{data['n_images']:,} images" in facts and shape in facts, document
        for name in data["class_names"]:
            row = f"| {name} | {data['train_counts'][name]} | {data['test_counts'][name]} |"
            assert row in facts, (document, row)
        results = sections[document]["results"]
        assert f"Measured on {data['n_test']:,} held-out test images" in results
        for result in metrics["models"].values():
            row = f"| {result['accuracy']:.3f} | {result['macro_f1']:.3f} |"
            assert row in results, (document, result["display_name"])
        assert f"{metrics['models'][metrics['model']]['accuracy']:.1%}" in results
    model = sections["MODEL_CARD.md"]["model"]
    assert f"{data['n_train']:,} images from {data['name']}" in model
    assert "channel(s)" not in (project.path / "README.md").read_text(encoding="utf-8")


def test_the_writer_overlap_is_stated_only_for_the_digits(reported) -> None:
    project, written = reported
    sections = _sections(project)
    for document in ("README.md", "MODEL_CARD.md"):
        for name in ("data", "limitations"):
            text = sections[document][name]
            if written is None:
                assert "written by 13 people" in text and "overstates" in text, document
            else:
                assert "13 people" not in text and "writer" not in text, document
    if written is not None:
        for document in DOCUMENTS:
            text = (project.path / document).read_text(encoding="utf-8")
            stale = [fact for fact in DIGITS_FACTS if fact in text]
            assert not stale, (document, stale)


def test_report_check_passes_then_catches_an_edited_number(reported, tmp_path: Path) -> None:
    project, _ = reported
    project.make("report-check")
    edited = project.copy(tmp_path / "edited")
    readme = edited.path / "README.md"
    metrics = edited.metrics()
    accuracy = f"{metrics['models'][metrics['model']]['accuracy']:.3f}"
    other = "0.123" if accuracy != "0.123" else "0.321"
    text = readme.read_text(encoding="utf-8")
    assert f"| {accuracy} |" in text
    readme.write_text(text.replace(f"| {accuracy} |", f"| {other} |", 1), encoding="utf-8")
    failed = edited.run("make", "report-check", f"PYTHON={edited.python}", check=False)
    assert failed.returncode != 0
    assert "README.md (results)" in failed.stderr


def test_no_first_person_action_outside_a_write_prompt(reported) -> None:
    project, _ = reported
    for document in DOCUMENTS:
        text = (project.path / document).read_text(encoding="utf-8")
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
        outside: list[str] = []
        in_prompt = False
        for line in text.splitlines():
            if line.startswith("> **WRITE:**"):
                in_prompt = True
            elif not line.startswith(">"):
                in_prompt = False
            if not in_prompt:
                outside.append(line)
        claims = [line for line in outside if FIRST_PERSON_ACTION.search(line)]
        assert not claims, (document, claims)
        if document == "docs/blog-post.md":
            assert text.count("**WRITE:**") >= 3 and "published: false" in text
