"""Safe placement of a rendered project: stage beside the destination, then move in.

Rendering happens in a hidden staging folder next to the destination, so a
failure or Ctrl-C at any point leaves the destination as it was. Moving in is a
rename, or a copy where the destination is on another file system (an empty
mount point); every path created is recorded so that a later failure (for
example in git) can undo exactly what mlscaffold added and nothing the user had
before.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from mlscaffold import interrupts
from mlscaffold.errors import UsageError

STAGING_PREFIX = ".mlscaffold-"


def check_destination(destination: Path, *, force: bool) -> None:
    """Refuse a destination that is a file, unwritable, or non-empty without ``force``."""
    check_name_lengths(destination)
    if destination.is_symlink() and not destination.exists():
        raise UsageError(
            f"destination {destination} is a symbolic link to {destination.readlink()}, "
            "which is missing; remove the link or give another folder"
        )
    if destination.is_file() or (destination.exists() and not destination.is_dir()):
        raise UsageError(f"destination {destination} is a file; give a folder path")
    if destination.is_dir():
        if not force and any(destination.iterdir()):
            raise UsageError(
                f"destination {destination} is not empty; choose a new folder, or pass "
                "--force to add the project beside the existing files (none is overwritten)"
            )
        if not os.access(destination, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write to {destination}: permission denied")
        return
    ancestor = _nearest_existing(destination)
    if not ancestor.is_dir():
        raise UsageError(f"cannot create {destination}: {ancestor} is a file, not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UsageError(f"cannot create {destination}: {ancestor} is not writable")


def check_name_lengths(path: Path) -> None:
    """Refuse a path with a part longer than its file system allows (usually 255 bytes)."""
    ancestor = _nearest_existing(path.absolute())
    try:
        limit = os.pathconf(ancestor, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # Windows, or a file system that won't say
        limit = 255
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > limit:
            shown = part[:40] + ("..." if len(part) > 40 else "")
            raise UsageError(
                f"the name '{shown}' is too long for the file system ({size} bytes; at most "
                f"{limit}); choose a shorter folder name"
            )


def beside(destination: Path) -> Path:
    """Where to stage a project for ``destination``: the parent of its resolved path.

    Resolved, so that ``.``, ``..`` and a symbolic link stage beside the real folder
    and not inside it. Where that parent cannot be written (the parent of a mount
    point often cannot), the temporary folder; moving in is then a copy.
    """
    parent = destination.resolve().parent
    if parent != destination.resolve() and os.access(parent, os.W_OK | os.X_OK):
        return parent
    return Path(tempfile.gettempdir())


def find_conflicts(staging: Path, destination: Path, limit: int = 5) -> list[str]:
    """List files of the rendered project that already exist in ``destination``."""
    conflicts: list[str] = []
    if not destination.is_dir():
        return conflicts
    for root, dirs, files in os.walk(staging):
        for name in [*files, *dirs]:
            relative = (Path(root) / name).relative_to(staging)
            target = destination / relative
            is_dir = (Path(root) / name).is_dir()
            if target.exists() and (not is_dir or not target.is_dir()):
                conflicts.append(relative.as_posix())
                if len(conflicts) >= limit:
                    return conflicts
    return conflicts


def _copy(source: Path, goal: Path) -> None:
    """Copy a file, link or folder to ``goal``; FileExistsError if ``goal`` exists."""
    if source.is_symlink():
        goal.symlink_to(source.readlink())
    elif source.is_dir():
        shutil.copytree(source, goal, symlinks=True)  # creates goal first, or fails
    else:
        with source.open("rb") as reading, goal.open("xb") as writing:
            shutil.copyfileobj(reading, writing)
        shutil.copystat(source, goal)


def _nearest_existing(path: Path) -> Path:
    for candidate in [path, *path.parents]:
        try:
            if candidate.exists():
                return candidate
        except OSError:  # e.g. a name too long: it does not exist either
            continue
    return Path(path.anchor)


class Placement:
    """Records what it creates and can remove exactly that again."""

    def __init__(self) -> None:
        self.created: list[Path] = []

    def make_parents(self, path: Path) -> None:
        """Create the missing parents of ``path``, remembering each one."""
        missing = [p for p in reversed(path.parents) if not p.exists()]
        for parent in missing:
            try:
                parent.mkdir()
            except OSError as error:
                raise UsageError(f"cannot create {parent}: {error.strerror or error}") from None
            self.created.append(parent)

    def move_in(self, staging: Path, destination: Path) -> None:
        """Move the staged project to ``destination`` (new, empty or merged with --force)."""
        if not destination.exists():
            self._move(staging, destination)
            return
        self._merge(staging, destination)

    def _merge(self, source: Path, target: Path) -> None:
        for entry in sorted(source.iterdir()):
            goal = target / entry.name
            if goal.is_dir() and entry.is_dir() and not entry.is_symlink():
                self._merge(entry, goal)
            elif goal.exists() or goal.is_symlink():
                # find_conflicts ran before; reaching this means the tree changed under us
                raise UsageError(f"{goal} appeared while generating; nothing was overwritten")
            else:
                self._move(entry, goal)

    def _move(self, source: Path, goal: Path) -> None:
        """Rename ``source`` to ``goal``, or copy it there from another file system."""
        try:
            source.rename(goal)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            self._copy_in(source, goal)
        else:
            self.created.append(goal)

    def _copy_in(self, source: Path, goal: Path) -> None:
        """Copy ``source`` to ``goal``; ``source`` stays, in the staging folder removed later."""
        try:
            _copy(source, goal)
        except FileExistsError:
            raise UsageError(f"{goal} appeared while generating; nothing was overwritten") from None
        except BaseException:
            self.created.append(goal)  # a partial copy: undo removes it
            raise
        self.created.append(goal)

    def undo(self) -> None:
        """Remove what this placement created, newest first."""
        for path in reversed(self.created):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        self.created.clear()


@contextmanager
def staging_folder(parent: Path) -> Iterator[Path]:
    """Yield a fresh hidden folder inside ``parent``; it is removed on exit, whatever happens."""

    def refused(error: OSError) -> Exception:
        return UsageError(f"cannot write in {parent}: {error.strerror or error}")

    with scratch_folder(STAGING_PREFIX, parent, refused=refused) as staging:
        yield staging


@contextmanager
def scratch_folder(
    prefix: str,
    parent: Path | None = None,
    *,
    refused: Callable[[OSError], Exception] | None = None,
) -> Iterator[Path]:
    """A new folder (in ``parent``, default TMPDIR), removed on exit whatever happens.

    Signals are held back while it is created (see :class:`interrupts.held`): a Ctrl-C,
    SIGTERM or SIGHUP that arrives then is delivered once removal is guaranteed, so the
    folder is never left behind. ``refused`` turns a failure to create it into an error.
    """
    with interrupts.held() as signals:
        try:
            folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        except OSError as error:
            if refused is None:
                raise
            raise refused(error) from None
        try:
            signals.release()
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)
