"""`mlscaffold portfolio` over the three generated templates, checked in a real browser.

Each template is generated with its defaults (bundled or synthetic data: digits, the
Titanic-like sample, synthetic interactions), trained with `make train` and reported with
`make report`. The profile README must list each project with the number its own
metrics.json holds; the site must pass `mkdocs build --strict`, and in headless Chromium
every page must load with a title, every image must decode, every internal link resolve.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, crawl, serve_folder  # noqa: F401  (chromium: a fixture)
from projects import Project, Variant, generate, isolated_env

pytestmark = pytest.mark.xdist_group("portfolio")

USER = "ada-lovelace"


def image_classifier(metrics: dict[str, Any]) -> str:
    return f"**Test accuracy: {metrics['models'][metrics['model']]['accuracy']:.3f}**"


def kaggle_entry(metrics: dict[str, Any]) -> str:
    chosen = metrics["models"][metrics["model"]]
    return f"**CV {metrics['metric_label']}: {chosen['mean']:.3f} ± {chosen['std']:.3f}**"


def recommender(metrics: dict[str, Any]) -> str:
    ndcg = metrics["models"][metrics["model"]]["ndcg_at_k"]
    return f"**NDCG@{metrics['k']}: {ndcg:.3f}**"


TITLES = {
    "image-classifier": "Digits Classifier",
    "kaggle-entry": "Titanic Entry",
    "recommender": "Planted-Taste Recommender",
}
HEADLINES: dict[str, Callable[[dict[str, Any]], str]] = {
    "image-classifier": image_classifier,
    "kaggle-entry": kaggle_entry,
    "recommender": recommender,
}


@dataclass(frozen=True)
class Portfolio:
    out: Path
    projects: dict[str, Project]
    run: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Portfolio:
    root = tmp_path_factory.mktemp("portfolio")
    env = isolated_env(root / "home")
    projects: dict[str, Project] = {}
    for template in HEADLINES:
        workspace = root / template
        workspace.mkdir()
        answers = {"project_slug": template, "project_name": TITLES[template]}
        project = generate(Variant(template, answers), workspace, env)
        project.make("train")
        project.make("report")
        projects[template] = project
    out = root / "portfolio"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlscaffold",
            "portfolio",
            *(str(p.path) for p in projects.values()),
            "--out",
            str(out),
            "--username",
            USER,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return Portfolio(out, projects, run)


def test_the_profile_readme_lists_each_project_with_its_measured_number(
    portfolio: Portfolio,
) -> None:
    readme = (portfolio.out / "profile" / "README.md").read_text(encoding="utf-8")
    for template, project in portfolio.projects.items():
        metrics = project.metrics()
        slug = template  # generated with the template's name as its slug
        start = readme.index(f"### [{TITLES[template]}](https://github.com/{USER}/{slug})")
        end = readme.find("\n### ", start)
        card = readme[start : end if end >= 0 else None]
        assert HEADLINES[template](metrics) in card, (template, card)
        assert f"[Write-up](https://github.com/{USER}/{slug}/blob/main/docs/blog-post.md)" in card
        assert "Demo" not in card  # no project here has a demo
        number = HEADLINES[template](metrics).split(": ", 1)[1].rstrip("*")
        assert f"{slug}: " in portfolio.run.stdout and number in portfolio.run.stdout
    assert "> **WRITE:**" in readme


def test_every_figure_and_post_is_in_the_site(portfolio: Portfolio) -> None:
    docs = portfolio.out / "site" / "docs"
    for template, project in portfolio.projects.items():
        figures = project.metrics()["figures"]
        assert figures, template
        for figure in figures:
            copied = docs / template / "figures" / Path(figure).name
            assert copied.read_bytes() == (project.path / figure).read_bytes()
        post = (docs / template / "post.md").read_text(encoding="utf-8")
        assert "](../" not in post and "figures/" in post


def test_the_site_builds_strictly_and_renders_in_chromium(
    portfolio: Portfolio,
    chromium: Any,  # noqa: F811
) -> None:
    site = portfolio.out / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    with serve_folder(site / "site") as base:
        pages, other_links = crawl(chromium, base)
    visited = {page.url.removeprefix(base) for page in pages}
    expected = {""} | {f"{t}/" for t in HEADLINES} | {f"{t}/post/" for t in HEADLINES}
    assert expected <= visited, visited
    for page in pages:
        assert page.status == 200, page.url
        assert page.title.strip(), page.url
        for src, width in page.images:
            assert width > 0, (page.url, src)
        for link in page.links:
            if link.startswith(base):
                assert link.removeprefix(base) in visited or link in other_links, link
    assert all(status == 200 for status in other_links.values()), other_links
    images = [src for page in pages for src, _ in page.images]
    for template, project in portfolio.projects.items():
        for figure in project.metrics()["figures"]:
            assert any(src.endswith(f"/{template}/figures/{Path(figure).name}") for src in images)
