"""Git through GitPython: read the user's identity, create the first commit.

Nothing here writes the user's git configuration: when no identity is set, the
first commit is made with the author from the answers, passed per command.
"""

from __future__ import annotations

import os
import re
import shutil
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


def _config_value(key: str) -> str | None:
    import git

    try:
        value = git.Git().config("--get", key)
    except git.GitCommandError:  # exit status 1: the key is not set
        return None
    return str(value).strip() or None


def configured_identity() -> Identity | None:
    """Return ``user.name``/``user.email`` from git's config, or None when either is missing."""
    if not git_available():
        return None
    name, email = _config_value("user.name"), _config_value("user.email")
    return Identity(name, email) if name and email else None


def github_username_hint() -> str | None:
    """Guess a GitHub login from ``github.user`` or a GitHub noreply e-mail address."""
    if not git_available():
        return None
    user = _config_value("github.user")
    if user:
        return user
    email = _config_value("user.email") or ""
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
        repo = git.Repo.init(path)
        repo.git.symbolic_ref("HEAD", f"refs/heads/{BRANCH}")
        pathspec = [p.relative_to(path).as_posix() for p in only] if only is not None else []
        repo.git.add("--all", "--", *pathspec)
        repo.git.execute(
            [
                "git",
                "-c",
                f"core.hooksPath={os.devnull}",
                "commit",
                "--quiet",
                "--no-verify",
                "--no-gpg-sign",
                "--message",
                message,
            ],
            env={**os.environ, **env},
        )
        sha = repo.head.commit.hexsha[:7]
        repo.close()
    except git.GitCommandError as error:
        detail = (error.stderr or str(error)).strip().splitlines()
        reason = detail[-1] if detail else "git failed"
        raise GenerationError(f"git could not create the first commit: {reason}") from error
    return sha
