"""``mlscaffold check [PATH] [--json]``: tell whether a repository is safe to publish.

The audit reads top to bottom in :func:`audit`: open the folder (git repository
or plain folder) -> read the ignore settings -> check every file of the working
tree, reading each once -> check every blob of git history once -> check the
project as a whole (LICENSE, README, docs, .gitignore) -> drop what the user
ignored -> sort. One module per rule family: ``secrets`` and ``credentials``
(secrets), ``files`` (sizes, data, required files, .gitignore), ``docs``,
``notebooks``; ``history`` and ``repository`` talk to git, ``scanner`` runs the
per-file rules, ``config`` reads the ignores, ``output`` prints, ``rules`` lists
every rule with its id, severity and fix.

Exit codes: 0 when no blocker is left after ignores; 1 when any blocker is; 2 for
a path that does not exist or is not a folder (a usage error); 3 when the audit
could not be completed (:class:`~mlscaffold.errors.AuditIncomplete`, e.g. git
objects are missing): then nothing is judged, since a blocker may be in what could
not be read. Errors are one line on stderr. The audit never reads a file without a
bound nor recurses without one: a file too big or too deeply nested to read is
skipped with a note (``pyproject.toml``) or treated as unreadable (a notebook).

JSON format (``--json``), version 1; keys are never removed or renamed within a
version, new keys may be added::

    {
      "version": 1,
      "root": "/abs/path/of/the/repository",
      "git": true,                   # false: a plain folder, history not checked
      "ok": false,                   # true when there is no blocker (exit code 0)
      "summary": {"blockers": 1, "warnings": 2, "ignored": 0},
      "findings": [
        {
          "rule": "huggingface-token",   # stable kebab-case id (see rules.RULES)
          "severity": "blocker",         # "blocker" or "warning"
          "path": "src/train.py",        # relative, "/" separators; null: whole repo
          "line": 12,                    # 1-based, or null
          "location": "tree",            # "tree" (files now) or "history" (a commit)
          "commit": null,                # history: short id of the commit that added it
          "message": "Hugging Face token: hf_A... (37 chars).",
          "fix": "Invalidate the token at ... Then ...",
          "secret": "hf_A... (37 chars)" # masked preview for secrets, else null
        }
      ],
      "notes": ["Not a git repository: history rules were skipped ..."],
      "stats": {"files": 43, "history_blobs": 12, "seconds": 0.41}
    }

Findings are sorted: blockers first, then by rule (catalogue order), working tree
before history, then path and line. Secret values are never printed in full.
"""

from __future__ import annotations

import time
from pathlib import Path

from mlscaffold.check.files import Limits
from mlscaffold.check.findings import Finding, Report
from mlscaffold.errors import AuditIncomplete, MlscaffoldError, UsageError

__all__ = ["Limits", "audit", "run_check"]

INCOMPLETE = "could not complete the audit"


def run_check(path: Path, *, as_json: bool) -> int:
    """Audit the repository at ``path``, print the report, return the exit code (0 or 1).

    An audit that cannot be completed raises :class:`AuditIncomplete` (exit code 3).
    """
    from mlscaffold.check import output

    root = resolve_root(path)
    try:
        report = audit(root)
    except MlscaffoldError as error:
        if isinstance(error, UsageError) or error.exit_code not in (1, 3):
            raise  # refused (e.g. an unsafe repository): not a failure of the audit
        if isinstance(error, AuditIncomplete) and str(error).startswith(INCOMPLETE):
            raise
        raise AuditIncomplete(f"{INCOMPLETE} of {root}: {error}") from error
    except OSError as error:
        reason = f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
        raise AuditIncomplete(f"{INCOMPLETE} of {root}: {reason}") from error
    print(output.as_json(report) if as_json else output.as_text(report))
    return report.exit_code


def resolve_root(path: Path) -> Path:
    """The folder to check, or a :class:`UsageError` saying what is wrong with ``path``."""
    if not path.exists():
        raise UsageError(f"{path} does not exist; give the folder of the repository to check")
    if not path.is_dir():
        raise UsageError(
            f"{path} is not a folder; give the folder of the repository to check "
            "(e.g. 'mlscaffold check .')"
        )
    return path.resolve()


def audit(root: Path, limits: Limits | None = None) -> Report:
    """Run every rule on the folder ``root``; return the report (nothing is printed)."""
    from mlscaffold.check import docs, files
    from mlscaffold.check.config import load_config
    from mlscaffold.check.output import sort_key
    from mlscaffold.check.repository import open_workspace
    from mlscaffold.check.scanner import Scanner

    started = time.perf_counter()
    config = load_config(root)
    scanner = Scanner(root, limits or Limits())
    with open_workspace(root) as workspace:
        scanner.scan_tree(workspace.entries())
        if workspace.is_repository:
            scanner.scan_history(workspace)
            if workspace.is_shallow():
                workspace.notes.append(
                    "Shallow clone: only the commits fetched were checked (in CI, check out "
                    "with `fetch-depth: 0`)."
                )
        probes = [probe for probe, _ in files.GITIGNORE_PROBES]
        ignored_probes = workspace.ignored(probes) if workspace.git is not None else None
        notes = [*workspace.notes, *config.notes]
        is_repository = workspace.is_repository
    scan = scanner.result()

    findings: list[Finding] = list(scan.findings)
    findings += files.required_files(scan.paths)
    if ignored_probes is not None:
        findings += files.gitignore_findings(scan.paths, ignored_probes)
    readme = files.readme_path(scan.paths)
    if readme in scan.kept:
        findings += docs.readme_findings(readme, scan.kept[readme].decode("utf-8", "replace"))
    if docs.BLOG_DRAFT in scan.kept:
        findings += docs.blog_findings(scan.kept[docs.BLOG_DRAFT].decode("utf-8", "replace"))
    if scan.not_read:
        shown = ", ".join(scan.not_read[:3]) + (", ..." if len(scan.not_read) > 3 else "")
        notes.append(
            f"{len(scan.not_read)} file(s) over {_megabytes(limits)} MB were checked for size "
            f"but not searched for secrets: {shown}"
        )

    reported = [finding for finding in findings if not config.ignores(finding)]
    return Report(
        root=str(root),
        git=is_repository,
        findings=sorted(reported, key=sort_key),
        notes=notes,
        ignored=scan.ignored + len(findings) - len(reported),
        files_scanned=scan.files_scanned,
        history_blobs_scanned=scan.history_blobs_scanned,
        seconds=time.perf_counter() - started,
    )


def _megabytes(limits: Limits | None) -> int:
    return (limits or Limits()).scan // (1024 * 1024)
