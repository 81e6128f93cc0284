"""The kaggle-entry write-ups tell the truth about the data actually used, on both sources.

Two projects, each generated once: a loan-default competition (binary, F1) trained on the
bundled synthetic sample, and a house-price competition (regression, RMSLE) trained on
Kaggle-format files the test writes into ``data/raw/``, as ``make download`` leaves them.
After ``make train`` and ``make report`` every number in the generated sections of README,
blog draft and model card must come from ``reports/metrics.json``, whose data facts must
match the CSV files that were read; facts of the other source must not appear, and no
first-person claim of an action may stand outside a ``> **WRITE:**`` prompt.
"""

from __future__ import annotations

import csv
import random
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from projects import Project, Variant, generate, isolated_env

pytestmark = pytest.mark.xdist_group("kaggle-entry")

DOCUMENTS = ("README.md", "docs/blog-post.md", "MODEL_CARD.md")
SECTION = re.compile(r"<!-- ([a-z][a-z-]*):start -->\n(.*?)\n<!-- \1:end -->", re.S)
LOAN = Variant(
    "kaggle-entry",
    {
        "competition": "loan-default-prediction",
        "metric": "f1",
        "target_column": "defaulted",
        "id_column": "loan_id",
    },
)
HOUSES = Variant(
    "kaggle-entry",
    {
        "competition": "house-prices-advanced-regression-techniques",
        "task": "regression",
        "metric": "rmsle",
        "target_column": "SalePrice",
        "id_column": "Id",
    },
)
SOURCES = {"bundled": LOAN, "own": HOUSES}
TITANIC_WORDS = re.compile(r"titanic|passenger|survived|pclass|sibsp|parch", re.I)
# Numbers the prose states as method constants (95% intervals, 80% subsampling, C 1.0, ...).
PROSE_NUMBERS = {"0", "1", "1.0", "80", "95"}
# Numbers of the sentence on how the bundled sample was drawn (the loan sample's threshold).
SAMPLE_FORMULA_NUMBERS = {"0.45"}
FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'd|my|My|me)\b")


def write_house_prices(folder: Path, n_train: int = 240, n_test: int = 80) -> None:
    """A small competition shaped like House Prices: ids, mixed columns, gaps, a price."""
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    header = ["Id", "LotArea", "OverallQual", "YearBuilt", "Neighborhood", "GarageType"]

    def row(index: int) -> list[Any]:
        year = "" if rng.random() < 0.1 else rng.randint(1900, 2010)
        garage = "" if rng.random() < 0.35 else rng.choice(["Attchd", "Detchd", "BuiltIn"])
        return [
            index,
            rng.randint(3000, 20000),
            rng.randint(1, 10),
            year,
            rng.choice(["NAmes", "CollgCr", "OldTown", "Edwards"]),
            garage,
        ]

    with (folder / "train.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*header, "SalePrice"])
        for index in range(1, n_train + 1):
            values = row(index)
            price = 30000 + 4 * values[1] + 18000 * values[2] + rng.gauss(0, 15000)
            writer.writerow([*values, round(max(price, 20000))])
    ids = range(n_train + 1, n_train + n_test + 1)
    with (folder / "test.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(row(index) for index in ids)
    with (folder / "sample_submission.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Id", "SalePrice"])
        writer.writerows([index, 180000.0] for index in ids)


@pytest.fixture(
    scope="module",
    params=[pytest.param(name, marks=pytest.mark.xdist_group("kaggle-entry")) for name in SOURCES],
)
def reported(request: pytest.FixtureRequest, tmp_path_factory, template_venv) -> Project:
    """The project after `make train` and `make report`, on its data source."""
    variant = SOURCES[request.param]
    root = tmp_path_factory.mktemp(f"writeup-{request.param}")
    workspace = root / "ws"
    workspace.mkdir()
    project = generate(variant, workspace, isolated_env(root / "home"))
    project.python = template_venv(variant.template).python
    if variant is HOUSES:
        write_house_prices(project.path / "data" / "raw")
    project.make("train")
    project.make("report")
    return project


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return list(reader.fieldnames or []), rows


def _sections(project: Project) -> dict[str, dict[str, str]]:
    found = {}
    for name in DOCUMENTS:
        text = (project.path / name).read_text(encoding="utf-8")
        found[name] = {match.group(1): match.group(2) for match in SECTION.finditer(text)}
    return found


def _leaves(value: Any) -> Iterator[float]:
    """Every number in metrics.json, and the size of every list and mapping."""
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        yield len(value)
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        yield len(value)
        for item in value:
            yield from _leaves(item)


def _allowed_numbers(metrics: dict[str, Any]) -> set[str]:
    """Each number of metrics.json in every way the report may print it."""
    n_train = metrics["n_train"]
    values = set(_leaves(metrics))
    values |= {n_train // metrics["n_folds"], metrics["n_train_columns"] - 2}
    values |= set(range(metrics["n_folds"] + 1))
    useless = [v for v in metrics["permutation_importance"].values() if v["mean"] <= 0]
    values.add(len(useless))
    features = len(metrics["numeric_columns"]) + len(metrics["categorical_columns"])
    values.add(features)
    shares = [count / n_train for _, count in metrics["target_summary"].get("counts", [])]
    shares += [*metrics["missing_shares"].values(), metrics["rows_with_missing"] / n_train]
    allowed = set(PROSE_NUMBERS)
    if metrics["data_source"] == "sample":
        allowed |= SAMPLE_FORMULA_NUMBERS
    for value in values | {abs(value) for value in values}:
        allowed |= {f"{value:.3f}", f"{value:,.0f}", f"{value:.4g}", f"{value:g}"}
        if float(value).is_integer():
            allowed |= {f"{int(value):,}", str(int(value))}
    allowed |= {f"{100 * share:.1f}" for share in shares}
    for comparison in metrics["comparisons"].values():
        for key in ("difference", "low", "high"):
            allowed |= {f"{comparison[key]:.3f}", f"{-comparison[key]:.3f}"}
    return allowed


def _numbers(section: str) -> list[str]:
    """Numbers a reader sees in a section: not in code spans, links, or the versions line."""
    text = re.sub(r"`[^`]*`", " ", section)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"<sub>.*?</sub>", " ", text, flags=re.S)
    text = re.sub(r"log\(1 \+ \w+\)|exp\(x\) - 1", " ", text)
    return [
        number.lstrip("-").rstrip(",")
        for number in re.findall(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?", text)
    ]


def test_metrics_record_the_facts_of_the_data_actually_read(reported: Project) -> None:
    metrics = reported.metrics()
    own = metrics["competition"] == HOUSES.data["competition"]
    folder = reported.path / ("data/raw" if own else "data/sample")
    assert metrics["data_source"] == ("kaggle" if own else "sample")
    assert metrics["data_dir"] == folder.relative_to(reported.path).as_posix()
    columns, rows = _read(folder / "train.csv")
    _, test_rows = _read(folder / "test.csv")
    target = metrics["target"]
    assert (metrics["n_train"], metrics["n_test"]) == (len(rows), len(test_rows))
    assert metrics["n_train_columns"] == len(columns)
    used = set(metrics["numeric_columns"]) | set(metrics["categorical_columns"])
    assert used | set(metrics["dropped_columns"]) == set(columns) - {target, metrics["id_column"]}
    summary = metrics["target_summary"]
    if own:
        prices = [float(row[target]) for row in rows]
        assert summary["mean"] == pytest.approx(statistics.fmean(prices))
        assert summary["median"] == pytest.approx(statistics.median(prices))
        assert (summary["min"], summary["max"]) == (min(prices), max(prices))
    else:
        counts = Counter(row[target] for row in rows)
        assert {str(label): count for label, count in summary["counts"]} == dict(counts)
    for column, share in metrics["missing_shares"].items():
        assert share == pytest.approx(sum(row[column] == "" for row in rows) / len(rows))


def test_the_floor_is_the_best_constant_for_the_metric(reported: Project) -> None:
    metrics = reported.metrics()
    floor = metrics["models"]["dummy"]
    if metrics["metric"] == "f1":
        positive = dict((str(k), v) for k, v in metrics["target_summary"]["counts"])["1"]
        share = positive / metrics["n_train"]
        assert floor["display_name"] == "Always positive (floor)"
        assert floor["mean"] == pytest.approx(2 * share / (1 + share), abs=0.01)
    else:
        assert floor["display_name"] == "Constant in log space (floor)"
        assert "log(1 + target)" in floor["description"]
    for name in DOCUMENTS:
        assert "Training mean" not in (reported.path / name).read_text(encoding="utf-8")


def test_every_number_in_the_write_ups_comes_from_metrics_json(reported: Project) -> None:
    metrics = reported.metrics()
    allowed = _allowed_numbers(metrics)
    for document, sections in _sections(reported).items():
        assert sections, document
        for name, text in sections.items():
            placeholder = "\n" not in text and text.startswith("_") and text.endswith("_")
            assert not placeholder, (document, name)
            stray = [number for number in _numbers(text) if number not in allowed]
            assert not stray, (document, name, stray)


def test_the_write_ups_state_the_data_and_results_of_this_run(reported: Project) -> None:
    metrics = reported.metrics()
    sections = _sections(reported)
    for document in DOCUMENTS:
        data, results = sections[document]["data"], sections[document]["results"]
        assert f"`train.csv`: {metrics['n_train']:,} rows" in data, document
        assert f"`test.csv`: {metrics['n_test']:,} rows" in data, document
        for column in [*metrics["numeric_columns"], *metrics["categorical_columns"]]:
            assert f"`{column}`" in data, (document, column)
        for result in metrics["models"].values():
            assert f"{result['mean']:.3f} ± {result['std']:.3f}" in results, document
    readme = sections["README.md"]["results"]
    for result in metrics["models"].values():
        scores = result["fold_scores"]
        worst, best = (min(scores), max(scores))
        if not metrics["greater_is_better"]:
            worst, best = best, worst
        assert f"| {worst:.3f} | {best:.3f} | {result['folds_won']} |" in readme
    versus = metrics["comparisons"]["lightgbm_vs_linear"]
    findings = sections["docs/blog-post.md"]["findings"]
    assert ("beats" in findings.splitlines()[0]) == versus["significant"]
    wins = versus["wins"]
    assert f"better on {wins['lightgbm']} of {metrics['n_folds']} folds" in findings
    assert "LightGBM beats the floor" in findings
    assert metrics["models"]["lightgbm"]["description"] in sections["MODEL_CARD.md"]["model"]


def test_facts_of_the_other_source_do_not_appear(reported: Project) -> None:
    metrics = reported.metrics()
    sections = _sections(reported)
    generated = "\n".join(text for doc in sections.values() for text in doc.values())
    texts = {name: (reported.path / name).read_text(encoding="utf-8") for name in DOCUMENTS}
    sample_columns, sample_rows = _read(reported.path / "data" / "sample" / "train.csv")
    if metrics["data_source"] == "kaggle":
        assert "synthetic" not in generated.lower()
        assert f"{len(sample_rows):,} rows" not in generated
        for column in set(sample_columns) - {metrics["target"], metrics["id_column"]}:
            for name, text in texts.items():
                assert f"`{column}`" not in text, (name, column)
    else:
        assert "**synthetic** sample" in sections["README.md"]["data"]
        assert "synthetic" in sections["docs/blog-post.md"]["summary"]
    for name, text in [*texts.items(), ("data/README.md", "")]:
        text = text or (reported.path / name).read_text(encoding="utf-8")
        assert not TITANIC_WORDS.search(text), (name, TITANIC_WORDS.search(text))


def test_no_first_person_claim_stands_outside_a_prompt(reported: Project) -> None:
    for name in DOCUMENTS:
        in_prompt = False
        for line in (reported.path / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("> **WRITE:**"):
                in_prompt = True
            elif not line.startswith(">"):
                in_prompt = False
            if in_prompt or line.startswith("#") or line.startswith("<!--"):
                continue
            assert not FIRST_PERSON.search(line), (name, line)


def test_report_check_passes_and_catches_an_edited_number(
    reported: Project, tmp_path: Path
) -> None:
    reported.make("report-check")
    project = reported.copy(tmp_path / "edited")
    readme = project.path / "README.md"
    metrics = project.metrics()
    result = metrics["models"]["lightgbm"]
    shown = f"{result['mean']:.3f} ± {result['std']:.3f}"
    text = readme.read_text(encoding="utf-8")
    assert shown in text
    readme.write_text(text.replace(shown, f"{result['mean'] + 0.1:.3f} ± 0.000"), "utf-8")
    failed = project.run("make", "report-check", f"PYTHON={project.python}", check=False)
    assert failed.returncode != 0
    assert "README.md (results)" in failed.stderr
