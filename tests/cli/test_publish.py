"""`mlscaffold publish`: check, commit the results, create with gh, push; a failure changes nothing.

The remote is a bare repository in ``tmp_path``; GitHub is a fake ``gh`` on PATH (a Python
script that records its arguments and plays one scenario: logged in, logged out, a name
taken, no network...). Its ``repo create`` makes a bare repository and prints its path as
the repository's address, so the push that follows is real. After every failure the
branch, the index, the work tree's status and the remotes are compared with before.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_gh import install_fake_gh
from helpers import Run, assert_one_line_error, canary_record, write_canary

from mlscaffold import publish

TOKEN = "ghp_" + "Zq8Xw2Lr5Tn7Vb4Mk9Pc3Hd6Jf1Gs0Ay5Ue7o"  # shaped like a token, not one
DESCRIPTION = "Recognise handwritten digits, comparing a floor, a baseline and a model."
ANSWERS = f"""\
_mlscaffold_template: image-classifier
description: {DESCRIPTION}
github_username: ada-l
project_slug: digits-demo
author_name: Ada Lovelace
author_email: ada@example.com
"""
CITATION = """\
cff-version: 1.2.0
title: "Digits demo"
keywords:
  - machine learning
  - "image classification"
  - "scikit-learn"
"""
TOPICS = "machine-learning,image-classification,scikit-learn"


def git(cwd: Path, *args: str) -> str:
    """The test's own git (hooks off)."""
    command = ["git", "-c", f"core.hooksPath={os.devnull}", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True).stdout


def state(repo: Path) -> dict[str, str]:
    """What a failed publish must leave as it was: branch, index, status, remotes, config."""
    return {
        "head": git(repo, "rev-parse", "HEAD"),
        "index": git(repo, "ls-files", "--stage"),
        "status": git(repo, "status", "--porcelain", "--untracked-files=all"),
        "remotes": git(repo, "remote", "-v"),
        "config": git(repo, "config", "--local", "--list"),
        "refs": git(repo, "for-each-ref"),
    }


def bare(path: Path) -> Path:
    git(path.parent, "init", "--quiet", "--bare", "--initial-branch=main", str(path))
    return path


def pushed(remote: Path) -> str | None:
    """The commit the remote's main holds, or None."""
    completed = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-parse", "--verify", "--quiet", "refs/heads/main"],
        capture_output=True,
        text=True,
    )
    return completed.stdout.strip() or None


@pytest.fixture
def project(home: Path, tmp_path: Path) -> Path:
    """A committed generated-like project with new results in the work tree, not committed."""
    repo = tmp_path / "digits-demo"
    repo.mkdir()
    env = {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1"}
    (repo / ".copier-answers.yml").write_text(ANSWERS)
    (repo / "CITATION.cff").write_text(CITATION)
    (repo / "README.md").write_text("# Digits demo\n\nRecognise handwritten digits.\n")
    (repo / "LICENSE").write_text("MIT License\n")
    (repo / ".gitignore").write_text("data/\n.venv/\n")
    (repo / "src").mkdir()
    (repo / "src" / "train.py").write_text("print('train')\n")
    for args in (
        ("init", "--quiet", "--initial-branch=main"),
        ("add", "--all"),
        ("commit", "--quiet", "--no-gpg-sign", "-m", "Initial commit"),
    ):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    (repo / "reports").mkdir()
    (repo / "reports" / "metrics.json").write_text('{"accuracy": 0.97}\n')
    (repo / "README.md").write_text("# Digits demo\n\nAccuracy 0.97 on held-out digits.\n")
    (repo / "scratch.txt").write_text("not a result\n")
    return repo


@pytest.fixture
def fake_gh(tmp_path: Path) -> Callable[[str], Path]:
    """Put a fake gh first on PATH, playing ``mode``; return its folder (calls.jsonl)."""
    return install_fake_gh(tmp_path / "fake-gh", tmp_path / "github" / "digits-demo.git")


def calls(folder: Path) -> list[list[str]]:
    record = folder / "calls.jsonl"
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def path_with(folder: Path | None, tmp_path: Path) -> str:
    """A PATH with ``folder`` (the fake gh) first and no real gh anywhere."""
    only_git = tmp_path / "only-git"
    if not only_git.exists():
        only_git.mkdir()
        real = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
        (only_git / "git").symlink_to(real)
    return os.pathsep.join([*([str(folder)] if folder else []), str(only_git)])


# --- publishing to a remote ----------------------------------------------------------------


def test_publish_commits_the_results_and_pushes_head_to_the_remote(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    remote = bare(tmp_path / "remote.git")
    result = cli("publish", str(project), "--yes", "--remote", str(remote))
    assert result.returncode == 0, result.stderr
    head = git(project, "rev-parse", "HEAD").strip()
    assert pushed(remote) == head
    assert git(project, "log", "-1", "--format=%s").strip() == publish.MESSAGE
    committed = git(project, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == ["README.md", "reports/metrics.json"]
    assert git(project, "status", "--porcelain").strip() == "?? scratch.txt"
    assert git(project, "remote", "get-url", "origin").strip() == str(remote)
    assert git(project, "rev-parse", "--abbrev-ref", "main@{upstream}").strip() == "origin/main"
    assert "Not committed, so not published: scratch.txt" in result.stdout
    assert f"Published main ({head[:7]}) to {remote}" in result.stdout
    assert "mlscaffold blog --to devto" in result.stdout
    assert "mlscaffold portfolio" in result.stdout
    assert "No blockers" in result.stdout  # the check's report is shown


def test_publish_of_a_clean_repository_pushes_head_without_committing(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--no-gpg-sign", "-m", "results by hand")
    head = git(project, "rev-parse", "HEAD").strip()
    remote = bare(tmp_path / "remote.git")
    result = cli("publish", str(project), "--remote", str(remote))  # no --yes needed
    assert result.returncode == 0, result.stderr
    assert pushed(remote) == head == git(project, "rev-parse", "HEAD").strip()
    assert "Committed" not in result.stdout


def test_an_origin_already_set_is_pushed_to(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    remote = bare(tmp_path / "remote.git")
    git(project, "remote", "add", "origin", str(remote))
    result = cli("publish", str(project), "--yes")
    assert result.returncode == 0, result.stderr
    assert pushed(remote) == git(project, "rev-parse", "HEAD").strip()


def test_a_plain_repository_publishes_under_its_folder_name(
    cli: Callable[..., Run], project: Path, tmp_path: Path, fake_gh: Callable[[str], Path]
) -> None:
    for name in (".copier-answers.yml", "CITATION.cff"):
        git(project, "rm", "--quiet", name)
    git(project, "commit", "--quiet", "--no-gpg-sign", "-m", "plain")
    gh = fake_gh("logged-in")
    result = cli("publish", str(project), "--yes", extra_env={"PATH": path_with(gh, tmp_path)})
    assert result.returncode == 0, result.stderr
    create = next(call for call in calls(gh) if call[:2] == ["repo", "create"])
    assert create == ["repo", "create", "ada-l/digits-demo", "--public"]  # owner: gh's login
    assert not any(call[:2] == ["repo", "edit"] for call in calls(gh))  # no topics known


# --- GitHub through gh -------------------------------------------------------------------


def test_gh_creates_the_repository_with_description_topics_and_homepage(
    cli: Callable[..., Run], project: Path, tmp_path: Path, fake_gh: Callable[[str], Path]
) -> None:
    gh = fake_gh("logged-in")
    homepage = "https://ada-l.github.io/digits-demo/"
    result = cli(
        "publish",
        str(project),
        "--yes",
        "--homepage",
        homepage,
        extra_env={"PATH": path_with(gh, tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    remote = tmp_path / "github" / "digits-demo.git"
    assert calls(gh) == [
        ["auth", "status", "--hostname", "github.com"],
        ["repo", "view", "ada-l/digits-demo", "--json", "url,isEmpty"],
        [
            "repo",
            "create",
            "ada-l/digits-demo",
            "--public",
            "--description",
            DESCRIPTION,
            "--homepage",
            homepage,
        ],
        ["repo", "edit", "ada-l/digits-demo", "--add-topic", TOPICS],
    ]
    assert pushed(remote) == git(project, "rev-parse", "HEAD").strip()
    assert git(project, "remote", "get-url", "origin").strip() == str(remote)
    assert "Created ada-l/digits-demo on GitHub" in result.stdout


def test_private_and_names_from_the_command_line_reach_gh(
    cli: Callable[..., Run], project: Path, tmp_path: Path, fake_gh: Callable[[str], Path]
) -> None:
    gh = fake_gh("logged-in")
    result = cli(
        "publish",
        str(project),
        "--yes",
        "--private",
        "--owner",
        "ada-lab",
        "--name",
        "digits",
        extra_env={"PATH": path_with(gh, tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    create = next(call for call in calls(gh) if call[:2] == ["repo", "create"])
    assert create[:4] == ["repo", "create", "ada-lab/digits", "--private"]


def test_an_empty_repository_already_on_github_is_pushed_to_not_created(
    cli: Callable[..., Run], project: Path, tmp_path: Path, fake_gh: Callable[[str], Path]
) -> None:
    gh = fake_gh("exists-empty")
    remote = bare(tmp_path / "github" / "digits-demo.git")
    result = cli("publish", str(project), "--yes", extra_env={"PATH": path_with(gh, tmp_path)})
    assert result.returncode == 0, result.stderr
    assert not any(call[:2] == ["repo", "create"] for call in calls(gh))
    assert pushed(remote) == git(project, "rev-parse", "HEAD").strip()


def test_dry_run_creates_commits_and_pushes_nothing(
    cli: Callable[..., Run], project: Path, tmp_path: Path, fake_gh: Callable[[str], Path]
) -> None:
    gh = fake_gh("logged-in")
    before = state(project)
    result = cli("publish", str(project), "--dry-run", extra_env={"PATH": path_with(gh, tmp_path)})
    assert result.returncode == 0, result.stderr
    assert state(project) == before
    assert not any(call[:2] in (["repo", "create"], ["repo", "edit"]) for call in calls(gh))
    assert not (tmp_path / "github" / "digits-demo.git").exists()
    assert "Would commit" in result.stdout and "README.md, reports/metrics.json" in result.stdout
    assert "Would create ada-l/digits-demo on GitHub with gh (public)" in result.stdout


@pytest.mark.parametrize("logged_out", [False, True], ids=["no-gh", "gh-logged-out"])
def test_without_a_usable_gh_the_exact_steps_are_printed_and_nothing_is_pushed(
    cli: Callable[..., Run],
    project: Path,
    tmp_path: Path,
    fake_gh: Callable[[str], Path],
    logged_out: bool,
) -> None:
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--no-gpg-sign", "-m", "results by hand")
    before = state(project)
    gh = fake_gh("logged-out") if logged_out else None
    result = cli("publish", str(project), extra_env={"PATH": path_with(gh, tmp_path)})
    assert result.returncode == 0, result.stderr
    assert state(project) == before
    out = result.stdout
    reason = "gh is installed but not logged in" if logged_out else "gh (https://cli.github.com)"
    assert reason in out
    assert "https://github.com/new: owner ada-l, name digits-demo, Public." in out
    assert f"Description: {DESCRIPTION}" in out
    assert "git remote add origin https://github.com/ada-l/digits-demo.git" in out
    assert "git push -u origin main" in out
    assert f"add the topics: {TOPICS.replace(',', ', ')}" in out
    if gh is not None:
        assert calls(gh) == [["auth", "status", "--hostname", "github.com"]]


def test_without_gh_the_results_are_committed_before_the_steps(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    head = git(project, "rev-parse", "HEAD").strip()
    result = cli("publish", str(project), "--yes", extra_env={"PATH": path_with(None, tmp_path)})
    assert result.returncode == 0, result.stderr
    assert git(project, "rev-parse", "HEAD~1").strip() == head
    assert git(project, "remote").strip() == ""
    assert "Committed the results" in result.stdout


# --- every failure: one line, and the repository as it was --------------------------------


def test_results_without_a_terminal_or_yes_ask_for_yes(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    remote = bare(tmp_path / "remote.git")
    before = state(project)
    result = cli("publish", str(project), "--remote", str(remote))
    assert_one_line_error(result, "results are not committed", "--yes", "git add -A", code=2)
    assert state(project) == before
    assert pushed(remote) is None


def test_a_declined_commit_commits_and_pushes_nothing(
    cli: Callable[..., Run], project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = bare(tmp_path / "remote.git")
    asked: list[str] = []

    def decline(question: str) -> bool:
        asked.append(question)
        return False

    monkeypatch.setattr("mlscaffold.generate.interactive_terminal", lambda: True)
    monkeypatch.setattr(publish, "ask", decline)
    before = state(project)
    result = cli("publish", str(project), "--remote", str(remote))
    assert_one_line_error(result, "nothing was committed or pushed", code=2)
    assert asked == [f'Commit them as "{publish.MESSAGE}"?']
    assert state(project) == before
    assert pushed(remote) is None


def test_an_accepted_commit_is_pushed(
    cli: Callable[..., Run], project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote = bare(tmp_path / "remote.git")
    monkeypatch.setattr("mlscaffold.generate.interactive_terminal", lambda: True)
    monkeypatch.setattr(publish, "ask", lambda question: True)
    result = cli("publish", str(project), "--remote", str(remote))
    assert result.returncode == 0, result.stderr
    assert pushed(remote) == git(project, "rev-parse", "HEAD").strip()


def test_blockers_stop_it_with_the_check_report(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    (project / "reports" / "settings.py").write_text(f'TOKEN = "{TOKEN}"\n')
    remote = bare(tmp_path / "remote.git")
    before = state(project)
    result = cli("publish", str(project), "--yes", "--remote", str(remote))
    assert_one_line_error(result, "blocker(s) found by the check above", code=1)
    assert "Not ready to publish" in result.stdout and "reports/settings.py" in result.stdout
    assert state(project) == before
    assert pushed(remote) is None


def test_a_rejected_push_leaves_the_repository_as_it_was(
    cli: Callable[..., Run], project: Path, tmp_path: Path, home: Path
) -> None:
    remote = bare(tmp_path / "remote.git")
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", str(remote), str(other))
    (other / "x.txt").write_text("someone else's work\n")
    git(other, "add", "--all")
    git(other, "commit", "--quiet", "--no-gpg-sign", "-m", "diverging")
    git(other, "push", "--quiet", "origin", "HEAD:main")
    theirs = pushed(remote)
    before = state(project)
    result = cli("publish", str(project), "--yes", "--remote", str(remote))
    assert_one_line_error(result, "rejected", "nothing changed in this repository", code=1)
    assert "git pull --rebase" in result.stderr
    assert state(project) == before
    assert pushed(remote) == theirs


def test_a_remote_that_cannot_be_reached_leaves_the_repository_as_it_was(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    before = state(project)
    result = cli("publish", str(project), "--yes", "--remote", str(tmp_path / "missing.git"))
    assert_one_line_error(result, "git could not push to", code=1)
    assert state(project) == before


def test_an_origin_with_another_url_is_refused(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    git(project, "remote", "add", "origin", "https://github.com/ada-l/elsewhere.git")
    remote = bare(tmp_path / "remote.git")
    before = state(project)
    result = cli("publish", str(project), "--yes", "--remote", str(remote))
    assert_one_line_error(result, "remote origin already points at", code=2)
    assert state(project) == before
    assert pushed(remote) is None


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("taken", "Name already exists on this account"),
        ("exists", "already exists on GitHub and has commits"),
        ("offline", "check your internet connection"),
        ("create-unreachable", "was created on GitHub, empty: the next run pushes to it"),
    ],
)
def test_a_gh_failure_is_one_line_and_leaves_the_repository_as_it_was(
    cli: Callable[..., Run],
    project: Path,
    tmp_path: Path,
    fake_gh: Callable[[str], Path],
    mode: str,
    words: str,
) -> None:
    gh = fake_gh(mode)
    before = state(project)
    result = cli("publish", str(project), "--yes", extra_env={"PATH": path_with(gh, tmp_path)})
    assert_one_line_error(result, words, code=1)
    assert state(project) == before


def test_not_a_repository_is_a_usage_error(cli: Callable[..., Run], tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    assert_one_line_error(cli("publish", str(folder)), "is not a git repository", code=2)


def test_a_detached_head_is_a_usage_error(cli: Callable[..., Run], project: Path) -> None:
    git(project, "checkout", "--quiet", "--detach")
    assert_one_line_error(cli("publish", str(project), "--yes"), "detached HEAD", code=2)


def test_sigterm_while_gh_creates_leaves_the_repository_as_it_was(
    env: dict[str, str], project: Path, tmp_path: Path, fake_gh: Callable[[str], Path]
) -> None:
    """A real process stopped mid-run: one line, exit 2, nothing committed or added."""
    gh = fake_gh("slow-create")
    before = state(project)
    process = subprocess.Popen(
        [sys.executable, "-m", "mlscaffold", "publish", str(project), "--yes"],
        env={**env, "PATH": path_with(gh, tmp_path)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not any(call[:2] == ["repo", "create"] for call in calls(gh)):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, (out, err)
    assert err.strip().splitlines() == ["mlscaffold: error: cancelled"]
    assert state(project) == before


# --- a repository nobody should trust ----------------------------------------------------


def test_nothing_the_repository_configures_runs_or_steers_the_push(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    canary = write_canary(tmp_path)
    remote = bare(tmp_path / "remote.git")
    decoy = bare(tmp_path / "decoy.git")
    for key, value in {
        "core.fsmonitor": str(canary),
        "core.hooksPath": str(tmp_path / "hooks"),
        "core.sshCommand": str(canary),
        "credential.helper": f"!{canary}",
        f"url.{decoy}.insteadOf": str(remote),
        f"url.{decoy}.pushInsteadOf": str(remote),
        "gpg.program": str(canary),
        "commit.gpgSign": "true",
    }.items():
        git(project, "config", key, value)
    (tmp_path / "hooks").mkdir()
    for name in ("pre-push", "pre-commit", "post-commit", "reference-transaction"):
        (tmp_path / "hooks" / name).write_text(f'#!/bin/sh\n"{canary}" {name}\n')
        (tmp_path / "hooks" / name).chmod(0o755)
    result = cli("publish", str(project), "--yes", "--remote", str(remote))
    assert result.returncode == 0, result.stderr
    assert pushed(remote) == git(project, "rev-parse", "HEAD").strip()
    assert pushed(decoy) is None
    assert canary_record(tmp_path) == ""


def test_a_repository_with_a_filter_is_refused_before_anything(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    canary = write_canary(tmp_path)
    (project / ".gitattributes").write_text("*.json filter=x\n")
    git(project, "config", "filter.x.clean", str(canary))
    remote = bare(tmp_path / "remote.git")
    before = state(project)
    result = cli("publish", str(project), "--yes", "--remote", str(remote))
    assert_one_line_error(result, "filter.x.clean", code=2)
    assert state(project) == before
    assert canary_record(tmp_path) == ""


def test_the_command_is_documented_in_the_help(cli: Callable[..., Run]) -> None:
    listing = cli("--help")
    assert "publish" in listing.stdout
    result = cli("publish", "--help")
    assert result.returncode == 0
    for option in ("--yes", "--name", "--owner", "--private", "--remote", "--dry-run"):
        assert option in result.stdout


def test_the_write_up_is_judged_as_it_will_be_pushed(
    cli: Callable[..., Run], project: Path, tmp_path: Path
) -> None:
    """`check` judges HEAD's README; publish judges the README its commit will publish."""
    readme = "# Digits demo\n\n## Results\n\n<!-- results:start -->\n{}\n<!-- results:end -->\n"
    (project / "README.md").write_text(readme.format("No results yet: run `make report`."))
    git(project, "add", "README.md")
    git(project, "commit", "--quiet", "--no-gpg-sign", "-m", "placeholder")
    (project / "README.md").write_text(readme.format("| accuracy | 0.97 |"))
    assert "[readme-results-unfilled]" in cli("check", str(project)).stdout
    result = cli("publish", str(project), "--dry-run", "--remote", str(tmp_path / "r.git"))
    assert result.returncode == 0, result.stderr
    assert "[readme-results-unfilled]" not in result.stdout
    assert "[results-uncommitted]" not in result.stdout
    (project / "README.md").write_text(readme.format("No results yet: run `make report`."))
    (project / "reports" / "more.json").write_text("{}\n")  # README unchanged: HEAD's verdict
    result = cli("publish", str(project), "--dry-run", "--remote", str(tmp_path / "r.git"))
    assert "[readme-results-unfilled]" in result.stdout
