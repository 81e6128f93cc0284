"""``mlscaffold check [PATH] [--format text|json|sarif]``: tell if a repository is safe to publish.

The audit reads top to bottom in :func:`audit`: open the folder (git repository
or plain folder) -> read the ignore settings -> check every file of the working
tree, reading each once -> check every blob of git history once -> check the
project as a whole (LICENSE, README, docs, .gitignore) and the write-up as a push
would publish it (HEAD; the work tree's uncommitted results are reported apart)
-> drop what the user ignored -> fold repeated warnings -> sort. Notebooks are
scanned as their decoded cells (``notebooks.decode``). One module per rule family:
``secrets`` and ``credentials`` (secrets), ``files`` (sizes, data, required files,
.gitignore), ``docs``, ``notebooks``, ``writeup``; ``history`` and ``repository``
talk to git, ``scanner`` runs the per-file rules, ``config`` reads the ignores,
``output`` prints, ``rules`` lists every rule with its id, severity and fix.

Exit codes: 0 when no blocker is left after ignores; 1 when any blocker is; 2 for
a path that does not exist or is not a folder (a usage error); 3 when the audit
could not be completed (:class:`~mlscaffold.errors.AuditIncomplete`, e.g. git
objects are missing): then nothing is judged, since a blocker may be in what could
not be read. Errors are one line on stderr. The audit never reads a file without a
bound nor recurses without one: a file too big or too deeply nested to read is
skipped with a note (``pyproject.toml``) or treated as unreadable (a notebook).

JSON format (``--format json``, or ``--json``), version 1; keys are never removed or
renamed within a version, new keys may be added::

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
          "column": null,                # 1-based, in characters, where known; else null
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

SARIF format (``--format sarif``): SARIF 2.1.0, what GitHub code scanning uploads
(``github/codeql-action/upload-sarif``). One run; ``tool.driver`` names mlscaffold,
its version and every rule of the catalogue (id, name, title as shortDescription,
severity in fullDescription, the fix as help, ``defaultConfiguration.level``:
``error`` for a blocker, ``warning`` for a warning; ``properties.tags``: the family,
plus ``security`` and a ``security-severity`` for secrets). Each finding is a result
with ``ruleId``, ``ruleIndex``, ``level`` and ``message.text`` (the message, the
commit for history, then the fix; masked like the text report). Its location is
the path relative to ``%SRCROOT%`` (the checked folder), with ``startLine`` and
``startColumn`` where known; a history finding keeps the path it had in that
commit, and names the commit in ``properties.commit`` and the location's message.
Findings about the whole repository (no LICENSE) are shown on the README, or have
no location when there is none (GitHub code scanning then does not show them).
``partialFingerprints["mlscaffold/v1"]`` is a SHA-256 of the rule, the path and the
secret's salted hash (``findings.hash_secret``; its masked preview when the scanner
gives none), plus ``:N`` for the Nth alike finding: no line number, so it survives
edits elsewhere in the file. History findings and findings without a line also
carry it as ``primaryLocationLineHash`` (the one GitHub matches on), since a line
of today's file would not be theirs. At most 25,000 results (GitHub's limit), with
a note when more were left out; notes are ``toolExecutionNotifications``. Exit
codes are those of the text report; when the audit cannot be completed (exit 3)
nothing is printed, since an empty run uploaded would close every open alert.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Literal

from mlscaffold.check.files import Limits
from mlscaffold.check.findings import Finding, Report
from mlscaffold.errors import AuditIncomplete, MlscaffoldError, UsageError

__all__ = ["Limits", "OutputFormat", "audit", "run_check"]

OutputFormat = Literal["text", "json", "sarif"]
"""The report formats of ``mlscaffold check --format``."""

INCOMPLETE = "could not complete the audit"


def run_check(path: Path, *, output_format: OutputFormat = "text", as_json: bool = False) -> int:
    """Audit the repository at ``path``, print the report, return the exit code (0 or 1).

    ``output_format`` is ``"text"``, ``"json"`` or ``"sarif"`` (``as_json`` is the older
    spelling of ``"json"``). An audit that cannot be completed raises
    :class:`AuditIncomplete` (exit code 3) and prints no report, in any format.
    """
    from mlscaffold.check import files, output

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
    if as_json or output_format == "json":
        print(output.as_json(report))
    elif output_format == "sarif":
        readme = files.readme_path([entry.name for entry in root.iterdir()])
        print(output.as_sarif(report, readme=readme))
    else:
        print(output.as_text(report))
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
    from mlscaffold.check import docs, files, notebooks, writeup
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
        published = writeup.gather(
            workspace if workspace.git is not None else None,
            scanner.scan.kept,
            scanner.scan.blob_ids,
        )
        probes = [probe for probe, _ in files.GITIGNORE_PROBES]
        ignored_probes = workspace.ignored(probes) if workspace.git is not None else None
        notes = [*workspace.notes, *config.notes]
        is_repository = workspace.is_repository
    scan = scanner.result()

    findings: list[Finding] = list(scan.findings)
    if ignored_probes is not None:
        findings += files.gitignore_findings(scan.paths, ignored_probes)
    readme = files.readme_path(scan.paths)
    judged = {**published.documents}
    if readme not in judged and readme in scan.kept:  # a README.rst, or one never committed
        judged[readme] = scan.kept[readme].decode("utf-8", "replace")
    findings += files.required_files(scan.paths, judged.get(readme) if readme else None)
    if readme in judged:
        findings += docs.readme_findings(readme, judged[readme])
    if docs.BLOG_DRAFT in judged:
        findings += docs.blog_findings(judged[docs.BLOG_DRAFT])
    findings += writeup.findings(published)
    if scan.not_read:
        shown = ", ".join(scan.not_read[:3]) + (", ..." if len(scan.not_read) > 3 else "")
        notes.append(
            f"{len(scan.not_read)} file(s) over {_megabytes(limits)} MB were checked for size "
            f"but not searched for secrets: {shown}"
        )

    kept = [finding for finding in findings if not config.ignores(finding)]
    reported = notebooks.grouped(kept)
    return Report(
        root=str(root),
        git=is_repository,
        findings=sorted(reported, key=sort_key),
        notes=notes,
        ignored=scan.ignored + len(findings) - len(kept),
        files_scanned=scan.files_scanned,
        history_blobs_scanned=scan.history_blobs_scanned,
        seconds=time.perf_counter() - started,
    )


def _megabytes(limits: Limits | None) -> int:
    return (limits or Limits()).scan // (1024 * 1024)
