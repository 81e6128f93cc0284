"""What the user told the check to ignore: ``pyproject.toml`` entries and inline markers.

In ``pyproject.toml``::

    [tool.mlscaffold.check]
    ignore = ["citation-missing", "data-file-committed:data/sample/*.csv"]

An entry is a rule id, or ``rule-id:glob`` to ignore it only for matching paths.
On a line, a ``mlscaffold: ignore[rule-id]`` marker in any comment syntax (``#``,
``//``, ``<!-- -->``; several ids separated by commas) ignores that rule on that
line. detect-secrets' own ``pragma: allowlist secret`` silences secret rules too.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscaffold.check.findings import Finding
from mlscaffold.check.rules import RULES, SECRET_RULES

MARKER = re.compile(rb"mlscaffold:\s*ignore\[([^\]\r\n]*)\]")
ALLOWLIST = re.compile(rb"pragma:\s*allowlist[ -]secret")


@dataclass(frozen=True)
class Ignore:
    """One ``ignore`` entry: a rule, and optionally a glob its paths must match."""

    rule: str
    glob: str | None = None

    def matches(self, finding: Finding) -> bool:
        """Tell whether this entry silences ``finding``."""
        if finding.rule != self.rule:
            return False
        if self.glob is None:
            return True
        return finding.path is not None and fnmatch.fnmatchcase(finding.path, self.glob)


@dataclass
class CheckConfig:
    """The ``[tool.mlscaffold.check]`` settings of the checked repository."""

    ignore: list[Ignore] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def ignores(self, finding: Finding) -> bool:
        """Tell whether the configuration silences ``finding``."""
        return any(entry.matches(finding) for entry in self.ignore)


MAX_PYPROJECT = 1024 * 1024
"""A pyproject.toml is a few kilobytes; past 1 MB it is not read (nor held in memory)."""


def load_config(root: Path) -> CheckConfig:
    """Read ``root/pyproject.toml``; problems become notes, never errors."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return CheckConfig()
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PYPROJECT + 1)
        if len(data) > MAX_PYPROJECT:
            return CheckConfig(
                notes=["pyproject.toml is over 1 MB, so it was not read; no ignores."]
            )
        table = _check_table(data.decode("utf-8"))
    except RecursionError:
        return CheckConfig(
            notes=["pyproject.toml could not be read (nested too deeply); no ignores."]
        )
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return CheckConfig(notes=[f"pyproject.toml could not be read ({error}); no ignores."])
    entries = table.get("ignore", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return CheckConfig(
            notes=["[tool.mlscaffold.check] ignore must be a list of rule ids; it was not used."]
        )
    config = CheckConfig()
    for entry in entries:
        rule, _, glob = entry.strip().partition(":")
        if rule not in RULES:
            close = difflib.get_close_matches(rule, list(RULES), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            config.notes.append(f"pyproject.toml ignores unknown rule '{rule}'{hint}")
            continue
        config.ignore.append(Ignore(rule, glob or None))
    return config


def _check_table(text: str) -> dict[str, Any]:
    """The ``[tool.mlscaffold.check]`` table of a pyproject.toml text."""
    document = parse_toml(text)
    table: Any = document
    for key in ("tool", "mlscaffold", "check"):
        table = table.get(key, {}) if isinstance(table, dict) else {}
    return table if isinstance(table, dict) else {}


def parse_toml(text: str) -> dict[str, Any]:
    """Parse TOML with ``tomllib`` (Python 3.11+), ``tomli`` if installed, else a fallback.

    The fallback understands just what the check needs: the ``ignore`` list of the
    ``[tool.mlscaffold.check]`` table. Raises ValueError on invalid TOML.
    """
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib.loads(text)
    try:
        import importlib

        tomli: Any = importlib.import_module("tomli")
    except ImportError:
        return minimal_check_table(text)
    result: dict[str, Any] = tomli.loads(text)
    return result


_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*mlscaffold\s*\.\s*check\s*\]\s*(?:#.*)?$", re.MULTILINE)
_ANY_TABLE = re.compile(r"^\s*\[", re.MULTILINE)
_IGNORE = re.compile(r"^\s*ignore\s*=\s*\[(.*?)\]", re.MULTILINE | re.DOTALL)
_STRING = re.compile(r""""((?:[^"\\]|\\.)*)"|'([^']*)'""")


def minimal_check_table(text: str) -> dict[str, Any]:
    """Read ``[tool.mlscaffold.check] ignore = [...]`` without a TOML library (Python 3.10)."""
    header = _TABLE.search(text)
    if header is None:
        return {}
    rest = text[header.end() :]
    following = _ANY_TABLE.search(rest)
    body = rest[: following.start()] if following else rest
    body = "\n".join(_strip_comment(line) for line in body.splitlines())
    found = _IGNORE.search(body)
    if found is None:
        return {}
    values = [double or single for double, single in _STRING.findall(found.group(1))]
    return {"tool": {"mlscaffold": {"check": {"ignore": values}}}}


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def marker_ignored(finding: Finding, line: bytes) -> bool:
    """Tell whether an inline marker on ``line`` (the finding's line) silences ``finding``."""
    for match in MARKER.finditer(line):
        ids = {part.strip().decode("ascii", "replace") for part in match.group(1).split(b",")}
        if finding.rule in ids:
            return True
    return finding.rule in SECRET_RULES and bool(ALLOWLIST.search(line))


def drop_marked(findings: Iterable[Finding], data: bytes) -> tuple[list[Finding], int]:
    """Remove the findings silenced by a marker on their line of ``data``; count them."""
    kept: list[Finding] = []
    lines: list[bytes] | None = None
    ignored = 0
    for finding in findings:
        if finding.line is not None and (b"mlscaffold:" in data or b"allowlist" in data):
            if lines is None:
                lines = data.split(b"\n")
            if 0 < finding.line <= len(lines) and marker_ignored(finding, lines[finding.line - 1]):
                ignored += 1
                continue
        kept.append(finding)
    return kept, ignored
