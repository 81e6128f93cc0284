"""``mlscaffold blog``: the project's blog post, ready for dev.to, Hashnode, Medium or LinkedIn.

``docs/blog-post.md`` is the source, in no platform's dialect (title, description, date,
tags, ``cover_image``, ``published``; optionally ``canonical_url`` and ``series``). An
export reads it and writes one platform's version, by default into ``docs/export/``:

* every relative link becomes an absolute URL of the pushed repository: figures
  ``https://raw.githubusercontent.com/OWNER/REPO/BRANCH/PATH``, other files their page
  on GitHub, both resolved against ``docs/`` as the post links them;
* the repository is ``--repo-url``, else the ``origin`` remote (read through the one git
  layer, :mod:`mlscaffold.vcs`), else the answers file (``github_username`` and
  ``project_slug``); a figure that is not committed is named, since its URL would 404;
* the cover is ``reports/figures/cover.png``, which ``make report`` draws;
* a post that still holds ``> **WRITE:**`` prompts is refused (``--allow-prompts``
  exports it anyway), and so is one whose results ``make report`` has not written.

Every platform's post is a draft there (dev.to ``published: false``, Hashnode
``saveAsDraft: true``): the learner publishes it on the platform after a last look.
``--create-draft`` sends the dev.to version to dev.to's API with the key in the
environment variable ``DEVTO_API_KEY``, never one read from a file.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import sys
import tempfile
import textwrap
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscaffold.errors import MlscaffoldError, UsageError
from mlscaffold.results import headline, read_metrics
from mlscaffold.text import printable

PLATFORMS = ("devto", "hashnode", "medium", "linkedin")
SOURCE = Path("docs") / "blog-post.md"
EXPORTS = Path("docs") / "export"
COVER = "reports/figures/cover.png"
LINKEDIN_LIMIT = 3000
"""LinkedIn's limit on a post's characters; the export stays below it."""
DEVTO_API = "https://dev.to/api/articles"
DEVTO_KEY = "DEVTO_API_KEY"
DEVTO_TAGS = 4
HASHNODE_TAGS = 5
PLACEHOLDER_USER = "your-github-username"
"""The answers' default GitHub user: a repository URL made from it is nobody's."""

HASHNODE_TAG_SLUGS = {
    "machinelearning": "machine-learning",
    "computervision": "computer-vision",
    "datascience": "data-science",
    "deeplearning": "deep-learning",
    "artificialintelligence": "artificial-intelligence",
}
"""The templates' dev.to-style tags that Hashnode spells as hyphenated slugs (its tags.json)."""

PROMPT = "**WRITE:**"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_PLACEHOLDER = re.compile(r"(?m)^_[^\n]*make report[^\n]*_[ \t]*$")
_INLINE_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^()\s<>]+)>?((?:\s+\"[^\"]*\")?)\s*\)"
)
_REFERENCE = re.compile(r"(?m)^( {0,3}\[[^\]]+\]:[ \t]*)<?(\S+?)>?([ \t]+\"[^\"]*\")?[ \t]*$")
_HTML_ATTRIBUTE = re.compile(r"""(<(img|a)\b[^>]*?\b(src|href)=)(["'])([^"']+)\4""", re.I)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BRANCH = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._/-]*$")
_GITHUB = (
    re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$"),
    re.compile(r"^(?:ssh://)?git@github\.com[:/]([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$"),
    re.compile(r"^([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)$"),
)


@dataclass(frozen=True)
class Options:
    """One ``mlscaffold blog`` run, as the command line gave it."""

    platform: str
    out: Path | None = None
    repo_url: str | None = None
    branch: str = "main"
    canonical_url: str | None = None
    series: str | None = None
    domain: str | None = None
    allow_prompts: bool = False
    create_draft: bool = False
    api_url: str = DEVTO_API


@dataclass(frozen=True)
class GitHubRepository:
    """A repository on GitHub, where the pushed project's files have stable URLs."""

    owner: str
    name: str

    @property
    def url(self) -> str:
        """The repository's page on GitHub."""
        return f"https://github.com/{self.owner}/{self.name}"

    def raw(self, branch: str, path: str) -> str:
        """The URL of the file's bytes, which an ``<img>`` on any site can show."""
        return f"https://raw.githubusercontent.com/{self.owner}/{self.name}/{branch}/{path}"

    def page(self, branch: str, path: str, *, folder: bool = False) -> str:
        """The URL of the file's (or folder's) page on GitHub."""
        return f"{self.url}/{'tree' if folder else 'blob'}/{branch}/{path}"


@dataclass
class Post:
    """The source post: its front matter and its Markdown body."""

    front: dict[str, Any]
    body: str


@dataclass
class Export:
    """One platform's version of the post, and what the learner should know about it."""

    text: str
    notes: list[str] = field(default_factory=list)
    article: dict[str, Any] | None = None
    """The dev.to API's ``article`` object (dev.to only)."""


# --- the command -----------------------------------------------------------------------


def run_blog(project: Path, options: Options) -> int:
    """Write the export for ``options.platform``; create the dev.to draft if asked."""
    key = ""
    if options.create_draft:
        if options.platform != "devto":
            raise UsageError("--create-draft works with --to devto only")
        key = os.environ.get(DEVTO_KEY, "").strip()
        if not key:
            raise UsageError(
                f"--create-draft needs a dev.to API key in the environment variable {DEVTO_KEY} "
                "(create one at https://dev.to/settings/extensions; never commit it)"
            )
    if not project.is_dir():
        raise UsageError(f"{project} is not a folder; give the project's folder")
    target = _target(project, options)
    export = build_export(project, options)
    write_atomically(target, export.text)
    for note in export.notes:
        print(f"mlscaffold: note: {printable(note)}", file=sys.stderr)
    print(f"wrote {printable(str(target))}: {_next_step(options.platform)}")
    if options.create_draft:
        assert export.article is not None
        url = create_devto_draft(export.article, key, api_url=options.api_url)
        print(f"dev.to draft created: {printable(url)} (not published: review it there)")
    return 0


def build_export(project: Path, options: Options) -> Export:
    """The export of ``project``'s post for ``options.platform`` (nothing is written)."""
    if options.platform not in PLATFORMS:
        raise UsageError(f"unknown platform {options.platform!r}; choose {', '.join(PLATFORMS)}")
    if not _BRANCH.fullmatch(options.branch) or ".." in options.branch:
        raise UsageError(f"--branch {options.branch!r} is not a branch name")
    post = read_post(project)
    notes: list[str] = []
    repository, known_url = locate_repository(project, options.repo_url, notes)
    body = prepare_body(post.body, allow_prompts=options.allow_prompts)
    body, referenced = absolute_links(body, repository, options.branch)
    real = f"{repository.owner}/{repository.name}"
    if known_url and known_url != real:  # e.g. the answers' placeholder user
        body = body.replace(f"https://github.com/{known_url}", repository.url)
        body = body.replace(f"[{known_url}]", f"[{real}]")
    cover = _cover(project, post, repository, options.branch, referenced)
    notes += uncommitted_notes(project, referenced)
    meta = Meta(
        title=_text(post.front.get("title"), "title"),
        description=_optional_text(post.front.get("description")),
        tags=_tags(post.front.get("tags")),
        canonical_url=options.canonical_url or _optional_text(post.front.get("canonical_url")),
        series=options.series or _optional_text(post.front.get("series")),
        cover=cover,
        repository=repository,
        slug=_slug(project, post),
        summary=_section(post.body, "summary"),
    )
    if meta.cover is None:
        notes.append(f"no cover image: run `make report` to draw {COVER}, then commit and push it")
    builders: dict[str, Callable[[Meta, str, Path, Options, list[str]], Export]] = {
        "devto": _devto,
        "hashnode": _hashnode,
        "medium": _medium,
        "linkedin": _linkedin,
    }
    export = builders[options.platform](meta, body, project, options, notes)
    export.notes[:0] = notes
    return export


# --- reading the post -------------------------------------------------------------------


def read_post(project: Path) -> Post:
    """Read ``docs/blog-post.md``: YAML front matter (optional) and body."""
    import yaml

    path = project / SOURCE
    if not path.is_file():
        raise UsageError(
            f"no blog post at {path}: give the folder of a project mlscaffold generated"
        )
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        return Post({}, text)
    try:
        front = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise UsageError(f"{path}: the front matter is not valid YAML{where}") from None
    if not isinstance(front, dict):
        raise UsageError(f"{path}: the front matter is not a mapping of keys to values")
    return Post(front, text[match.end() :])


def prepare_body(body: str, *, allow_prompts: bool) -> str:
    """The body without comments and markers; refuse prompts and unfilled results."""
    body = _COMMENT.sub("", body)
    count = body.count(PROMPT)
    if count and not allow_prompts:
        line = body[: body.index(PROMPT)].count("\n") + 1
        raise UsageError(
            f"{SOURCE} still has {count} WRITE prompt{'s' if count > 1 else ''} (the first "
            f"about line {line} of the body): replace them with your own words, or pass "
            "--allow-prompts to export a preview anyway"
        )
    if _PLACEHOLDER.search(body):
        raise UsageError(
            f"the results are not in {SOURCE} yet: run `make train`, then `make report`"
        )
    body = re.sub(r"[ \t]+\n", "\n", body)
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


# --- the repository ---------------------------------------------------------------------


def parse_github_url(url: str) -> GitHubRepository | None:
    """``OWNER/REPO`` of a GitHub URL (https, ssh or ``OWNER/REPO``), else None."""
    for pattern in _GITHUB:
        match = pattern.fullmatch(url.strip())
        if match and match.group(2) not in {".", ".."}:
            return GitHubRepository(match.group(1), match.group(2))
    return None


def locate_repository(
    project: Path, repo_url: str | None, notes: list[str]
) -> tuple[GitHubRepository, str | None]:
    """The GitHub repository the post's links point into, and the URL the answers make.

    The second value is the ``OWNER/REPO`` the generated post was written with (from the
    answers file, even the placeholder user), so that its links can be pointed at the
    real repository.
    """
    answered, known = _from_answers(project)
    if repo_url is not None:
        given = parse_github_url(repo_url)
        if given is None:
            raise UsageError(
                f"--repo-url {repo_url!r} is not a GitHub repository; give "
                "https://github.com/OWNER/REPO"
            )
        return given, known
    origin = _origin_url(project)
    if origin:
        found = parse_github_url(origin)
        if found is not None:
            return found, known
        notes.append(f"the origin remote ({origin}) is not on GitHub; using the answers file")
    if answered is not None:
        return answered, known
    raise UsageError(
        "cannot tell which GitHub repository the post belongs to: pass --repo-url "
        "https://github.com/OWNER/REPO, or add the remote (git remote add origin URL)"
    )


def _from_answers(project: Path) -> tuple[GitHubRepository | None, str | None]:
    """The repository the answers name, and the ``OWNER/SLUG`` the post was written with.

    The first is None for the placeholder user; the second is given even then.
    """
    from mlscaffold.copier_adapter import ANSWERS_FILE, read_answers

    if not (project / ANSWERS_FILE).is_file():
        return None, None
    try:
        answers = read_answers(project)
    except MlscaffoldError:
        return None, None
    user, slug = answers.get("github_username"), answers.get("project_slug")
    if not isinstance(user, str) or not isinstance(slug, str):
        return None, None
    written = parse_github_url(f"{user}/{slug}")
    written_name = f"{written.owner}/{written.name}" if written else None
    return (None if user == PLACEHOLDER_USER else written), written_name


def _origin_url(project: Path) -> str | None:
    from mlscaffold import vcs

    if not vcs.git_available():
        return None
    repository = vcs.Repository.at(project)
    if repository is None:
        return None
    out = repository.git("config", "--get", "remote.origin.url", check=False)
    return out.decode("utf-8", "replace").strip() or None


def uncommitted_notes(project: Path, paths: set[str]) -> list[str]:
    """A note for each referenced file the last commit lacks (its URL would 404)."""
    if not paths:
        return []
    from mlscaffold import vcs

    repository = vcs.Repository.at(project) if vcs.git_available() else None
    if repository is None:
        return [f"{project} is not a git repository: commit and push the figures first"]
    out = repository.git(
        "ls-tree", "-r", "-z", "--name-only", "HEAD", "--", *sorted(paths), check=False
    )
    committed = {name.decode("utf-8", "surrogateescape") for name in out.split(b"\0") if name}
    missing = [
        path
        for path in sorted(paths)
        if path not in committed and not any(name.startswith(f"{path}/") for name in committed)
    ]
    return [
        f"{path} is not committed: its link gives 404 until you commit and push it"
        for path in missing
    ]


# --- links ------------------------------------------------------------------------------


def absolute_links(body: str, repository: GitHubRepository, branch: str) -> tuple[str, set[str]]:
    """``body`` with every relative link made absolute; the repository paths it links."""
    referenced: set[str] = set()

    def absolute(target: str, *, image: bool) -> str:
        if target.startswith(("#", "//")) or _SCHEME.match(target):
            return target
        path, marker, anchor = _split_anchor(target)
        joined = (
            path[1:] if path.startswith("/") else posixpath.join(SOURCE.parent.as_posix(), path)
        )
        resolved = posixpath.normpath(joined)
        if resolved == ".." or resolved.startswith("../"):
            raise UsageError(f"{SOURCE} links {target!r}, which is outside the repository")
        if resolved == ".":
            return repository.url + (marker + anchor if marker else "")
        referenced.add(resolved)
        if image:
            return repository.raw(branch, resolved)
        folder = path.endswith("/")
        return repository.page(branch, resolved, folder=folder) + marker + anchor

    chunks = re.split(r"(?ms)(^(?:```|~~~).*?^(?:```|~~~)[ \t]*$)", body)
    for index in range(0, len(chunks), 2):  # odd chunks are fenced code: left as written
        text = _INLINE_LINK.sub(
            lambda m: (
                f"{m.group(1)}[{m.group(2)}]"
                f"({absolute(m.group(3), image=bool(m.group(1)))}{m.group(4)})"
            ),
            chunks[index],
        )
        text = _REFERENCE.sub(
            lambda m: f"{m.group(1)}{absolute(m.group(2), image=False)}{m.group(3) or ''}", text
        )
        chunks[index] = _HTML_ATTRIBUTE.sub(
            lambda m: (
                f"{m.group(1)}{m.group(4)}"
                f"{absolute(m.group(5), image=m.group(2).lower() == 'img')}{m.group(4)}"
            ),
            text,
        )
    return "".join(chunks), referenced


def _split_anchor(target: str) -> tuple[str, str, str]:
    for marker in ("#", "?"):
        if marker in target:
            path, _, rest = target.partition(marker)
            return path, marker, rest
    return target, "", ""


def _cover(
    project: Path, post: Post, repository: GitHubRepository, branch: str, referenced: set[str]
) -> str | None:
    named = _optional_text(post.front.get("cover_image"))
    if named and (_SCHEME.match(named) or named.startswith("//")):
        return named  # the learner's own image somewhere on the web
    if (project / COVER).is_file():
        referenced.add(COVER)
        return repository.raw(branch, COVER)
    if named:
        path = posixpath.normpath(posixpath.join(SOURCE.parent.as_posix(), named))
        if not path.startswith("../") and (project / path).is_file():
            referenced.add(path)
            return repository.raw(branch, path)
    return None


# --- the platforms ----------------------------------------------------------------------


@dataclass(frozen=True)
class Meta:
    """What every platform's version is made of, besides the body."""

    title: str
    description: str | None
    tags: list[str]
    canonical_url: str | None
    series: str | None
    cover: str | None
    repository: GitHubRepository
    slug: str
    summary: str = ""
    """The measured summary ``make report`` wrote (the LinkedIn post's fallback result)."""


def _devto(meta: Meta, body: str, project: Path, options: Options, notes: list[str]) -> Export:
    tags = devto_tags(meta.tags, notes)
    front: dict[str, Any] = {"title": meta.title, "published": False}
    if meta.description:
        front["description"] = meta.description
    front["tags"] = ", ".join(tags)
    if meta.canonical_url:
        front["canonical_url"] = meta.canonical_url
    if meta.cover:
        front["cover_image"] = meta.cover
    if meta.series:
        front["series"] = meta.series
    article: dict[str, Any] = {
        "title": meta.title,
        "body_markdown": body,
        "published": False,
        "tags": ", ".join(tags),  # a string in the Forem API v1 schema, as in the front matter
    }
    for key, value in (
        ("description", meta.description),
        ("canonical_url", meta.canonical_url),
        ("main_image", meta.cover),
        ("series", meta.series),
    ):
        if value:
            article[key] = value
    return Export(_with_front_matter(front, body), article=article)


def _hashnode(meta: Meta, body: str, project: Path, options: Options, notes: list[str]) -> Export:
    tags = hashnode_tags(meta.tags)
    front: dict[str, Any] = {"title": meta.title}
    if meta.description:
        front["subtitle"] = meta.description
    front["slug"] = meta.slug
    front["tags"] = ", ".join(tags)
    if options.domain:
        front["domain"] = options.domain
    else:
        notes.append(
            "Hashnode's GitHub import needs `domain:` (your blog, e.g. NAME.hashnode.dev): "
            "pass --domain, or add it to the front matter"
        )
    if meta.cover:
        front["cover"] = meta.cover
        notes.append(
            "Hashnode's GitHub import takes a cover from its own CDN only: upload the cover at "
            "https://hashnode.com/uploader and put that URL in `cover:` (pasting into its "
            "editor works with this one)"
        )
    if meta.canonical_url:
        front["canonical"] = meta.canonical_url
    if meta.series:
        front["seriesSlug"] = _slugify(meta.series)
    front["saveAsDraft"] = True
    return Export(_with_front_matter(front, body))


def _medium(meta: Meta, body: str, project: Path, options: Options, notes: list[str]) -> Export:
    parts = [f"# {meta.title}"]
    if meta.description:
        parts.append(meta.description)
    if meta.cover:
        parts.append(f"![{meta.title}]({meta.cover})")
    parts.append(_medium_body(body))
    if meta.canonical_url:
        parts.append(f"*Originally published at [{meta.canonical_url}]({meta.canonical_url}).*")
    return Export("\n\n".join(part.strip() for part in parts) + "\n")


def _medium_body(body: str) -> str:
    """Medium has no tables and no HTML: tables become preformatted blocks, tags go."""
    lines = body.splitlines()
    out: list[str] = []
    table: list[str] = []
    for line in [*lines, ""]:
        if line.lstrip().startswith("|"):
            table.append(line)
            continue
        if table:
            out += ["```", *table, "```"]
            table = []
        out.append(line)
    text = "\n".join(out)
    text = re.sub(r"<img\b[^>]*>", _img_as_markdown, text, flags=re.I)
    return re.sub(r"</?(?:sub|sup|br|span|div|p)\b[^>]*>", "", text).strip()


def _img_as_markdown(match: re.Match[str]) -> str:
    tag = match.group(0)
    source = re.search(r"""\bsrc=(["'])(.*?)\1""", tag, re.I)
    alt = re.search(r"""\balt=(["'])(.*?)\1""", tag, re.I)
    return f"![{alt.group(2) if alt else ''}]({source.group(2)})" if source else ""


def _linkedin(meta: Meta, body: str, project: Path, options: Options, notes: list[str]) -> Export:
    metrics = read_metrics(project)
    found = headline(metrics) if metrics is not None else None
    if found is not None:
        result = found.sentence
    else:
        summary = meta.summary
        if metrics is None or not summary:
            raise UsageError(
                "no measured result for the LinkedIn post: reports/metrics.json is missing or "
                "unreadable; run `make train`, then `make report`"
            )
        result = plain_text(summary)
    problem = plain_text(_heading_section(body, "The problem")) or (meta.description or "")
    link = f"The code, notes on the data and every command to reproduce it: {meta.repository.url}"
    if meta.canonical_url:
        link += f"\nThe full write-up: {meta.canonical_url}"
    hashtags = " ".join(f"#{tag}" for tag in devto_tags(meta.tags, []))
    return Export(linkedin_text(meta.title, problem, result, link, hashtags))


def linkedin_text(title: str, problem: str, result: str, link: str, hashtags: str) -> str:
    """The post: title, problem, result, link, tags; the problem is cut to stay in the limit."""
    title = textwrap.shorten(title, width=200, placeholder="...")
    result = textwrap.shorten(result, width=1500, placeholder="...")

    def compose(kept: list[str]) -> str:
        parts = [title, *kept, result, link] + ([hashtags] if hashtags else [])
        return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"

    kept: list[str] = []
    for paragraph in [p for p in problem.split("\n\n") if p.strip()]:
        if len(compose([*kept, paragraph])) < LINKEDIN_LIMIT:
            kept.append(paragraph)
            continue
        room = LINKEDIN_LIMIT - 1 - len(compose(kept)) - 2
        if room > 40:
            kept.append(textwrap.shorten(paragraph, width=room, placeholder="..."))
        break
    return compose(kept)


def plain_text(markdown: str) -> str:
    """Markdown as plain text for LinkedIn: no emphasis, code, headings, images or tables.

    Prompts (``> **WRITE:**`` blocks, exported only with ``--allow-prompts``) are left out:
    they are questions to the learner, not part of the post.
    """
    blocks = []
    for block in re.split(r"\n[ \t]*\n", markdown):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines or (PROMPT in block and all(line.lstrip().startswith(">") for line in lines)):
            continue
        if all(line.lstrip().startswith(("|", "```", "~~~")) for line in lines):
            continue
        lines = [re.sub(r"^[ \t]*>[ \t]?", "", line) for line in lines]
        if any(re.match(r"[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|```|~~~)", line) for line in lines):
            blocks.append("\n".join(lines))
        else:  # one paragraph, one line: LinkedIn keeps every line break
            blocks.append(" ".join(line.strip() for line in lines))
    text = "\n\n".join(blocks)
    text = re.sub(r"(?ms)^(```|~~~).*?^\1[ \t]*$\n?", "", text)
    text = re.sub(r"(?m)^[ \t]*\|.*$\n?", "", text)
    text = re.sub(r"(?m)^[ \t]*>[ \t]?", "", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(
        r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)",
        lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})",
        text,
    )
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_]([^*_\n]+)[*_](?![\w*])", r"\1", text)
    text = text.replace("`", "")
    text = re.sub(r"(?m)^#{1,6}[ \t]+", "", text)
    text = re.sub(r"(?m)^([ \t]*)[-*+][ \t]+", "\\1• ", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def devto_tags(tags: list[str], notes: list[str]) -> list[str]:
    """dev.to's tags: lowercase letters and digits only, at most four."""
    cleaned: list[str] = []
    for tag in tags:
        word = re.sub(r"[^a-z0-9]", "", tag.lower())
        if word and word not in cleaned:
            cleaned.append(word)
    if len(cleaned) > DEVTO_TAGS:
        notes.append(f"dev.to takes {DEVTO_TAGS} tags; left out: {', '.join(cleaned[DEVTO_TAGS:])}")
    return cleaned[:DEVTO_TAGS]


def hashnode_tags(tags: list[str]) -> list[str]:
    """Hashnode's tag slugs (lowercase, hyphenated), at most five."""
    cleaned: list[str] = []
    for tag in tags:
        word = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
        word = HASHNODE_TAG_SLUGS.get(word, word)
        if word and word not in cleaned:
            cleaned.append(word)
    return cleaned[:HASHNODE_TAGS]


# --- dev.to's API -----------------------------------------------------------------------


def create_devto_draft(article: dict[str, Any], key: str, *, api_url: str = DEVTO_API) -> str:
    """POST the article to dev.to (unpublished); return the draft's URL. Errors: one line."""
    body = json.dumps({"article": {**article, "published": False}}).encode("utf-8")
    request = urllib.request.Request(
        api_url,
        data=body,
        method="POST",
        headers={
            "api-key": key,
            "Content-Type": "application/json",
            "Accept": "application/vnd.forem.api-v1+json",
            "User-Agent": "mlscaffold",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = response.read()
    except urllib.error.HTTPError as error:
        reason = _api_reason(error)
        if error.code in (401, 403):
            raise MlscaffoldError(
                f"dev.to refused the API key ({error.code}{reason}): check {DEVTO_KEY}"
            ) from None
        if error.code == 422:
            raise MlscaffoldError(f"dev.to did not accept the article (422{reason})") from None
        raise MlscaffoldError(f"dev.to answered {error.code}{reason}; try again later") from None
    except (urllib.error.URLError, OSError) as error:
        why = getattr(error, "reason", error)
        raise MlscaffoldError(f"cannot reach dev.to ({why}); the export is written") from None
    try:
        created = json.loads(answer)
    except ValueError:
        created = {}
    if isinstance(created, dict) and created.get("url"):
        return str(created["url"])
    return "https://dev.to/dashboard"


def _api_reason(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read() or b"{}")
    except (ValueError, OSError):
        return ""
    message = answer.get("error") if isinstance(answer, dict) else None
    return f": {str(message)[:200]}" if message else ""


# --- helpers ----------------------------------------------------------------------------


def write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file in its folder, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _target(project: Path, options: Options) -> Path:
    suffix = ".txt" if options.platform == "linkedin" else ".md"
    target = (
        options.out if options.out is not None else project / EXPORTS / (options.platform + suffix)
    )
    if target.is_dir():
        raise UsageError(f"--out {target} is a folder; give a file name")
    if target.resolve() == (project / SOURCE).resolve():
        raise UsageError(f"--out {target} is the post itself; the source is never overwritten")
    return target


def _next_step(platform: str) -> str:
    return {
        "devto": "paste it at https://dev.to/new (or use --create-draft); it stays a draft",
        "hashnode": "commit it to a repository Hashnode imports from, or paste it into a draft",
        "medium": "paste it into a new story at https://medium.com/new-story",
        "linkedin": "paste it into a new LinkedIn post",
    }[platform]


def _with_front_matter(front: dict[str, Any], body: str) -> str:
    import yaml

    header = yaml.safe_dump(
        front, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    return f"---\n{header}---\n\n{body}"


def _section(body: str, name: str) -> str:
    """The text of the ``make report`` section ``name`` of the source body, or ''."""
    match = re.search(rf"(?s)<!-- {name}:start -->(.*?)<!-- {name}:end -->", body)
    return match.group(1).strip() if match else ""


def _heading_section(body: str, heading: str) -> str:
    match = re.search(rf"(?ms)^##[ \t]+{re.escape(heading)}[ \t]*\n(.*?)(?=^##?[ \t]|\Z)", body)
    return match.group(1).strip() if match else ""


def _tags(value: object) -> list[str]:
    if isinstance(value, str):
        return [tag.strip() for tag in value.split(",") if tag.strip()]
    if isinstance(value, list):
        return [str(tag).strip() for tag in value if str(tag).strip()]
    return []


def _text(value: object, key: str) -> str:
    text = _optional_text(value)
    if not text:
        raise UsageError(f"{SOURCE} has no {key} in its front matter; add `{key}: ...`")
    return text


def _optional_text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _slug(project: Path, post: Post) -> str:
    from mlscaffold.copier_adapter import ANSWERS_FILE, read_answers

    slug = _optional_text(post.front.get("slug"))
    if slug:
        return _slugify(slug)
    if (project / ANSWERS_FILE).is_file():
        try:
            answered = read_answers(project).get("project_slug")
        except MlscaffoldError:
            answered = None
        if isinstance(answered, str) and answered:
            return _slugify(answered)
    return _slugify(_optional_text(post.front.get("title")) or project.resolve().name)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "post"
