"""Read every file once, every history blob once, and run the per-file rules on each.

The working tree is read file by file (each exactly once); history blobs that are
not also in the working tree are streamed from one ``git cat-file --batch``.
Binary content (a NUL byte in the first 8 KB, git's own test) is never searched.
A secret found in several places is reported once per working-tree file and once
for all of history; a working-tree report says so when the secret is committed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscaffold.check import credentials, docs, files, history, notebooks, writeup
from mlscaffold.check.config import marker_ignored
from mlscaffold.check.findings import Finding, Location, hash_secret
from mlscaffold.check.repository import Entry, Workspace
from mlscaffold.check.rules import RULES, secret_fix
from mlscaffold.check.secrets import SecretScanner, default_scanner

BINARY_PROBE = 8000
"""Bytes looked at for a NUL to tell binary from text (what git does)."""
BATCH_BYTES = 512 * 1024
"""Text is searched for secrets this much at a time (see SecretScanner.scan_many)."""


def is_binary(data: bytes) -> bool:
    """Git's own test: a NUL byte near the start means binary."""
    return b"\0" in data[:BINARY_PROBE]


def _read(path: str, limit: int) -> bytes | None:
    """The file's bytes, or None when it has grown past ``limit`` since it was measured."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def blob_id(data: bytes) -> str:
    """The id git gives this content (so tree files and history blobs can be matched)."""
    digest = hashlib.sha1(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


@dataclass
class _Secret:
    finding: Finding
    value: str
    blob: str
    committed: bool = False
    copies: list[tuple[str, str]] = field(default_factory=list)
    """(path, blob) of the other history versions that hold the same value."""


@dataclass
class Scan:
    """What the per-file pass found, and what the project-level rules need from it."""

    findings: list[Finding] = field(default_factory=list)
    ignored: int = 0
    paths: set[str] = field(default_factory=set)
    kept: dict[str, bytes] = field(default_factory=dict)
    """Contents of the files the documentation rules read (README, blog draft, model card)."""
    blob_ids: dict[str, str] = field(default_factory=dict)
    """The git blob id of every file read, by path: what the work tree holds now."""
    files_scanned: int = 0
    history_blobs_scanned: int = 0
    not_read: list[str] = field(default_factory=list)
    """Files over the scan limit: their size was checked, their content not searched."""


class Scanner:
    """Run the per-file rules over the working tree, then over history."""

    def __init__(self, root: Path, limits: files.Limits) -> None:
        self.root = root
        self.limits = limits
        self.secrets: SecretScanner = default_scanner()
        self.scan = Scan()
        self._secrets: list[_Secret] = []
        self._history: list[tuple[Finding, str]] = []
        """History findings other than secrets, with the blob they were made in."""
        self._tree_blobs: set[str] = set()
        self._pending: list[tuple[str, bytes, Location, str, notebooks.Decoded | None]] = []
        self._pending_bytes = 0
        self._by_value: dict[str, list[_Secret]] = {}
        self._commits: dict[str, tuple[str, str]] = {}
        """Blob -> (commit, path) that first added it, for history findings and copies."""

    def scan_tree(self, entries: Iterable[Entry]) -> None:
        """Check every file of the working tree, reading each one once."""
        entries = list(entries)
        self.scan.paths = {entry.path for entry in entries}
        keep = {*writeup.DOCUMENTS, files.readme_path(self.scan.paths)}
        root = str(self.root)
        for entry in entries:
            # os, not pathlib: three times faster over 10,000 files
            full = os.path.join(root, entry.path)  # noqa: PTH118
            try:
                status = os.lstat(full)
                if not stat.S_ISREG(status.st_mode):
                    continue  # symbolic link, submodule, special file
                size = status.st_size
                data = _read(full, self.limits.scan) if size <= self.limits.scan else None
            except OSError:
                continue  # deleted or unreadable since git listed it
            self._add(files.size_findings(entry.path, size, self.limits, "tree", entry.tracked))
            if data is None:
                if entry.index_sha:  # so history does not report it a second time
                    self._tree_blobs.add(entry.index_sha)
                if size <= self.limits.large_file:
                    self.scan.not_read.append(entry.path)
                continue
            sha = blob_id(data)
            self._tree_blobs.add(sha)
            self.scan.blob_ids[entry.path] = sha
            self.scan.files_scanned += 1
            if entry.path in keep:
                self.scan.kept[entry.path] = data
            if credentials.is_credential_name(entry.path):
                self._add(credentials.credential_findings(entry.path, data, "tree"), data)
            if is_binary(data):
                continue
            cells = notebooks.parse(data) if entry.path.endswith(".ipynb") else None
            self._queue_secrets(entry.path, data, "tree", sha, cells)
            self._add(docs.placeholder_findings(entry.path, data), data)
            if cells is not None:
                # a broken notebook is not our business: it fails in Jupyter and in CI
                self._add(notebooks.notebook_findings(entry.path, cells))
        self._flush_secrets()

    def scan_history(self, workspace: Workspace) -> None:
        """Check every blob of history that is not in the working tree, once each."""
        blobs = history.history_blobs(workspace)
        to_read: dict[str, str] = {}
        for blob in blobs:
            if blob.sha in self._tree_blobs:
                continue
            for finding in files.size_findings(blob.path, blob.size, self.limits, "history"):
                self._history.append((finding, blob.sha))
            if blob.size <= self.limits.scan:
                to_read[blob.sha] = blob.path
        for sha, data in history.read_blobs(workspace, list(to_read)):
            path = to_read[sha]
            self.scan.history_blobs_scanned += 1
            if credentials.is_credential_name(path):
                for finding in credentials.credential_findings(path, data, "history"):
                    if not self._silenced(finding, data):
                        self._history.append((finding, sha))
            if not is_binary(data):
                cells = notebooks.parse(data) if path.endswith(".ipynb") else None
                self._queue_secrets(path, data, "history", sha, cells)
        self._flush_secrets()
        committed = {blob.sha for blob in blobs}
        for secret in self._secrets:
            if secret.finding.location == "tree" and secret.blob in committed:
                secret.committed = True
        self._locate(workspace)

    def result(self) -> Scan:
        """Everything found: working-tree findings, then secrets, then history."""
        findings = list(self.scan.findings)
        for secret in self._secrets:
            finding = secret.finding
            if finding.location == "tree" and secret.committed:
                fix = secret_fix(RULES[finding.rule], "tree", committed=True)
                finding = dataclasses.replace(finding, fix=fix)
            if secret.copies:
                copies = _copies(secret.copies, self._commits)
                finding = dataclasses.replace(finding, message=finding.message + copies)
            findings.append(finding)
        findings.extend(finding for finding, _ in self._history)
        self.scan.findings = _without_repeats(findings)
        return self.scan

    def _locate(self, workspace: Workspace) -> None:
        """Name the commit that first added each history finding (one `git log` pass)."""
        pending = [blob for _, blob in self._history]
        pending += [s.blob for s in self._secrets if s.finding.location == "history"]
        pending += [blob for s in self._secrets for _, blob in s.copies]
        if not pending:
            return
        commits = history.first_commits(workspace, set(pending))
        self._commits = commits

        def locate(finding: Finding, blob: str) -> Finding:
            if blob not in commits:
                return finding
            commit, path = commits[blob]
            return dataclasses.replace(finding, commit=commit, path=path)

        self._history = [(locate(finding, blob), blob) for finding, blob in self._history]
        for secret in self._secrets:
            if secret.finding.location == "history":
                secret.finding = locate(secret.finding, secret.blob)

    def _queue_secrets(
        self, path: str, data: bytes, location: Location, blob: str, cells: list[Any] | None
    ) -> None:
        """Queue a text file for the secret scan; a notebook is scanned as decoded text."""
        decoded = notebooks.decode(cells, data) if cells is not None else None
        if decoded is None and path.endswith(".ipynb"):  # broken JSON: unescape its quotes
            data = data.replace(b'\\"', b'"')
        self._pending.append(
            (path, data if decoded is None else decoded.text, location, blob, decoded)
        )
        self._pending_bytes += len(data)
        if self._pending_bytes >= BATCH_BYTES:
            self._flush_secrets()

    def _flush_secrets(self) -> None:
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        results = self.secrets.scan_many([(item[0], item[1]) for item in pending])
        for (path, data, location, blob, decoded), matches in zip(pending, results, strict=True):
            for match in matches:
                if location == "history" and self._seen(match.value):
                    self._by_value[match.value][0].copies.append((path, blob))
                    continue
                where = "" if location == "tree" else " in an earlier commit"
                origin = decoded.origin(match.line) if decoded is not None else None
                if origin is not None:
                    where += f" ({origin.describe()})"
                finding = match.rule.finding(
                    path,
                    f"{match.kind}{where}: {match.preview}",
                    line=match.line,
                    location=location,
                    secret=match.preview,
                    fix=secret_fix(match.rule, location),
                )
                silenced = self._silenced(finding, data)  # markers sit on the decoded line
                finding = dataclasses.replace(
                    finding,
                    # a notebook's decoded line is not its file line: no column there
                    line=decoded.file_line(match.line) if decoded else match.line,
                    column=None if decoded else _column(data, match.line, match.value),
                    secret_hash=hash_secret(match.rule.id, match.value),
                )
                if not silenced:
                    secret = _Secret(finding, match.value, blob)
                    self._secrets.append(secret)
                    self._by_value.setdefault(match.value, []).append(secret)

    def _seen(self, value: str) -> bool:
        """Already reported? A history copy of a working-tree secret marks it committed."""
        for secret in self._by_value.get(value, ()):
            if secret.finding.location == "tree":
                secret.committed = True
        return value in self._by_value

    def _silenced(self, finding: Finding, data: bytes) -> bool:
        """Tell whether a marker on the finding's line ignores it (and count it)."""
        if finding.line is None or (b"mlscaffold:" not in data and b"allowlist" not in data):
            return False
        lines = data.split(b"\n", finding.line)
        if finding.line <= len(lines) and marker_ignored(finding, lines[finding.line - 1]):
            self.scan.ignored += 1
            return True
        return False

    def _add(self, findings: Iterable[Finding], data: bytes | None = None) -> None:
        """Record working-tree findings, minus those a marker silences."""
        for finding in findings:
            if data is None or not self._silenced(finding, data):
                self.scan.findings.append(finding)


SHOWN_COPIES = 3


def _column(data: bytes, line: int, value: str) -> int | None:
    """The 1-based column (in characters) where ``value`` starts on ``line`` of ``data``."""
    lines = data.split(b"\n", line)
    if line > len(lines):
        return None
    text = lines[line - 1].decode("utf-8", "replace")
    position = text.find(value)
    return position + 1 if position >= 0 else None


def _copies(copies: list[tuple[str, str]], commits: dict[str, tuple[str, str]]) -> str:
    """`` Also in 4 other versions in history: a.py (commit 1a2b3c4), ...``, counted."""
    located = (commits.get(blob, ("?", path)) for path, blob in copies)
    places = sorted({(where, commit) for commit, where in located})
    shown = ", ".join(f"{path} (commit {commit})" for path, commit in places[:SHOWN_COPIES])
    more = len(places) - SHOWN_COPIES
    noun = "version" if len(places) == 1 else "versions"
    return f" Also in {len(places)} other {noun} in history: {shown}" + (
        f" and {more} more." if more > 0 else "."
    )


REPEATS = (("kaggle-json", "kaggle-key"), ("private-key", "private-key-file"))
"""(kept, dropped): in one file, the second finding adds nothing to the first."""


def _without_repeats(findings: list[Finding]) -> list[Finding]:
    """Drop a finding that repeats a more useful one about the same file."""
    present = {(f.rule, f.path, f.location) for f in findings}
    return [
        f
        for f in findings
        if not any(
            f.rule == dropped and (kept, f.path, f.location) in present for kept, dropped in REPEATS
        )
    ]
