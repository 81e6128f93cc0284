"""`check` and `update` on repositories nobody should trust: nothing they configure runs.

Each hostile setting points at a canary script that records its own run; the promise is
that the canary never runs (a missing file). The repositories are built with real git in
``tmp_path``; the user's HOME is isolated by the ``env`` fixture.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import assert_one_line_error, canary_record, tree, write_canary

from mlscaffold.catalog import templates_root

TEMPLATE = "image-classifier"
TOKEN = "ghp_" + "Zq8Xw2Lr5Tn7Vb4Mk9Pc3Hd6Jf1Gs0Ay5Ue7o"  # shaped like a token, not one
HOOKS = (
    "applypatch-msg",
    "commit-msg",
    "post-applypatch",
    "post-checkout",
    "post-commit",
    "post-index-change",
    "post-merge",
    "post-rewrite",
    "pre-applypatch",
    "pre-auto-gc",
    "pre-commit",
    "pre-merge-commit",
    "pre-push",
    "pre-rebase",
    "prepare-commit-msg",
    "reference-transaction",
)


@pytest.fixture
def canary(tmp_path: Path) -> Path:
    """A script that appends its name and arguments to ``ran.txt`` when anything runs it."""
    return write_canary(tmp_path)


ran = canary_record


def git(env: dict[str, str], cwd: Path, *args: str) -> str:
    """The test's own git (hooks off, so only mlscaffold's commands can trip a canary)."""
    completed = subprocess.run(
        ["git", "-c", f"core.hooksPath={os.devnull}", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def make_repository(env: dict[str, str], path: Path, *, secret_in_history: bool = False) -> Path:
    """A small publishable repository; optionally with a token in a file deleted since."""
    path.mkdir(parents=True)
    git(env, path, "init", "--quiet", "--initial-branch=main")
    (path / "README.md").write_text("# Demo\n\nA project.\n")
    (path / "LICENSE").write_text("MIT License\n")
    git(env, path, "add", "--all")
    git(env, path, "commit", "--quiet", "--no-gpg-sign", "-m", "first")
    if secret_in_history:
        (path / "settings.py").write_text(f'TOKEN = "{TOKEN}"\n')
        git(env, path, "add", "--all")
        git(env, path, "commit", "--quiet", "--no-gpg-sign", "-m", "settings")
        (path / "settings.py").unlink()
        git(env, path, "commit", "--quiet", "--no-gpg-sign", "-am", "drop settings")
    return path


def sign_head(env: dict[str, str], repo: Path) -> None:
    """Give HEAD a (fake) signature header, so `git log --show-signature` would verify it."""
    body = git(env, repo, "cat-file", "commit", "HEAD")
    header, _, message = body.partition("\n\n")
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n fake\n -----END PGP SIGNATURE-----"
    signed = f"{header}\n{signature}\n\n{message}"
    completed = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo,
        env=env,
        input=signed,
        capture_output=True,
        text=True,
        check=True,
    )
    git(env, repo, "update-ref", "refs/heads/main", completed.stdout.strip())


def hooks_folder(path: Path, canary: Path) -> Path:
    """A folder with every hook git knows, each one the canary."""
    path.mkdir(parents=True, exist_ok=True)
    for name in HOOKS:
        hook = path / name
        hook.write_text(f'#!/bin/sh\n"{canary}" {name}\nexit 0\n')
        hook.chmod(0o755)
    return path


def hostile_config(env: dict[str, str], repo: Path, canary: Path) -> None:
    """Everything a repository's own config can make git execute, pointed at the canary."""
    for key, value in {
        "core.fsmonitor": str(canary),
        "core.pager": str(canary),
        "log.showSignature": "true",
        "gpg.program": str(canary),
        "diff.external": str(canary),
        "diff.x.textconv": str(canary),
        "diff.x.command": str(canary),
        "core.askPass": str(canary),
        "credential.helper": f"!{canary}",
    }.items():
        git(env, repo, "config", key, value)


# --- check ---------------------------------------------------------------------------


def test_check_never_runs_the_repositorys_fsmonitor(cli, env, tmp_path: Path, canary) -> None:
    repo = make_repository(env, tmp_path / "repo")
    git(env, repo, "config", "core.fsmonitor", f"{canary} fsmonitor; false")
    result = cli("check", str(repo))
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(tmp_path) == ""


def test_check_never_runs_a_signature_program_or_diff_driver(
    cli, env, tmp_path: Path, canary
) -> None:
    repo = make_repository(env, tmp_path / "repo", secret_in_history=True)
    sign_head(env, repo)
    (repo / ".gitattributes").write_text("* diff=x\n")
    hostile_config(env, repo, canary)
    hooks_folder(repo / ".git" / "hooks", canary)
    result = cli("check", str(repo))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[github-token]" in result.stdout and "history" in result.stdout
    assert ran(tmp_path) == ""


def test_check_follows_a_git_file_without_running_what_its_git_folder_configures(
    cli, env, tmp_path: Path, canary
) -> None:
    repo = make_repository(env, tmp_path / "repo", secret_in_history=True)
    elsewhere = tmp_path / "elsewhere.git"
    shutil.move(str(repo / ".git"), elsewhere)
    (repo / ".git").write_text(f"gitdir: {elsewhere}\n")
    sign_head(env, repo)
    hostile_config(env, repo, canary)
    hooks_folder(elsewhere / "hooks", canary)
    result = cli("check", str(repo))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[github-token]" in result.stdout
    assert ran(tmp_path) == ""


def test_check_never_runs_filters(cli, env, tmp_path: Path, canary) -> None:
    repo = make_repository(env, tmp_path / "repo")
    (repo / ".gitattributes").write_text("* filter=x\n")
    git(env, repo, "add", ".gitattributes")
    git(env, repo, "commit", "--quiet", "--no-gpg-sign", "-m", "attributes")
    for key in ("clean", "smudge", "process"):
        git(env, repo, "config", f"filter.x.{key}", str(canary))
    (repo / "README.md").touch()  # stat-dirty: a refreshing command would re-read it
    result = cli("check", str(repo))
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(tmp_path) == ""


def test_missing_objects_stop_the_audit_with_its_own_error(cli, env, tmp_path: Path) -> None:
    from mlscaffold.check import audit
    from mlscaffold.errors import RepositoryUnreadable

    repo = make_repository(env, tmp_path / "repo", secret_in_history=True)
    blob = git(env, repo, "rev-parse", "HEAD~1:settings.py").strip()
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(RepositoryUnreadable) as raised:
        audit(repo)
    assert "missing" in str(raised.value) and blob[:10] in str(raised.value)
    result = cli("check", str(repo))
    assert_one_line_error(result, "could not read", "git fsck", code=result.returncode)
    assert result.returncode not in (0, 2)


# --- update --------------------------------------------------------------------------


@pytest.fixture
def project(cli, env, tmp_path: Path) -> Path:
    """A project generated by mlscaffold and committed (at the installed version)."""
    result = cli("new", TEMPLATE, "proj", "--defaults")
    assert result.returncode == 0, result.stderr
    return tmp_path / "proj"


def newer_templates(tmp_path: Path) -> Path:
    """A copy of the installed templates where image-classifier is 1.4.0 with a new file."""
    destination = tmp_path / "v110"
    shutil.copytree(templates_root(), destination, ignore=shutil.ignore_patterns("_shared"))
    config = destination / TEMPLATE / "copier.yml"
    config.write_text(config.read_text().replace('default: "1.3.0"', 'default: "1.4.0"'))
    (destination / TEMPLATE / "template" / "docs" / "faq.md").write_text("# FAQ\n")
    return destination


@pytest.mark.parametrize(
    ("args", "newer"),
    [((), False), (("--dry-run",), False), (("--defaults",), True)],
    ids=["up-to-date", "dry-run", "real-update"],
)
def test_update_never_runs_the_projects_fsmonitor_or_hooks(
    cli, env, project: Path, tmp_path: Path, canary, args: tuple[str, ...], newer: bool
) -> None:
    git(env, project, "config", "core.fsmonitor", f"{canary} fsmonitor; false")
    hooks_folder(project / ".git" / "hooks", canary)
    (project / "README.md").touch()
    extra = {"MLSCAFFOLD_TEMPLATES_DIR": str(newer_templates(tmp_path))} if newer else {}
    result = cli("update", *args, cwd=project, extra_env=extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ran(tmp_path) == ""


def test_update_refuses_a_project_whose_config_names_a_filter(
    cli, env, project: Path, tmp_path: Path, canary
) -> None:
    (project / ".gitattributes").write_text("* filter=x\n")
    git(env, project, "add", ".gitattributes")
    git(env, project, "commit", "--quiet", "--no-gpg-sign", "-m", "attributes")
    (project / ".git" / "more.cfg").write_text(f'[filter "x"]\n\tclean = {canary}\n')
    git(env, project, "config", "include.path", "more.cfg")
    (project / "README.md").touch()
    before = tree(project)
    result = cli("update", "--dry-run", cwd=project)
    assert_one_line_error(result, "filter.x.clean", f"git config --file {project}/.git/more.cfg")
    assert ran(tmp_path) == ""
    assert tree(project) == before


def test_the_users_global_hooks_never_run_during_new_and_update(
    cli, env, home: Path, tmp_path: Path, canary
) -> None:
    hooks = hooks_folder(tmp_path / "global-hooks", canary)
    templates = tmp_path / "git-template"
    hooks_folder(templates / "hooks", canary)
    with (home / ".gitconfig").open("a") as config:
        config.write(f"[core]\n\thooksPath = {hooks}\n[init]\n\ttemplateDir = {templates}\n")
    result = cli("new", TEMPLATE, "proj", "--defaults")
    assert result.returncode == 0, result.stderr
    assert ran(tmp_path) == ""
    project = tmp_path / "proj"
    extra = {"MLSCAFFOLD_TEMPLATES_DIR": str(newer_templates(tmp_path))}
    result = cli("update", "--defaults", cwd=project, extra_env=extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "docs" / "faq.md").is_file()
    assert ran(tmp_path) == ""


def test_tampered_answers_cannot_put_a_folder_into_the_template_store(
    cli, env, project: Path, tmp_path: Path
) -> None:
    # An attacker's project names a folder of its own as the template, at a made-up version.
    attacker = tmp_path / "attacker"
    shutil.copytree(project, attacker)
    evil = attacker / "evil"
    shutil.copytree(templates_root() / TEMPLATE, evil)
    config = evil / "copier.yml"
    config.write_text(config.read_text().replace('default: "1.3.0"', 'default: "9.9.9"'))
    (evil / "template" / "EVIL.md").write_text("planted\n")
    answers_file = attacker / ".copier-answers.yml"
    answers = yaml.safe_load(answers_file.read_text())
    answers.update(_src_path="evil", _commit="9.9.9", _mlscaffold_version="9.9.9")
    answers_file.write_text(yaml.safe_dump(answers))
    git(env, attacker, "add", "--all")
    git(env, attacker, "commit", "--quiet", "--no-gpg-sign", "-m", "tampered")

    result = cli("update", "--dry-run", "--defaults", cwd=attacker)
    assert_one_line_error(result, "evil", "template store", "regenerate")
    # An honest project can not be "updated" to what the attacker stored.
    result = cli("update", "--to", "9.9.9", "--defaults", cwd=project)
    assert_one_line_error(result, "no version 9.9.9")
    assert not (project / "EVIL.md").exists()


# --- new -----------------------------------------------------------------------------


def failing_git(tmp_path: Path, on: str) -> dict[str, str]:
    """A PATH whose `git` fails every `git ... ON ...` command and runs the others."""
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    real = shutil.which("git")
    fake = fake_bin / "git"
    fake.write_text(
        "#!/bin/sh\n"
        f'for arg in "$@"; do [ "$arg" = "{on}" ] && {{ echo "fatal: simulated" >&2; exit 128; }}; '
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    fake.chmod(0o755)
    return {"PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}"}


def test_a_failed_first_commit_leaves_no_git_folder_beside_the_users_files(
    cli, tmp_path: Path
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    result = cli(
        "new", TEMPLATE, "mine", "--defaults", "--force", extra_env=failing_git(tmp_path, "commit")
    )
    assert_one_line_error(result, "git could not create the first commit", code=1)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_without_git_no_git_still_generates_on_a_fresh_store(
    mlscaffold, tmp_path: Path, home: Path
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    result = mlscaffold(
        "new", TEMPLATE, "p", "--defaults", "--no-git", extra_env={"PATH": str(empty_bin)}
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "p" / "README.md").is_file()
    result = mlscaffold("update", "p", extra_env={"PATH": str(empty_bin)})
    assert_one_line_error(result, "git is not installed", code=result.returncode)
    assert result.returncode in (1, 2)
