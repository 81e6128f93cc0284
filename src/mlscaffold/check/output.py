"""Print a report: grouped text for people, stable JSON for machines.

File names, messages and notes can hold anything a file name can: in the text
report each is shown through :func:`mlscaffold.text.printable`, so none can clear
the screen or print a verdict of its own; JSON escapes them by itself.
"""

from __future__ import annotations

import json
import textwrap
from itertools import groupby

from mlscaffold.check.findings import Finding, Report, Severity
from mlscaffold.check.rules import (
    CONTENT_SECRET_RULES,
    PURGE_STEPS,
    RULES,
    SECRET_RULES,
    file_fix,
)
from mlscaffold.text import encodable, printable

JSON_VERSION = 1
WIDTH = 100


def as_json(report: Report) -> str:
    """The report in the JSON format documented in :mod:`mlscaffold.check`."""
    data = {
        "version": JSON_VERSION,
        "root": report.root,
        "git": report.git,
        "ok": not report.blockers,
        "summary": {
            "blockers": len(report.blockers),
            "warnings": len(report.warnings),
            "ignored": report.ignored,
        },
        "findings": [finding.as_dict() for finding in report.findings],
        "notes": list(report.notes),
        "stats": {
            "files": report.files_scanned,
            "history_blobs": report.history_blobs_scanned,
            "seconds": round(report.seconds, 3),
        },
    }
    return encodable(json.dumps(data, indent=2, ensure_ascii=False))


def as_text(report: Report) -> str:
    """The report for a terminal: blockers then warnings, grouped by rule, each with its fix."""
    kind = "git repository" if report.git else "folder"
    history = f" and {report.history_blobs_scanned} history blobs" if report.git else ""
    lines = [
        f"mlscaffold check: {printable(report.root)} ({kind}; {report.files_scanned} files"
        f"{history} checked in {report.seconds:.1f} s)",
    ]
    sections = (
        (report.blockers, "Blockers", "fix these before you publish"),
        (report.warnings, "Warnings", "worth fixing for a good portfolio repository"),
    )
    for findings, title, advice in sections:
        if findings:
            lines += ["", f"{title} ({len(findings)}): {advice}"]
            lines += _groups(findings)
    if any(_in_history(f) for f in report.findings if f.rule in SECRET_RULES):
        lines += ["", "Removing secrets from history"]
        lines += [_wrap(step, f"  {n}. ", "     ") for n, step in enumerate(PURGE_STEPS, 1)]
    if report.notes:
        lines += ["", "Notes"]
        lines += [_wrap(printable(note), "  - ", "    ") for note in report.notes]
    lines += ["", _verdict(report)]
    return "\n".join(lines)


def _groups(findings: list[Finding]) -> list[str]:
    lines: list[str] = []
    for rule_id, group in groupby(findings, key=lambda f: f.rule):
        items = list(group)
        lines.append(f"  [{rule_id}] {RULES[rule_id].title}")
        for finding in items:
            where = finding.where
            if finding.location == "history":
                commit = f"commit {finding.commit}" if finding.commit else "an earlier commit"
                where = f"{where} ({commit})" if where else f"({commit})"
            text = f"{where}  {finding.message}" if where else finding.message
            lines.append(_wrap(printable(text), "    ", "      "))
        fixes = _fixes(rule_id, items)
        lines += [_wrap(f"fix: {printable(fix)}", "    ", "         ") for fix in fixes]
    return lines


def _in_history(finding: Finding) -> bool:
    """A secret in history, or a working-tree secret that is also committed."""
    return finding.location == "history" or "filter-repo" in finding.fix


def _fixes(rule_id: str, items: list[Finding]) -> list[str]:
    """One fix per group: the long history steps are printed once, at the end."""
    rule = RULES[rule_id]
    committed = any(_in_history(f) for f in items)
    if rule_id in CONTENT_SECRET_RULES:
        text = rule.fix
        if any(f.location == "tree" for f in items):
            text += (
                " Then delete it from the file and read it from an environment variable "
                "(kept in a git-ignored .env file)."
            )
        if committed:
            text += " It is in git history too: see 'Removing secrets from history' below."
        return [text]
    fixes = list(dict.fromkeys(f.fix for f in items))
    if len(fixes) > 1 and "{path}" in rule.fix:
        text = file_fix(rule, "FILE", "tree")
        if rule_id in SECRET_RULES and committed:
            text += " Files in earlier commits: see 'Removing secrets from history' below."
        return [text]
    return fixes


def _verdict(report: Report) -> str:
    ignored = f" ({report.ignored} ignored)" if report.ignored else ""
    warnings = _count(len(report.warnings), "warning")
    if report.blockers:
        blockers = _count(len(report.blockers), "blocker")
        return f"Not ready to publish: {blockers}, {warnings}{ignored}."
    return f"No blockers: safe to publish; {warnings}{ignored}."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _wrap(text: str, first: str, rest: str) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


SEVERITY_ORDER = {Severity.BLOCKER: 0, Severity.WARNING: 1}
RULE_ORDER = {rule_id: index for index, rule_id in enumerate(RULES)}


def sort_key(finding: Finding) -> tuple[int, int, int, str, int]:
    """Blockers first, then the catalogue's rule order, working tree before history, path."""
    return (
        SEVERITY_ORDER[finding.severity],
        RULE_ORDER[finding.rule],
        finding.location == "history",
        finding.path or "",
        finding.line or 0,
    )
