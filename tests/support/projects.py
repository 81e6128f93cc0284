"""Helpers for the end-to-end tests: generate a variant, run commands in the project."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import isolated_env

__all__ = ["Project", "Variant", "all_variants", "build_venv", "generate", "isolated_env"]


@dataclass(frozen=True)
class Variant:
    """One way of generating a template, with the floors its training must reach."""

    template: str
    data: Mapping[str, str] = field(default_factory=dict)
    needs_torch: bool = False
    check_metrics: Callable[[dict[str, Any]], None] = lambda metrics: None
    headline: Callable[[dict[str, Any]], str] = lambda metrics: ""
    """Text that `make report` must put into every results section, from metrics.json."""

    @property
    def id(self) -> str:
        suffix = "-".join(f"{v}" for v in self.data.values())
        return f"{self.template}-{suffix}" if suffix else self.template


@dataclass
class Project:
    """A generated project and an environment to run its commands in."""

    path: Path
    env: dict[str, str]
    python: str = sys.executable
    timings: dict[str, float] = field(default_factory=dict)

    def run(
        self, *args: str, check: bool = True, timeout: int = 600
    ) -> subprocess.CompletedProcess:
        started = time.perf_counter()
        completed = subprocess.run(
            args, cwd=self.path, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        self.timings[" ".join(args)] = time.perf_counter() - started
        if check and completed.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} failed in {self.path} ({completed.returncode}):\n"
                f"{completed.stdout[-4000:]}\n{completed.stderr[-4000:]}"
            )
        return completed

    def make(self, target: str) -> subprocess.CompletedProcess:
        return self.run("make", target, f"PYTHON={self.python}")

    def metrics(self) -> dict[str, Any]:
        return json.loads((self.path / "reports" / "metrics.json").read_text(encoding="utf-8"))

    def copy(self, destination: Path) -> Project:
        shutil.copytree(self.path, destination, symlinks=True)
        return Project(destination, dict(self.env), self.python)


def generate(variant: Variant, workspace: Path, env: dict[str, str]) -> Project:
    """Run the installed mlscaffold to generate ``variant`` in ``workspace/project``."""
    args = [sys.executable, "-m", "mlscaffold", "new", variant.template, "project", "--defaults"]
    for key, value in variant.data.items():
        args += ["--data", f"{key}={value}"]
    completed = subprocess.run(
        args, cwd=workspace, env=env, capture_output=True, text=True, timeout=300
    )
    assert completed.returncode == 0, completed.stderr
    project_env = dict(env)
    # The generated package is importable through its src/ folder (the project's own
    # pytest config does the same), so the tests need no install of each project.
    project_env["PYTHONPATH"] = "src"
    project_env["MPLBACKEND"] = "Agg"
    project_env.pop("PYTHONDONTWRITEBYTECODE", None)
    return Project(workspace / "project", project_env)


def build_venv(
    project: Project, venv: Path, *, torch: bool, extras: Sequence[str] = ("dev",)
) -> str:
    """A brand-new virtualenv holding ``project`` installed with ``pip install -e ".[EXTRAS]"``.

    It proves the generated pyproject.toml declares what the project's tests, linters
    and ``make`` targets need; every variant of the template then runs in it. ``extras``
    are the optional groups to install (``dev`` by default; the demo and service tests
    add ``serve`` and ``demo``). With ``torch``, the version this suite runs with is
    installed first and the ``torch`` extra after it, so pip never reaches for a
    multi-GB CUDA build. Returns its python.
    """
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    env = {key: value for key, value in project.env.items() if key != "PYTHONPATH"}
    installer = Project(project.path, env, python)
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    groups = list(extras)
    if torch:
        import torch as installed_torch

        release = installed_torch.__version__.split("+")[0]
        installer.run(*pip, f"torch=={release}", timeout=1200)
        groups.append("torch")
    installer.run(*pip, "-e", f".[{','.join(groups)}]", timeout=1200)
    return python


def all_variants() -> list[Variant]:
    """Every template's variants, from the ``tests/variants_<template>.py`` modules."""
    import importlib

    found: list[Variant] = []
    for module_file in sorted(Path(__file__).parent.glob("variants_*.py")):
        found.extend(importlib.import_module(module_file.stem).VARIANTS)
    return found
