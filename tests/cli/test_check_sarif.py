"""`mlscaffold check --format sarif`: SARIF 2.1.0 that GitHub code scanning can upload.

The schema in ``tests/support/sarif-schema-2.1.0.json`` is the OASIS one (SARIF 2.1.0
errata01, JSON Schema draft-04, ``id`` https://docs.oasis-open.org/sarif/sarif/v2.1.0/
errata01/os/schemas/sarif-schema-2.1.0.json), copied byte for byte from the official
repository oasis-tcs/sarif-spec, file ``sarif-2.1/schema/sarif-schema-2.1.0.json`` at commit
e0583813964ec43cea53b6b531b402866095ed1f (SHA-256 c3b4bb2d6093897483348925aaa73af03b3e
3f4bd4ca38cef26dcb4212a2682e). GitHub's own requirements (a location, fingerprints, 25,000
results per run) come from docs.github.com, "SARIF support for code scanning".
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from helpers import assert_one_line_error
from secret_samples import ALNUM, fake

import mlscaffold
from mlscaffold.check import output
from mlscaffold.check.findings import Finding, Report, Severity, hash_secret, mask
from mlscaffold.check.rules import RULES

SCHEMA = Path(__file__).parents[1] / "support" / "sarif-schema-2.1.0.json"
PROJECT = {
    "README.md": "# Demo\n\nA project.\n\n## Results\n\n| model | f1 |\n| --- | --- |\n"
    "| svm | 0.91 |\n\n## Reproduce\n\n```bash\nmake train\n```\n",
    ".gitignore": ".env\nkaggle.json\n*.pem\ndata/\nmodels/\n",
    "src/app.py": "import os\n\n\ndef main() -> None:\n    print(os.environ['HOME'])\n",
}


def _git(repo: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _commit(repo: Path, env: dict[str, str], message: str) -> str:
    _git(repo, env, "add", "--all")
    _git(repo, env, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)
    return _git(repo, env, "rev-parse", "HEAD")


def _write(repo: Path, path: str, text: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text, encoding="utf-8")


@pytest.fixture
def tokens() -> dict[str, str]:
    return {
        "tree": f"ghp_{fake('sarif-tree', ALNUM, 36)}",
        "history": f"hf_{fake('sarif-history', ALNUM, 34)}",
    }


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str], tokens: dict[str, str]) -> tuple[Path, str]:
    """No LICENSE (a whole-repository blocker), a token now, another deleted but committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for path, text in PROJECT.items():
        _write(repo, path, text)
    _write(repo, "src/old_settings.py", f'TOKEN = "{tokens["history"]}"\n')
    _git(repo, env, "init", "--quiet", "--initial-branch=main")
    added = _commit(repo, env, "first")
    (repo / "src" / "old_settings.py").unlink()
    _write(repo, "src/settings.py", f'import os\n\nGITHUB = "{tokens["tree"]}"\n')
    _commit(repo, env, "second")
    return repo, added


def _sarif(cli, repo: Path) -> tuple[int, dict[str, Any], str]:
    result = cli("check", str(repo), "--format", "sarif")
    assert result.stderr == "", result.stderr
    return result.returncode, json.loads(result.stdout), result.stdout


def _results(log: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [r for r in log["runs"][0]["results"] if r["ruleId"] == rule]


def _validate(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_sarif_is_valid_against_the_2_1_0_schema_with_rule_metadata(repo, cli) -> None:
    code, log, _ = _sarif(cli, repo[0])
    _validate(log)
    assert code == 1 and log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mlscaffold" and driver["version"] == mlscaffold.__version__
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for descriptor in driver["rules"]:
        rule = RULES[descriptor["id"]]
        assert descriptor["shortDescription"]["text"] == rule.title
        assert descriptor["fullDescription"]["text"] and descriptor["help"]["text"]
        assert "{" not in descriptor["help"]["text"]  # placeholders such as {path} filled
        assert rule.family in descriptor["properties"]["tags"]
        assert len(descriptor["name"]) <= 255 and " " not in descriptor["name"]
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        fingerprint = result["partialFingerprints"]["mlscaffold/v1"]
        assert len(fingerprint.split(":")[0]) == 64
    assert run["invocations"][0]["executionSuccessful"] is True


def test_levels_follow_the_severities(repo, cli) -> None:
    _, log, _ = _sarif(cli, repo[0])
    levels = {"blocker": "error", "warning": "warning"}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for descriptor in rules:
        expected = levels[RULES[descriptor["id"]].severity.value]
        assert descriptor["defaultConfiguration"]["level"] == expected
    results = log["runs"][0]["results"]
    assert {r["level"] for r in results} == {"error", "warning"}
    for result in results:
        assert result["level"] == levels[RULES[result["ruleId"]].severity.value]
    secrets = rules[list(RULES).index("github-token")]["properties"]
    assert "security" in secrets["tags"] and float(secrets["security-severity"]) >= 9.0


def test_no_raw_secret_in_the_output(repo, cli, tokens: dict[str, str]) -> None:
    _, log, text = _sarif(cli, repo[0])
    for value in tokens.values():
        assert value not in text and value[4:] not in text
    (token,) = _results(log, "github-token")
    assert token["properties"]["secret"] == mask(tokens["tree"])


def test_a_tree_secret_has_its_relative_path_and_line(repo, cli) -> None:
    _, log, _ = _sarif(cli, repo[0])
    (token,) = _results(log, "github-token")
    (location,) = token["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "src/settings.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 11}
    assert token["properties"]["location"] == "tree" and "commit" not in token["properties"]
    # GitHub hashes the line of a tree finding itself: we do not give a conflicting hash
    assert "primaryLocationLineHash" not in token["partialFingerprints"]


def test_a_history_finding_names_its_commit_on_its_old_path(repo, cli) -> None:
    path, added = repo
    _, log, _ = _sarif(cli, path)
    (token,) = _results(log, "huggingface-token")
    commit = token["properties"]["commit"]
    assert token["properties"]["location"] == "history"
    assert len(commit) >= 7 and added.startswith(commit)
    (location,) = token["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "src/old_settings.py"
    assert commit in location["message"]["text"] and commit in token["message"]["text"]
    # today's file is not the one that held it: our fingerprint is GitHub's line hash too
    fingerprints = token["partialFingerprints"]
    assert fingerprints["primaryLocationLineHash"] == fingerprints["mlscaffold/v1"]


def test_whole_repository_findings_sit_on_the_readme(repo, cli) -> None:
    _, log, _ = _sarif(cli, repo[0])
    (missing,) = _results(log, "license-missing")
    (location,) = missing["locations"]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "README.md", "uriBaseId": "%SRCROOT%"}
    }
    assert "primaryLocationLineHash" in missing["partialFingerprints"]


def test_without_a_readme_whole_repository_findings_have_no_location(tmp_path, cli) -> None:
    folder = tmp_path / "bare"
    _write(folder, "train.py", "print('hi')\n")
    result = cli("check", str(folder), "--format", "sarif")
    log = json.loads(result.stdout)
    _validate(log)
    assert result.returncode == 1  # no LICENSE, no README
    for rule in ("license-missing", "readme-missing"):
        (finding,) = _results(log, rule)
        assert "locations" not in finding


def _fingerprints(log: dict[str, Any]) -> dict[str, tuple[str, int | None]]:
    """Rule:path -> (fingerprint, start line), for every result."""
    out = {}
    for r in log["runs"][0]["results"]:
        physical = r["locations"][0]["physicalLocation"] if r.get("locations") else {}
        key = f"{r['ruleId']}:{physical.get('artifactLocation', {}).get('uri')}"
        line = physical.get("region", {}).get("startLine")
        out[key] = (r["partialFingerprints"]["mlscaffold/v1"], line)
    return out


def test_fingerprints_survive_a_second_run_and_lines_inserted_above(repo, cli) -> None:
    path = repo[0]
    first = _fingerprints(_sarif(cli, path)[1])
    assert first == _fingerprints(_sarif(cli, path)[1])
    settings = path / "src" / "settings.py"
    settings.write_text("# configuration\n\n" + settings.read_text(encoding="utf-8"))
    moved = _fingerprints(_sarif(cli, path)[1])
    key = "github-token:src/settings.py"
    assert moved[key][1] == first[key][1] + 2  # the line moved...
    assert moved[key][0] == first[key][0]  # ...the fingerprint did not
    assert {k: v[0] for k, v in moved.items()} == {k: v[0] for k, v in first.items()}


def test_exit_codes_are_those_of_the_text_report(repo, tmp_path, env, cli) -> None:
    for folder, code in ((repo[0], 1), (_clean(tmp_path / "clean", env), 0)):
        assert cli("check", str(folder)).returncode == code
        assert cli("check", str(folder), "--format", "sarif").returncode == code
    missing = tmp_path / "nowhere"
    assert_one_line_error(cli("check", str(missing), "--format", "sarif"), "does not exist")


def _clean(folder: Path, env: dict[str, str]) -> Path:
    folder.mkdir()
    for path, text in {**PROJECT, "LICENSE": "MIT License\n"}.items():
        _write(folder, path, text)
    _git(folder, env, "init", "--quiet", "--initial-branch=main")
    _commit(folder, env, "clean")
    return folder


def test_an_incomplete_audit_prints_no_sarif(tmp_path, env, cli) -> None:
    """Exit 3 and nothing on stdout: an empty run uploaded would close every open alert."""
    folder = _clean(tmp_path / "broken", env)
    for obj in (folder / ".git" / "objects").rglob("*"):
        if obj.is_file() and obj.parent.name != "info":
            obj.chmod(0o644)
            obj.write_bytes(b"garbage")
    result = cli("check", str(folder), "--format", "sarif")
    assert_one_line_error(result, "could not complete the audit", code=3)
    assert result.stdout == ""


def test_json_is_an_alias_of_format_json_and_formats_exclude_each_other(repo, cli) -> None:
    def shape(text: str) -> dict[str, Any]:
        data = json.loads(text)
        del data["stats"]["seconds"]
        return data

    alias = cli("check", str(repo[0]), "--json")
    spelled = cli("check", str(repo[0]), "--format", "json")
    assert alias.returncode == spelled.returncode == 1
    assert shape(alias.stdout) == shape(spelled.stdout)
    assert all("column" in f for f in json.loads(alias.stdout)["findings"])
    clash = cli("check", str(repo[0]), "--json", "--format", "sarif")
    assert clash.returncode == 2 and "not allowed with" in clash.stderr


# --- the writer alone, on hand-made reports ------------------------------------------------
def _finding(path: str, line: int, value: str, **extra: Any) -> Finding:
    rule = RULES["github-token"]
    finding = rule.finding(path, f"GitHub token: {mask(value)}", line=line, secret=mask(value))
    return dataclasses.replace(finding, **extra)


def _report(findings: list[Finding]) -> Report:
    return Report(root="/tmp/project", git=True, findings=findings)


def test_columns_odd_paths_and_secret_hashes() -> None:
    same_start = ["ghp_A" + fake(f"s{n}", ALNUM, 35) for n in (1, 2)]
    findings = [
        _finding("notes/my file é.py", 4, same_start[0], column=9),
        _finding("notes/my file é.py", 9, same_start[1]),
        _finding("src/a.py", 2, same_start[0], secret_hash=hash_secret("github-token", "x")),
        _finding("src/a.py", 5, same_start[1], secret_hash=hash_secret("github-token", "y")),
    ]
    log = json.loads(output.as_sarif(_report(findings)))
    _validate(log)
    first, second, third, fourth = log["runs"][0]["results"]
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "notes/my%20file%20%C3%A9.py"
    assert physical["region"] == {"startLine": 4, "startColumn": 9}
    assert "startColumn" not in second["locations"][0]["physicalLocation"]["region"]

    def fingerprint(result: dict[str, Any]) -> str:
        return result["partialFingerprints"]["mlscaffold/v1"]

    # same masked preview, no hash: told apart by their order in the file
    assert fingerprint(first).endswith(":1") and fingerprint(second).endswith(":2")
    assert fingerprint(first).split(":")[0] == fingerprint(second).split(":")[0]
    # with the salted hash, two secrets are two identities
    assert fingerprint(third).split(":")[0] != fingerprint(fourth).split(":")[0]
    assert fingerprint(third).endswith(":1") and fingerprint(fourth).endswith(":1")
    assert hash_secret("github-token", "x") != hash_secret("openai-key", "x")


def test_results_are_capped_at_githubs_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "MAX_RESULTS", 3)
    findings = [
        Finding("tests-missing", Severity.WARNING, None, None, f"no tests {n}.", "Add tests.")
        for n in range(5)
    ]
    log = json.loads(output.as_sarif(_report(findings), readme="README.md"))
    run = log["runs"][0]
    assert len(run["results"]) == 3
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert "2 findings were left out" in note["message"]["text"]
