"""`mlscaffold check`'s write-up rules: prompts, draft flag, unedited draft, uncommitted results.

Each test builds a small git repository by hand (the end-to-end tests run the same rules on
generated projects): a first commit holds the draft as generated, later commits the edits.
The rules judge HEAD, what a push publishes; the work tree's extra state is one warning.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mlscaffold.check import audit
from mlscaffold.check.writeup import paragraphs

GENERATED = """---
title: "A post"
published: false
---

<!-- Before publishing: replace every WRITE prompt with your own words. -->

> **WRITE:** Why this project? Two or three sentences, in your own words, on what drew you.

<!-- summary:start -->
_A summary is written here by `make report` after `make train`._
<!-- summary:end -->

## The problem

Given a small image of a handwritten digit, predict which digit it shows, from raw pixels.

## The approach

The pipeline compares a majority-class floor, a linear baseline and a kernel model, each
scored on the same held-out test images.

## What surprised me

> **WRITE:** What surprised you, and what did you try because of it?
"""
OWN_WORDS = {
    "> **WRITE:** Why this project? Two or three sentences, in your own words, on what drew you.": (
        "My little sister writes her sevens with a bar, and I wanted to know if a model would care."
    ),
    "> **WRITE:** What surprised you, and what did you try because of it?": (
        "The eights were the hardest class, so I drew twenty of my own and retrained on them."
    ),
}
EDITED_PROBLEM = (
    "Postcodes on the envelopes at my old job were read by machine; this is the toy version "
    "of that task, with small images of digits."
)
EDITED_APPROACH = (
    "Three models of growing power, scored on the same test images, so each step's gain shows."
)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose first commit is a generated blog draft and a README."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    repo = tmp_path / "project"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "blog-post.md").write_text(GENERATED, encoding="utf-8")
    (repo / "README.md").write_text(
        "# Project\n\n## Results\n\n<!-- results:start -->\n_No results yet: run `make train` "
        "and then `make report`._\n<!-- results:end -->\n\n```bash\nmake train\n```\n",
        encoding="utf-8",
    )
    _git(repo.parent, "init", "--quiet", "-b", "main", str(repo))
    _commit(repo, "Generated")
    return repo


def _rules(repo: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in audit(repo).findings:
        found.setdefault(finding.rule, []).append(finding.message)
    return found


def _finish_the_post(repo: Path) -> None:
    blog = repo / "docs" / "blog-post.md"
    text = blog.read_text(encoding="utf-8").replace("published: false\n", "published: true\n")
    for prompt, words in OWN_WORDS.items():
        text = text.replace(prompt, words)
    text = text.replace(paragraphs(GENERATED)[0][1], EDITED_PROBLEM)
    approach = GENERATED.split("## The approach\n\n")[1].split("\n\n")[0]
    blog.write_text(text.replace(approach, EDITED_APPROACH), encoding="utf-8")


def _fill_results(repo: Path) -> None:
    readme = repo / "README.md"
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(
            "_No results yet: run `make train` and then `make report`._",
            "| Model | Accuracy |\n| --- | ---: |\n| SVM | 0.981 |",
        ),
        encoding="utf-8",
    )
    (repo / "reports").mkdir(exist_ok=True)
    (repo / "reports" / "metrics.json").write_text('{"accuracy": 0.981}\n', encoding="utf-8")


def test_a_fresh_draft_gets_every_write_up_warning(project: Path) -> None:
    found = _rules(project)
    assert found["writeup-prompts"] == ["2 WRITE prompts left at HEAD: parts only you can write."]
    assert found["blog-draft-flag"] == ["the front matter says `published: false` at HEAD."]
    assert found["writeup-unedited"] == [
        "2 of 2 paragraphs are still the generated draft, word for word."
    ]
    assert "results-uncommitted" not in found
    write_up = [
        f
        for f in audit(project).findings
        if f.rule in found and f.rule.startswith(("writeup", "blog-draft-flag"))
    ]
    assert write_up and all(f.severity.value == "warning" for f in write_up), "they never block"


@pytest.mark.parametrize(
    ("flag", "warned"),
    [
        ("published: false", True),
        ("published: no", True),
        ("draft: true", True),  # the front matter of projects generated before 1.2.0
        ("published: true", False),
        ("draft: false", False),
        ("", False),
    ],
)
def test_the_draft_flag_is_published_false_or_the_older_draft_true(
    tmp_path: Path, flag: str, warned: bool
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "blog-post.md").write_text(
        f'---\ntitle: "A post"\n{flag}\n---\n\nText.\n', encoding="utf-8"
    )
    found = _rules(tmp_path)
    expected = [f"the front matter says `{flag}` in the work tree."] if warned else None
    assert found.get("blog-draft-flag") == expected


def test_paragraphs_skip_front_matter_sections_prompts_and_headings() -> None:
    found = paragraphs(GENERATED)
    assert [line for line, _ in found] == [16, 20]
    assert found[1][1].startswith("The pipeline compares") and "\n" not in found[1][1]


def test_edits_in_the_work_tree_count_only_once_committed(project: Path) -> None:
    _finish_the_post(project)
    found = _rules(project)
    assert "writeup-prompts" in found and "blog-draft-flag" in found  # HEAD still has them
    assert found["results-uncommitted"] == [
        "git push publishes the last commit, which does not have the work tree's "
        "docs/blog-post.md (changed since the last commit)."
    ]
    _commit(project, "My own words")
    found = _rules(project)
    for rule in ("writeup-prompts", "blog-draft-flag", "writeup-unedited", "results-uncommitted"):
        assert rule not in found, rule


def test_only_one_paragraph_left_is_named_with_its_line(project: Path) -> None:
    _finish_the_post(project)
    blog = project / "docs" / "blog-post.md"
    blog.write_text(
        blog.read_text(encoding="utf-8").replace(EDITED_PROBLEM, paragraphs(GENERATED)[0][1]),
        encoding="utf-8",
    )
    _commit(project, "Kept the problem statement")
    finding = next(f for f in audit(project).findings if f.rule == "writeup-unedited")
    assert finding.message == "1 of 4 paragraphs is still the generated draft, word for word."
    assert (
        finding.line
        == blog.read_text(encoding="utf-8").splitlines().index(paragraphs(GENERATED)[0][1]) + 1
    )


def test_results_not_committed_are_named_and_the_readme_is_judged_at_head(project: Path) -> None:
    _fill_results(project)
    found = _rules(project)
    assert found["results-uncommitted"] == [
        "git push publishes the last commit, which does not have the work tree's "
        "README.md (changed since the last commit), reports/metrics.json (not committed)."
    ]
    assert "readme-results-unfilled" in found, "the README a push publishes has no results"
    _commit(project, "Add measured results")
    found = _rules(project)
    assert "results-uncommitted" not in found and "readme-results-unfilled" not in found


def test_a_plain_folder_is_judged_as_it_is(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "blog-post.md").write_text(GENERATED, encoding="utf-8")
    found = _rules(folder)
    assert found["writeup-prompts"] == [
        "2 WRITE prompts left in the work tree: parts only you can write."
    ]
    assert "writeup-unedited" not in found, "no history: nothing says what was generated"
    assert "results-uncommitted" not in found
