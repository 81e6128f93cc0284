"""Git through GitPython: read the user's identity, create the first commit.

Nothing here writes the user's git configuration: when no identity is set, the
first commit is made with the author from the answers, passed per command.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlscaffold.errors import GenerationError

BRANCH = "main"


@dataclass(frozen=True)
class Identity:
    """A git author."""

    name: str
    email: str


def git_available() -> bool:
    """Tell whether a ``git`` executable is on PATH (GitPython needs one)."""
    return shutil.which("git") is not None


@functools.cache
def _config() -> dict[str, str]:
    """The user's git settings that mlscaffold reads, in one git call per process.

    A plain subprocess rather than GitPython: reading three settings should not cost
    GitPython's import (~45 ms) in runs that make no commit (``--no-git``).
    """
    completed = subprocess.run(
        ["git", "config", "--get-regexp", r"^(user\.(name|email)|github\.user)$"],
        capture_output=True,
        text=True,
        check=False,
    )
    values: dict[str, str] = {}
    for line in completed.stdout.splitlines():
        key, _, value = line.partition(" ")
        values[key.lower()] = value.strip()
    return values


def configured_identity() -> Identity | None:
    """Return ``user.name``/``user.email`` from git's config, or None when either is missing."""
    if not git_available():
        return None
    config = _config()
    name, email = config.get("user.name"), config.get("user.email")
    return Identity(name, email) if name and email else None


def github_username_hint() -> str | None:
    """Guess a GitHub login from ``github.user`` or a GitHub noreply e-mail address."""
    if not git_available():
        return None
    config = _config()
    if config.get("github.user"):
        return config["github.user"]
    email = config.get("user.email", "")
    match = re.fullmatch(r"(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com", email)
    return match.group(1) if match else None


def is_repository(path: Path) -> bool:
    """Tell whether ``path`` itself holds a ``.git`` folder or file."""
    return (path / ".git").exists()


def initial_commit(
    path: Path, message: str, fallback: Identity, only: list[Path] | None = None
) -> str:
    """``git init`` on branch main, add the project, commit; return the short SHA.

    Everything not ignored is added, or only the paths in ``only`` (used when the
    project was added beside files the user already had: those stay untracked).
    The commit uses the configured identity when there is one and ``fallback``
    otherwise. Hooks and signing are switched off for this one command, so a
    global hook or a GPG prompt cannot break or stall generation.
    """
    import git

    identity = configured_identity() or fallback
    env = {
        "GIT_AUTHOR_NAME": identity.name,
        "GIT_AUTHOR_EMAIL": identity.email,
        "GIT_COMMITTER_NAME": identity.name,
        "GIT_COMMITTER_EMAIL": identity.email,
    }
    try:
        try:
            repo = git.Repo.init(path, initial_branch=BRANCH)
        except git.GitCommandError:  # git older than 2.28 has no --initial-branch
            repo = git.Repo.init(path)
            repo.git.symbolic_ref("HEAD", f"refs/heads/{BRANCH}")
        pathspec = [p.relative_to(path).as_posix() for p in only] if only is not None else []
        repo.git.add("--all", "--", *pathspec)
        repo.git.execute(
            [
                "git",
                "-c",
                f"core.hooksPath={os.devnull}",
                # no background housekeeping for a one-commit repository
                "-c",
                "maintenance.auto=false",
                "-c",
                "gc.auto=0",
                "commit",
                "--quiet",
                "--no-verify",
                "--no-gpg-sign",
                "--message",
                message,
            ],
            env={**os.environ, **env},
        )
        # Read the new commit's id from the ref files: repo.head.commit would start a
        # `git cat-file --batch-check` process just to learn the object type.
        sha = git.SymbolicReference.dereference_recursive(repo, "HEAD")[:7]
        repo.close()
    except git.GitCommandError as error:
        detail = (error.stderr or str(error)).strip().splitlines()
        reason = detail[-1] if detail else "git failed"
        raise GenerationError(f"git could not create the first commit: {reason}") from error
    return sha
