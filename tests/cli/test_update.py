"""`mlscaffold update`: template improvements arrive, the user's edits stay, nothing breaks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
import yaml
from helpers import assert_one_line_error, copier_copy, tree

from mlscaffold import update as update_module
from mlscaffold.catalog import templates_root
from mlscaffold.errors import Cancelled

TEMPLATE = "image-classifier"
INTRO = "This repository trains an image classifier from raw pixels"


def make_version(base: Path, destination: Path, version: str, *, extra: str) -> Path:
    """A copy of the installed templates where image-classifier is `version` with changes."""
    shutil.copytree(base, destination, ignore=shutil.ignore_patterns("_shared"))
    template = destination / TEMPLATE
    config = template / "copier.yml"
    text = config.read_text(encoding="utf-8")
    assert 'default: "1.3.0"' in text
    text = text.replace('default: "1.3.0"', f'default: "{version}"')
    text = text.replace(
        "--- !include shared/questions-author.yml",
        "---\ntrack_experiments:\n  type: bool\n  help: Log runs?\n  default: true\n\n"
        "--- !include shared/questions-author.yml",
    )
    config.write_text(text, encoding="utf-8")
    contributing = template / "template" / "CONTRIBUTING.md.jinja"
    contributing.write_text(
        contributing.read_text(encoding="utf-8") + f"\n## {extra}\n\nRun `make lint test`.\n",
        encoding="utf-8",
    )
    readme = template / "template" / "README.md.jinja"
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(INTRO, INTRO + f" ({extra})"), encoding="utf-8"
    )
    (template / "template" / "docs" / "faq.md.jinja").write_text(
        "# FAQ: {{ project_name }}\n\nTracking runs: {{ track_experiments }}\n", encoding="utf-8"
    )
    return destination


@pytest.fixture
def versions(tmp_path: Path) -> dict[str, Path]:
    """Template folders for versions 1.4.0 and 1.5.0 (1.3.0 is the installed one)."""
    base = templates_root()
    return {
        "1.4.0": make_version(base, tmp_path / "v110", "1.4.0", extra="Release checklist"),
        "1.5.0": make_version(base, tmp_path / "v120", "1.5.0", extra="Checklist v2"),
    }


@pytest.fixture
def project(cli, tmp_path: Path) -> Path:
    """A project generated from the installed templates (version 1.3.0), edited and committed."""
    result = cli("new", TEMPLATE, "proj", "--defaults", "--data", "license=Apache-2.0")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "proj"
    with (path / "data" / "README.md").open("a", encoding="utf-8") as stream:
        stream.write("\nMy own notes about the data.\n")
    commit(path, "My edits")
    return path


def commit(path: Path, message: str) -> None:
    repo = git.Repo(path)
    repo.git.add("--all")
    repo.git.commit("-q", "-m", message)


def update(cli, project: Path, version_dir: Path, *args: str):
    return cli(
        "update", *args, cwd=project, extra_env={"MLSCAFFOLD_TEMPLATES_DIR": str(version_dir)}
    )


def answers(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))


def test_template_changes_arrive_and_user_edits_stay(cli, project, versions) -> None:
    result = update(cli, project, versions["1.4.0"], "--defaults")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "image-classifier 1.3.0 -> 1.4.0" in result.stdout
    assert "changed   CONTRIBUTING.md" in result.stdout and "added     docs/faq.md" in result.stdout
    assert (
        'git add -A && git commit -m "Update to image-classifier template 1.4.0"' in result.stdout
    )
    assert "## Release checklist" in (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "My own notes about the data." in (project / "data" / "README.md").read_text()
    assert "Tracking runs: True" in (project / "docs" / "faq.md").read_text(encoding="utf-8")
    recorded = answers(project)
    assert recorded["_commit"] == "1.4.0" and recorded["_mlscaffold_version"] == "1.4.0"
    assert recorded["license"] == "Apache-2.0" and recorded["project_name"] == "Proj"
    assert recorded["track_experiments"] is True
    assert "Apache License" in (project / "LICENSE").read_text(encoding="utf-8")
    # Changes are left uncommitted for review.
    assert git.Repo(project).is_dirty(untracked_files=True)


def test_conflicting_edits_are_marked_and_reported(cli, project, versions) -> None:
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace(INTRO, INTRO + " (my wording)"))
    commit(project, "Reword the intro")
    result = update(cli, project, versions["1.4.0"], "--defaults")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "conflict  README.md" in result.stdout and "1 file(s) have conflicts" in result.stdout
    text = readme.read_text(encoding="utf-8")
    assert "<<<<<<< before updating" in text and ">>>>>>> after updating" in text
    assert "(my wording)" in text and "(Release checklist)" in text


def test_dry_run_reports_and_changes_nothing(cli, project, versions) -> None:
    before = tree(project)
    result = update(cli, project, versions["1.4.0"], "--defaults", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "Would update proj: image-classifier 1.3.0 -> 1.4.0" in result.stdout
    assert "changed   CONTRIBUTING.md" in result.stdout and "--dry-run" in result.stdout
    assert tree(project) == before
    assert not git.Repo(project).is_dirty(untracked_files=True)


def test_dirty_work_tree_is_refused(cli, project, versions) -> None:
    (project / "scratch.txt").write_text("unsaved\n")
    before = tree(project)
    result = update(cli, project, versions["1.4.0"], "--defaults")
    assert_one_line_error(result, "uncommitted changes", "commit or stash")
    assert tree(project) == before


def test_latest_version_is_a_no_op(cli, project) -> None:
    before = tree(project)
    result = cli("update", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "image-classifier 1.3.0 is already the latest version" in result.stdout
    assert tree(project) == before


def test_to_a_chosen_version_and_no_downgrades(cli, project, versions) -> None:
    # The store learns a version when mlscaffold meets it installed.
    assert update(cli, project, versions["1.4.0"], "--dry-run", "--defaults").returncode == 0
    result = update(cli, project, versions["1.5.0"], "--to", "1.4.0", "--defaults")
    assert result.returncode == 0, result.stdout + result.stderr
    assert answers(project)["_commit"] == "1.4.0"
    commit(project, "Update to 1.4.0")
    result = update(cli, project, versions["1.5.0"], "--to", "1.3.0")
    assert_one_line_error(result, "downgrading to 1.3.0 is not supported")
    result = update(cli, project, versions["1.5.0"], "--to", "9.9.9")
    assert_one_line_error(result, "no version 9.9.9", "1.3.0, 1.4.0, 1.5.0")
    result = update(cli, project, versions["1.5.0"], "--defaults")
    assert result.returncode == 0 and answers(project)["_commit"] == "1.5.0"


def test_new_questions_need_defaults_without_a_terminal(cli, project, versions) -> None:
    result = update(cli, project, versions["1.4.0"])
    assert_one_line_error(result, "asks new questions (track_experiments)", "--defaults")
    result = update(cli, project, versions["1.4.0"], "--data", "track_experiments=false")
    assert result.returncode == 0, result.stderr
    assert answers(project)["track_experiments"] is False


def test_unknown_answer_is_refused(cli, project, versions) -> None:
    result = update(cli, project, versions["1.4.0"], "--data", "colour=red")
    assert_one_line_error(result, "no question 'colour'")


def test_not_a_project_or_not_git(cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(cli("update", str(empty)), "has no .copier-answers.yml")
    assert_one_line_error(cli("update", str(tmp_path / "nope")), "is not a folder")
    result = cli("new", TEMPLATE, "nogit", "--defaults", "--no-git")
    assert result.returncode == 0
    assert_one_line_error(cli("update", "nogit"), "not a git repository", "git init")


def test_projects_made_with_plain_copier_copy_update_too(
    cli, versions, tmp_path: Path, env: dict[str, str]
) -> None:
    # Made with plain `copier copy` from the installed templates folder...
    project = tmp_path / "by-copier"
    installed = tmp_path / "installed"
    shutil.copytree(templates_root(), installed, ignore=shutil.ignore_patterns("_shared"))
    copier_copy(installed / TEMPLATE, project, env=env)
    repo = git.Repo.init(project)
    repo.git.add("--all")
    repo.git.commit("-q", "-m", "Generated with copier")
    assert answers(project)["_src_path"] == str(installed / TEMPLATE)
    # ...which mlscaffold met (any run stores the installed version), then upgraded in
    # place, as pip does. The folder an answers file names is never itself stored.
    assert update(cli, project, installed).returncode == 0
    shutil.rmtree(installed)
    shutil.copytree(versions["1.4.0"], installed)
    result = update(cli, project, installed, "--defaults")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "## Release checklist" in (project / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert answers(project)["_commit"] == "1.4.0"
    assert answers(project)["_src_path"].endswith("/mlscaffold/templates/image-classifier.git")


def test_plain_copier_update_understands_the_recorded_source(
    cli, project, versions, env: dict[str, str]
) -> None:
    # Once the store knows 1.4.0, `copier update` alone works on an mlscaffold project.
    assert update(cli, project, versions["1.4.0"], "--dry-run", "--defaults").returncode == 0
    completed = subprocess.run(
        [sys.executable, "-m", "copier", "update", "--defaults", "--skip-answered"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert "## Release checklist" in (project / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_interrupted_update_leaves_the_project_as_it_was(
    cli, project, versions, env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {**env, "MLSCAFFOLD_TEMPLATES_DIR": str(versions["1.4.0"])}.items():
        monkeypatch.setenv(key, value)
    real = update_module.copier_adapter.update

    def interrupted(scratch: Path, *args, **kwargs) -> None:
        real(scratch, *args, **kwargs)  # the scratch clone is fully updated...
        raise KeyboardInterrupt  # ...when the user presses Ctrl-C

    monkeypatch.setattr(update_module.copier_adapter, "update", interrupted)
    before = tree(project)
    with pytest.raises((Cancelled, KeyboardInterrupt)):
        update_module.run_update(project, to=None, defaults=True, data={}, dry_run=False)
    assert tree(project) == before


def test_changing_an_answer_at_the_same_version_rerenders(cli, project) -> None:
    result = cli("update", "--data", "github_username=octocat", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "image-classifier 1.3.0 -> 1.3.0" in result.stdout
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "github.com/octocat/proj" in readme and "your-github-username" not in readme
    assert "My own notes about the data." in (project / "data" / "README.md").read_text()
    assert answers(project)["github_username"] == "octocat"


def test_update_report_shows_hostile_file_names_escaped(tmp_path: Path) -> None:
    from types import SimpleNamespace

    plan = SimpleNamespace(
        project=tmp_path / "proj\x1b[2J",
        template=SimpleNamespace(name=TEMPLATE, path=tmp_path),
        old="1.3.0",
        new="1.4.0",
    )
    forged = "notes\x1b[2J\x1b[HUpdated nothing\u202e.md"
    outcome = update_module.Outcome(changes=[("A", forged)], conflicts=[])
    text = update_module.report(plan, outcome, dry_run=True)  # type: ignore[arg-type]
    assert "\x1b" not in text and "\u202e" not in text
    assert "notes\\x1b[2J\\x1b[HUpdated nothing\\u202e.md" in text and "proj\\x1b[2J" in text
