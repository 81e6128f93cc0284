"""`mlscaffold blog`: platform exports of the blog post, absolute links, the dev.to API.

Each test builds a small project by hand (the end-to-end test exports a generated one):
a blog post in the neutral front matter, figures, metrics.json, an answers file, one
commit. The dev.to API is a local HTTP server in a thread.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import assert_one_line_error

from mlscaffold.blog import LINKEDIN_LIMIT, linkedin_text, parse_github_url, plain_text

REPO = "https://github.com/alice/digits"
RAW = "https://raw.githubusercontent.com/alice/digits/main/"
PROMPT = "> **WRITE:** Why this project? In your own words.\n\n"

POST = """---
title: "Digits: how far pixels get"
description: "Read handwritten digits, measured against baselines."
date: 2026-12-01
tags: [machinelearning, python, computervision, scikitlearn, extra]
cover_image: "../reports/figures/sample.png"
published: false
---

<!-- The source of the post: the exports leave this comment out. -->

<!-- summary:start -->
The saved model classifies **98.1%** of the test images correctly.
<!-- summary:end -->

## The problem

Given a small image of a **handwritten** digit, say which digit it is, from raw `pixels`.
See [the data notes](../data/README.md) and [the model card](../MODEL_CARD.md#metrics).

## Results

<!-- results:start -->
| Model | Accuracy |
| --- | ---: |
| SVM | 0.981 |

![Confusion matrix](../reports/figures/confusion.png)
<img src="../reports/figures/sample.png" alt="Sample predictions">
<!-- results:end -->

```python
example = "[not a link](../stays.md)"
```

The code is on GitHub: [your-github-username/digits](https://github.com/your-github-username/digits).
"""

METRICS = {
    "model": "svm",
    "models": {
        "majority_class": {"display_name": "Majority class", "accuracy": 0.1},
        "svm": {"display_name": "SVM, RBF kernel", "accuracy": 0.980555},
    },
    "data": {"n_test": 360},
    "figures": ["reports/figures/confusion.png", "reports/figures/sample.png"],
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def _commit(repo: Path, message: str = "Results") -> None:
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message)


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A trained, reported project with the answers' placeholder user, all committed."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    repo = tmp_path / "digits"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "blog-post.md").write_text(POST, encoding="utf-8")
    (repo / "data").mkdir()
    (repo / "data" / "README.md").write_text("# Data\n", encoding="utf-8")
    (repo / "MODEL_CARD.md").write_text("# Model card\n", encoding="utf-8")
    figures = repo / "reports" / "figures"
    figures.mkdir(parents=True)
    for name in ("confusion.png", "sample.png", "cover.png"):
        (figures / name).write_bytes(PNG)
    (repo / "reports" / "metrics.json").write_text(json.dumps(METRICS), encoding="utf-8")
    (repo / ".copier-answers.yml").write_text(
        "github_username: your-github-username\nproject_slug: digits\n", encoding="utf-8"
    )
    _git(repo.parent, "init", "--quiet", "-b", "main", str(repo))
    _commit(repo, "Generated, trained and reported")
    return repo


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert match, text[:200]
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict)
    return meta, text[match.end() :]


def _outside_code(text: str) -> str:
    return re.sub(r"(?ms)^```.*?^```$", "", text)


def _relative_links(text: str) -> list[str]:
    """Link and image targets that are neither absolute URLs nor in-page anchors."""
    prose = _outside_code(text)
    targets = re.findall(r"\]\(\s*<?([^)\s>]+)", prose)
    targets += re.findall(r"""\b(?:src|href)=["']([^"']+)""", prose)
    return [t for t in targets if not re.match(r"^(https?:|mailto:|#)", t)]


def _export(cli, project: Path, platform: str, *args: str, **kwargs: Any) -> tuple[str, str]:
    run = cli("blog", str(project), "--to", platform, *args, **kwargs)
    assert run.returncode == 0, (run.stdout, run.stderr)
    suffix = "txt" if platform == "linkedin" else "md"
    path = project / "docs" / "export" / f"{platform}.{suffix}"
    assert f"wrote {path}" in run.stdout
    return path.read_text(encoding="utf-8"), run.stderr


def test_devto_has_its_front_matter_four_tags_and_absolute_links(cli, project: Path) -> None:
    text, notes = _export(cli, project, "devto", "--repo-url", REPO)
    meta, body = _front_matter(text)
    assert list(meta) == ["title", "published", "description", "tags", "cover_image"]
    assert meta["published"] is False
    assert meta["title"] == "Digits: how far pixels get"
    tags = [tag.strip() for tag in meta["tags"].split(",")]
    assert tags == ["machinelearning", "python", "computervision", "scikitlearn"]
    assert all(re.fullmatch(r"[a-z0-9]+", tag) for tag in tags)
    assert "left out: extra" in notes
    assert meta["cover_image"] == RAW + "reports/figures/cover.png"
    assert f"![Confusion matrix]({RAW}reports/figures/confusion.png)" in body
    assert f'<img src="{RAW}reports/figures/sample.png"' in body
    assert f"[the data notes]({REPO}/blob/main/data/README.md)" in body
    assert f"[the model card]({REPO}/blob/main/MODEL_CARD.md#metrics)" in body
    assert _relative_links(text) == []
    assert 'example = "[not a link](../stays.md)"' in body  # code is left as written
    # the footer the template wrote with the placeholder user points at the real repository
    assert f"[alice/digits]({REPO})" in body and "your-github-username" not in text
    assert "<!--" not in text and "summary:start" not in text
    assert "canonical_url" not in meta and "series" not in meta


def test_devto_canonical_url_and_series_come_from_the_options(cli, project: Path) -> None:
    text, _ = _export(
        cli,
        project,
        "devto",
        "--repo-url",
        REPO,
        "--canonical-url",
        "https://alice.dev/digits",
        "--series",
        "ML portfolio",
        "--branch",
        "trunk",
    )
    meta, body = _front_matter(text)
    assert meta["canonical_url"] == "https://alice.dev/digits"
    assert meta["series"] == "ML portfolio"
    assert meta["cover_image"].startswith("https://raw.githubusercontent.com/alice/digits/trunk/")
    assert f"{REPO}/blob/trunk/data/README.md" in body


def test_hashnode_has_its_own_front_matter(cli, project: Path) -> None:
    text, notes = _export(cli, project, "hashnode", "--repo-url", REPO)
    meta, _ = _front_matter(text)
    assert meta["title"] == "Digits: how far pixels get"
    assert meta["subtitle"] == "Read handwritten digits, measured against baselines."
    assert meta["slug"] == "digits"
    tags = [tag.strip() for tag in meta["tags"].split(",")]
    assert tags == ["machine-learning", "python", "computer-vision", "scikitlearn", "extra"]
    assert meta["cover"] == RAW + "reports/figures/cover.png"
    assert meta["saveAsDraft"] is True
    assert "domain" not in meta and "pass --domain" in notes
    assert "https://hashnode.com/uploader" in notes  # its docs: covers from its CDN only
    assert _relative_links(text) == []
    text, _ = _export(
        cli,
        project,
        "hashnode",
        "--repo-url",
        REPO,
        "--domain",
        "alice.hashnode.dev",
        "--canonical-url",
        "https://alice.dev/digits",
        "--series",
        "ML portfolio",
    )
    meta, _ = _front_matter(text)
    assert meta["domain"] == "alice.hashnode.dev"
    assert meta["canonical"] == "https://alice.dev/digits"
    assert meta["seriesSlug"] == "ml-portfolio"


def test_medium_gets_no_front_matter_and_a_title_heading(cli, project: Path) -> None:
    text, _ = _export(cli, project, "medium", "--repo-url", REPO)
    assert not text.startswith("---")
    assert text.splitlines()[0] == "# Digits: how far pixels get"
    assert f"![Digits: how far pixels get]({RAW}reports/figures/cover.png)" in text
    assert "<img" not in text and f"![Sample predictions]({RAW}reports/figures/sample.png)" in text
    assert "```\n| Model | Accuracy |" in text  # Medium has no tables: kept readable as a block
    assert _relative_links(text) == []
    text, _ = _export(
        cli, project, "medium", "--repo-url", REPO, "--canonical-url", "https://alice.dev/d"
    )
    assert text.rstrip().endswith(
        "*Originally published at [https://alice.dev/d](https://alice.dev/d).*"
    )


def test_linkedin_is_plain_text_with_the_result_and_the_link(cli, project: Path) -> None:
    text, _ = _export(cli, project, "linkedin", "--repo-url", REPO)
    assert len(text) < LINKEDIN_LIMIT
    assert text.splitlines()[0] == "Digits: how far pixels get"
    assert "say which digit it is, from raw pixels" in text  # the problem, without Markdown
    assert "classifies 98.1% of 360 held-out test images correctly" in text  # metrics.json
    assert "against 10.0% for a constant answer" in text
    assert REPO in text
    assert "#machinelearning #python #computervision #scikitlearn" in text
    for markdown in ("**", "](", "`", "![", "<", "|", "\n# ", "\n## "):
        assert markdown not in text, markdown


def test_linkedin_stays_under_the_limit_with_a_long_problem(cli, project: Path) -> None:
    blog = project / "docs" / "blog-post.md"
    long_problem = "\n\n".join(f"Paragraph {i}: " + "many words here " * 40 for i in range(20))
    blog.write_text(POST.replace("## Results", long_problem + "\n\n## Results"), encoding="utf-8")
    text, _ = _export(cli, project, "linkedin", "--repo-url", REPO)
    assert len(text) < LINKEDIN_LIMIT
    assert "98.1%" in text and REPO in text and "Paragraph 0" in text


def test_linkedin_text_cuts_the_problem_never_the_result_or_link() -> None:
    text = linkedin_text("Title", "word " * 2000, "Result 0.9.", "Link https://x.y", "#a")
    assert len(text) < LINKEDIN_LIMIT
    assert "Result 0.9." in text and "Link https://x.y" in text and text.endswith("#a\n")


def test_plain_text_drops_markdown_and_prompts() -> None:
    text = plain_text(
        "> **WRITE:** a question\n> on two lines\n\nSome **bold** and `code` and "
        "[a link](https://a.b) and ![img](https://c.d/e.png).\n\n- one\n- two\n\n"
        "**Wrapped** in the source,\nread as one line.\n"
    )
    assert text == (
        "Some bold and code and a link (https://a.b) and .\n\n• one\n• two\n\n"
        "Wrapped in the source, read as one line."
    )


def test_write_prompts_are_refused_unless_allowed(cli, project: Path) -> None:
    blog = project / "docs" / "blog-post.md"
    blog.write_text(POST.replace("## The problem", PROMPT + "## The problem"), encoding="utf-8")
    run = cli("blog", str(project), "--to", "devto", "--repo-url", REPO)
    assert_one_line_error(run, "1 WRITE prompt", "--allow-prompts", code=2)
    assert not (project / "docs" / "export").exists()
    text, _ = _export(cli, project, "devto", "--repo-url", REPO, "--allow-prompts")
    assert "> **WRITE:** Why this project?" in text  # a preview shows what is left to write
    text, _ = _export(cli, project, "linkedin", "--repo-url", REPO, "--allow-prompts")
    assert "WRITE" not in text and "Why this project" not in text


def test_results_not_yet_reported_are_refused(cli, project: Path) -> None:
    blog = project / "docs" / "blog-post.md"
    unfilled = re.sub(
        r"(?s)<!-- results:start -->.*?<!-- results:end -->",
        "<!-- results:start -->\n_Filled in by `make report` after `make train`._\n"
        "<!-- results:end -->",
        POST,
    )
    blog.write_text(unfilled, encoding="utf-8")
    run = cli("blog", str(project), "--to", "medium", "--repo-url", REPO)
    assert_one_line_error(run, "make train", "make report", code=2)


def test_the_origin_remote_names_the_repository(cli, project: Path) -> None:
    _git(project, "remote", "add", "origin", "git@github.com:carol/digit-reader.git")
    text, _ = _export(cli, project, "devto")
    assert "https://raw.githubusercontent.com/carol/digit-reader/main/reports/" in text
    assert "[carol/digit-reader](https://github.com/carol/digit-reader)" in text


def test_the_answers_file_names_the_repository_without_a_remote(cli, project: Path) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text("github_username: dave\nproject_slug: digits\n", encoding="utf-8")
    blog = project / "docs" / "blog-post.md"  # as the template writes it for dave
    blog.write_text(POST.replace("your-github-username", "dave"), encoding="utf-8")
    text, _ = _export(cli, project, "devto")
    assert "https://raw.githubusercontent.com/dave/digits/main/reports/figures/cover.png" in text
    assert "[dave/digits](https://github.com/dave/digits)" in text


def test_a_non_github_origin_falls_back_to_the_answers(cli, project: Path) -> None:
    (project / ".copier-answers.yml").write_text(
        "github_username: dave\nproject_slug: digits\n", encoding="utf-8"
    )
    _git(project, "remote", "add", "origin", str(project.parent / "bare.git"))
    text, notes = _export(cli, project, "devto")
    assert "raw.githubusercontent.com/dave/digits/" in text
    assert "is not on GitHub; using the answers file" in notes


def test_no_repository_is_one_line_and_exit_2(cli, project: Path) -> None:
    run = cli("blog", str(project), "--to", "devto")  # placeholder user, no remote
    assert_one_line_error(run, "--repo-url", "git remote add origin", code=2)
    run = cli("blog", str(project), "--to", "devto", "--repo-url", "https://gitlab.com/a/b")
    assert_one_line_error(run, "not a GitHub repository", code=2)


def test_a_figure_that_is_not_committed_is_named(cli, project: Path) -> None:
    blog = project / "docs" / "blog-post.md"
    blog.write_text(
        POST.replace("## Results", "![New](../reports/figures/new.png)\n\n## Results"),
        encoding="utf-8",
    )
    (project / "reports" / "figures" / "new.png").write_bytes(PNG)
    _, notes = _export(cli, project, "devto", "--repo-url", REPO)
    assert "reports/figures/new.png is not committed: its link gives 404" in notes
    assert "confusion.png is not committed" not in notes
    _commit(project)
    _, notes = _export(cli, project, "devto", "--repo-url", REPO)
    assert "not committed" not in notes


def test_bad_inputs_are_one_line_and_exit_2(cli, project: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(cli("blog", str(empty), "--to", "devto"), "no blog post", code=2)
    assert_one_line_error(cli("blog", str(tmp_path / "nope"), "--to", "devto"), "not a folder")
    run = cli("blog", str(project), "--to", "myspace")
    assert run.returncode == 2 and "invalid choice: 'myspace'" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    source = project / "docs" / "blog-post.md"
    run = cli("blog", str(project), "--to", "devto", "--repo-url", REPO, "--out", str(source))
    assert_one_line_error(run, "never overwritten", code=2)
    assert source.read_text(encoding="utf-8") == POST
    run = cli("blog", str(project), "--to", "medium", "--create-draft", "--repo-url", REPO)
    assert_one_line_error(run, "--to devto only", code=2)
    source.write_text("---\ntitle: [unclosed\n---\n\nText.\n", encoding="utf-8")
    run = cli("blog", str(project), "--to", "devto", "--repo-url", REPO)
    assert_one_line_error(run, "front matter is not valid YAML", code=2)


def test_exports_never_touch_the_source_and_leave_no_temporary_files(
    cli, project: Path, tmp_path: Path
) -> None:
    for platform in ("devto", "hashnode", "medium", "linkedin"):
        _export(cli, project, platform, "--repo-url", REPO)
    assert (project / "docs" / "blog-post.md").read_text(encoding="utf-8") == POST
    names = sorted(path.name for path in (project / "docs" / "export").iterdir())
    assert names == ["devto.md", "hashnode.md", "linkedin.txt", "medium.md"]
    out = tmp_path / "elsewhere" / "post.md"
    run = cli("blog", str(project), "--to", "devto", "--repo-url", REPO, "--out", str(out))
    assert run.returncode == 0 and out.read_text(encoding="utf-8").startswith("---\ntitle:")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/alice/digits", ("alice", "digits")),
        ("https://github.com/alice/digits.git", ("alice", "digits")),
        ("git@github.com:alice/digits.git", ("alice", "digits")),
        ("ssh://git@github.com/alice/my.repo.git", ("alice", "my.repo")),
        ("alice/digits", ("alice", "digits")),
        ("https://gitlab.com/alice/digits", None),
        ("/srv/git/digits.git", None),
        ("https://github.com/alice/..", None),
    ],
)
def test_github_urls(url: str, expected: tuple[str, str] | None) -> None:
    found = parse_github_url(url)
    assert (found and (found.owner, found.name)) == expected or (found is None and not expected)


def _four_tags(project: Path) -> None:
    """The post without its fifth tag, so that no note precedes an error line."""
    blog = project / "docs" / "blog-post.md"
    blog.write_text(POST.replace(", extra]", "]"), encoding="utf-8")


# --- dev.to's API, as a local server ------------------------------------------------------


class _Api(BaseHTTPRequestHandler):
    status = 201
    answer: bytes = b"{}"
    requests: list[dict[str, Any]] = []  # noqa: RUF012 - one server per test, reset below

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        type(self).requests.append(
            {
                "path": self.path,
                "headers": dict(self.headers.items()),
                "body": json.loads(self.rfile.read(length)),
            }
        )
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(type(self).answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[tuple[str, type[_Api]]]:
    handler = type("Api", (_Api,), {"requests": [], "status": 201, "answer": b"{}"})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/articles", handler
    finally:
        server.shutdown()
        server.server_close()


def test_create_draft_posts_the_article_with_the_key_header(cli, project: Path, api) -> None:
    url, handler = api
    handler.answer = json.dumps({"id": 7, "url": "https://dev.to/alice/digits-1a2b"}).encode()
    run = cli(
        "blog",
        str(project),
        "--to",
        "devto",
        "--repo-url",
        REPO,
        "--series",
        "ML portfolio",
        "--create-draft",
        "--api-url",
        url,
        extra_env={"DEVTO_API_KEY": "k3y-from-the-environment"},
    )
    assert run.returncode == 0, run.stderr
    assert "dev.to draft created: https://dev.to/alice/digits-1a2b" in run.stdout
    [request] = handler.requests
    assert request["path"] == "/api/articles"
    headers = {key.lower(): value for key, value in request["headers"].items()}
    assert headers["api-key"] == "k3y-from-the-environment"
    assert headers["content-type"] == "application/json"
    article = request["body"]["article"]
    assert article["published"] is False
    assert article["title"] == "Digits: how far pixels get"
    assert article["tags"] == "machinelearning, python, computervision, scikitlearn"
    assert headers["accept"] == "application/vnd.forem.api-v1+json"
    assert article["main_image"] == RAW + "reports/figures/cover.png"
    assert article["series"] == "ML portfolio"
    assert not article["body_markdown"].startswith("---")
    assert f"{RAW}reports/figures/confusion.png" in article["body_markdown"]
    assert _relative_links(article["body_markdown"]) == []


@pytest.mark.parametrize(
    ("status", "answer", "fragment"),
    [
        (401, {"error": "unauthorized", "status": 401}, "dev.to refused the API key (401"),
        (422, {"error": "Title has already been used"}, "(422: Title has already been used)"),
        (500, {}, "dev.to answered 500"),
    ],
)
def test_create_draft_errors_are_one_line_and_exit_1(
    cli, project: Path, api, status: int, answer: dict[str, Any], fragment: str
) -> None:
    url, handler = api
    handler.status, handler.answer = status, json.dumps(answer).encode()
    _four_tags(project)
    run = cli(
        "blog",
        str(project),
        "--to",
        "devto",
        "--repo-url",
        REPO,
        "--create-draft",
        "--api-url",
        url,
        extra_env={"DEVTO_API_KEY": "bad"},
    )
    assert_one_line_error(run, fragment, code=1)
    assert len(handler.requests) == 1


def test_create_draft_without_network_is_one_line_and_exit_1(cli, project: Path) -> None:
    _four_tags(project)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = cli(
        "blog",
        str(project),
        "--to",
        "devto",
        "--repo-url",
        REPO,
        "--create-draft",
        "--api-url",
        f"http://127.0.0.1:{port}/api/articles",
        extra_env={"DEVTO_API_KEY": "k"},
    )
    assert_one_line_error(run, "cannot reach dev.to", code=1)


def test_create_draft_without_a_key_says_where_to_put_it(cli, project: Path, api) -> None:
    url, handler = api
    run = cli(
        "blog",
        str(project),
        "--to",
        "devto",
        "--repo-url",
        REPO,
        "--create-draft",
        "--api-url",
        url,
    )
    assert_one_line_error(run, "DEVTO_API_KEY", code=2)
    assert handler.requests == [] and not (project / "docs" / "export").exists()
