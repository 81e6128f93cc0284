"""Versioned copies of the installed templates, so that generated projects can be updated.

copier updates a project by rendering the template version the project came from and
the new one, then replaying the user's changes on top; it needs both versions as tags
of a git repository. The templates mlscaffold installs are plain folders, so mlscaffold
keeps one bare git repository per template in the user's data folder
(``platformdirs.user_data_path("mlscaffold")/templates/NAME.git``). Whenever it meets an
installed template whose content it has not stored yet, it commits that content and
tags it with the template version. Projects record this repository and tag as copier's
``_src_path`` and ``_commit``, so the reference stays valid after
``pip install --upgrade mlscaffold`` and plain ``copier update`` understands it too.

Tags are immutable: if the installed content differs from what a version tag holds
(a development install), the new content gets a local-version tag ``VERSION+TREE``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mlscaffold import vcs
from mlscaffold.catalog import Template
from mlscaffold.errors import GenerationError
from mlscaffold.placement import scratch_folder

FINGERPRINTS = "mlscaffold-fingerprints.json"
IDENTITY = {
    "GIT_AUTHOR_NAME": "mlscaffold",
    "GIT_AUTHOR_EMAIL": "mlscaffold@localhost",
    "GIT_COMMITTER_NAME": "mlscaffold",
    "GIT_COMMITTER_EMAIL": "mlscaffold@localhost",
}


def store_root() -> Path:
    """The folder holding one bare repository per template."""
    import platformdirs

    return platformdirs.user_data_path("mlscaffold") / "templates"


@dataclass(frozen=True)
class Snapshot:
    """A stored template version: the repository and the tag naming it."""

    repository: Path
    tag: str


class Store:
    """The bare git repository that holds every version of one template seen on this machine."""

    def __init__(self, name: str, root: Path | None = None) -> None:
        self.name = name
        self.repository = (root or store_root()) / f"{name}.git"

    def _git(
        self, *args: str, env: dict[str, str] | None = None, work_tree: Path | None = None
    ) -> str:
        location = ["--git-dir", str(self.repository)]
        if work_tree is not None:
            location += ["--work-tree", str(work_tree)]
        output = vcs.run(
            *args,
            location=location,
            config=[("core.bare", "false")],
            env=env,
            failure=f"template store {self.repository}: git {args[0]} failed",
        )
        return output.decode("utf-8", "replace")

    def tags(self) -> list[str]:
        """All version tags, oldest first.

        Releases sort by their numbers; local variants of one release (``1.0.0+TREE``,
        from development installs) sort by when they were stored, not by their hash.
        """
        if not self.repository.is_dir():
            return []
        stored = self._git(
            "for-each-ref", "--sort=committerdate", "--format=%(refname:short)", "refs/tags"
        ).split()
        return sorted(stored, key=release_numbers)  # a stable sort keeps the store order

    def is_newer(self, tag: str, than: str) -> bool:
        """Tell whether ``tag`` comes after ``than`` in :meth:`tags` order."""
        order = self.tags()
        return order.index(tag) > order.index(than)

    def has(self, tag: str) -> bool:
        """Tell whether ``tag`` exists."""
        return tag in self.tags()

    def snapshot(self, template: Template) -> Snapshot:
        """Store the installed ``template`` if needed; return the tag that names its content."""
        with self._locked():
            fingerprint = _fingerprint(template.path)
            known = self._fingerprints()
            if fingerprint in known:  # tags are never moved or deleted by mlscaffold
                return Snapshot(self.repository, known[fingerprint])
            tree = self._write_tree(template.path)
            tag = self._tag_for(template.version, tree)
            known[fingerprint] = tag
            (self.repository / FINGERPRINTS).write_text(json.dumps(known, indent=1))
            return Snapshot(self.repository, tag)

    def _tag_for(self, version: str, tree: str) -> str:
        """Find or create the tag for ``tree``: VERSION, or VERSION+TREE if VERSION differs."""
        for tag in (version, f"{version}+{tree[:8]}"):
            if not self.has(tag):
                self._commit(tree, tag)
                return tag
            if self._git("rev-parse", f"{tag}^{{tree}}").strip() == tree:
                return tag
        raise GenerationError(f"template store {self.repository}: tag {version} is inconsistent")

    def _commit(self, tree: str, tag: str) -> None:
        parents = []
        if self._git("for-each-ref", "refs/heads/main").strip():
            parents = ["-p", "refs/heads/main"]
        message = f"{self.name} {tag}"
        commit = self._git(
            "commit-tree", "--no-gpg-sign", tree, *parents, "-m", message, env=IDENTITY
        ).strip()
        self._git("update-ref", "refs/heads/main", commit)
        self._git("tag", tag, commit)

    def _write_tree(self, folder: Path) -> str:
        """Hash every file of ``folder`` into the store and return the tree id."""
        with scratch_folder("mlscaffold-index-") as tmp:
            index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            # --force: the user's global excludes must not drop template files
            self._git("add", "--all", "--force", ".", env=index, work_tree=folder)
            return self._git("write-tree", env=index).strip()

    def _fingerprints(self) -> dict[str, str]:
        try:
            data = json.loads((self.repository / FINGERPRINTS).read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise writers (several mlscaffold processes may run at once).

        The lock file sits beside the repository, so the first writer creates the
        repository under the lock (:meth:`_create`) and no two runs ever race to make it.
        """
        self.repository.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.repository.with_name(f"{self.name}.lock")
        with lock_path.open("a") as lock:
            try:
                import fcntl
            except ImportError:  # Windows: no advisory locks; runs are rarely concurrent there
                self._create()
                yield
                return
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._create()
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _create(self) -> None:
        """Make the bare repository if it is missing, whole or not at all.

        It is made in a temporary folder beside its place and renamed into it, so that
        readers, who do not take the lock (:meth:`tags`), never see half a repository.
        """
        if (self.repository / "HEAD").is_file():
            return
        if self.repository.exists():  # left half made by an older mlscaffold: finish it
            vcs.init(self.repository, bare=True, templates=False)
            return
        scratch = Path(tempfile.mkdtemp(prefix=f".{self.name}-", dir=self.repository.parent))
        try:
            vcs.init(scratch, bare=True, templates=False)
            scratch.rename(self.repository)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise


def _fingerprint(folder: Path) -> str:
    """A cheap identity of a folder's content: paths, sizes and modification times."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{stat.st_size}\0".encode())
            digest.update(f"{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def release_numbers(tag: str) -> tuple[int, ...]:
    """The release part of a tag as numbers: 1.10.0+abc12345 -> (1, 10, 0)."""
    release = tag.partition("+")[0]
    return tuple(int(part) if part.isdigit() else -1 for part in release.split("."))
