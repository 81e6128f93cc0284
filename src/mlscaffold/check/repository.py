"""Which files a check looks at, and the git commands it needs (through GitPython).

In a git repository the files are those git would publish: tracked files plus
untracked files that are not ignored (``git add --all`` would take them). In a
plain folder the same question is asked of git with a throw-away empty repository
whose work tree is the folder, so ``.gitignore`` files are honoured there too;
without git at all, every file is listed except well-known tool folders.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscaffold.errors import MlscaffoldError

SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".ipynb_checkpoints",
        ".tox",
        ".nox",
    }
)
"""Environments and caches: never listed when untracked (git would only list them because
.gitignore forgets them, and scanning a virtual environment is slow and noisy)."""

GITLINK, SYMLINK = "160000", "120000"
REDIRECTING_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
)
"""Set by git while it runs hooks; they would point our commands at another repository."""


class GitFailure(MlscaffoldError):
    """git could not read the repository (exit 1, one line)."""


@dataclass(frozen=True)
class Entry:
    """A file of the working tree: its path (``/`` separators) and whether git tracks it."""

    path: str
    tracked: bool
    index_sha: str | None = None
    """The blob id git's index holds for it (tracked files only)."""


@dataclass
class Workspace:
    """The folder being checked and how to ask git about it."""

    root: Path
    git: Any | None
    """A GitPython ``git.Git`` command runner, or None when git is not installed."""
    is_repository: bool
    git_args: Sequence[str] = ()
    """Options that point git at this folder (a throw-away repository for plain folders)."""
    notes: list[str] = field(default_factory=list)

    def run(self, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
        """Run a git command in the folder and return its standard output.

        A failure raises :class:`GitFailure` (when ``check``), naming git's last words.
        """
        assert self.git is not None
        with _stdin_file(stdin) as istream:
            status, out, err = self.git.execute(
                ["git", *self.git_args, *args],
                istream=istream,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
            )
        if check and status != 0:
            message = err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
            lines = message.strip().splitlines()
            reason = lines[-1] if lines else f"exit status {status}"
            raise GitFailure(f"`git {args[0]}` failed in {self.root}: {reason}")
        return bytes(out)

    def stream(self, *args: str, stdin: bytes) -> Any:
        """Start a git command fed with ``stdin``; the caller reads ``.stdout`` and waits."""
        with _stdin_file(stdin) as istream:
            assert self.git is not None
            return self.git.execute(
                ["git", *self.git_args, *args], istream=istream, as_process=True
            )

    def entries(self) -> list[Entry]:
        """The files a push would publish (see the module docstring)."""
        if self.git is None:
            return list(_walk(self.root))
        found: list[Entry] = []
        if self.is_repository:
            for record in self.run("ls-files", "-z", "--stage").split(b"\0"):
                if not record:
                    continue
                meta, _, path = record.partition(b"\t")
                mode, sha, _stage = meta.split(b" ")
                if mode.decode() in (GITLINK, SYMLINK):
                    continue
                found.append(Entry(_decode(path), True, sha.decode()))
        others = self.run("ls-files", "-z", "--others", "--exclude-standard")
        skipped: set[str] = set()
        for raw in others.split(b"\0"):
            if not raw or raw.endswith(b"/"):  # a nested repository
                continue
            relative = _decode(raw)
            parts = relative.split("/")[:-1]
            folder = next((part for part in parts if _skipped_folder(part)), None)
            if folder is None:
                found.append(Entry(relative, False))
            else:
                skipped.add(folder)
        if skipped:
            names = ", ".join(f"{name}/" for name in sorted(skipped))
            self.notes.append(
                f"Untracked {names} skipped: add {'them' if len(skipped) > 1 else 'it'} to "
                ".gitignore so they can never be committed."
            )
        seen: set[str] = set()
        unique = []
        for entry in found:  # a path in conflict appears once per stage
            if entry.path not in seen:
                seen.add(entry.path)
                unique.append(entry)
        return unique

    def is_shallow(self) -> bool:
        """Tell whether the repository is a shallow clone (part of its history is missing)."""
        return self.run("rev-parse", "--is-shallow-repository", check=False).strip() == b"true"

    def ignored(self, probes: Sequence[str]) -> set[str]:
        """Which of ``probes`` (paths that need not exist) the .gitignore files ignore.

        The user's global excludes file is not consulted: it does not protect anyone
        who clones the repository.
        """
        if self.git is None:
            return set()
        out = self.run(
            "-c",
            f"core.excludesFile={os.devnull}",
            "check-ignore",
            "--no-index",
            "--stdin",
            "-z",
            stdin=b"\0".join(p.encode() for p in probes) + b"\0",
            check=False,
        )
        return {_decode(path) for path in out.split(b"\0") if path}


@contextlib.contextmanager
def open_workspace(root: Path) -> Iterator[Workspace]:
    """Give access to ``root``: a git repository, or a plain folder (see the module doc)."""
    from mlscaffold.gitutil import git_available

    if not git_available():
        yield Workspace(
            root,
            None,
            is_repository=False,
            notes=["git is not installed: history rules and .gitignore checks were skipped."],
        )
        return
    with _without(REDIRECTING_VARIABLES):
        yield from _open_with_git(root)


def _open_with_git(root: Path) -> Iterator[Workspace]:
    import git

    from mlscaffold.gitutil import is_repository

    runner = git.Git(str(root))
    if is_repository(root):
        try:
            runner.execute(["git", "rev-parse", "--git-dir"])
        except git.GitCommandError as error:
            reason = (error.stderr or str(error)).strip().splitlines()
            yield Workspace(
                root,
                None,
                is_repository=False,
                notes=[
                    "git could not read this repository "
                    f"({reason[-1] if reason else 'unknown error'}): "
                    "history rules were skipped."
                ],
            )
            return
        yield Workspace(root, runner, is_repository=True)
        return
    notes = ["Not a git repository: history rules were skipped (run `git init` first)."]
    enclosing = _enclosing_repository(runner)
    if enclosing is not None:
        notes.append(
            f"This folder is inside the git repository {enclosing}: check that folder to "
            "include its history."
        )
    scratch = tempfile.mkdtemp(prefix="mlscaffold-check-")
    try:
        git.Git(scratch).execute(["git", "init", "--quiet", "--bare", scratch])
        yield Workspace(
            root,
            runner,
            is_repository=False,
            git_args=("--git-dir", scratch, "--work-tree", str(root)),
            notes=notes,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextlib.contextmanager
def _without(variables: Sequence[str]) -> Iterator[None]:
    """Unset environment variables for the duration (git sets them while running hooks)."""
    saved = {name: os.environ.pop(name) for name in variables if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _enclosing_repository(runner: Any) -> str | None:
    import git

    try:
        return str(runner.execute(["git", "rev-parse", "--show-toplevel"])).strip() or None
    except git.GitCommandError:
        return None


def _walk(root: Path) -> Iterator[Entry]:
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not _skipped_folder(name))
        relative = Path(folder).relative_to(root)
        for name in sorted(files):
            path = relative / name
            if not (root / path).is_symlink():
                yield Entry(path.as_posix(), tracked=False)


def _skipped_folder(name: str) -> bool:
    return name in SKIPPED_FOLDERS or name.endswith(".egg-info")


@contextlib.contextmanager
def _stdin_file(data: bytes | None) -> Iterator[Any]:
    """A real file holding ``data``: git reads it while we read its output (no deadlock)."""
    if data is None:
        yield None
        return
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        handle.seek(0)
        yield handle


def _decode(path: bytes) -> str:
    return path.decode("utf-8", "surrogateescape")
