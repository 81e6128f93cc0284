"""Write the portfolio's files without ever losing one the learner wrote or edited.

A manifest (``.mlscaffold-portfolio.json`` in the output folder) keeps the SHA-256
of every file the last run wrote. A file on disk may be replaced when it still has
that hash (nobody touched it) or already holds the new content; anything else is
the learner's and is refused unless ``force``. All checks run before the first
write; each file is written to a temporary sibling and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlscaffold.errors import UsageError

MANIFEST = ".mlscaffold-portfolio.json"


@dataclass
class WriteResult:
    """What a run changed: files written, unchanged, and stale ones removed or kept."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def write_tree(out: Path, files: Mapping[str, bytes], *, force: bool) -> WriteResult:
    """Write ``files`` under ``out``; refuse (UsageError) to replace what is not ours."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder; choose another --out")
    previous = _read_manifest(out)
    conflicts = [
        path
        for path, content in files.items()
        if not _replaceable(out / path, content, previous.get(path), force)
    ]
    if conflicts:
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise UsageError(
            f"{out / conflicts[0]}{more} was not written by mlscaffold portfolio or was edited "
            "since; move it away, choose another --out, or pass --force to overwrite"
        )
    result = WriteResult()
    for path, content in files.items():
        target = out / path
        if target.is_file() and not target.is_symlink() and target.read_bytes() == content:
            result.unchanged.append(path)
            continue
        _atomic_write(target, content)
        result.written.append(path)
    for path, digest in previous.items():
        if path in files:
            continue
        target = out / path
        if target.is_file() and not target.is_symlink() and _sha256(target.read_bytes()) == digest:
            target.unlink()
            result.removed.append(path)
        elif target.exists():
            result.kept.append(path)
    manifest = {"files": {path: _sha256(content) for path, content in sorted(files.items())}}
    _atomic_write(out / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return result


def _replaceable(target: Path, content: bytes, digest: str | None, force: bool) -> bool:
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return False  # never write through a link, never replace a folder
    if not target.exists() or force:
        return True
    current = target.read_bytes()
    return current == content or (digest is not None and _sha256(current) == digest)


def _read_manifest(out: Path) -> dict[str, str]:
    try:
        loaded = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = loaded["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if ".." not in Path(str(k)).parts}


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _atomic_write(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        temporary.chmod(0o644)
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
