"""False alarms that real ML repositories raised, fixed generally, with recall kept.

Each case comes from a real repository scanned for issue 17: chainlit's UI translation
files, a docker-compose `.env` of settings, a documented placeholder name, a vendor
prefix inside an HTML file's embedded image. Next to each, the real leak it resembles
is still a blocker.
"""

from __future__ import annotations

import base64
import json
import random
import subprocess
from pathlib import Path

import pytest
from secret_samples import ALNUM, HEX, fake

from mlscaffold.check import audit


def _blockers(folder: Path) -> list[tuple[str, str]]:
    return [(f.rule, f.path or "") for f in audit(folder).blockers]


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "README.md").write_text("# x\n", encoding="utf-8")
    (folder / "LICENSE").write_text("MIT\n", encoding="utf-8")
    return folder


def test_ui_labels_are_not_secrets(tmp_path: Path) -> None:
    labels = {"apiKeys": "API Keys", "password": "Password", "secretKey": "Secret key"}
    real = {"password": fake("label-password", ALNUM, 18) + "7"}
    _write(tmp_path, {".chainlit/translations/en-US.json": json.dumps(labels, indent=2)})
    assert _blockers(tmp_path) == []
    _write(tmp_path, {"config/users.json": json.dumps(real, indent=2)})
    assert _blockers(tmp_path) == [("hardcoded-secret", "config/users.json")]


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ("COMPOSE_PROJECT_NAME=handson-ml3\nDEBUG=1\nPORT=8888\n", False),
        ("COMPOSE_PROJECT_NAME=app\nOPENAI_API_KEY=ENV_VALUE\n", True),
        ("DATABASE_URL=postgres://ada:ENV_VALUE@db:5432/app\n", True),
        ("SOME_VALUE=RANDOM_VALUE\n", True),
    ],
)
def test_an_env_file_blocks_only_with_a_secret_looking_value(
    tmp_path: Path, text: str, blocks: bool
) -> None:
    text = text.replace("ENV_VALUE", fake("env-value", ALNUM, 12) + "9")
    text = text.replace("RANDOM_VALUE", fake("env-random", ALNUM, 30) + "1")
    _write(tmp_path, {"docker/.env": text})
    assert (("env-file", "docker/.env") in _blockers(tmp_path)) is blocks


def test_a_settings_env_file_in_history_is_not_a_blocker(tmp_path: Path, env) -> None:
    repo = _write(tmp_path / "repo", {"docker/.env": "COMPOSE_PROJECT_NAME=app\n"})
    run = lambda *args: subprocess.run(  # noqa: E731
        ["git", *args], cwd=repo, check=True, capture_output=True, env=env
    )
    run("init", "-q", "-b", "main")
    run("add", "-A")
    run("commit", "-qm", "one", "--no-gpg-sign")
    (repo / "docker/.env").write_text("COMPOSE_PROJECT_NAME=app2\n", encoding="utf-8")
    run("commit", "-qam", "two", "--no-gpg-sign")
    assert _blockers(repo) == []


def test_placeholder_names_are_not_secrets(tmp_path: Path) -> None:
    _write(tmp_path, {"docs/rackspace.py": 'api_key = "my_rackspace_api_key"\n'})
    assert _blockers(tmp_path) == []


def test_vendor_prefixes_inside_embedded_images_are_data(tmp_path: Path) -> None:
    rng = random.Random(3)
    image = base64.b64encode(bytes(rng.randrange(256) for _ in range(30_000))).decode()
    lookalike = "AKIA" + fake("html-aws", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    payload = image[:5000] + lookalike + image[5020:]
    html = f'<html><body><img src="data:image/png;base64,{payload}"></body></html>\n'
    _write(tmp_path, {"report.html": html})
    assert _blockers(tmp_path) == []
    key = "AKIA" + fake("html-aws2", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 16)
    leak = f'<script>const key = "{key}";</script>\n'
    _write(tmp_path, {"report.html": html + leak})
    assert ("aws-key", "report.html") in _blockers(tmp_path)


def test_a_hex_value_with_a_kaggle_keyword_is_still_found(tmp_path: Path) -> None:
    _write(tmp_path, {"train.sh": f"export KAGGLE_KEY={fake('fa-kaggle', HEX, 32)}\n"})
    assert ("kaggle-key", "train.sh") in _blockers(tmp_path)


def test_every_history_copy_of_a_current_secret_is_listed_once(tmp_path: Path, env) -> None:
    token = "hf_" + fake("copies-hf", ALNUM, 34)
    repo = _write(tmp_path / "repo", {"train.py": f'TOKEN = "{token}"\n'})
    run = lambda *args: subprocess.run(  # noqa: E731
        ["git", *args], cwd=repo, check=True, capture_output=True, env=env
    )
    run("init", "-q", "-b", "main")
    for step in range(4):  # four versions of the file, each still holding the token
        (repo / "train.py").write_text(f'TOKEN = "{token}"\nSTEP = {step}\n', encoding="utf-8")
        run("add", "-A")
        run("commit", "-qm", f"step {step}", "--no-gpg-sign")
    found = [f for f in audit(repo).findings if f.rule == "huggingface-token"]
    assert len(found) == 1 and found[0].location == "tree"
    assert "Also in 3 other versions in history: train.py (commit " in found[0].message
    assert token not in found[0].message


def _saved_notebook() -> str:
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": [{"name": "stdout", "output_type": "stream", "text": ["1\n"]}],
        "source": ["print(1)"],
    }
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_many_notebooks_with_outputs_are_one_warning(tmp_path: Path) -> None:
    _write(tmp_path, {f"{i:02d}_chapter.ipynb": _saved_notebook() for i in range(12)})
    [finding] = [f for f in audit(tmp_path).findings if f.rule == "notebook-outputs"]
    assert finding.message == (
        "12 notebooks saved with outputs: 00_chapter.ipynb, 01_chapter.ipynb, "
        "02_chapter.ipynb and 9 more."
    )
    assert audit(tmp_path).ignored == 0
    few = tmp_path / "few"
    few.mkdir()
    _write(few, {"a.ipynb": _saved_notebook(), "b.ipynb": _saved_notebook()})
    found = [f for f in audit(few).findings if f.rule == "notebook-outputs"]
    assert [f.path for f in found] == ["a.ipynb", "b.ipynb"]
    assert found[0].message == "notebook saved with 1 cell with outputs and 1 execution count."


def test_results_under_a_baselines_heading_count(tmp_path: Path) -> None:
    _write(tmp_path, {})
    (tmp_path / "README.md").write_text(
        "# x\n\n## Baselines\n\n| model | accuracy |\n| --- | ---: |\n| svm | 0.9 |\n",
        encoding="utf-8",
    )
    assert "readme-no-results" not in {f.rule for f in audit(tmp_path).findings}


def test_git_config_instructions_are_not_placeholders_left_behind(tmp_path: Path) -> None:
    readme = "# x\n\n```bash\ngit config user.email you@example.com\n```\n"
    _write(tmp_path, {})
    (tmp_path / "README.md").write_text(readme, encoding="utf-8")
    assert "placeholder-identity" not in {f.rule for f in audit(tmp_path).findings}
    (tmp_path / "CITATION.cff").write_text("email: you@example.com\n", encoding="utf-8")
    found = [f for f in audit(tmp_path).findings if f.rule == "placeholder-identity"]
    assert [(f.path, f.line) for f in found] == [("CITATION.cff", 1)]
