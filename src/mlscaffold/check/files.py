"""Rules about files: sizes, data committed to git, the files every repository needs, .gitignore."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from mlscaffold.check import rules
from mlscaffold.check.findings import Finding, Location, human_size
from mlscaffold.check.rules import file_fix

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size thresholds, in bytes (tests pass small ones to stay fast)."""

    large_file: int = 50 * MIB
    """GitHub warns above 50 MB and rejects pushes with a file over 100 MB."""
    data_file: int = 1 * MIB
    """Data and model files above this size are worth keeping out of git."""
    scan: int = 10 * MIB
    """Files above this size are not read (and so not searched for secrets)."""


DATA_SUFFIXES = frozenset(
    (
        *("csv", "tsv", "parquet", "feather", "arrow", "orc", "avro", "jsonl", "ndjson"),
        *("xlsx", "xls", "sqlite", "sqlite3", "db", "npy", "npz", "mat", "h5", "hdf5", "hdf"),
        *("nc", "tfrecord", "tfrecords", "pt", "pth", "ckpt", "safetensors", "onnx", "pb"),
        *("tflite", "pkl", "pickle", "joblib", "bin", "model", "weights"),
        *("zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar"),
    )
)
"""Extensions of datasets, model weights and archives."""


def suffix(path: str) -> str:
    """The last extension of ``path``, lowercased, without its dot."""
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def size_findings(
    path: str, size: int, limits: Limits, location: Location = "tree", tracked: bool = True
) -> Iterator[Finding]:
    """``large-file`` / ``data-file-committed`` and their history variants."""
    if size > limits.large_file:
        rule = rules.LARGE_FILE if location == "tree" else rules.LARGE_FILE_IN_HISTORY
        where = "" if location == "tree" else " in an earlier commit"
        yield rule.finding(
            path,
            f"{human_size(size)} file{where}: GitHub warns above 50 MB and rejects files "
            "over 100 MB.",
            location=location,
            fix=file_fix(rule, path, location),
        )
    elif size > limits.data_file and suffix(path) in DATA_SUFFIXES:
        rule = rules.DATA_FILE if location == "tree" else rules.DATA_FILE_IN_HISTORY
        state = (
            "is committed"
            if tracked and location == "tree"
            else "would be committed (not ignored)"
            if location == "tree"
            else "was committed and is still in the history"
        )
        yield rule.finding(
            path,
            f"{human_size(size)} data or model file {state}.",
            location=location,
            fix=file_fix(rule, path, location),
        )


# --- Files every portfolio repository needs ------------------------------------------------
_LICENSE = re.compile(r"(?i)(licen[cs]e|copying)([.-].*)?")
_README = re.compile(r"(?i)readme(\.(md|markdown|rst|txt|adoc|org))?")
_CI = re.compile(
    r"\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci/config\.yml|"
    r"azure-pipelines\.yml|\.travis\.yml|Jenkinsfile"
)
_TEST = re.compile(r"(^|/)(tests?/.+|test_[^/]*\.py|[^/]*_test\.py)$")


def readme_path(paths: Collection[str]) -> str | None:
    """The README at the top of the repository, if any."""
    found = sorted(p for p in paths if "/" not in p and _README.fullmatch(p))
    return found[0] if found else None


_CITES = re.compile(r"(?i)\bcit(?:e|ing|ation)\b|bibtex|@(?:software|article|misc|inproceedings)\{")
"""A README that asks to be cited: then GitHub's 'Cite this repository' button should match."""


def required_files(paths: Collection[str], readme: str | None = None) -> Iterator[Finding]:
    """Missing LICENSE, README, CI workflow, tests; CITATION.cff when the README asks for it."""
    top = [p for p in paths if "/" not in p]
    if not any(_LICENSE.fullmatch(p) for p in top) and not any(
        p.startswith("LICENSES/") for p in paths
    ):
        yield rules.LICENSE_MISSING.finding(None, "no LICENSE file at the top of the repository.")
    if readme_path(paths) is None:
        yield rules.README_MISSING.finding(None, "no README at the top of the repository.")
    if "CITATION.cff" not in top and readme is not None and _CITES.search(readme):
        yield rules.CITATION_MISSING.finding(
            None, "the README asks to be cited, but there is no CITATION.cff at the top."
        )
    if not any(_CI.fullmatch(p) for p in paths):
        yield rules.CI_MISSING.finding(None, "no workflow in .github/workflows/.")
    if not any(_TEST.search(p) for p in paths):
        yield rules.TESTS_MISSING.finding(None, "no tests/ folder and no test_*.py file.")


# --- .gitignore ----------------------------------------------------------------------------
_ONLY_WITH = {"data/raw/train.csv": "data/", "models/model.pkl": "models/"}
"""Probes that matter only where the repository has the folder they protect."""


def _relevant(probe: str, paths: Collection[str]) -> bool:
    folder = _ONLY_WITH.get(probe)
    return folder is None or any(path.startswith(folder) for path in paths)


GITIGNORE_PROBES = (
    (".env", ".env"),
    ("kaggle.json", "kaggle.json"),
    ("keys/deploy.pem", "*.pem"),
    ("data/raw/train.csv", "data/raw/"),
    ("models/model.pkl", "models/"),
)
"""(a path that should be ignored, the line that ignores it)."""


def gitignore_findings(paths: Collection[str], ignored: Collection[str]) -> Iterator[Finding]:
    """``gitignore-missing`` or ``gitignore-incomplete`` (``ignored``: probes git ignores)."""
    if ".gitignore" not in paths:
        lines = ", ".join(f"`{line}`" for _, line in GITIGNORE_PROBES)
        rule = rules.GITIGNORE_MISSING
        yield rule.finding(
            None,
            "no .gitignore: secrets and data can be committed by accident.",
            fix=file_fix(rule, ".gitignore", "tree", lines=lines),
        )
        return
    missing = [
        line for probe, line in GITIGNORE_PROBES if probe not in ignored and _relevant(probe, paths)
    ]
    if ".env" in missing:  # the leak everyone makes; the others are worth a line beside it
        rule = rules.GITIGNORE_INCOMPLETE
        lines = ", ".join(f"`{line}`" for line in missing)
        yield rule.finding(
            ".gitignore",
            f".gitignore does not ignore {', '.join(missing)}.",
            fix=file_fix(rule, ".gitignore", "tree", lines=lines),
        )
