"""Find the learner's generated projects and read what their own training measured.

A project is a folder holding mlscaffold's answers file; it is *trained* once
``reports/metrics.json`` exists. Every number shown in the portfolio comes from that
file, picked the way the template's own ``report.py`` picks its headline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mlscaffold.copier_adapter import ANSWERS_FILE
from mlscaffold.errors import UsageError

METRICS = Path("reports") / "metrics.json"
FIGURES = Path("reports") / "figures"
POST = Path("docs") / "blog-post.md"
LINKS = Path("docs") / "links.yml"
"""Optional, written by the learner (or a tool): ``post: URL`` and ``demo: URL``."""

MAX_SMALL_FILE = 1024 * 1024
MAX_METRICS = 20 * 1024 * 1024
FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Headline:
    """The one number a card shows, with its label and the model that reached it."""

    label: str
    value: str
    model: str
    measured_on: str
    """What the number was measured on, e.g. "on 360 held-out test images"."""


@dataclass(frozen=True)
class MetricsTable:
    """Every model's measured scores, as the project's results table shows them."""

    header: list[str]
    rows: list[list[str]]


@dataclass
class Project:
    """One generated project found on disk."""

    path: Path
    template: str
    slug: str
    title: str
    pitch: str
    github_username: str
    metrics: dict[str, Any] | None = None
    headline: Headline | None = None
    table: MetricsTable | None = None
    figures: list[Path] = field(default_factory=list)
    post_url: str | None = None
    demo_url: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def trained(self) -> bool:
        """Whether ``make train`` has written reports/metrics.json."""
        return self.metrics is not None

    @property
    def trained_on(self) -> str:
        """The day ``make train`` ran (YYYY-MM-DD) as metrics.json records it, or ""."""
        value = (self.metrics or {}).get("trained_at")
        day = value[:10] if isinstance(value, str) else ""
        return day if re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) else ""

    @property
    def has_post(self) -> bool:
        """Whether the project holds a blog-post draft."""
        return _regular_file_inside(self.path, self.path / POST)


def discover(folders: Iterable[Path]) -> list[Project]:
    """Projects in each folder and its direct subfolders, in a stable order.

    A folder that does not exist is a :class:`UsageError`; the same project reached
    twice counts once; two projects with one slug cannot share a portfolio.
    """
    found: dict[Path, Project] = {}
    for folder in folders:
        if not folder.is_dir():
            raise UsageError(f"{folder} is not a folder")
        candidates = [folder]
        try:
            candidates += sorted(child for child in folder.iterdir() if child.is_dir())
        except OSError as error:
            raise UsageError(f"cannot list {folder}: {error.strerror or error}") from None
        for candidate in candidates:
            if candidate.is_symlink() and candidate != folder:
                continue  # a link may point anywhere; name the project itself instead
            resolved = candidate.resolve()
            if resolved in found or not (candidate / ANSWERS_FILE).is_file():
                continue
            project = read_project(candidate)
            if project is not None:
                found[resolved] = project
    projects = list(found.values())
    by_slug: dict[str, Project] = {}
    for project in projects:
        if project.slug in by_slug:
            raise UsageError(
                f"two projects are named '{project.slug}': {by_slug[project.slug].path} and "
                f"{project.path}; give portfolio only one of them"
            )
        by_slug[project.slug] = project
    return projects


def read_project(path: Path) -> Project | None:
    """The project at ``path``, or None when its answers file is not mlscaffold's."""
    answers = _read_yaml(path / ANSWERS_FILE)
    slug = str(answers.get("project_slug") or "")
    if not answers or not SAFE_NAME.match(slug):
        return None
    project = Project(
        path=path,
        template=str(answers.get("_mlscaffold_template") or ""),
        slug=slug,
        title=_one_line(answers.get("project_name")) or slug,
        pitch=_one_line(answers.get("description")),
        github_username=str(answers.get("github_username") or ""),
    )
    metrics_file = path / METRICS
    if _regular_file_inside(path, metrics_file):
        project.metrics = _read_metrics(metrics_file, project)
    if project.metrics is not None:
        project.headline, project.table = summarise(project.template, project.metrics)
        if project.headline is None:
            project.notes.append(
                f"{METRICS} is not in a form the '{project.template or 'unknown'}' template "
                "writes; its card shows no number"
            )
        project.figures = _figures(path)
    links = _read_yaml(path / LINKS) if _regular_file_inside(path, path / LINKS) else {}
    project.post_url = _url(links.get("post"), project, "post") or _canonical_url(path)
    project.demo_url = _url(links.get("demo"), project, "demo")
    return project


def summarise(
    template: str, metrics: Mapping[str, Any]
) -> tuple[Headline | None, MetricsTable | None]:
    """The headline number and the models table of one template's metrics.json."""
    reader = _READERS.get(template)
    if reader is None:
        return None, None
    try:
        return reader(metrics)
    except (KeyError, TypeError, ValueError, IndexError):
        return None, None


def _image_classifier(metrics: Mapping[str, Any]) -> tuple[Headline, MetricsTable]:
    models = metrics["models"]
    chosen = models[metrics["model"]]
    rows = [
        [
            _bold(result["display_name"], name == metrics["model"]),
            f"{float(result['accuracy']):.3f}",
            f"{float(result['macro_f1']):.3f}",
        ]
        for name, result in models.items()
    ]
    data = metrics["data"]
    headline = Headline(
        "Test accuracy",
        f"{float(chosen['accuracy']):.3f}",
        str(chosen["display_name"]),
        f"on {int(data['n_test']):,} held-out test images of {data['name']}",
    )
    return headline, MetricsTable(["Model", "Test accuracy", "Macro F1"], rows)


def _kaggle_entry(metrics: Mapping[str, Any]) -> tuple[Headline, MetricsTable]:
    label = f"CV {metrics['metric_label']}"
    models = metrics["models"]
    chosen = models[metrics["model"]]

    def score(result: Mapping[str, Any]) -> str:
        return f"{float(result['mean']):.3f} ± {float(result['std']):.3f}"

    rows = [
        [_bold(result["display_name"], name == metrics["model"]), score(result)]
        for name, result in models.items()
    ]
    source = (
        "the bundled synthetic sample"
        if metrics["data_source"] == "sample"
        else (f"the {metrics['competition']} training data")
    )
    headline = Headline(
        label,
        score(chosen),
        str(chosen["display_name"]),
        f"{int(metrics['n_folds'])}-fold CV on {int(metrics['n_train']):,} rows of {source}",
    )
    return headline, MetricsTable(["Model", f"{label} (mean ± std)"], rows)


def _recommender(metrics: Mapping[str, Any]) -> tuple[Headline, MetricsTable]:
    k = int(metrics["k"])
    models = metrics["models"]
    chosen = models[metrics["model"]]
    rows = [
        [
            _bold(result["display_name"], name == metrics["model"]),
            f"{float(result['ndcg_at_k']):.3f}",
            f"{float(result['precision_at_k']):.3f}",
            f"{float(result['recall_at_k']):.3f}",
            f"{float(result['coverage']):.3f}",
        ]
        for name, result in models.items()
    ]
    split = metrics["split"]
    source = "synthetic interactions" if metrics["dataset"] == "synthetic" else metrics["dataset"]
    headline = Headline(
        f"NDCG@{k}",
        f"{float(chosen['ndcg_at_k']):.3f}",
        str(chosen["display_name"]),
        f"on {int(split['n_users_evaluated']):,} users' held-out items ({source})",
    )
    header = ["Model", f"NDCG@{k}", f"Precision@{k}", f"Recall@{k}", "Catalogue coverage"]
    return headline, MetricsTable(header, rows)


_READERS = {
    "image-classifier": _image_classifier,
    "kaggle-entry": _kaggle_entry,
    "recommender": _recommender,
}


def _bold(name: object, chosen: bool) -> str:
    text = str(name)
    return f"**{text}** (saved model)" if chosen else text


def _one_line(value: object) -> str:
    return " ".join(str(value or "").split())


def _regular_file_inside(root: Path, path: Path) -> bool:
    """A regular file that really lies inside ``root`` (no link out of the project)."""
    try:
        return path.is_file() and path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def _read_bounded(path: Path, limit: int) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        return None if len(data) > limit else data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    text = _read_bounded(path, MAX_SMALL_FILE)
    if text is None:
        return {}
    try:
        loaded = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}
    return {str(k): v for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def _read_metrics(path: Path, project: Project) -> dict[str, Any] | None:
    text = _read_bounded(path, MAX_METRICS)
    try:
        loaded = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        loaded = None
    if not isinstance(loaded, dict):
        project.notes.append(f"{METRICS} cannot be read as JSON; rerun make train")
        return None
    return loaded


def _figures(root: Path) -> list[Path]:
    folder = root / FIGURES
    if not folder.is_dir():
        return []
    return [
        path
        for path in sorted(folder.iterdir())
        if path.suffix.lower() in FIGURE_SUFFIXES
        and SAFE_NAME.match(path.name)
        and _regular_file_inside(root, path)
    ]


def _is_web_url(value: object) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def _url(value: object, project: Project, what: str) -> str | None:
    if value is None or value == "":
        return None
    if _is_web_url(value):
        return str(value)
    project.notes.append(f"{LINKS}: '{what}' is not an http(s) URL; ignored")
    return None


def _canonical_url(root: Path) -> str | None:
    """The post's ``canonical_url`` when the learner set it to where the post appears.

    The draft's default points at the file in the GitHub repository, which the card
    links to anyway; only another address tells where the post was published.
    """
    if not _regular_file_inside(root, root / POST):
        return None
    text = _read_bounded(root / POST, MAX_SMALL_FILE) or ""
    front, _ = split_front_matter(text)
    value = front.get("canonical_url")
    if not _is_web_url(value) or "/blob/" in urlparse(str(value)).path:
        return None
    return str(value)


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter (``---`` lines) and the body; no front matter gives ``{}``."""
    import yaml

    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    try:
        loaded = yaml.safe_load(text[4:end])
    except (yaml.YAMLError, RecursionError, ValueError):
        loaded = None
    front = {str(k): v for k, v in loaded.items()} if isinstance(loaded, dict) else {}
    return front, text[end + 5 :]
