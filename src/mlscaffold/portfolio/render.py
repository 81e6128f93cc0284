"""Turn the found projects into the portfolio's files: a profile README and a site.

Pure: takes :class:`~mlscaffold.portfolio.projects.Project` objects and returns
``{relative path: bytes}``; writing them is :mod:`mlscaffold.portfolio.writer`'s job.
Markdown comes from the Jinja templates next to this module; ``mkdocs.yml`` is
dumped from a dict, so no title can break its YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from mlscaffold.portfolio.projects import FIGURES, POST, Project, split_front_matter

TEMPLATES = Path(__file__).parent / "templates"
PROFILE_README = "profile/README.md"
SITE = "site"


@dataclass(frozen=True)
class Settings:
    """One run's choices: whose portfolio it is and where its site will live."""

    username: str
    site_url: str


def render(projects: list[Project], settings: Settings) -> dict[str, bytes]:
    """Every file of the portfolio, by path relative to the output folder."""
    environment = _environment()
    links = {p.slug: _links(p, settings) for p in projects}
    context = {"projects": projects, "links": links, "settings": settings}
    files: dict[str, str | bytes] = {
        PROFILE_README: environment.get_template("profile-README.md.jinja").render(context),
        f"{SITE}/mkdocs.yml": _mkdocs_yml(projects, settings),
        f"{SITE}/docs/index.md": environment.get_template("index.md.jinja").render(context),
        f"{SITE}/.github/workflows/pages.yml": (TEMPLATES / "pages.yml").read_bytes(),
        f"{SITE}/.gitignore": "# `mkdocs build` output; the Pages workflow builds it\n/site/\n",
    }
    project_page = environment.get_template("project.md.jinja")
    for project in projects:
        base = f"{SITE}/docs/{project.slug}"
        files[f"{base}/index.md"] = project_page.render(
            {**context, "project": project, "link": links[project.slug]}
        )
        for figure in project.figures:
            files[f"{base}/figures/{figure.name}"] = figure.read_bytes()
        if project.has_post:
            files[f"{base}/post.md"] = post_page(project, settings)
    return {path: (v.encode("utf-8") if isinstance(v, str) else v) for path, v in files.items()}


def repository_url(project: Project, settings: Settings) -> str:
    """The project's repository on GitHub under the portfolio's user."""
    return f"https://github.com/{settings.username}/{project.slug}"


def _links(project: Project, settings: Settings) -> dict[str, str | None]:
    repo = repository_url(project, settings)
    post = project.post_url
    if post is None and project.has_post:
        post = f"{repo}/blob/main/{POST.as_posix()}"
    return {"repo": repo, "post": post, "demo": project.demo_url}


def _environment() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, escaped by the `md` filter where text comes from answers
    )
    environment.filters["md"] = markdown_text
    return environment


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def markdown_text(value: object) -> str:
    """Text from an answer, shown literally in Markdown (no link, emphasis or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _mkdocs_yml(projects: list[Project], settings: Settings) -> str:
    import yaml

    nav: list[Any] = [{"Home": "index.md"}]
    nav.append({"Projects": [{p.title: f"{p.slug}/index.md"} for p in projects]})
    posts = [{p.title: f"{p.slug}/post.md"} for p in projects if p.has_post]
    if posts:
        nav.append({"Write-ups": posts})
    config = {
        "site_name": f"{settings.username}: machine-learning projects",
        "site_url": settings.site_url,
        "theme": {"name": "material", "features": ["navigation.sections", "navigation.top"]},
        "nav": nav,
        # `mkdocs build --strict` then fails on any link or anchor that leads nowhere
        "validation": {
            "omitted_files": "warn",
            "absolute_links": "warn",
            "unrecognized_links": "warn",
            "anchors": "warn",
        },
    }
    header = "# Written by `mlscaffold portfolio`; rerun it to refresh (your edits stop that).\n"
    return header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


_LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"\n]*\")?\)"
)
_REFERENCE = re.compile(r"^(?P<label> {0,3}\[[^\]\n]+\]:[ \t]*)(?P<target>\S+)", re.MULTILINE)
_IMG_SRC = re.compile(
    r"(?P<before><img\b[^>]*?\bsrc=)(?P<quote>[\"'])(?P<target>[^\"'>]+)(?P=quote)"
)


def post_page(project: Project, settings: Settings) -> str:
    """The project's blog post as a site page, its links working from the site.

    Figures of the project point at their copies next to the page; other relative
    links (README, model card, code) point at the file in the GitHub repository.
    """
    text = (project.path / POST).read_text(encoding="utf-8", errors="replace")
    front, body = split_front_matter(text)
    title = " ".join(str(front.get("title") or project.title).split())
    description = " ".join(str(front.get("description") or "").split())

    def target(value: str) -> str:
        return rewrite_link(value, project, settings)

    body = _LINK.sub(lambda m: _replace(m, target), body)
    body = _REFERENCE.sub(lambda m: m["label"] + target(m["target"]), body)
    body = _IMG_SRC.sub(
        lambda m: f"{m['before']}{m['quote']}{target(m['target'])}{m['quote']}", body
    )
    lines = [f"# {markdown_text(title)}", ""]
    if description:
        lines += [f"*{markdown_text(description)}*", ""]
    lines.append(
        f"<small>From [{markdown_text(project.title)}]({repository_url(project, settings)}), "
        "copied from `docs/blog-post.md` by `mlscaffold portfolio`.</small>"
    )
    return "\n".join(lines) + "\n\n" + body.lstrip("\n")


def _replace(match: re.Match[str], target: Any) -> str:
    return f"{match['bang']}[{match['text']}]({target(match['target'])}{match['title'] or ''})"


def rewrite_link(value: str, project: Project, settings: Settings) -> str:
    """Where a link of ``docs/blog-post.md`` must point from ``SLUG/post.md`` in the site."""
    parsed = urlparse(value)
    if parsed.scheme or parsed.netloc or value.startswith("#"):
        return value
    path, _, anchor = value.partition("#")
    root = project.path.resolve()
    resolved = (project.path / POST.parent / path).resolve()
    if not resolved.is_relative_to(root):
        return f"{repository_url(project, settings)}"  # nothing outside the project is shown
    relative = PurePosixPath(resolved.relative_to(root).as_posix())
    if relative.parent == PurePosixPath(FIGURES.as_posix()) and any(
        f.name == relative.name for f in project.figures
    ):
        return f"figures/{relative.name}"
    kind = "tree" if resolved.is_dir() else "blob"
    suffix = f"#{anchor}" if anchor else ""
    return f"{repository_url(project, settings)}/{kind}/main/{relative}{suffix}"
