"""The interactive wizard, driven through a real pseudo-terminal with pexpect."""

from __future__ import annotations

import io
import signal
import sys
from pathlib import Path

import git
import pexpect
import pytest
import yaml

from mlscaffold.catalog import iter_templates

UP, DOWN, ENTER, CTRL_C, CLEAR_LINE = "\x1b[A", "\x1b[B", "\r", "\x03", "\x15"


@pytest.fixture
def spawn(env: dict[str, str], tmp_path: Path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    children = []

    def start(*args: str) -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "mlscaffold", *args],
            cwd=str(workspace),
            env={**env, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"},
            encoding="utf-8",
            dimensions=(40, 160),
            timeout=60,
        )
        child.logfile_read = io.StringIO()  # the whole transcript, for assertions
        children.append(child)
        return child

    start.workspace = workspace  # type: ignore[attr-defined]
    yield start
    for child in children:
        child.close(force=True)


# The image-classifier's questions in order, each recognised by a phrase of its help text.
QUESTIONS = {
    "dataset": "What data is the project about",
    "project_name": "title as people will read it",
    "project_slug": "Repository and folder name",
    "package_name": "Python import name",
    "description": "One sentence about the project",
    "framework": "Which model `make train` builds",
    "author_name": "Your name for LICENSE",
    "author_email": "Contact e-mail",
    "github_username": "The GitHub account",
    "license": "Licence for your code",
    "python_version": "Lowest Python version",
    "code_scanning": "GitHub code scanning",
}


def answer(child: pexpect.spawn, keys: dict[str, str], skip: tuple[str, ...] = ()) -> None:
    """Answer each question in order: the given keys, or Enter to accept the default."""
    for name, phrase in QUESTIONS.items():
        if name in skip:
            continue
        child.expect_exact(phrase)
        child.send(keys.get(name, ENTER))
    child.expect_exact("Create this project?")


def choose_template(child: pexpect.spawn, name: str) -> None:
    child.expect("Which portfolio project do you want to build")
    names = [t.name for t in iter_templates()]
    child.send(DOWN * names.index(name) + ENTER)


def test_wizard_picks_a_template_asks_confirms_and_generates(spawn) -> None:
    child = spawn()
    choose_template(child, "image-classifier")
    answer(
        child,
        {
            "dataset": UP + UP + ENTER,  # the learner's own images, listed first
            "project_name": CLEAR_LINE + "Digit Detective" + ENTER,
            "framework": DOWN + ENTER,  # PyTorch
            "github_username": CLEAR_LINE + "octocat" + ENTER,
            "license": DOWN + ENTER,  # Apache-2.0
        },
    )
    summary = child.before
    assert "digit-detective" in summary and "pytorch" in summary and "Apache-2.0" in summary
    child.send(ENTER)
    child.expect_exact("Next steps:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    project = spawn.workspace / "digit-detective"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["project_name"] == "Digit Detective"
    assert answers["package_name"] == "digit_detective"
    assert answers["framework"] == "pytorch"
    assert answers["dataset"] == "folder"
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "Classify a custom collection of images" in readme, "the pitch follows the data"
    assert answers["license"] == "Apache-2.0"
    assert answers["github_username"] == "octocat"
    assert answers["author_name"] == "Ada Lovelace"  # suggested from git config
    assert "Apache License" in (project / "LICENSE").read_text(encoding="utf-8")
    assert len(list(git.Repo(project).iter_commits())) == 1


def test_new_with_a_template_asks_only_what_data_left_open(spawn) -> None:
    child = spawn(
        "new",
        "image-classifier",
        "--data",
        "project_name=Quick One",
        "--data",
        "framework=sklearn",
        "--no-git",
    )
    answer(child, {}, skip=("project_name", "framework"))
    child.send(ENTER)
    child.expect(pexpect.EOF)
    transcript = child.logfile_read.getvalue()
    assert QUESTIONS["project_name"] not in transcript
    assert QUESTIONS["framework"] not in transcript
    assert QUESTIONS["project_slug"] in transcript
    child.close()
    assert child.exitstatus == 0
    assert (spawn.workspace / "quick-one" / "README.md").is_file()
    assert not (spawn.workspace / "quick-one" / ".git").exists()


def test_ctrl_c_at_the_template_choice_writes_nothing(spawn) -> None:
    child = spawn()
    child.expect("Which portfolio project")
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "cancelled" in child.before
    assert "Traceback" not in child.before
    assert list(spawn.workspace.iterdir()) == []


def test_ctrl_c_at_a_template_question_writes_nothing(spawn) -> None:
    child = spawn("new", "image-classifier", "somewhere")
    child.expect_exact(QUESTIONS["dataset"])
    child.send(CTRL_C)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "mlscaffold: error: cancelled; nothing was written" in child.before
    assert "Traceback" not in child.before
    assert list(spawn.workspace.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_at_a_template_question_writes_nothing(spawn, signum: int) -> None:
    child = spawn("new", "image-classifier", "somewhere")
    child.expect_exact(QUESTIONS["dataset"])
    child.kill(signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "mlscaffold: error: cancelled; nothing was written" in child.before
    assert "Traceback" not in child.before
    assert list(spawn.workspace.iterdir()) == []


def test_declining_the_summary_writes_nothing(spawn, home: Path) -> None:
    child = spawn("new", "image-classifier", "--data", "project_name=Not Today")
    answer(child, {}, skip=("project_name",))
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "nothing was written" in child.before
    assert list(spawn.workspace.iterdir()) == []
    assert not (home / ".local" / "share" / "mlscaffold").exists(), "template store written"


KAGGLE_ANSWERS = {
    "project_name": "House Prices",
    "competition": "house-prices-advanced-regression-techniques",
    "target_column": "SalePrice",
    "id_column": "Id",
    "project_slug": "house-prices",
    "package_name": "house_prices",
    "description": "Predict sale prices.",
    "n_folds": "5",
    "author_name": "Ada",
    "author_email": "ada@example.com",
    "github_username": "octocat",
    "license": "MIT",
    "python_version": "3.11",
    "code_scanning": "false",
    "kaggle_username": "octocat",
}


def test_metrics_that_do_not_fit_the_task_cannot_be_chosen(spawn) -> None:
    data = [arg for key, value in KAGGLE_ANSWERS.items() for arg in ("--data", f"{key}={value}")]
    child = spawn("new", "kaggle-entry", *data, "--no-git")
    child.expect_exact("What the target column holds")
    child.send(DOWN + DOWN + ENTER)  # regression
    child.expect_exact("evaluation metric")
    child.expect_exact("MAE (regression)")
    shown = child.before
    assert "ROC AUC (binary)" in shown  # shown, and disabled:
    assert "only for binary tasks; this one is regression" in shown
    child.send(UP * 5 + ENTER)  # from the default (RMSE) up past every regression metric
    child.expect_exact("Create this project?")
    summary = child.before
    child.send("n")
    child.expect(pexpect.EOF)
    metric = next(line.split()[1] for line in summary.splitlines() if line.startswith("  metric "))
    assert metric in {"rmse", "rmsle", "mae", "r2"}, summary
