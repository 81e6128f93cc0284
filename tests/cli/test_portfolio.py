"""`mlscaffold portfolio` on small hand-made project folders (answers file, metrics, figure).

The generated templates are covered end to end by tests/e2e/test_portfolio.py; here each
behaviour has its own folder of a few files, so every case runs in milliseconds.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import assert_one_line_error, tree

PROFILE = Path("portfolio/profile/README.md")
SITE = Path("portfolio/site")


def png(width: int = 3, height: int = 2) -> bytes:
    """A valid RGB PNG of the given size (what a browser can decode)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_metrics(accuracy: float = 0.975) -> dict[str, Any]:
    return {
        "model": "svm",
        "models": {
            "majority_class": {"display_name": "Majority class", "accuracy": 0.1, "macro_f1": 0.02},
            "svm": {"display_name": "SVM, RBF kernel", "accuracy": accuracy, "macro_f1": 0.97},
        },
        "data": {"n_test": 360, "name": "scikit-learn's handwritten digits"},
        "figures": ["reports/figures/confusion_matrix.png"],
        "trained_at": "2026-12-01T10:00:00+00:00",
    }


def kaggle_metrics() -> dict[str, Any]:
    return {
        "metric_label": "ROC AUC",
        "model": "lightgbm",
        "models": {
            "dummy": {"display_name": "Class frequencies", "mean": 0.5, "std": 0.0},
            "lightgbm": {"display_name": "LightGBM", "mean": 0.8772, "std": 0.0123},
        },
        "data_source": "sample",
        "competition": "loan-default-prediction",
        "n_folds": 5,
        "n_train": 1200,
    }


def recommender_metrics() -> dict[str, Any]:
    def scores(ndcg: float) -> dict[str, float]:
        return {"ndcg_at_k": ndcg, "precision_at_k": 0.2, "recall_at_k": 0.3, "coverage": 0.5}

    return {
        "k": 10,
        "model": "ease",
        "models": {
            "popularity": {"display_name": "Popularity", **scores(0.165)},
            "ease": {"display_name": "EASE", **scores(0.4862)},
        },
        "dataset": "synthetic",
        "split": {"n_users_evaluated": 458},
    }


POST = """---
title: "Digits: measured"
description: "A short description."
canonical_url: "https://github.com/ada/{slug}/blob/main/docs/blog-post.md"
draft: true
---

## Intro

Intro with a [model card](../MODEL_CARD.md) link and [the code](../src/).

![Confusion matrix](../reports/figures/confusion_matrix.png)

[outside](../../elsewhere.md) and [a site](https://example.org/x) and [top](#intro)
"""


def make_project(
    root: Path,
    slug: str,
    template: str = "image-classifier",
    metrics: dict[str, Any] | None = None,
    *,
    trained: bool = True,
    post: bool = True,
    username: str = "ada",
    links: dict[str, str] | None = None,
) -> Path:
    """A folder that looks like a generated, trained project."""
    project = root / slug
    (project / "reports" / "figures").mkdir(parents=True)
    (project / "src").mkdir()
    answers = {
        "_mlscaffold_template": template,
        "project_slug": slug,
        "project_name": slug.replace("-", " ").title(),
        "description": f"The pitch of {slug}.",
        "github_username": username,
    }
    (project / ".copier-answers.yml").write_text(yaml.safe_dump(answers), encoding="utf-8")
    (project / "MODEL_CARD.md").write_text("# Model card\n", encoding="utf-8")
    if trained:
        (project / "reports" / "metrics.json").write_text(
            json.dumps(metrics if metrics is not None else image_metrics()), encoding="utf-8"
        )
        (project / "reports" / "figures" / "confusion_matrix.png").write_bytes(png())
    if post:
        (project / "docs").mkdir()
        (project / "docs" / "blog-post.md").write_text(POST.format(slug=slug), encoding="utf-8")
    if links is not None:
        (project / "docs").mkdir(exist_ok=True)
        (project / "docs" / "links.yml").write_text(yaml.safe_dump(links), encoding="utf-8")
    return project


def card(readme: str, title: str) -> str:
    """The profile README's card of one project (its heading to the next)."""
    start = readme.index(f"### [{title}]")
    end = readme.find("\n### ", start + 1)
    return readme[start : end if end >= 0 else len(readme)]


def test_finds_projects_in_the_folder_and_one_level_down(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    make_project(tmp_path, "loans", "kaggle-entry", kaggle_metrics())
    make_project(tmp_path / "deeper", "hidden")  # two levels down: not looked at
    result = cli("portfolio")
    assert result.returncode == 0, result.stderr
    readme = (tmp_path / PROFILE).read_text(encoding="utf-8")
    assert "### [Digits](https://github.com/ada/digits)" in readme
    assert "### [Loans](https://github.com/ada/loans)" in readme
    assert "Hidden" not in readme
    assert "digits: Test accuracy 0.975" in result.stdout
    assert "loans: CV ROC AUC 0.877 ± 0.012" in result.stdout


def test_a_folder_that_is_a_project_counts_itself(tmp_path: Path, cli) -> None:
    project = make_project(tmp_path, "digits")
    result = cli("portfolio", str(project), "--out", str(tmp_path / "portfolio"))
    assert result.returncode == 0, result.stderr
    assert "[Digits]" in (tmp_path / PROFILE).read_text(encoding="utf-8")


def test_each_card_has_pitch_headline_and_links(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits", links={"demo": "https://huggingface.co/spaces/ada/digits"})
    make_project(tmp_path, "shop", "recommender", recommender_metrics(), post=False)
    make_project(
        tmp_path,
        "loans",
        "kaggle-entry",
        kaggle_metrics(),
        links={"post": "https://dev.to/ada/loans-1a2b"},
    )
    assert cli("portfolio", "--username", "grace").returncode == 0
    readme = (tmp_path / PROFILE).read_text(encoding="utf-8")
    assert "> **WRITE:**" in readme  # the learner writes the intro; nothing claimed for them

    digits = card(readme, "Digits")
    assert "The pitch of digits." in digits
    assert "**Test accuracy: 0.975**, SVM, RBF kernel, on 360 held-out test images" in digits
    assert "[Repository](https://github.com/grace/digits)" in digits
    assert "[Write-up](https://github.com/grace/digits/blob/main/docs/blog-post.md)" in digits
    assert "[Demo](https://huggingface.co/spaces/ada/digits)" in digits

    shop = card(readme, "Shop")
    assert "**NDCG@10: 0.486**, EASE, on 458 users' held-out items" in shop
    assert "Write-up" not in shop and "Demo" not in shop

    loans = card(readme, "Loans")
    assert "**CV ROC AUC: 0.877 ± 0.012**" in loans
    assert "5-fold CV on 1,200 rows of the bundled synthetic sample" in loans
    assert "[Write-up](https://dev.to/ada/loans-1a2b)" in loans
    assert "Demo" not in loans


def test_a_canonical_url_set_by_the_learner_is_the_post_link(tmp_path: Path, cli) -> None:
    project = make_project(tmp_path, "digits")
    post = project / "docs" / "blog-post.md"
    post.write_text(
        post.read_text().replace(
            "https://github.com/ada/digits/blob/main/docs/blog-post.md",
            "https://medium.com/@ada/digits-123",
        )
    )
    assert cli("portfolio").returncode == 0
    assert "[Write-up](https://medium.com/@ada/digits-123)" in (tmp_path / PROFILE).read_text()


def test_the_site_has_a_page_per_project_and_its_post(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    make_project(tmp_path, "shop", "recommender", recommender_metrics(), post=False)
    assert cli("portfolio").returncode == 0
    docs = tmp_path / SITE / "docs"
    assert (docs / "digits" / "figures" / "confusion_matrix.png").read_bytes() == png()
    page = (docs / "digits" / "index.md").read_text()
    assert "| **SVM, RBF kernel** (saved model) | 0.975 | 0.970 |" in page
    assert "![Confusion matrix](figures/confusion_matrix.png)" in page
    assert "[Write-up](post.md)" in page
    assert not (docs / "shop" / "post.md").exists()
    config = yaml.safe_load((tmp_path / SITE / "mkdocs.yml").read_text())
    assert config["theme"]["name"] == "material"
    assert config["nav"] == [
        {"Home": "index.md"},
        {"Projects": [{"Digits": "digits/index.md"}, {"Shop": "shop/index.md"}]},
        {"Write-ups": [{"Digits": "digits/post.md"}]},
    ]
    assert config["site_url"] == "https://ada.github.io/"


def test_post_links_are_rewritten_for_the_site(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    assert cli("portfolio").returncode == 0
    post = (tmp_path / SITE / "docs" / "digits" / "post.md").read_text()
    assert post.startswith("# Digits: measured\n")
    assert "draft: true" not in post  # the front matter is the draft's, not the page's
    assert "![Confusion matrix](figures/confusion_matrix.png)" in post
    assert "[model card](https://github.com/ada/digits/blob/main/MODEL_CARD.md)" in post
    assert "[the code](https://github.com/ada/digits/tree/main/src)" in post
    assert "[outside](https://github.com/ada/digits)" in post
    assert "[a site](https://example.org/x)" in post and "[top](#intro)" in post
    assert "](../" not in post


def test_untrained_projects_are_listed_not_fatal(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    make_project(tmp_path, "fresh", trained=False)
    result = cli("portfolio")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if "not trained yet" in line] == [
        f"fresh: not trained yet (run make train && make report in {Path('fresh')})"
    ]
    assert "Fresh" not in (tmp_path / PROFILE).read_text()
    assert not (tmp_path / SITE / "docs" / "fresh").exists()


def test_no_project_is_one_line_and_exit_2(tmp_path: Path, cli) -> None:
    (tmp_path / "notes").mkdir()
    assert_one_line_error(cli("portfolio"), "no mlscaffold project found in .")
    assert not (tmp_path / "portfolio").exists()


def test_only_untrained_projects_is_exit_2(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "fresh", trained=False)
    result = cli("portfolio")
    assert_one_line_error(result, "no project is trained yet")
    assert "fresh: not trained yet" in result.stdout
    assert not (tmp_path / "portfolio").exists()


def test_a_missing_folder_is_exit_2(tmp_path: Path, cli) -> None:
    assert_one_line_error(cli("portfolio", "nowhere"), "nowhere is not a folder")


def test_different_usernames_need_one_given(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits", username="ada")
    make_project(tmp_path, "loans", "kaggle-entry", kaggle_metrics(), username="grace")
    assert_one_line_error(cli("portfolio"), "different GitHub users (ada, grace)", "--username")
    assert cli("portfolio", "--username", "ada").returncode == 0


@pytest.mark.parametrize("name", ["a/b", "-x", "x" * 40, "../up"])
def test_a_bad_username_is_refused(tmp_path: Path, cli, name: str) -> None:
    make_project(tmp_path, "digits")
    assert_one_line_error(cli("portfolio", f"--username={name}"), "is not a GitHub username")
    assert not (tmp_path / "portfolio").exists()


def test_unknown_metrics_give_a_card_without_a_number(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "odd", metrics={"models": {}})
    result = cli("portfolio")
    assert result.returncode == 0, result.stderr
    assert "odd: note: reports/metrics.json is not in a form" in result.stderr
    odd = card((tmp_path / PROFILE).read_text(), "Odd")
    assert "**" not in odd and "[Repository](https://github.com/ada/odd)" in odd


def test_an_edited_file_is_never_overwritten_without_force(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    assert cli("portfolio").returncode == 0
    assert cli("portfolio").returncode == 0  # unchanged files: a rerun is fine
    readme = tmp_path / PROFILE
    readme.write_text(readme.read_text().replace("> **WRITE:**", "I build models."))
    metrics = tmp_path / "digits" / "reports" / "metrics.json"
    metrics.write_text(json.dumps(image_metrics(accuracy=0.99)))
    before = tree(tmp_path / "portfolio")
    assert_one_line_error(cli("portfolio"), "profile/README.md was not written by", "--force")
    assert tree(tmp_path / "portfolio") == before  # not even the site was refreshed
    assert cli("portfolio", "--force").returncode == 0
    assert "Test accuracy: 0.990" in readme.read_text()


def test_a_file_the_learner_had_is_refused(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    mine = tmp_path / SITE / "mkdocs.yml"
    mine.parent.mkdir(parents=True)
    mine.write_text("site_name: mine\n")
    assert_one_line_error(cli("portfolio"), "mkdocs.yml was not written by mlscaffold")
    assert mine.read_text() == "site_name: mine\n"
    assert not (tmp_path / PROFILE).exists()


def test_pages_of_a_project_gone_are_removed_unless_edited(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    make_project(tmp_path, "other")
    assert cli("portfolio").returncode == 0
    docs = tmp_path / SITE / "docs"
    (docs / "other" / "post.md").write_text("edited\n")
    shutil.rmtree(tmp_path / "other")
    result = cli("portfolio")
    assert result.returncode == 0, result.stderr
    assert not (docs / "other" / "index.md").exists()
    assert (docs / "other" / "post.md").read_text() == "edited\n"
    assert "kept portfolio/site/docs/other/post.md" in result.stdout


def test_a_figure_linked_out_of_the_project_is_not_copied(tmp_path: Path, cli) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    project = make_project(tmp_path, "digits")
    (project / "reports" / "figures" / "leak.png").symlink_to(secret)
    assert cli("portfolio", "--out", str(tmp_path / "portfolio")).returncode == 0
    assert not (tmp_path / SITE / "docs" / "digits" / "figures" / "leak.png").exists()


def test_titles_cannot_inject_markdown_or_yaml(tmp_path: Path, cli) -> None:
    project = make_project(tmp_path, "digits")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    answers["project_name"] = "Bad](https://evil.example) <script>x</script>\nsite_name: y"
    (project / ".copier-answers.yml").write_text(yaml.safe_dump(answers))
    assert cli("portfolio").returncode == 0
    readme = (tmp_path / PROFILE).read_text()
    assert re.search(r"(?<!\\)\]\(https://evil", readme) is None  # the bracket is escaped
    assert re.search(r"(?<!\\)<script", readme) is None
    assert "site\\_name: y](https://github.com/ada/digits)" in readme  # one line, one link
    config = yaml.safe_load((tmp_path / SITE / "mkdocs.yml").read_text())
    assert config["site_name"] == "ada: machine-learning projects"


def test_the_pages_workflow_is_valid_and_current(tmp_path: Path, cli) -> None:
    make_project(tmp_path, "digits")
    assert cli("portfolio").returncode == 0
    workflow = tmp_path / SITE / ".github" / "workflows" / "pages.yml"
    text = workflow.read_text()
    for action in (
        "actions/checkout@v7",
        "actions/setup-python@v7",
        "actions/configure-pages@v6",
        "actions/upload-pages-artifact@v5",
        "actions/deploy-pages@v5",
    ):
        assert f"uses: {action}\n" in text, action
    assert "mkdocs build --strict" in text
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_hand_made_site_builds_strictly(tmp_path: Path, cli) -> None:
    pytest.importorskip("material", reason="mkdocs-material is not installed")
    make_project(tmp_path, "digits")
    make_project(tmp_path, "loans", "kaggle-entry", kaggle_metrics())
    assert cli("portfolio").returncode == 0
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=tmp_path / SITE,
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / SITE / "site" / "digits" / "post" / "index.html").is_file()
