"""End to end: generate each template variant, then run the project's own tests and targets.

Each variant is generated once from the installed mlscaffold and run with its template's
fresh virtualenv (see conftest.py); tests that change the project work on copies, so the
pristine checks stay valid.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import git
import pytest
import tomllib
import yaml
from helpers import ensure_torch
from projects import Project, Variant, all_variants, generate, isolated_env

from mlscaffold.check.writeup import paragraphs

pytestmark = pytest.mark.e2e


VARIANTS = all_variants()

PORTFOLIO_FILES = [
    "README.md",
    "docs/blog-post.md",
    "MODEL_CARD.md",
    "LICENSE",
    "CITATION.cff",
    "CONTRIBUTING.md",
    "CODE_OF_CONDUCT.md",
    ".github/workflows/ci.yml",
    ".github/ISSUE_TEMPLATE/bug_report.yml",
    ".github/ISSUE_TEMPLATE/feature_request.yml",
    ".github/pull_request_template.md",
    ".gitignore",
    ".pre-commit-config.yaml",
    "pyproject.toml",
    "Makefile",
    "data/README.md",
    "reports/figures/.gitkeep",
    ".copier-answers.yml",
]
README_SECTIONS = [
    "## Problem",
    "## Data",
    "## Approach",
    "## Results",
    "## Reproduce",
    "## Quickstart",
    "## Project structure",
    "## Limitations",
    "## Next steps",
    "## Citation",
    "## License",
    "## Contact",
]
MARKERS = ("<!-- results:start -->", "<!-- results:end -->")
NOT_YET = "No results yet"
SECTIONS = {
    "README.md": {"data", "results", "limitations"},
    "docs/blog-post.md": {"summary", "data", "results", "findings"},
    "MODEL_CARD.md": {"model", "data", "results", "limitations"},
}
"""The sections `make report` writes into each document."""
SECTION = re.compile(r"<!-- ([a-z][a-z-]*):start -->\n(.*?)\n<!-- \1:end -->", re.S)
PROMPT = re.compile(r"(?m)^> \*\*WRITE:\*\*.*(?:\n>.*)*")
CLAIM = re.compile(
    r"\bI (looked|built|checked|trusted|submitted|tried|found|noticed|learned|started|spent|"
    r"chose|picked|decided|realised|discovered)\b"
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One module-scoped run per variant; a template's variants share one xdist worker."""
    if "variant" in metafunc.fixturenames:
        params = [
            pytest.param(v, id=v.id, marks=pytest.mark.xdist_group(v.template)) for v in VARIANTS
        ]
        metafunc.parametrize("variant", params, scope="module")


@pytest.fixture(scope="module")
def fresh(variant: Variant, tmp_path_factory: pytest.TempPathFactory, template_venv) -> Project:
    """The project exactly as generated, run with its template's virtualenv; never modified."""
    if variant.needs_torch:
        ensure_torch()
    root = tmp_path_factory.mktemp(variant.id)
    workspace = root / "ws"
    workspace.mkdir()
    project = generate(variant, workspace, isolated_env(root / "home"))
    project.python = template_venv(variant.template).python
    return project


@pytest.fixture(scope="module")
def trained(fresh: Project, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the project after `make train`."""
    project = fresh.copy(tmp_path_factory.mktemp("trained") / "project")
    project.make("train")
    return project


@pytest.fixture(scope="module")
def reported(trained: Project) -> Project:
    """The trained copy after `make report`."""
    trained.make("report")
    return trained


# --- The generated files ----------------------------------------------------------------


def test_every_portfolio_file_is_there(fresh: Project) -> None:
    missing = [name for name in PORTFOLIO_FILES if not (fresh.path / name).is_file()]
    assert not missing
    assert list((fresh.path / "notebooks").glob("*.ipynb"))
    package = _answers(fresh)["package_name"]
    assert (fresh.path / "src" / package / "__init__.py").is_file()
    assert list((fresh.path / "tests").glob("test_*.py"))


def test_no_bytecode_template_suffix_or_jinja_left(fresh: Project) -> None:
    for path in fresh.path.rglob("*"):
        if ".git" in path.parts:
            continue
        assert path.name != "__pycache__" and path.suffix not in {".pyc", ".pyo", ".jinja"}, path
        if path.is_file() and path.suffix in {".py", ".md", ".toml", ".yml", ".yaml", ".cfg"}:
            text = path.read_text(encoding="utf-8")
            assert "{{" not in text.replace("${{", "") and "{%" not in text, path


def test_one_clean_commit_on_main(fresh: Project) -> None:
    repo = git.Repo(fresh.path)
    assert repo.active_branch.name == "main"
    assert len(list(repo.iter_commits())) == 1
    assert not repo.is_dirty(untracked_files=True)


def test_answers_file_records_the_template_and_answers(fresh: Project, variant: Variant) -> None:
    answers = _answers(fresh)
    assert answers["_src_path"]
    for key, value in variant.data.items():
        assert str(answers[key]) == value


def test_citation_workflow_and_issue_forms_match_their_schemas(fresh: Project) -> None:
    checks = {
        "vendor.citation-file-format": ["CITATION.cff"],
        "vendor.github-workflows": [".github/workflows/ci.yml"],
        "vendor.github-issue-forms": [
            ".github/ISSUE_TEMPLATE/bug_report.yml",
            ".github/ISSUE_TEMPLATE/feature_request.yml",
        ],
        "vendor.github-issue-config": [".github/ISSUE_TEMPLATE/config.yml"],
    }
    for schema, files in checks.items():
        fresh.run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *files)


def test_pyproject_precommit_and_notebooks_are_well_formed(fresh: Project) -> None:
    pyproject = tomllib.loads((fresh.path / "pyproject.toml").read_text(encoding="utf-8"))
    dev = " ".join(pyproject["project"]["optional-dependencies"]["dev"])
    assert all(tool in dev for tool in ("pytest", "ruff", "pre-commit"))
    assert pyproject["project"]["license"] == _answers(fresh)["license"]
    precommit = yaml.safe_load((fresh.path / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in precommit["repos"] for hook in repo["hooks"]}
    assert {"ruff", "nbstripout", "detect-secrets", "check-added-large-files"} <= hooks
    notebooks = sorted((fresh.path / "notebooks").glob("*.ipynb"))
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None
    assert notebooks
    makefile = (fresh.path / "Makefile").read_text(encoding="utf-8")
    for target in ("install", "data", "train", "evaluate", "report", "check", "test", "lint"):
        assert re.search(rf"^{target}:", makefile, re.M), target


# What `pre-commit run --all-files` runs for each third-party hook of the generated config:
# the hook's own console script (from the same PyPI package the hook repository builds),
# on the tracked files of the types the hook declares. pre-commit itself would clone the
# hook repositories from GitHub, which a test may not do.
PRECOMMIT_HOOKS = {
    "check-added-large-files": ("check-added-large-files", None),
    "check-yaml": ("check-yaml", (".yml", ".yaml")),
    "check-toml": ("check-toml", (".toml",)),
    "check-merge-conflict": ("check-merge-conflict", None),
    "detect-private-key": ("detect-private-key", None),
    "end-of-file-fixer": ("end-of-file-fixer", None),
    "trailing-whitespace": ("trailing-whitespace-fixer", None),
    "nbstripout": ("nbstripout", (".ipynb",)),
}


def test_precommit_hooks_pass_and_change_nothing_on_a_fresh_project(fresh: Project) -> None:
    """A learner's first `pre-commit run --all-files` passes: no hook rewrites a fresh file."""
    precommit = yaml.safe_load((fresh.path / ".pre-commit-config.yaml").read_text())
    bin_dir = Path(sys.executable).parent
    tracked = fresh.run("git", "ls-files").stdout.split()
    ran = set()
    for repo in precommit["repos"]:
        for hook in repo["hooks"]:
            if hook["id"] not in PRECOMMIT_HOOKS:
                continue
            script, suffixes = PRECOMMIT_HOOKS[hook["id"]]
            files = [f for f in tracked if suffixes is None or f.endswith(suffixes)]
            assert files, hook["id"]
            fresh.run(str(bin_dir / script), *hook.get("args", []), *files)
            ran.add(hook["id"])
    assert ran == set(PRECOMMIT_HOOKS)
    assert fresh.run("git", "status", "--porcelain").stdout == "", "a hook changed a file"


def test_secret_hooks_that_ci_runs_pass_on_a_fresh_project(fresh: Project) -> None:
    """The generated CI runs detect-secrets on every file: a fresh project must pass it."""
    precommit = yaml.safe_load((fresh.path / ".pre-commit-config.yaml").read_text())
    hook = next(
        hook
        for repo in precommit["repos"]
        for hook in repo["hooks"]
        if hook["id"] == "detect-secrets"
    )
    scan = fresh.run(
        sys.executable, "-m", "detect_secrets", "scan", "--exclude-files", hook["exclude"]
    )
    assert json.loads(scan.stdout)["results"] == {}
    push = next(
        hook
        for repo in precommit["repos"]
        for hook in repo["hooks"]
        if hook["id"] == "mlscaffold-check"
    )
    package = _answers(fresh)["package_name"]
    assert push["stages"] == ["pre-push"] and push["entry"] == f"python -m {package}.audit"


def test_readme_tells_the_whole_story(fresh: Project) -> None:
    readme = (fresh.path / "README.md").read_text(encoding="utf-8")
    answers = _answers(fresh)
    assert readme.startswith(f"# {answers['project_name']}\n")
    positions = [readme.index(section) for section in README_SECTIONS]
    assert positions == sorted(positions), "README sections out of order"
    assert all(readme.count(marker) == 1 for marker in MARKERS)
    assert "actions/workflows/ci.yml/badge.svg" in readme and "MODEL_CARD.md" in readme
    for word in ("TODO", "lorem", "ipsum", "TBD"):
        assert word not in readme


def test_blog_draft_has_front_matter_and_the_story(fresh: Project) -> None:
    text = (fresh.path / "docs" / "blog-post.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    # one neutral form: no Hugo `draft`, no canonical_url pointing at the GitHub blob
    assert set(meta) == {"title", "description", "date", "tags", "cover_image", "published"}
    assert meta["published"] is False and 1 <= len(meta["tags"]) <= 4
    for heading in ("## The problem", "## The data", "## Results", "## What surprised me"):
        assert heading in body
    assert all(body.count(marker) == 1 for marker in MARKERS)
    assert body.count("> **WRITE:**") >= 3, "what only the learner can say is a visible prompt"
    assert len(body.split()) > 250, "the draft should be a real draft"


def test_no_claim_of_an_action_outside_a_prompt(fresh: Project) -> None:
    for name in SECTIONS:
        text = PROMPT.sub("", (fresh.path / name).read_text(encoding="utf-8"))
        assert not CLAIM.search(text), (name, CLAIM.search(text))


# --- The generated project's own checks -------------------------------------------------


def test_generated_tests_pass(fresh: Project, tmp_path: Path) -> None:
    project = fresh.copy(tmp_path / "project")
    result = project.run(project.python, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert re.search(r"\d+ passed", result.stdout)
    assert " failed" not in result.stdout and " error" not in result.stdout


def test_generated_code_is_lint_and_type_clean(
    fresh: Project, variant: Variant, tmp_path: Path, mypy_cache
) -> None:
    project = fresh.copy(tmp_path / "project")
    project.run(project.python, "-m", "ruff", "check", "--no-cache", ".")
    project.run(project.python, "-m", "ruff", "format", "--check", "--no-cache", ".")
    project.run(project.python, "-m", "mypy", "--cache-dir", str(mypy_cache(variant.template)))


def test_make_train_beats_the_floor_and_writes_outputs(trained: Project, variant: Variant) -> None:
    metrics = trained.metrics()
    variant.check_metrics(metrics)
    figures = [trained.path / figure for figure in metrics["figures"]]
    assert figures and all(f.read_bytes()[:4] == b"\x89PNG" for f in figures)
    assert (trained.path / metrics["model_path"]).stat().st_size > 0


def test_make_report_writes_the_measured_numbers(reported: Project, variant: Variant) -> None:
    headline = variant.headline(reported.metrics())
    assert headline
    for name, expected in SECTIONS.items():
        text = (reported.path / name).read_text(encoding="utf-8")
        sections = dict(SECTION.findall(text))
        assert set(sections) == expected, name
        for section, content in sections.items():
            placeholder = "\n" not in content and content.startswith("_") and content.endswith("_")
            assert not placeholder, (name, section, "still the placeholder")
            assert not CLAIM.search(content), (name, section)
        assert headline in sections["results"], name
    readme = (reported.path / "README.md").read_text(encoding="utf-8")
    assert "](reports/figures/" in readme
    assert "documents match reports/metrics.json" in reported.make("report-check").stdout


def test_check_warns_until_the_learner_has_written_and_committed(
    reported: Project, tmp_path: Path
) -> None:
    """A fresh draft gets the write-up warnings; the learner's own words, committed, clear them."""
    project = reported.copy(tmp_path / "project")
    write_up = {"writeup-prompts", "blog-draft-flag", "writeup-unedited", "results-uncommitted"}
    assert write_up <= _check_rules(project)
    for name in SECTIONS:
        path = project.path / name
        text = PROMPT.sub(
            "My own words on this, written after looking at the figures.",
            path.read_text(encoding="utf-8"),
        )
        if name == "docs/blog-post.md":
            text = text.replace("published: false\n", "published: true\n")
            lines = text.splitlines(keepends=True)
            for number, _ in paragraphs(text):
                lines[number - 1] = "In my words: " + lines[number - 1]
            text = "".join(lines)
        path.write_text(text, encoding="utf-8")
    before_commit = _check_rules(project)
    assert "results-uncommitted" in before_commit, "the work tree has what HEAD lacks"
    assert "writeup-prompts" in before_commit, "HEAD, what a push sends, still has the prompts"
    repo = git.Repo(project.path)
    repo.git.add("--all")
    repo.git.commit("--quiet", "--no-verify", "-m", "Results and my own write-up")
    left = _check_rules(project)
    assert not left & (write_up | {"readme-results-unfilled", "blog-draft-unfilled"}), left


def _check_rules(project: Project) -> set[str]:
    result = project.run(sys.executable, "-m", "mlscaffold", "check", "--json", ".", check=False)
    assert result.returncode in (0, 1), result.stderr
    return {finding["rule"] for finding in json.loads(result.stdout)["findings"]}


def test_make_evaluate_reproduces_the_recorded_result(reported: Project) -> None:
    result = reported.make("evaluate")
    assert "Matches" in result.stdout


def test_training_changes_only_results_in_git(reported: Project) -> None:
    status = git.Repo(reported.path).git.status("--porcelain", "--untracked-files=all")
    changed = {line[3:] for line in status.splitlines()}
    allowed = re.compile(r"^(README\.md|docs/blog-post\.md|MODEL_CARD\.md|reports/.+)$")
    assert all(allowed.match(path) for path in changed), changed
    assert "reports/metrics.json" in changed


def _answers(project: Project) -> dict[str, Any]:
    return yaml.safe_load((project.path / ".copier-answers.yml").read_text(encoding="utf-8"))
