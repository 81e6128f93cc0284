"""A generated project's blog post, exported for every platform after train and report.

For each template: generate, ``make train``, ``make report`` (which also draws
``reports/figures/cover.png``), commit, then ``mlscaffold blog --to`` each platform. The
exports must carry the platform's front matter (or none), absolute URLs of committed
figures only, and, for LinkedIn, the measured headline number in plain text under 3,000
characters. ``make report-check`` must still pass, and ``check`` must still say the post
is not published yet.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from projects import Project, Variant, generate, isolated_env

TEMPLATES = ("image-classifier", "recommender", "kaggle-entry")
OWNER, NAME = "alice", "portfolio-project"
REPO = f"https://github.com/{OWNER}/{NAME}"
RAW = f"https://raw.githubusercontent.com/{OWNER}/{NAME}/main/"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert match, text[:300]
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict)
    return meta, text[match.end() :]


def _link_targets(text: str) -> list[str]:
    prose = re.sub(r"(?ms)^```.*?^```$", "", text)
    return re.findall(r"\]\(\s*<?([^)\s>]+)", prose) + re.findall(
        r"""\b(?:src|href)=["']([^"']+)""", prose
    )


def _committed(project: Project) -> set[str]:
    out = project.run("git", "ls-tree", "-r", "--name-only", "HEAD").stdout
    return set(out.split())


@pytest.fixture(scope="module", params=[pytest.param(t, id=t) for t in TEMPLATES])
def reported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project of the template, trained, reported and committed, without WRITE prompts."""
    template = request.param
    root = tmp_path_factory.mktemp(f"blog-{template}")
    (root / "ws").mkdir()
    project = generate(Variant(template), root / "ws", isolated_env(root / "home"))
    project.make("train")
    project.make("report")
    blog = project.path / "docs" / "blog-post.md"
    text = blog.read_text(encoding="utf-8")
    # The learner's own words replace every prompt (a block of "> " lines).
    text = re.sub(
        r"(?m)^> \*\*WRITE:\*\*.*(?:\n>.*)*",
        "I wanted to see how far a simple baseline goes.",
        text,
    )
    blog.write_text(text, encoding="utf-8")
    project.run("git", "add", "-A")
    project.run("git", "commit", "-q", "--no-verify", "-m", "Results and my own words")
    return project


def _blog(project: Project, platform: str, *args: str) -> tuple[str, subprocess.CompletedProcess]:
    completed = project.run(
        sys.executable, "-m", "mlscaffold", "blog", "--to", platform, "--repo-url", REPO, *args
    )
    suffix = "txt" if platform == "linkedin" else "md"
    text = (project.path / "docs" / "export" / f"{platform}.{suffix}").read_text(encoding="utf-8")
    return text, completed


def test_make_report_draws_the_cover_and_still_checks(reported: Project) -> None:
    cover = reported.path / "reports" / "figures" / "cover.png"
    assert _png_size(cover) == (1000, 420)
    assert "reports/figures/cover.png" in _committed(reported)
    reported.make("report-check")
    found = reported.run(sys.executable, "-m", "mlscaffold", "check", ".", "--json", check=False)
    messages = {
        finding["rule"]: finding["message"] for finding in json.loads(found.stdout)["findings"]
    }
    assert messages["blog-draft-flag"] == "the front matter says `published: false` at HEAD."


def test_every_platform_export_is_valid(reported: Project) -> None:
    committed = _committed(reported)
    source = (reported.path / "docs" / "blog-post.md").read_bytes()
    title = yaml.safe_load(source.decode().split("---\n")[1])["title"]

    devto, _ = _blog(reported, "devto", "--series", "Portfolio")
    meta, body = _front_matter(devto)
    assert meta["published"] is False and meta["title"] == title
    tags = [tag.strip() for tag in meta["tags"].split(",")]
    assert 1 <= len(tags) <= 4 and all(re.fullmatch(r"[a-z0-9]+", tag) for tag in tags)
    assert meta["cover_image"] == RAW + "reports/figures/cover.png"
    assert meta["series"] == "Portfolio" and "canonical_url" not in meta
    assert f"[{OWNER}/{NAME}]({REPO})" in body  # the footer points at the real repository

    hashnode, _ = _blog(reported, "hashnode", "--domain", "alice.hashnode.dev")
    meta, _ = _front_matter(hashnode)
    assert meta["title"] == title and meta["saveAsDraft"] is True
    assert meta["domain"] == "alice.hashnode.dev" and meta["cover"].startswith(RAW)
    assert 1 <= len(meta["tags"].split(",")) <= 5

    medium, _ = _blog(reported, "medium")
    assert not medium.startswith("---") and medium.startswith(f"# {title}\n")

    for text in (devto, hashnode, medium):
        targets = _link_targets(text)
        images = [t for t in targets if t.startswith(RAW)]
        assert len(images) >= 2, targets  # the figures, and the cover in Medium's body
        assert all(re.match(r"^(https?:|mailto:|#)", t) for t in targets), targets
        for image in images:
            assert image.removeprefix(RAW) in committed, image  # a URL that will not 404

    linkedin, _ = _blog(reported, "linkedin")
    assert len(linkedin) < 3000 and REPO in linkedin
    metrics = reported.metrics()
    saved = metrics["models"][metrics["model"]]
    number = next(
        f"{saved[key]:.1%}" if key == "accuracy" else f"{saved[key]:.3f}"
        for key in ("accuracy", "ndcg_at_k", "mean")
        if key in saved
    )
    assert number in linkedin, (number, linkedin)
    for markdown in ("**", "](", "`", "![", "|", "\n# ", "\n## "):
        assert markdown not in linkedin, markdown

    assert (reported.path / "docs" / "blog-post.md").read_bytes() == source
