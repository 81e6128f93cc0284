"""The documentation's promises that code can check."""

from __future__ import annotations

import re

from helpers import REPO, TEMPLATES

from mlscaffold.catalog import iter_templates


def readme_commands() -> list[str]:
    blocks = re.findall(r"## Set-up\n(.*?)\n## ", (REPO / "README.md").read_text(), re.S)
    return re.findall(r"```bash\n(.+?)\n```", blocks[0])


def test_readme_setup_is_two_commands_install_and_test() -> None:
    install, test = readme_commands()
    # its own venv first: Debian's system Python refuses `pip install` (PEP 668), and the
    # project goes beside the clone, not inside it
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . && ")
    assert "mlscaffold new image-classifier ../" in install
    assert "python -m pytest" in test


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = readme_commands()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()


def test_readme_lists_every_template() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for template in iter_templates(TEMPLATES):
        assert f"| `{template.name}` |" in readme


def test_each_template_changelog_documents_its_version() -> None:
    for template in iter_templates(TEMPLATES):
        changelog = (template.path / "CHANGELOG.md").read_text(encoding="utf-8")
        assert f"## {template.version}" in changelog, template.name


def test_own_code_is_lint_clean() -> None:
    import subprocess
    import sys

    for args in (["check", "."], ["format", "--check", "."]):
        completed = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "--no-cache"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr


def test_own_code_is_typed() -> None:
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
