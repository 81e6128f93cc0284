"""`mlscaffold check` on a planted corpus: recall of blockers, traps, output, exit codes.

The corpus is a git repository built by the tests (never committed): every kind of
secret in a working-tree file, in files deleted since (still in history), in a
notebook output; a file over GitHub's 50 MB limit in the tree and another in
history (sparse or all zeros, so cheap); a committed dataset; notebooks with and
without outputs; and the false-positive traps of a real ML repository.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import assert_one_line_error
from secret_samples import ALNUM as ALPHANUMERIC
from secret_samples import B64, DIGITS, HEX, LOWER, UPPER, fake, private_key_block

from mlscaffold.check import Limits, audit
from mlscaffold.check.config import minimal_check_table, parse_toml
from mlscaffold.check.findings import Report
from mlscaffold.check.rules import RULES
from mlscaffold.errors import UsageError

pytestmark = pytest.mark.xdist_group("check-corpus")
MIB = 1024 * 1024


@dataclass(frozen=True)
class Plant:
    """A blocker the corpus holds on purpose: where, and the rule that must report it."""

    path: str
    rule: str
    location: str = "tree"


@dataclass(frozen=True)
class Corpus:
    path: Path
    plants: list[Plant]
    secrets: list[str]
    """Every raw secret value planted: none may ever be printed."""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "--all", "--force")
    _git(repo, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)


def _write(repo: Path, path: str, text: str | bytes) -> None:
    target = repo / path
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")


def _notebook(cells: list[dict[str, object]]) -> str:
    return json.dumps(
        {
            "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def _stream(text: str) -> dict[str, object]:
    return {"name": "stdout", "output_type": "stream", "text": [text + "\n"]}


def _code(source: str, outputs: list[dict[str, object]] | None = None, count: int | None = None):
    return {
        "cell_type": "code",
        "execution_count": count,
        "id": fake(source, HEX, 8),
        "metadata": {},
        "outputs": outputs or [],
        "source": [line + "\n" for line in source.splitlines()],
    }


PROJECT_FILES = {
    "LICENSE": "MIT License\n\nCopyright (c) 2024 Ada Lovelace\n",
    "README.md": (
        "# Corpus\n\nA project.\n\n## Results\n\n| model | accuracy |\n| --- | ---: |\n"
        "| svm | 0.981 |\n\n## Reproduce\n\n```bash\npip install -e .\nmake train\n```\n"
    ),
    "CITATION.cff": "cff-version: 1.2.0\ntitle: Corpus\n",
    ".github/workflows/ci.yml": "name: CI\non: [push]\n",
    "tests/test_model.py": "def test_model() -> None:\n    assert True\n",
    ".gitignore": ".env\n.env.*\n!.env.example\nkaggle.json\n*.pem\ndata/raw/\nmodels/\n",
    "pyproject.toml": '[project]\nname = "corpus"\n\n[tool.mlscaffold.check]\nignore = []\n',
}


def build_corpus(repo: Path) -> Corpus:
    """Create the corpus repository; return what was planted in it."""
    token = {
        "hf": f"hf_{fake('c-hf', LOWER + UPPER, 34)}",
        "hf-env": f"hf_{fake('c-hf-env', LOWER + UPPER, 34)}",
        "hf-notebook": f"hf_{fake('c-hf-nb', LOWER + UPPER, 34)}",
        "aws": f"AKIA{fake('c-aws', UPPER + '0123456789', 16)}",
        "github": f"ghp_{fake('c-gh', ALPHANUMERIC, 36)}",
        "github-ignored": f"ghp_{fake('c-gh-ignored', ALPHANUMERIC, 36)}",
        "gitlab": f"glpat-{fake('c-gl', ALPHANUMERIC, 20)}",
        "kaggle": fake("c-kg", HEX, 32),
        "kaggle-json": fake("c-kgj", HEX, 32),
        "kaggle-json-old": fake("c-kgj-old", HEX, 32),
        "wandb": fake("c-wb", HEX, 40),
        "wandb-netrc": fake("c-wb-netrc", HEX, 40),
        "wandb-notebook": fake("c-wb-nb", HEX, 40),
        "openai": f"sk-proj-{fake('c-oa', ALPHANUMERIC, 56)}T3BlbkFJ{fake('oa2', HEX, 20)}",
        "openai-notebook": f"sk-{fake('c-oa-nb', ALPHANUMERIC, 20)}T3BlbkFJ{fake('nb', HEX, 20)}",
        "anthropic": f"sk-ant-api03-{fake('c-an', ALPHANUMERIC, 90)}",
        "slack": f"xoxb-{fake('c-sl', DIGITS, 12)}-{fake('sl2', DIGITS, 13)}-{fake('sl', HEX, 24)}",
        "stripe": f"sk_live_{fake('c-st', ALPHANUMERIC, 24)}",
        "stripe-old": f"sk_live_{fake('c-st-old', ALPHANUMERIC, 24)}",
        "google": f"AIza{fake('c-gg', ALPHANUMERIC + '-_', 35)}",
        "password": fake("c-pw", ALPHANUMERIC + "!#%", 18),
        "url-password": fake("c-url", ALPHANUMERIC, 14),
    }
    key_block = private_key_block(seed="c-key")
    ssh_block = private_key_block("OPENSSH PRIVATE KEY", seed="c-ssh")
    repo.mkdir()
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "config", "user.name", "Ada Lovelace")
    _git(repo, "config", "user.email", "ada@example.com")
    for path, text in PROJECT_FILES.items():
        _write(repo, path, text)

    # --- history only: committed, then deleted or rewritten --------------------------------
    _write(repo, "old/settings.py", f'GITLAB_TOKEN = "{token["gitlab"]}"\n')
    _write(repo, ".env.production", f"HF_TOKEN={token['hf-env']}\nDEBUG=false\n")
    _write(
        repo,
        "secrets/kaggle.json",
        json.dumps({"username": "ada", "key": token["kaggle-json-old"]}),
    )
    _write(repo, "src/app/payments.py", f'STRIPE_KEY = "{token["stripe-old"]}"\n')
    _write(
        repo,
        "notebooks/tracking.ipynb",
        _notebook(
            [
                _code(
                    "import os\nprint(os.environ)",
                    [_stream(f"environ({{'WANDB_API_KEY': '{token['wandb-notebook']}'}})")],
                    1,
                )
            ]
        ),
    )
    (repo / "models").mkdir()
    with (repo / "weights.bin").open("wb") as handle:  # 50 MB of zeros: compresses to nothing
        handle.truncate(50 * MIB + 1)
    _commit(repo, "First version")
    for path in ("old/settings.py", ".env.production", "secrets/kaggle.json", "weights.bin"):
        (repo / path).unlink()
    _write(repo, "src/app/payments.py", 'STRIPE_KEY = os.environ["STRIPE_KEY"]\n')
    _write(repo, "notebooks/tracking.ipynb", _notebook([_code("import os")]))
    _commit(repo, "Remove secrets (but they stay in history)")

    # --- working tree ----------------------------------------------------------------------
    _write(
        repo,
        "src/app/config.py",
        "import os\n\n"
        f'AWS_ACCESS_KEY_ID = "{token["aws"]}"\n'
        f'HF_TOKEN = "{token["hf"]}"\n'
        f'GITHUB = "{token["github"]}"\n'
        f'db_password = "{token["password"]}"\n'
        f'DATABASE_URL = "postgresql://admin:{token["url-password"]}@db.internal:5432/app"\n',
    )
    _write(
        repo,
        "scripts/setup.sh",
        f"export KAGGLE_KEY={token['kaggle']}\nexport WANDB_API_KEY={token['wandb']}\n",
    )
    _write(
        repo,
        "src/app/clients.py",
        f'OPENAI = "{token["openai"]}"\n'
        f'ANTHROPIC = "{token["anthropic"]}"\n'
        f'SLACK = "{token["slack"]}"\n'
        f'STRIPE = "{token["stripe"]}"\n'
        f'GOOGLE = "{token["google"]}"\n',
    )
    _write(repo, "keys/deploy.pem", key_block)
    _write(repo, ".ssh/id_rsa", ssh_block)
    _write(repo, ".env", "PROJECT=corpus\nSECRET_SAUCE=on\n")
    _write(repo, "kaggle.json", json.dumps({"username": "ada", "key": token["kaggle-json"]}))
    _write(
        repo, ".netrc", f"machine api.wandb.ai\n  login user\n  password {token['wandb-netrc']}\n"
    )
    _write(
        repo,
        "notebooks/explore.ipynb",
        _notebook(
            [
                _code(f'openai.api_key = "{token["openai-notebook"]}"', count=1),
                _code("!env | grep HF", [_stream(f"HF_TOKEN={token['hf-notebook']}")], 2),
            ]
        ),
    )
    # --- warnings and traps ------------------------------------------------------------------
    _write(repo, "notebooks/clean.ipynb", _notebook([_code("import numpy as np")]))
    png = fake("png", B64, 3000)
    _write(
        repo,
        "notebooks/plots.ipynb",
        _notebook(
            [
                _code(
                    "plt.plot(x)",
                    [
                        {
                            "data": {"image/png": png, "text/plain": ["<Figure>"]},
                            "metadata": {},
                            "output_type": "display_data",
                        }
                    ],
                    3,
                )
            ]
        ),
    )
    rows = "".join(f"{i},{i * 0.5:.4f},{i % 2}\n" for i in range(90_000))
    _write(repo, "data/sample.csv", "id,feature,label\n" + rows)  # about 1.6 MB
    _write(
        repo,
        "docs/SECURITY.md",
        "# Keys\n\nAWS documents `AKIAIOSFODNN7EXAMPLE` and "
        "`wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY` as example credentials.\n"
        "Set `HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` in your shell.\n"
        "A file starting with -----BEGIN RSA PRIVATE KEY----- must never be committed.\n",
    )
    _write(
        repo,
        "docs/tokens.md",
        f"Revoked in 2023: `{token['github-ignored']}` <!-- mlscaffold: ignore[github-token] -->\n",
    )
    _write(
        repo,
        "src/app/hashes.py",
        f'SHA256 = "{fake("t-sha", HEX, 64)}"\nCOMMIT = "{fake("t-git", HEX, 40)}"\n'
        'RUN_ID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"\n'
        'api_key = os.environ["OPENAI_API_KEY"]\n'
        "tokens = tokenizer(text)\n",
    )
    _write(repo, "uv.lock", f'[[package]]\nhash = "sha256:{fake("t-lock", B64, 43)}="\n')
    _write(repo, ".env.example", "HF_TOKEN=\nWANDB_API_KEY=<your-key>\n")
    _write(repo, "certs/ca.pem", "-----BEGIN CERTIFICATE-----\n" + fake("cert", B64, 64) + "\n")
    _commit(repo, "Add the application")  # .env and kaggle.json forced in despite .gitignore
    with (repo / "src/app/clients.py").open("a", encoding="utf-8") as handle:
        handle.write("# the same keys live on in the previous version of this file\n")
    _commit(repo, "Tweak the clients")
    with (repo / "data" / "huge.bin").open("wb") as handle:  # sparse: no disk used
        handle.truncate(50 * MIB + 1)

    plants = [
        Plant("src/app/config.py", "aws-key"),
        Plant("src/app/config.py", "huggingface-token"),
        Plant("src/app/config.py", "github-token"),
        Plant("src/app/config.py", "hardcoded-secret"),
        Plant("src/app/config.py", "password-in-url"),
        Plant("scripts/setup.sh", "kaggle-key"),
        Plant("scripts/setup.sh", "wandb-key"),
        Plant("src/app/clients.py", "openai-key"),
        Plant("src/app/clients.py", "api-token"),  # Anthropic, Slack, Stripe, Google
        Plant("keys/deploy.pem", "private-key"),
        Plant(".ssh/id_rsa", "private-key"),  # private-key-file would repeat it
        Plant(".env", "env-file"),
        Plant("kaggle.json", "kaggle-json"),  # kaggle-key would repeat it
        Plant(".netrc", "netrc-file"),
        Plant("notebooks/explore.ipynb", "openai-key"),
        Plant("notebooks/explore.ipynb", "huggingface-token"),
        Plant("data/huge.bin", "large-file"),
        Plant("old/settings.py", "api-token", "history"),
        Plant(".env.production", "env-file", "history"),
        Plant(".env.production", "huggingface-token", "history"),
        Plant("secrets/kaggle.json", "kaggle-json", "history"),
        Plant("src/app/payments.py", "api-token", "history"),
        Plant("notebooks/tracking.ipynb", "wandb-key", "history"),
        Plant("weights.bin", "large-file-in-history", "history"),
    ]
    return Corpus(repo, plants, list(token.values()))


@pytest.fixture(scope="module")
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """In-process audits and git commands use a HOME without the developer's git config."""
    home = tmp_path_factory.mktemp("home")
    (home / ".gitconfig").write_text("[user]\n\tname = Ada\n\temail = ada@example.com\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in [n for n in os.environ if n.startswith("GIT_") and n != "GIT_CONFIG_NOSYSTEM"]:
            patch.delenv(name)
        yield home


@pytest.fixture(autouse=True)
def _isolated(isolated_home: Path) -> None:
    """Every test of this module runs git under the isolated HOME."""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, isolated_home: Path) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("corpus") / "repo")


@pytest.fixture(scope="module")
def report(corpus: Corpus) -> Report:
    return audit(corpus.path)


def _found(report: Report, plant: Plant) -> bool:
    return any(
        f.rule == plant.rule and f.path == plant.path and f.location == plant.location
        for f in report.blockers
    )


def test_every_planted_blocker_is_found(corpus: Corpus, report: Report) -> None:
    missed = [plant for plant in corpus.plants if not _found(report, plant)]
    found = len(corpus.plants) - len(missed)
    print(f"\ncorpus recall: {found}/{len(corpus.plants)} planted blockers found")
    assert not missed, missed


def test_no_blocker_where_nothing_was_planted(corpus: Corpus, report: Report) -> None:
    planted = {(p.path, p.location) for p in corpus.plants}
    stray = [f for f in report.blockers if (f.path, f.location) not in planted]
    assert not stray, stray


def test_expected_warnings_and_traps(report: Report) -> None:
    warnings = {(f.rule, f.path) for f in report.warnings}
    assert ("notebook-outputs", "notebooks/explore.ipynb") in warnings
    assert ("notebook-outputs", "notebooks/plots.ipynb") in warnings  # an image, no secret
    assert ("data-file-committed", "data/sample.csv") in warnings
    paths = {f.path for f in report.findings}
    for trap in ("notebooks/clean.ipynb", "docs/SECURITY.md", "src/app/hashes.py", "uv.lock"):
        assert trap not in paths, [f for f in report.findings if f.path == trap]
    assert ".env.example" not in paths and "certs/ca.pem" not in paths
    assert {f.rule for f in report.findings} <= set(RULES)


def test_a_file_is_not_reported_twice_for_the_same_thing(report: Report) -> None:
    rules = {(f.rule, f.path) for f in report.findings}
    assert ("private-key", ".ssh/id_rsa") in rules and (
        "private-key-file",
        ".ssh/id_rsa",
    ) not in rules
    assert ("kaggle-json", "kaggle.json") in rules and ("kaggle-key", "kaggle.json") not in rules


def test_an_ignore_marker_silences_its_line(report: Report) -> None:
    assert not [f for f in report.findings if f.path == "docs/tokens.md"]
    assert report.ignored >= 1


def test_history_findings_name_the_commit_that_added_them(report: Report) -> None:
    history = [f for f in report.findings if f.location == "history"]
    assert history and all(f.commit and len(f.commit) >= 7 for f in history)
    assert all("filter-repo" in f.fix for f in history if f.severity.value == "blocker")


def test_a_committed_secret_says_to_purge_history_too(report: Report) -> None:
    hf = next(f for f in report.findings if f.path == "src/app/config.py" and f.line == 4)
    assert "already committed" in hf.fix and "filter-repo" in hf.fix
    clients = next(f for f in report.findings if f.path == "src/app/clients.py")
    assert "already committed" in clients.fix and "platform.openai.com" in clients.fix


def test_a_secret_in_the_tree_and_in_history_is_reported_once(report: Report) -> None:
    # the previous version of clients.py holds the same keys: no second report
    clients = [f for f in report.findings if f.path == "src/app/clients.py"]
    assert clients and all(f.location == "tree" for f in clients)


def test_cli_json_shape_exit_code_and_masking(corpus: Corpus, cli) -> None:
    result = cli("check", str(corpus.path), "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"version", "root", "git", "ok", "summary", "findings", "notes", "stats"}
    assert data["version"] == 1 and data["git"] is True and data["ok"] is False
    assert set(data["summary"]) == {"blockers", "warnings", "ignored"}
    assert set(data["stats"]) == {"files", "history_blobs", "seconds"}
    keys = {
        "rule",
        "severity",
        "path",
        "line",
        "location",
        "commit",
        "message",
        "fix",
        "secret",
        "column",
    }
    for finding in data["findings"]:
        assert set(finding) == keys
        assert finding["severity"] in ("blocker", "warning")
        assert finding["location"] in ("tree", "history")
    assert data["summary"]["blockers"] == sum(f["severity"] == "blocker" for f in data["findings"])
    secret = next(f for f in data["findings"] if f["rule"] == "huggingface-token")
    assert secret["secret"].startswith("hf_") and "(37 chars)" in secret["secret"]
    for value in corpus.secrets:
        assert value not in result.stdout and value[4:] not in result.stdout


def test_cli_text_output_is_grouped_and_masked(corpus: Corpus, cli) -> None:
    result = cli("check", str(corpus.path))
    assert result.returncode == 1
    out = result.stdout
    assert "Blockers (" in out and "): fix these before you publish" in out
    assert out.index("Blockers (") < out.index("Warnings (")
    assert "[huggingface-token] Hugging Face token" in out
    assert "src/app/config.py:4  Hugging Face token: hf_" in out
    assert ".env.production:1 (commit " in out and "fix: " in out
    assert out.count("git filter-repo --replace-text") == 1  # the steps, printed once
    assert "Removing secrets from history" in out
    assert out.rstrip().splitlines()[-1].startswith("Not ready to publish:")
    for value in corpus.secrets:
        assert value not in out and value[4:] not in out


# --- smaller repositories ---------------------------------------------------------------------
def _project(path: Path, **extra: str) -> Path:
    path.mkdir(parents=True)
    for name, text in {**PROJECT_FILES, **extra}.items():
        _write(path, name, text)
    return path


def test_plain_folder_is_checked_with_a_note(tmp_path: Path, cli) -> None:
    folder = _project(tmp_path / "plain")
    _write(folder, ".env", "API_TOKEN=abc123def456\n")  # ignored by .gitignore: not published
    _write(folder, "src/leak.py", f'TOKEN = "ghp_{fake("plain", ALPHANUMERIC, 36)}"\n')
    result = cli("check", str(folder), "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 1 and data["git"] is False
    assert any("Not a git repository" in note for note in data["notes"])
    assert [f["rule"] for f in data["findings"] if f["severity"] == "blocker"] == ["github-token"]
    text = cli("check", str(folder)).stdout
    assert "Not a git repository: history rules were skipped" in text


def test_clean_repository_exits_0(tmp_path: Path, cli) -> None:
    repo = _project(tmp_path / "clean")
    _git(repo, "init", "--quiet")
    result = cli("check", str(repo))
    assert result.returncode == 0, result.stdout
    assert "No blockers" in result.stdout


def test_missing_license_and_readme_block(tmp_path: Path) -> None:
    folder = tmp_path / "bare"
    folder.mkdir()
    _write(folder, "main.py", "print('hello')\n")
    report = audit(folder)
    assert {f.rule for f in report.blockers} == {"license-missing", "readme-missing"}
    warnings = {f.rule for f in report.warnings}
    assert {"ci-missing", "tests-missing", "gitignore-missing"} <= warnings
    assert "citation-missing" not in warnings, "no README asks to be cited"


def test_citation_is_asked_for_only_where_the_readme_asks_to_be_cited(tmp_path: Path) -> None:
    folder = _project(tmp_path / "p")
    (folder / "CITATION.cff").unlink()
    assert "citation-missing" not in {f.rule for f in audit(folder).findings}
    readme = folder / "README.md"
    readme.write_text(readme.read_text() + "\n## Citation\n\nPlease cite this work.\n")
    assert "citation-missing" in {f.rule for f in audit(folder).findings}


def test_gitignore_missing_entries(tmp_path: Path) -> None:
    folder = _project(tmp_path / "p", **{".gitignore": "__pycache__/\n", "data/README.md": "x"})
    finding = next(f for f in audit(folder).findings if f.rule == "gitignore-incomplete")
    assert ".env" in finding.message and "kaggle.json" in finding.message
    assert "data/raw/" in finding.fix, "the repository has a data/ folder"
    assert "models/" not in finding.fix, "nor a models/ folder"


def test_a_gitignore_that_keeps_env_out_is_enough(tmp_path: Path) -> None:
    folder = _project(tmp_path / "p", **{".gitignore": ".env\n__pycache__/\n"})
    assert "gitignore-incomplete" not in {f.rule for f in audit(folder).findings}


def test_pyproject_ignore_list(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "p"\n\n[tool.mlscaffold.check]\n'
        'ignore = ["citation-missing", "data-file-committed:data/*.csv", "no-such-rule"]\n'
    )
    folder = _project(tmp_path / "p", **{"pyproject.toml": pyproject})
    (folder / "CITATION.cff").unlink()
    readme = folder / "README.md"
    readme.write_text(readme.read_text() + "\nPlease cite this work.\n")
    rows = "".join(f"{i},{i}\n" for i in range(200_000))
    _write(folder, "data/big.csv", rows)
    _write(folder, "other/big.csv", rows)
    report = audit(folder)
    rules = {(f.rule, f.path) for f in report.findings}
    assert ("citation-missing", None) not in rules
    assert ("data-file-committed", "data/big.csv") not in rules
    assert ("data-file-committed", "other/big.csv") in rules
    assert report.ignored == 2
    assert any("unknown rule 'no-such-rule'" in note for note in report.notes)


def test_minimal_toml_fallback_reads_the_ignore_list() -> None:
    text = (
        '[tool.other]\nignore = ["x"]\n\n[tool.mlscaffold.check]  # ours\n'
        "ignore = [\n  \"citation-missing\",  # reviewed\n  'ci-missing',\n]\n\n[tool.after]\n"
    )
    expected = {"tool": {"mlscaffold": {"check": {"ignore": ["citation-missing", "ci-missing"]}}}}
    assert minimal_check_table(text) == expected
    assert parse_toml(text)["tool"]["mlscaffold"] == expected["tool"]["mlscaffold"]
    assert minimal_check_table("[project]\nname = 'x'\n") == {}


def test_markers_in_any_comment_syntax(tmp_path: Path) -> None:
    folder = _project(tmp_path / "p")
    gh = f"ghp_{fake('marker', ALPHANUMERIC, 36)}"
    _write(
        folder,
        "src/a.py",
        f'A = "{gh}"  # mlscaffold: ignore[github-token]\n'
        f'B = "{gh[:-1]}x"  # mlscaffold: ignore[aws-key, github-token]\n'
        f'C = "{gh[:-2]}yz"  # pragma: allowlist secret\n'
        f'D = "{gh[:-3]}abc"  # mlscaffold: ignore[aws-key]\n',
    )
    _write(folder, "web/a.js", f'const t = "{gh[:-1]}q"; // mlscaffold: ignore[github-token]\n')
    report = audit(folder)
    assert [(f.path, f.line) for f in report.blockers] == [("src/a.py", 4)]
    assert report.ignored == 4


def test_large_file_threshold_is_a_parameter(tmp_path: Path) -> None:
    repo = _project(tmp_path / "repo")
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _write(repo, "model.pt", b"\0" * 3000)
    _commit(repo, "model")
    (repo / "model.pt").unlink()
    _write(repo, "current.bin", b"\1" * 3000)
    _commit(repo, "drop the model")
    small = audit(repo, Limits(large_file=2048, data_file=1024))
    found = {(f.rule, f.path, f.location) for f in small.blockers}
    assert found == {
        ("large-file", "current.bin", "tree"),
        ("large-file-in-history", "model.pt", "history"),
    }
    assert not audit(repo).blockers


@pytest.mark.parametrize(
    ("path", "size", "rule"),
    [
        ("video.mp4", 50 * MIB, None),
        ("video.mp4", 50 * MIB + 1, "large-file"),
        ("data/x.parquet", 50 * MIB, "data-file-committed"),
        ("data/x.parquet", 50 * MIB + 1, "large-file"),
        ("data/x.parquet", 1 * MIB, None),
        ("data/x.parquet", 1 * MIB + 1, "data-file-committed"),
    ],
)
def test_real_thresholds_50_mb_and_1_mb(path: str, size: int, rule: str | None) -> None:
    from mlscaffold.check.files import size_findings

    found = [f.rule for f in size_findings(path, size, Limits())]
    assert found == ([rule] if rule else [])


def test_bad_path_is_a_usage_error(tmp_path: Path, cli) -> None:
    missing = tmp_path / "nope"
    assert_one_line_error(cli("check", str(missing)), "does not exist", str(missing))
    file = tmp_path / "file.txt"
    file.write_text("x")
    assert_one_line_error(cli("check", str(file)), "is not a folder")
    with pytest.raises(UsageError):
        from mlscaffold.check import run_check

        run_check(missing, as_json=True)


def test_docs_rules(tmp_path: Path) -> None:
    readme = "# P\n\nSome words.\n"
    blog = (
        "---\ntitle: x\n---\n\n<!-- results:start -->\n"
        "_This section is filled in by `make report` after `make train`._\n<!-- results:end -->\n"
    )
    folder = _project(tmp_path / "p", **{"README.md": readme, "docs/blog-post.md": blog})
    _write(folder, "CITATION.cff", "authors:\n  - name: Your Name\n")
    placeholders = "you" + "@example.com or @your-github-" + "username"  # not in this file
    _write(folder, "docs/about.md", f"Contact {placeholders}\n")
    rules = {(f.rule, f.path) for f in audit(folder).findings}
    assert ("readme-no-results", "README.md") in rules
    assert ("readme-no-reproduce", "README.md") in rules
    assert ("blog-draft-unfilled", "docs/blog-post.md") in rules
    assert ("placeholder-identity", "CITATION.cff") in rules
    assert ("placeholder-identity", "docs/about.md") in rules


def test_without_git_the_folder_is_still_checked(tmp_path: Path, cli) -> None:
    folder = _project(tmp_path / "p")
    _write(folder, "src/leak.py", f'TOKEN = "ghp_{fake("nogit", ALPHANUMERIC, 36)}"\n')
    bin_without_git = tmp_path / "bin"
    bin_without_git.mkdir()
    result = cli("check", str(folder), extra_env={"PATH": str(bin_without_git)})
    assert result.returncode == 1, result.stderr
    assert "git is not installed" in result.stdout and "[github-token]" in result.stdout


def test_a_broken_repository_is_one_line_exit_3(tmp_path: Path, cli) -> None:
    repo = _project(tmp_path / "broken")
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _commit(repo, "first")
    for pack in (repo / ".git" / "objects").rglob("*"):
        if pack.is_file() and pack.parent.name != "info":
            pack.chmod(0o644)
            pack.write_bytes(b"garbage")
    result = cli("check", str(repo))
    assert_one_line_error(result, "could not complete the audit", "git", code=3)


def test_untracked_virtual_environment_is_skipped_with_a_note(tmp_path: Path) -> None:
    repo = _project(tmp_path / "repo", **{".gitignore": ".env\nkaggle.json\n"})
    _git(repo, "init", "--quiet")
    token = f"ghp_{fake('venv', ALPHANUMERIC, 36)}"
    _write(repo, ".venv/lib/site-packages/lib/fixture.py", f'T = "{token}"\n')
    _write(repo, "node_modules/pkg/index.js", f'const t = "{token}";\n')
    report = audit(repo)
    assert not report.blockers
    assert any(".venv/, node_modules/ skipped" in note for note in report.notes), report.notes
