"""The printed next steps: per-template steps where they apply; mlscaffold stays reachable."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
from helpers import TEMPLATES

from mlscaffold import summary
from mlscaffold.catalog import Template, get_template
from mlscaffold.generate import Result


def _steps(template: str, answers: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(summary, "mlscaffold_command", lambda: "mlscaffold")
    loaded: Template = get_template(template, TEMPLATES)
    result = Result(loaded, Path("p"), {"project_slug": "p", **answers}, 40, "abc1234")
    text = summary.next_steps(result).split("Next steps:\n")[1]
    return [line.split("  # ")[0].strip() for line in text.splitlines()]


def test_generic_steps_in_order_and_publish_after_the_commit(monkeypatch) -> None:
    steps = _steps("image-classifier", {"dataset": "digits", "framework": "sklearn"}, monkeypatch)
    assert steps[:4] == [
        "cd p",
        "python -m venv .venv",
        "source .venv/bin/activate",
        "make install",
    ]
    order = [
        "make train",
        "make report",
        'git add -A && git commit -m "Add results"',
        "mlscaffold check",
        "mlscaffold publish",
    ]
    assert [steps.index(step) for step in order] == sorted(steps.index(step) for step in order)
    assert not any("download.pytorch.org" in step or "data/raw" in step for step in steps)


def test_pytorch_gets_the_cpu_build_before_make_install(monkeypatch) -> None:
    steps = _steps("image-classifier", {"dataset": "digits", "framework": "pytorch"}, monkeypatch)
    torch = next(i for i, s in enumerate(steps) if "download.pytorch.org/whl/cpu" in s)
    assert torch == steps.index("make install") - 1


@pytest.mark.parametrize(
    ("template", "answers", "needle"),
    [
        ("image-classifier", {"dataset": "cifar10", "framework": "sklearn"}, "cifar-10-python"),
        ("image-classifier", {"dataset": "folder", "framework": "sklearn"}, "make data"),
        ("recommender", {"dataset": "movielens"}, "ml-latest-small.zip"),
        ("kaggle-entry", {}, "make download"),
    ],
)
def test_data_steps_come_before_make_train_only_where_they_apply(
    template: str, answers: dict[str, str], needle: str, monkeypatch
) -> None:
    steps = _steps(template, answers, monkeypatch)
    data = next(i for i, s in enumerate(steps) if needle in s)
    assert data == steps.index("make train") - 1


def test_synthetic_recommender_has_no_download_step(monkeypatch) -> None:
    steps = _steps("recommender", {"dataset": "synthetic"}, monkeypatch)
    assert not any("unzip" in step for step in steps)


def _script(folder: Path) -> Path:
    folder.mkdir(parents=True)
    script = folder / "mlscaffold"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
def test_mlscaffold_on_path_outside_the_active_venv_is_plain(tmp_path, monkeypatch) -> None:
    pipx = _script(tmp_path / "local" / "bin")
    monkeypatch.setenv("PATH", str(pipx.parent))
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "venv"))
    assert summary.mlscaffold_command() == "mlscaffold"


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
def test_mlscaffold_inside_the_active_venv_is_named_by_its_full_path(tmp_path, monkeypatch) -> None:
    """Activating the project's .venv hides the venv that holds mlscaffold."""
    venv = tmp_path / "venv"
    script = _script(venv / "bin")
    monkeypatch.setenv("PATH", str(script.parent))
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    monkeypatch.setattr(sys, "executable", str(venv / "bin" / "python"))
    assert summary.mlscaffold_command() == str(script)


@pytest.mark.skipif(os.name == "nt", reason="POSIX paths")
def test_without_a_script_it_is_this_python_with_dash_m(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "py" / "python3"))
    assert summary.mlscaffold_command() == f"{tmp_path / 'py' / 'python3'} -m mlscaffold"
