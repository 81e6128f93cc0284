"""Which files a check looks at, and the git commands it needs (through ``vcs``).

In a git repository the files are those git would publish: tracked files plus
untracked files that are not ignored (``git add --all`` would take them). In a
plain folder the same question is asked of git with a throw-away empty repository
whose work tree is the folder, so ``.gitignore`` files are honoured there too;
without git at all, every file is listed except well-known tool folders.

The repository may be anyone's: every command goes through :mod:`mlscaffold.vcs`,
which runs nothing the repository configures. A command that fails means the audit
could not be completed: it raises :class:`~mlscaffold.errors.RepositoryUnreadable`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mlscaffold import vcs
from mlscaffold.errors import RepositoryUnreadable
from mlscaffold.placement import scratch_folder

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
DAMAGED = "run `git fsck` to see what is damaged, or check a fresh clone"
"""What to do when git cannot read the repository to the end."""


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
    git: vcs.Repository | None
    """The repository (a throw-away one for plain folders), or None when git is not installed."""
    is_repository: bool
    notes: list[str] = field(default_factory=list)

    def run(self, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
        """Run a git command in the folder and return its standard output.

        A failure raises :class:`RepositoryUnreadable` (when ``check``), naming git's last
        words.
        """
        assert self.git is not None
        return self.git.git(
            *args,
            stdin=stdin,
            check=check,
            failure=f"git could not read {self.root}",
            hint=DAMAGED,
            error=RepositoryUnreadable,
        )

    def stream(self, *args: str, stdin: bytes) -> contextlib.AbstractContextManager[IO[bytes]]:
        """Start a git command fed with ``stdin``; read its output inside the ``with``."""
        assert self.git is not None
        return self.git.stream(*args, stdin=stdin, hint=DAMAGED, error=RepositoryUnreadable)

    def missing(self, sha: str, path: str = "") -> RepositoryUnreadable:
        """The error for an object git listed but cannot find."""
        where = f" ({path})" if path else ""
        return RepositoryUnreadable(
            f"git could not read {self.root}: object {sha}{where} is missing; {DAMAGED}"
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
    if not vcs.git_available():
        yield Workspace(
            root,
            None,
            is_repository=False,
            notes=["git is not installed: history rules and .gitignore checks were skipped."],
        )
        return
    repository = vcs.Repository.at(root, error=RepositoryUnreadable)
    if repository is not None:
        yield Workspace(root, repository, is_repository=True)
        return
    notes = ["Not a git repository: history rules were skipped (run `git init` first)."]
    enclosing = vcs.run("rev-parse", "--show-toplevel", cwd=root, check=False).strip()
    if enclosing:
        notes.append(
            f"This folder is inside the git repository {_decode(enclosing)}: check that "
            "folder to include its history."
        )
    with scratch_folder("mlscaffold-check-") as scratch:
        empty = vcs.init(Path(scratch), bare=True, templates=False)
        yield Workspace(root, vcs.Repository(root, empty.git_dir), is_repository=False, notes=notes)


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


def _decode(path: bytes) -> str:
    return path.decode("utf-8", "surrogateescape")
