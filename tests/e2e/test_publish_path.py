"""The whole publish path, offline, exactly as the printed next steps say.

mlscaffold is installed the way the README says (its own venv, not editable), the project
is generated, and its "Next steps" are run as printed, in order, in one bash session: a
fresh project venv (`make install`), `make train`, `make report`, the editor (a script that
writes the learner's words over the WRITE prompts), the commit, `mlscaffold check` and
`mlscaffold publish`, which creates the repository through a fake `gh` and pushes to a
local bare repository. Then the post is exported for every platform and `portfolio` is
built over this project and two more.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fake_gh import install_fake_gh
from helpers import REPO
from projects import Variant, generate, isolated_env

pytestmark = pytest.mark.xdist_group("publish-path")

USER = "ada-learner"
SLUG = "digits"
EDITOR = """\
import re, sys
from pathlib import Path
path = Path(sys.argv[1])
text = path.read_text(encoding="utf-8")
words = "I expected the linear baseline to struggle more with the 8s than it did."
text = re.sub(r"^> \\*\\*WRITE:\\*\\*.*(?:\\n>.*)*", words, text, flags=re.M)
path.write_text(text, encoding="utf-8")
"""


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 1800) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{args}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


def _steps(output: str) -> list[str]:
    lines = output.split("Next steps:\n", 1)[1].splitlines()
    return [line.split("  # ", 1)[0].strip() for line in lines if line.strip()]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("path")
    env = isolated_env(root / "home")
    # 1. mlscaffold in its own venv, as the README's set-up does it
    user_venv = root / "mlscaffold-venv"
    _run([sys.executable, "-m", "venv", str(user_venv)], root, env)
    pip = [str(user_venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    _run([*pip, "--disable-pip-version-check", str(REPO)], root, env)
    play = install_fake_gh(root / "fake-gh", root / "github" / f"{SLUG}.git")
    play("logged-in")
    editor = root / "editor.py"
    editor.write_text(EDITOR, encoding="utf-8")
    shell_env = {
        **env,
        "VIRTUAL_ENV": str(user_venv),  # as after `. .venv/bin/activate`
        "PATH": os.pathsep.join([str(user_venv / "bin"), str(root / "fake-gh"), env["PATH"]]),
        "EDITOR": f"{sys.executable} {editor}",
        "MPLBACKEND": "Agg",
    }
    shell_env.pop("PYTHONPATH", None)
    workspace = root / "work"
    workspace.mkdir()
    created = _run(
        [
            "mlscaffold",
            "new",
            "image-classifier",
            SLUG,
            "--defaults",
            "--data",
            f"github_username={USER}",
        ],
        workspace,
        shell_env,
    )
    steps = _steps(created)
    # 2. every printed step, in order, in one shell: a failing step fails the test
    script = "set -euo pipefail\n" + "\n".join(f"echo '+ {i}'\n{s}" for i, s in enumerate(steps))
    session = subprocess.run(
        ["bash", "-c", script],
        cwd=workspace,
        env=shell_env,
        capture_output=True,
        text=True,
        timeout=2400,
        check=False,
    )
    return {
        "root": root,
        "project": workspace / SLUG,
        "steps": steps,
        "session": session,
        "env": shell_env,
        "remote": root / "github" / f"{SLUG}.git",
        "gh": root / "fake-gh",
        "mlscaffold": str(user_venv / "bin" / "mlscaffold"),
    }


def test_every_printed_step_works_in_order(walked: dict[str, object]) -> None:
    session = walked["session"]
    assert isinstance(session, subprocess.CompletedProcess)
    assert session.returncode == 0, session.stdout[-6000:] + session.stderr[-6000:]
    steps = walked["steps"]
    assert isinstance(steps, list)
    # activating the project's venv hides mlscaffold's venv: the steps name it by its path
    assert any(s.endswith("mlscaffold-venv/bin/mlscaffold check") for s in steps), steps
    assert steps[-1].endswith("mlscaffold publish")


def test_publish_created_the_repository_and_pushed_head(walked: dict[str, object]) -> None:
    project, remote, gh = Path(walked["project"]), Path(walked["remote"]), Path(walked["gh"])
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()
    pushed = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-parse", "refs/heads/main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert pushed == head
    calls = [json.loads(line) for line in (gh / "calls.jsonl").read_text().splitlines()]
    create = next(c for c in calls if c[:2] == ["repo", "create"])
    assert create[2] == f"{USER}/{SLUG}" and "--public" in create
    # the learner's words and the measured results are in what was pushed
    blog = subprocess.run(
        ["git", "--git-dir", str(remote), "show", "main:docs/blog-post.md"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "**WRITE:**" not in blog and "I expected the linear baseline" in blog
    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    accuracy = metrics["models"][metrics["model"]]["accuracy"]
    assert f"{accuracy:.3f}" in blog or f"{100 * accuracy:.1f}" in blog


def test_blog_exports_for_every_platform(walked: dict[str, object]) -> None:
    project, env = Path(walked["project"]), dict(walked["env"])  # type: ignore[call-overload]
    repo_url = f"https://github.com/{USER}/{SLUG}"
    raw = f"https://raw.githubusercontent.com/{USER}/{SLUG}/main/"
    exports = {}
    for platform in ("devto", "hashnode", "medium", "linkedin"):
        _run(
            [str(walked["mlscaffold"]), "blog", "--to", platform, "--repo-url", repo_url],
            project,
            env,
        )
        suffix = ".txt" if platform == "linkedin" else ".md"
        exports[platform] = (project / "docs" / "export" / f"{platform}{suffix}").read_text()
    devto = exports["devto"]
    front = yaml.safe_load(devto.split("---\n", 2)[1])
    tags = [tag.strip() for tag in front["tags"].split(",")]  # dev.to: one comma-separated string
    assert front["published"] is False and 1 <= len(tags) <= 4
    assert all(re.fullmatch(r"[a-z0-9]+", tag) for tag in tags), tags
    assert front["cover_image"].startswith(raw)
    for text in (devto, exports["hashnode"], exports["medium"]):
        images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
        assert images and all(src.startswith(raw) for src in images), images
        assert "](../" not in text
    assert not exports["medium"].startswith("---") and exports["medium"].startswith("# ")
    linkedin = exports["linkedin"]
    assert len(linkedin) < 3000 and repo_url in linkedin
    metrics = json.loads((project / "reports" / "metrics.json").read_text(encoding="utf-8"))
    accuracy = metrics["models"][metrics["model"]]["accuracy"]
    assert f"{accuracy:.3f}" in linkedin or f"{100 * accuracy:.1f}" in linkedin


def test_portfolio_over_three_projects_lists_their_measured_numbers(
    walked: dict[str, object],
) -> None:
    root, env = Path(walked["root"]), dict(walked["env"])  # type: ignore[call-overload]
    others = []
    for template in ("recommender", "kaggle-entry"):
        workspace = root / template
        workspace.mkdir()
        project = generate(
            Variant(template, {"project_slug": template, "github_username": USER}),
            workspace,
            isolated_env(root / "home"),
        )
        project.make("train")
        project.make("report")
        others.append(project.path)
    out = root / "portfolio"
    projects = [Path(walked["project"]), *others]
    _run(
        [str(walked["mlscaffold"]), "portfolio", *map(str, projects), "--out", str(out)], root, env
    )
    readme = (out / "profile" / "README.md").read_text(encoding="utf-8")
    for path in projects:
        slug = yaml.safe_load((path / ".copier-answers.yml").read_text())["project_slug"]
        assert f"https://github.com/{USER}/{slug}" in readme
    image = json.loads((projects[0] / "reports" / "metrics.json").read_text())
    assert f"{image['models'][image['model']]['accuracy']:.3f}" in readme
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=out / "site",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
