"""Read git history cheaply: every blob once, through three git processes in all.

``git rev-list --objects`` lists the blobs reachable from any branch, tag or
remote branch, each object once (so a file unchanged across 1,000 commits is one
blob); ``git cat-file --batch-check`` gives their sizes; ``git cat-file --batch``
streams the contents of those worth reading. Only when a finding was made does a
last ``git log --raw`` pass say which commit first added each flagged blob.

An object git lists but cannot read is not skipped: the audit could not be completed,
and :class:`~mlscaffold.errors.RepositoryUnreadable` says so. The log never verifies
signatures nor runs diff drivers, whatever the repository configures.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from mlscaffold import vcs
from mlscaffold.check.repository import Workspace

REFS = ("--branches", "--tags", "--remotes")
SHORT_ID = 10
"""Characters of a commit id shown to the user (unambiguous in any realistic repository)."""
"""What "history" means: everything a push of branches and tags can publish."""


@dataclass(frozen=True)
class HistoryBlob:
    """A file version somewhere in history: its id, a path it had, its size in bytes."""

    sha: str
    path: str
    size: int


def history_blobs(workspace: Workspace) -> list[HistoryBlob]:
    """Every blob reachable from a branch, tag or remote branch, once each."""
    listing = _rev_list(workspace)
    requests = [line for line in listing.split(b"\n") if b" " in line]  # blobs have a path
    if not requests:
        return []
    out = workspace.run(
        "cat-file",
        "--batch-check=%(objectname) %(objecttype) %(objectsize) %(rest)",
        stdin=b"\n".join(requests) + b"\n",
    )
    blobs = []
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        fields = line.split(" ", 3)
        if len(fields) < 4 or not fields[2].isdigit():  # "<sha> <path> missing"
            raise workspace.missing(fields[0], line[len(fields[0]) + 1 :].removesuffix(" missing"))
        sha, kind, size, path = fields
        if kind == "blob":
            blobs.append(HistoryBlob(sha, path, int(size)))
    return blobs


def _rev_list(workspace: Workspace) -> bytes:
    # git >= 2.32 leaves trees out, halving the listing
    blobs_only = ("--filter=object:type=blob",) if vcs.version() >= (2, 32) else ()
    return workspace.run("rev-list", "--objects", *blobs_only, *REFS)


def read_blobs(workspace: Workspace, shas: Collection[str]) -> Iterator[tuple[str, bytes]]:
    """Stream ``(sha, content)`` for each blob in ``shas``: one ``git cat-file --batch``."""
    if not shas:
        return
    request = "\n".join(shas).encode() + b"\n"
    with workspace.stream("cat-file", "--batch", "--buffer", stdin=request) as stdout:
        for _ in range(len(shas)):
            header = stdout.readline().split()
            if len(header) != 3:  # "<sha> missing"
                raise workspace.missing(header[0].decode() if header else "(unknown)")
            data = stdout.read(int(header[2]))
            stdout.read(1)  # the newline after each object
            yield header[0].decode(), data


def first_commits(workspace: Workspace, shas: Collection[str]) -> dict[str, tuple[str, str]]:
    """For each blob in ``shas``, the oldest commit that added it and its path there."""
    if not shas:
        return {}
    wanted = set(shas)
    out = workspace.run(
        "log",
        *REFS,
        "--reverse",
        "--raw",
        "--root",  # the first commit's files too, whatever log.showRoot says
        "--no-abbrev",
        "--no-renames",
        "--no-show-signature",
        "--no-textconv",
        "--no-ext-diff",
        "--format=%x00%H",
    )
    found: dict[str, tuple[str, str]] = {}
    commit = ""
    for line in out.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("\0"):
            commit = line[1 : 1 + SHORT_ID]
        elif line.startswith(":"):
            meta, _, path = line.partition("\t")
            new = meta.split()[3]
            if new in wanted and new not in found:
                found[new] = (commit, path)
                if len(found) == len(wanted):
                    break
    return found
