"""Print a report: grouped text for people, stable JSON for machines, SARIF for code scanning.

File names, messages and notes can hold anything a file name can: in the text
report each is shown through :func:`mlscaffold.text.printable`, so none can clear
the screen or print a verdict of its own; JSON and SARIF escape them by themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from itertools import groupby
from pathlib import Path
from urllib.parse import quote

from mlscaffold.check.findings import Finding, Report, Severity
from mlscaffold.check.rules import (
    CONTENT_SECRET_RULES,
    PURGE_STEPS,
    RULES,
    SECRET_RULES,
    Rule,
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


# --- SARIF 2.1.0, as GitHub code scanning reads it ------------------------------------------
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/mlscaffold/mlscaffold"
HELP_URI = f"{INFORMATION_URI}#before-you-publish-mlscaffold-check"
FINGERPRINT = "mlscaffold/v1"
"""Our own partial fingerprint: rule, path and a salted hash of the secret, never the line."""
MAX_RESULTS = 25_000
"""GitHub rejects a run with more results than this (and shows the first 5,000)."""
MAX_DESCRIPTION = 1024
"""GitHub's limit on a rule's shortDescription and fullDescription."""
LEVELS = {Severity.BLOCKER: "error", Severity.WARNING: "warning"}
MEANING = {
    Severity.BLOCKER: "A blocker: fix it before the repository goes public "
    "(`mlscaffold check` exits with 1 while one is left).",
    Severity.WARNING: "A warning: worth fixing for a good portfolio repository; it does not "
    "change the exit code.",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def as_sarif(report: Report, *, readme: str | None = None) -> str:
    """The report as one SARIF 2.1.0 run, the format GitHub code scanning uploads.

    ``readme`` is the file that findings about the whole repository (no LICENSE, no
    CI) are shown on, since GitHub displays no result without a file; without one
    they have no location. See :mod:`mlscaffold.check` for what each field holds.
    """
    index = {rule_id: number for number, rule_id in enumerate(RULES)}
    findings = report.findings[:MAX_RESULTS]
    notes = list(report.notes)
    if len(report.findings) > MAX_RESULTS:
        notes.append(
            f"{len(report.findings) - MAX_RESULTS} findings were left out of this SARIF file: "
            f"GitHub code scanning takes at most {MAX_RESULTS:,} results per run. Run "
            "`mlscaffold check` for the full report."
        )
    results = [
        _result(finding, index[finding.rule], fingerprint, readme)
        for finding, fingerprint in zip(findings, _fingerprints(findings), strict=True)
    ]
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "mlscaffold",
                "semanticVersion": _version(),
                "version": _version(),
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(rule) for rule in RULES.values()],
            }
        },
        "invocations": [
            {
                "executionSuccessful": True,
                "exitCode": report.exit_code,
                "toolExecutionNotifications": [
                    {"level": "note", "message": {"text": note}} for note in notes
                ],
            }
        ],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _root_uri(report.root)}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "blockers": len(report.blockers),
            "warnings": len(report.warnings),
            "ignored": report.ignored,
        },
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return encodable(json.dumps(log, indent=2, ensure_ascii=False))


def _descriptor(rule: Rule) -> dict[str, object]:
    """A rule's metadata: GitHub shows the descriptions and the help next to each alert."""
    fix = _PLACEHOLDER.sub(lambda match: f"<{match.group(1)}>", rule.fix)
    steps = PURGE_STEPS if rule.id in SECRET_RULES else ()
    text = " ".join([fix, *(f"{n}. {step}" for n, step in enumerate(steps, 1))])
    markdown = fix
    if steps:
        markdown += "\n\n**Removing secrets from history**\n\n"
        markdown += "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
    properties: dict[str, object] = {"tags": [rule.family], "precision": "high"}
    if rule.family == "secrets":
        properties["tags"] = [rule.family, "security"]
        blocker = rule.severity is Severity.BLOCKER
        properties["security-severity"] = "9.0" if blocker else "5.0"
        properties["precision"] = "high" if blocker else "low"
    else:
        properties["problem.severity"] = LEVELS[rule.severity]
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.title[:MAX_DESCRIPTION]},
        "fullDescription": {"text": f"{rule.title}. {MEANING[rule.severity]}"[:MAX_DESCRIPTION]},
        "help": {"text": text, "markdown": markdown},
        "helpUri": HELP_URI,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _result(
    finding: Finding, rule_index: int, fingerprint: str, readme: str | None
) -> dict[str, object]:
    message = finding.message.strip()
    message = message[:1].upper() + message[1:]
    if not message.endswith((".", "!", "?")):
        message += "."
    if finding.location == "history" and finding.commit:
        message += f" First committed in {finding.commit}."
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{message} Fix: {finding.fix}"},
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if finding.location == "history" or not finding.line:
        # GitHub matches alerts on this hash only; upload-sarif would otherwise hash the line
        # of today's file, which is not the finding's (or is none: a whole file, the repo)
        result["partialFingerprints"] = {
            FINGERPRINT: fingerprint,
            "primaryLocationLineHash": fingerprint,
        }
    if finding.path is not None:
        region: dict[str, int] = {}
        if finding.line:
            region["startLine"] = finding.line
            if finding.column:
                region["startColumn"] = finding.column
        physical: dict[str, object] = {"artifactLocation": _artifact(finding.path)}
        if region:
            physical["region"] = region
        location: dict[str, object] = {"physicalLocation": physical}
        if finding.location == "history":
            where = f"commit {finding.commit}" if finding.commit else "an earlier commit"
            location["message"] = {"text": f"{finding.path} as it was in {where}"}
        result["locations"] = [location]
    elif readme is not None:
        result["locations"] = [
            {
                "physicalLocation": {"artifactLocation": _artifact(readme)},
                "message": {"text": "This applies to the whole repository."},
            }
        ]
    properties: dict[str, object] = {"location": finding.location}
    if finding.commit:
        properties["commit"] = finding.commit
    if finding.secret:
        properties["secret"] = finding.secret
    result["properties"] = properties
    return result


def _fingerprints(findings: list[Finding]) -> list[str]:
    """One fingerprint per finding, stable across runs and edits elsewhere in the file.

    It hashes the rule, the path and the secret (its salted hash, else its masked
    preview), not the line; findings alike in all three are told apart by their order
    in the file (``:1``, ``:2``, as GitHub's own line hashes are).
    """
    seen: dict[str, int] = {}
    prints = []
    for finding in findings:
        value = finding.secret_hash or finding.secret or ""
        identity = "\0".join((finding.rule, finding.path or "", value))
        digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()
        seen[digest] = seen.get(digest, 0) + 1
        prints.append(f"{digest}:{seen[digest]}")
    return prints


def _artifact(path: str) -> dict[str, str]:
    """A relative URI: GitHub matches it against the files of the repository."""
    uri = quote(path.encode("utf-8", "surrogateescape"), safe="/")
    return {"uri": uri, "uriBaseId": "%SRCROOT%"}


def _root_uri(root: str) -> str:
    uri = Path(root).as_uri() if Path(root).is_absolute() else quote(root)
    return uri if uri.endswith("/") else uri + "/"


def _version() -> str:
    from mlscaffold import __version__

    return __version__
