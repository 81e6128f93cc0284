"""What a check reports: findings, their severities, and the report of one run."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from typing import Literal

Location = Literal["tree", "history"]
"""Where a finding was made: the files as they are now, or an older commit."""


class Severity(str, enum.Enum):
    """How much a finding matters for publishing."""

    BLOCKER = "blocker"
    """Must be fixed before the repository goes public (exit code 1)."""
    WARNING = "warning"
    """Worth fixing for a good portfolio repository; does not change the exit code."""


@dataclass(frozen=True)
class Finding:
    """One problem at one place.

    ``path`` is relative to the checked folder with ``/`` separators (None for
    something missing from the whole repository); ``line`` is 1-based, ``column``
    too (counted in characters, where the scanner knows it). ``secret`` is always
    masked (see :func:`mask`), never the value itself; ``secret_hash`` (see
    :func:`hash_secret`) tells two secrets apart in SARIF fingerprints and is never
    printed in the text or JSON report.
    """

    rule: str
    severity: Severity
    path: str | None
    line: int | None
    message: str
    fix: str
    location: Location = "tree"
    commit: str | None = None
    secret: str | None = None
    column: int | None = None
    secret_hash: str | None = None

    @property
    def where(self) -> str:
        """``path:line``, ``path`` or an empty string."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-ready data (every key always present)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "location": self.location,
            "commit": self.commit,
            "message": self.message,
            "fix": self.fix,
            "secret": self.secret,
        }


@dataclass
class Report:
    """Everything one run found, ready to print."""

    root: str
    git: bool
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: int = 0
    files_scanned: int = 0
    history_blobs_scanned: int = 0
    seconds: float = 0.0

    @property
    def blockers(self) -> list[Finding]:
        """Findings that stop publishing."""
        return [f for f in self.findings if f.severity is Severity.BLOCKER]

    @property
    def warnings(self) -> list[Finding]:
        """Findings worth fixing that do not stop publishing."""
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def exit_code(self) -> int:
        """1 when anything blocks publishing, 0 otherwise."""
        return 1 if self.blockers else 0


def mask(value: str) -> str:
    """Show a secret safely: its first characters (4 at most) and its length.

    Short values keep fewer characters so that the preview never gives away most
    of a weak password.
    """
    value = value.strip()
    keep = 4 if len(value) >= 16 else 2 if len(value) >= 8 else 0
    return f"{value[:keep]}... ({len(value)} chars)"


def hash_secret(rule: str, value: str) -> str:
    """A SHA-256 of a secret salted with its rule id: stable across runs, not the value.

    The salt keeps the digest from matching one that another tool publishes for the
    same value. A guessable value (a weak password) can still be confirmed by hashing
    a guess, so the digest goes only where the file holding the value is readable
    anyway: the SARIF report of that repository.
    """
    return hashlib.sha256(f"{rule}\0{value.strip()}".encode("utf-8", "surrogatepass")).hexdigest()


def human_size(size: int) -> str:
    """Format a byte count the way GitHub's limits are written (``63.2 MB``)."""
    return f"{size / (1024 * 1024):.1f} MB"
