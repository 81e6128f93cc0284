"""Which templates exist, what they are called and what they ask.

Everything here is read from each template's ``copier.yml`` (the one source of
truth for copier and for us alike) with PyYAML only: ``mlscaffold list`` must
start fast, so copier itself is never imported here.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from mlscaffold.errors import UsageError

TEMPLATES_ENV = "MLSCAFFOLD_TEMPLATES_DIR"
"""Environment variable naming another templates folder (for template authors and tests)."""

CONFIG_NAME = "copier.yml"


def templates_root() -> Path:
    """Return the folder holding the templates.

    In a wheel the templates ship inside the package (``mlscaffold/templates``);
    in a source checkout or an editable install they sit at the top of the
    repository, two levels above this file.
    """
    override = os.environ.get(TEMPLATES_ENV)
    if override:
        return Path(override).expanduser().resolve()
    packaged = Path(__file__).resolve().parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Question:
    """One question of a template, as declared in its ``copier.yml``."""

    name: str
    type: str
    help: str
    default: Any
    choices: Mapping[str, Any] | None
    hidden: bool
    """A computed value (``when: false``): never asked, not settable with ``--data``."""


@dataclass(frozen=True)
class Step:
    """A next step only some projects need (the data to download, the CPU build of torch).

    ``before`` names the generic step it comes before (e.g. ``make train``); ``when`` holds
    answers it needs (every one must match) so that a step appears only where it applies.
    """

    command: str
    comment: str
    before: str
    when: Mapping[str, Any]

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether a project with ``answers`` needs this step."""
        return all(answers.get(key) == value for key, value in self.when.items())


@dataclass(frozen=True)
class Template:
    """A template folder and the metadata its ``copier.yml`` declares under ``_mlscaffold``."""

    name: str
    path: Path
    config: Mapping[str, Any] = field(repr=False)

    @property
    def _meta(self) -> Mapping[str, Any]:
        meta = self.config.get("_mlscaffold") or {}
        return meta if isinstance(meta, Mapping) else {}

    @property
    def title(self) -> str:
        """Human title, e.g. "Image classifier"."""
        return str(self._meta.get("title", self.name))

    @property
    def pitch(self) -> str:
        """One-line pitch shown in ``list`` and in the wizard."""
        return str(self._meta.get("pitch", ""))

    @property
    def steps(self) -> list[Step]:
        """Template-specific next steps declared under ``_mlscaffold.steps`` in copier.yml."""
        declared = self._meta.get("steps") or []
        result = []
        for entry in declared if isinstance(declared, list) else []:
            if not isinstance(entry, Mapping) or not entry.get("command"):
                continue
            when = entry.get("when") or {}
            result.append(
                Step(
                    command=str(entry["command"]),
                    comment=str(entry.get("comment", "")),
                    before=str(entry.get("before", "make train")),
                    when={str(k): v for k, v in when.items()} if isinstance(when, Mapping) else {},
                )
            )
        return result

    @property
    def version(self) -> str:
        """Template version: the computed value ``template_version`` in copier.yml.

        It is a computed value (not only metadata) so that every generated project
        records it in its answers file, even when made with plain ``copier copy``.
        """
        spec = self.config.get("template_version")
        default = spec.get("default") if isinstance(spec, Mapping) else spec
        return str(default) if default else "0.0.0"

    @cached_property
    def questions(self) -> list[Question]:
        """All questions in the order copier asks them, hidden ones included."""
        result = []
        for name, spec in self.config.items():
            if name.startswith("_"):
                continue
            if not isinstance(spec, Mapping):
                # copier's shorthand `name: default`
                spec = {"default": spec}
            when = spec.get("when", True)
            hidden = when is False or (isinstance(when, str) and when.strip().lower() == "false")
            choices = spec.get("choices")
            if isinstance(choices, list):
                choices = {str(choice): choice for choice in choices}
            if isinstance(choices, Mapping):
                # copier's extended form, `title: {value: ..., validator: ...}`
                choices = {
                    title: value.get("value") if isinstance(value, Mapping) else value
                    for title, value in choices.items()
                }
            result.append(
                Question(
                    name=name,
                    type=str(spec.get("type", "str")),
                    help=str(spec.get("help", "")).strip(),
                    default=spec.get("default"),
                    choices=choices,
                    hidden=hidden,
                )
            )
        return result

    @property
    def visible_questions(self) -> list[Question]:
        """The questions a user may answer (``--data``, answers file, prompts)."""
        return [q for q in self.questions if not q.hidden]

    def as_dict(self) -> dict[str, str]:
        """Plain data for ``list --json``."""
        return {
            "name": self.name,
            "title": self.title,
            "pitch": self.pitch,
            "version": self.version,
        }


def _yaml_loader(root: Path) -> type[Any]:
    """Build a YAML loader that understands copier's ``!include`` tag (globs, inside root)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        pass

    def include(loader: Any, node: Any) -> list[Any]:
        pattern = str(loader.construct_scalar(node))
        documents: list[Any] = []
        for path in sorted(root.glob(pattern)):
            with path.open("rb") as stream:
                documents.extend(doc for doc in yaml.load_all(stream, Loader=Loader) if doc)
        return documents

    Loader.add_constructor("!include", include)
    return Loader


def read_config(template_dir: Path) -> dict[str, Any]:
    """Read a template's ``copier.yml`` the way copier does: documents merged in order."""
    import yaml

    loader = _yaml_loader(template_dir)
    merged: dict[str, Any] = {}

    def merge(document: Any) -> None:
        if isinstance(document, list):
            for item in document:
                merge(item)
        elif isinstance(document, dict):
            merged.update(document)

    with (template_dir / CONFIG_NAME).open("rb") as stream:
        for document in yaml.load_all(stream, Loader=loader):
            merge(document)
    return merged


def template_names(root: Path | None = None) -> list[str]:
    """Names of the templates under ``root`` (folders with a copier.yml), sorted.

    A folder starting with ``_`` or ``.`` (such as the shared portfolio layer) is not a
    template.
    """
    root = root or templates_root()
    if not root.is_dir():
        return []
    return sorted(
        path.name
        for path in root.iterdir()
        if not path.name.startswith(("_", ".")) and (path / CONFIG_NAME).is_file()
    )


def iter_templates(root: Path | None = None) -> Iterator[Template]:
    """Yield every template under ``root``, sorted by name."""
    root = root or templates_root()
    for name in template_names(root):
        yield Template(name=name, path=root / name, config=read_config(root / name))


def get_template(name: str, root: Path | None = None) -> Template:
    """Return the template called ``name`` or raise a :class:`UsageError` naming the choices."""
    root = root or templates_root()
    names = template_names(root)
    if name in names:
        return Template(name=name, path=root / name, config=read_config(root / name))
    choices = ", ".join(names) or "(none installed)"
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UsageError(f"unknown template '{name}'{hint} (choose one of: {choices})")
