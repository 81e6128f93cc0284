"""`mlscaffold new` on the happy paths, and the rollback when something fails late."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import git
import pytest
import yaml
from helpers import assert_one_line_error, tree

from mlscaffold import generate as generate_module
from mlscaffold.catalog import get_template
from mlscaffold.errors import Cancelled, GenerationError
from mlscaffold.generate import Request, generate, title_from_folder

TEMPLATE = "image-classifier"


def answers_of(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))


def test_defaults_make_a_committed_project_named_after_the_folder(
    cli, tmp_path: Path, home: Path
) -> None:
    result = cli("new", TEMPLATE, "cats-vs-dogs", "--defaults")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "cats-vs-dogs"
    answers = answers_of(project)
    assert answers["project_name"] == "Cats Vs Dogs"
    assert answers["project_slug"] == "cats-vs-dogs"
    assert answers["package_name"] == "cats_vs_dogs"
    assert (answers["author_name"], answers["author_email"]) == ("Ada Lovelace", "ada@example.com")
    assert (project / "src" / "cats_vs_dogs" / "train.py").is_file()
    # The versioned template store, in the user's data folder
    store = home / ".local" / "share" / "mlscaffold" / "templates" / "image-classifier.git"
    assert answers["_src_path"] == str(store)
    assert answers["_commit"] == answers["_mlscaffold_version"] == "1.3.0"

    repo = git.Repo(project)
    assert repo.active_branch.name == "main"
    commits = list(repo.iter_commits())
    assert len(commits) == 1
    assert commits[0].author.name == "Ada Lovelace"
    assert commits[0].message.startswith("Initial commit from mlscaffold image-classifier")
    assert not repo.is_dirty(untracked_files=True)
    tracked = set(repo.git.ls_files().splitlines())
    assert {".copier-answers.yml", "README.md", "LICENSE", "data/raw/.gitkeep"} <= tracked

    assert "Created Cats Vs Dogs in cats-vs-dogs" in result.stdout
    steps = [
        line.split("#")[0].strip() for line in result.stdout.split("Next steps:")[1].splitlines()
    ]
    report, commit, push = (
        steps.index("make report"),
        steps.index('git add -A && git commit -m "Add results"'),
        next(i for i, step in enumerate(steps) if step.endswith("mlscaffold publish")),
    )
    assert report < commit < push, "results are committed before the push that publishes them"


def test_without_a_destination_the_slug_names_the_folder(cli, tmp_path: Path) -> None:
    result = cli("new", TEMPLATE, "--defaults", "--data", "project_name=Digit Reader")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "digit-reader" / "src" / "digit_reader").is_dir()


def test_missing_parent_folders_are_created(cli, tmp_path: Path) -> None:
    result = cli("new", TEMPLATE, "a/b/project", "--defaults", "--no-git")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "a" / "b" / "project" / "README.md").is_file()


def test_no_git_and_quiet(cli, tmp_path: Path) -> None:
    result = cli("new", TEMPLATE, "p", "--defaults", "--no-git", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert not (tmp_path / "p" / ".git").exists()
    assert (tmp_path / "p" / "README.md").is_file()


def test_unicode_title_is_kept_in_prose_and_slugified_for_paths(cli, tmp_path: Path) -> None:
    name = "Clasificación de Dígitos Ñandú"
    result = cli("new", TEMPLATE, "--defaults", "--data", f"project_name={name}")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "clasificacion-de-digitos-nandu"
    assert answers_of(project)["package_name"] == "clasificacion_de_digitos_nandu"
    assert (project / "README.md").read_text(encoding="utf-8").startswith(f"# {name}\n")
    assert name in (project / "docs" / "blog-post.md").read_text(encoding="utf-8")


def test_a_title_with_no_latin_letters_still_gets_a_valid_slug(cli, tmp_path: Path) -> None:
    result = cli("new", TEMPLATE, "--defaults", "--data", "project_name=数字分类器")
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "ml-project")["package_name"] == "ml_project"


def test_reserved_package_names_get_a_safe_default(cli, tmp_path: Path) -> None:
    result = cli("new", TEMPLATE, "--defaults", "--data", "project_name=Torch")
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "torch")["package_name"] == "torch_project"


def test_answers_are_data_never_templates(cli, tmp_path: Path, home: Path) -> None:
    (home / ".gitconfig").write_text(
        "[user]\n\tname = {{ 6 * 7 }}\n\temail = ada@example.com\n", encoding="utf-8"
    )
    result = cli("new", TEMPLATE, "p", "--defaults", "--data", "description={% raw %}{{ 7 * 7 }}")
    assert result.returncode == 0, result.stderr
    answers = answers_of(tmp_path / "p")
    assert answers["description"] == "{% raw %}{{ 7 * 7 }}"
    assert answers["author_name"] == "{{ 6 * 7 }}"
    readme = (tmp_path / "p" / "README.md").read_text(encoding="utf-8")
    assert "**{% raw %}{{ 7 * 7 }}**" in readme
    assert "42" not in (tmp_path / "p" / "LICENSE").read_text(encoding="utf-8")


def test_without_git_identity_the_answers_author_commits(cli, tmp_path: Path, home: Path) -> None:
    (home / ".gitconfig").unlink()
    result = cli(
        "new",
        TEMPLATE,
        "p",
        "--defaults",
        "--data",
        "author_name=Grace Hopper",
        "--data",
        "author_email=grace@example.com",
    )
    assert result.returncode == 0, result.stderr
    commit = next(git.Repo(tmp_path / "p").iter_commits())
    assert (commit.author.name, commit.author.email) == ("Grace Hopper", "grace@example.com")
    assert (commit.committer.name, commit.committer.email) == ("Grace Hopper", "grace@example.com")
    assert not (home / ".gitconfig").exists(), "the user's global git config was written"
    assert not (tmp_path / "p" / ".git" / "config").read_text().count("[user]")


def test_answers_file_reuses_another_projects_answers(cli, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(
        "_src_path: somewhere\nproject_name: From File\nlicense: Apache-2.0\nunknown_q: 1\n",
        encoding="utf-8",
    )
    result = cli(
        "new", TEMPLATE, "--defaults", "--answers-file", str(answers), "--data", "license=MIT"
    )
    assert result.returncode == 0, result.stderr
    recorded = answers_of(tmp_path / "from-file")
    assert recorded["license"] == "MIT", "--data must win over the answers file"
    assert "ignored: unknown_q" in result.stderr


def test_force_adds_the_project_beside_existing_files(cli, tmp_path: Path) -> None:
    folder = tmp_path / "existing"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "idea.txt").write_text("keep me\n", encoding="utf-8")
    (folder / "data").mkdir()
    (folder / "data" / "mine.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("new", TEMPLATE, "existing", "--defaults", "--force")
    assert result.returncode == 0, result.stderr
    assert (folder / "notes" / "idea.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (folder / "data" / "mine.csv").read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert (folder / "README.md").is_file() and (folder / "data" / "README.md").is_file()
    tracked = git.Repo(folder).git.ls_files().splitlines()
    assert "README.md" in tracked and "data/README.md" in tracked
    assert "notes/idea.txt" not in tracked and "data/mine.csv" not in tracked
    assert "not part of the first commit" in result.stdout


def test_force_into_a_git_repository_does_not_commit(cli, tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / "keep.txt").write_text("x\n", encoding="utf-8")
    result = cli("new", TEMPLATE, "repo", "--defaults", "--force")
    assert result.returncode == 0, result.stderr
    assert not list(git.Repo(folder).iter_commits("--all"))
    assert "already a git repository" in result.stdout


@pytest.mark.parametrize(
    ("folder", "title"),
    [("cats-vs-dogs", "Cats Vs Dogs"), ("my_project", "My Project"), ("digits", "Digits")],
)
def test_title_from_folder(folder: str, title: str) -> None:
    assert title_from_folder(folder) == title


# --- Failures after files exist: everything mlscaffold created goes away ----------------


@pytest.fixture
def in_tmp(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    monkeypatch.chdir(workspace)
    return workspace


def request_for(destination: Path) -> Request:
    return Request(get_template(TEMPLATE), destination, defaults=True)


def test_ctrl_c_while_rendering_leaves_nothing(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_render = generate_module.render

    def render_then_interrupt(template, staging, *args, **kwargs):
        real_render(template, staging, *args, **kwargs)
        assert (staging / "README.md").is_file()  # half the work is done
        raise KeyboardInterrupt

    monkeypatch.setattr(generate_module, "render", render_then_interrupt)
    with pytest.raises(Cancelled):
        generate(request_for(in_tmp / "new" / "project"))
    assert tree(in_tmp) == {} and list(in_tmp.iterdir()) == []


def test_git_failure_removes_the_project_and_created_parents(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_commit(*args, **kwargs):
        raise GenerationError("git could not create the first commit: disk full")

    monkeypatch.setattr(generate_module.vcs, "initial_commit", broken_commit)
    (in_tmp / "kept").mkdir()
    with pytest.raises(GenerationError):
        generate(request_for(in_tmp / "kept" / "deeper" / "project"))
    assert [p.name for p in in_tmp.iterdir()] == ["kept"]
    assert list((in_tmp / "kept").iterdir()) == []


def test_ctrl_c_during_git_with_force_keeps_the_users_files(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted_commit(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generate_module.vcs, "initial_commit", interrupted_commit)
    folder = in_tmp / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    request = Request(get_template(TEMPLATE), folder, defaults=True, force=True)
    with pytest.raises(Cancelled):
        generate(request)
    assert tree(in_tmp) == {"mine/notes.txt": b"mine\n"}


def test_git_failure_is_one_line_exit_1(cli, tmp_path: Path) -> None:
    # A template folder on PATH as "git" that always fails: GitPython's commands break late.
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake_git = fake_bin / "git"
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True).stdout.strip()
    fake_git.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = "commit" ]; then echo "fatal: simulated" >&2; exit 128; fi\n'
        "done\n"
        f'exec {real_git} "$@"\n',
        encoding="utf-8",
    )
    fake_git.chmod(0o755)

    result = cli(
        "new",
        TEMPLATE,
        "p",
        "--defaults",
        extra_env={"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"},
    )
    assert_one_line_error(result, "git could not create the first commit", code=1)
    assert not (tmp_path / "p").exists()


def test_invalid_suggestions_from_git_fall_back_to_template_defaults(
    cli, tmp_path: Path, home: Path
) -> None:
    (home / ".gitconfig").write_text(
        "[user]\n\tname = root\n\temail = root@localhost\n[github]\n\tuser = not valid!\n",
        encoding="utf-8",
    )
    result = cli("new", TEMPLATE, "p", "--defaults")
    assert result.returncode == 0, result.stderr
    answers = answers_of(tmp_path / "p")
    assert answers["author_email"] == "root@localhost"
    assert answers["github_username"] == "your-github-username"


def test_an_invalid_answer_the_user_gave_is_still_an_error(cli, tmp_path: Path) -> None:
    result = cli("new", TEMPLATE, "p", "--defaults", "--data", "github_username=not valid!")
    assert_one_line_error(result, "invalid github_username")


def test_default_python_version_is_the_interpreter_that_generates(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    result = cli("new", TEMPLATE, "p", "--defaults", "--no-git")
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "p")["python_version"] == running
    assert f'requires-python = ">={running}"' in (tmp_path / "p" / "pyproject.toml").read_text()
    # A newer interpreter than any offered version gets the newest offered one.
    monkeypatch.setattr(sys, "version_info", (3, 99, 0, "final", 0))
    result = cli("new", TEMPLATE, "q", "--defaults", "--no-git")
    assert result.returncode == 0, result.stderr
    assert answers_of(tmp_path / "q")["python_version"] == "3.13"


def test_code_scanning_adds_a_job_that_uploads_check_as_sarif(cli, tmp_path: Path) -> None:
    for flag, name in (("true", "on"), ("false", "off")):
        result = cli(
            "new", TEMPLATE, name, "--defaults", "--no-git", "--data", f"code_scanning={flag}",
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    jobs = yaml.safe_load((tmp_path / "on" / ".github/workflows/ci.yml").read_text())["jobs"]
    steps = jobs["publish-check"]["steps"]
    assert jobs["publish-check"]["permissions"]["security-events"] == "write"
    assert any("check --format sarif" in step.get("run", "") for step in steps)
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps
    )
    off = yaml.safe_load((tmp_path / "off" / ".github/workflows/ci.yml").read_text())["jobs"]
    assert "publish-check" not in off
