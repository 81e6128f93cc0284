"""End-to-end fixtures: one fresh virtualenv per template, built once per session.

Every variant of a template shares an xdist group (set where the tests are
parametrized), so one worker generates the
template's default project, installs it with ``pip install -e ".[dev]"`` into a new
virtualenv, and runs all of that template's variants with that interpreter.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import IN_CI, REPO
from projects import Project, Variant, all_variants, build_venv, generate, isolated_env

import mlscaffold


@dataclass(frozen=True)
class TemplateVenv:
    """A template's virtualenv and the default project installed (editable) in it."""

    python: str
    installed: Project


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the suite must exercise the installed wheel, not the source tree."""
    if IN_CI and Path(mlscaffold.__file__).resolve().is_relative_to(REPO / "src"):
        raise pytest.UsageError("CI must test the installed wheel: pip install '.[test]'")


def needs_torch(template: str) -> bool:
    """Whether the template's venv needs torch (a torch variant that can run here)."""
    wanted = any(v.needs_torch for v in all_variants() if v.template == template)
    return wanted and importlib.util.find_spec("torch") is not None


@pytest.fixture(scope="session")
def template_venv(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], TemplateVenv]:
    """``template_venv(name)``: that template's virtualenv, built on first use."""
    built: dict[str, TemplateVenv] = {}

    def venv_for(template: str) -> TemplateVenv:
        if template not in built:
            root = tmp_path_factory.mktemp(f"venv-{template}")
            workspace = root / "ws"
            workspace.mkdir()
            project = generate(Variant(template), workspace, isolated_env(root / "home"))
            python = build_venv(project, root / "venv", torch=needs_torch(template))
            built[template] = TemplateVenv(python, project)
        return built[template]

    return venv_for


@pytest.fixture(scope="session")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """One mypy cache per template and worker: the variants share their third-party analysis."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    root = tmp_path_factory.mktemp(f"mypy-{worker}")
    return lambda template: root / template
