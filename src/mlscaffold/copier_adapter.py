"""All of mlscaffold's copier: render a new project, update one, and copier's errors in ours.

copier always runs with ``unsafe=False`` and ``skip_tasks=True`` (a template's tasks,
migrations and Jinja extensions never run), and only with mlscaffold's templates: an
installed template folder (``new``, ``info``) or the user's template store (``update``).
The git commands copier starts itself get mlscaffold's hardening (:func:`_hardened_git`):
no hooks, no fsmonitor, no signature programs, no pager, local clones only.
"""

from __future__ import annotations

import contextlib
import os
import re
import warnings
from collections.abc import Iterator, Mapping, MutableMapping
from pathlib import Path
from typing import Any

from mlscaffold import vcs
from mlscaffold.catalog import Template, templates_root
from mlscaffold.errors import (
    Cancelled,
    GenerationError,
    InvalidAnswer,
    MlscaffoldError,
    UsageError,
)

ANSWERS_FILE = ".copier-answers.yml"


def render(
    template: Template,
    destination: Path,
    data: Mapping[str, Any],
    *,
    defaults: bool,
    user_defaults: Mapping[str, str],
) -> dict[str, Any]:
    """Render ``template`` into ``destination`` and return the recorded answers.

    Questions not answered by ``data`` are asked on the terminal (through
    questionary, by copier) unless ``defaults`` is set. Validation happens in
    copier, from the validators in the template's ``copier.yml``.
    """
    import copier
    from copier.errors import CopierAnswersInterrupt, CopierError, InteractiveSessionError
    from jinja2 import TemplateError

    if not template.path.resolve().is_relative_to(templates_root()):
        raise GenerationError(f"{template.path} is not one of the installed templates")
    try:
        with _quiet(), _hardened_git():
            copier.run_copy(
                str(template.path),
                destination,
                data=dict(data),
                defaults=defaults,
                user_defaults=dict(user_defaults),
                quiet=True,
                overwrite=True,
                unsafe=False,
                skip_tasks=True,
            )
    except (CopierAnswersInterrupt, KeyboardInterrupt):
        raise Cancelled("cancelled; nothing was written") from None
    except InteractiveSessionError:
        raise UsageError(
            "no terminal to ask the questions on; pass --defaults, or answer them with --data"
        ) from None
    except ValueError as error:
        failed = GenerationError(f"template '{template.name}' failed to render: {error}")
        raise _invalid_answer(error, otherwise=failed) from None
    except (CopierError, TemplateError) as error:
        raise GenerationError(f"template '{template.name}' failed to render: {error}") from error
    return read_answers(destination)


def update(
    project: Path, store: Path, version: str, data: Mapping[str, str], *, defaults: bool
) -> None:
    """Let copier update ``project`` (a scratch clone) to ``version`` of the ``store``.

    copier reads the template from the answers file, which must name the store (see
    :func:`record_source`): nothing else is ever rendered into a project.
    """
    import copier
    from copier.errors import CopierAnswersInterrupt, CopierError

    source = Path(str(read_answers(project).get("_src_path", "")))
    if not source.is_absolute() or source.resolve() != store.resolve():
        raise GenerationError(f"refusing to update from {source}: it is not the template store")
    try:
        with _quiet(), _hardened_git():
            copier.run_update(
                project,
                data=dict(data),
                vcs_ref=version,
                defaults=defaults,
                skip_answered=True,
                overwrite=True,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
                conflict="inline",
            )
    except (CopierAnswersInterrupt, KeyboardInterrupt):
        raise Cancelled("cancelled; the project was not changed") from None
    except ValueError as error:
        invalid = UsageError(f"invalid answer: {' '.join(str(error).split())}")
        raise _invalid_answer(error, otherwise=invalid) from None
    except CopierError as error:
        raise GenerationError(f"copier could not update the project: {error}") from error


def _invalid_answer(error: ValueError, *, otherwise: MlscaffoldError) -> MlscaffoldError:
    """Turn copier's ValueError about an answer into ours, naming the question."""
    message = str(error)
    match = re.match(r"Validation error for question '(\w+)': (.*)", message, re.S)
    if match:
        question, reason = match.groups()
        return InvalidAnswer(question, " ".join(reason.split()))
    match = re.match(r"Invalid choice for '(\w+)': (.*)", message, re.S)
    if match:
        question, reason = match.groups()
        return InvalidAnswer(question, reason)
    match = re.match(r'Question "(\w+)" is required', message)
    if match:
        return UsageError(f"question '{match.group(1)}' needs an answer (--data)")
    return otherwise


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # copier warns about things the user cannot act on (e.g. an unversioned local
    # template); our own messages cover what matters.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _hardened_git() -> Iterator[None]:
    """Give the git commands copier starts mlscaffold's hardening, for the duration.

    copier runs git through plumbum, whose ``local.env`` is a copy of the environment
    taken when plumbum was imported; other libraries (dunamai) read ``os.environ``.
    """
    from plumbum import local

    changes = vcs.child_environment(os.environ)
    with _changed(os.environ, changes), _changed(local.env, changes):  # type: ignore[arg-type]
        yield


@contextlib.contextmanager
def _changed(env: MutableMapping[str, str], changes: Mapping[str, str | None]) -> Iterator[None]:
    saved = {name: env[name] for name in changes if name in env}
    try:
        for name, value in changes.items():
            if value is not None:
                env[name] = value
            elif name in env:
                del env[name]
        yield
    finally:
        for name in changes:
            if name in saved:
                env[name] = saved[name]
            elif name in env:
                del env[name]


def read_answers(project: Path) -> dict[str, Any]:
    """Read the answers copier recorded in a generated project."""
    import yaml

    path = project / ANSWERS_FILE
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise GenerationError(f"cannot read {path}: {error}") from error
    return dict(loaded) if isinstance(loaded, Mapping) else {}


def record_source(project: Path, repository: Path, tag: str) -> dict[str, Any]:
    """Point the answers file at a versioned template repository (``_src_path``, ``_commit``).

    copier writes the folder it rendered from; mlscaffold renders from the installed
    folder (fast) and then records the store repository and tag holding that exact
    content, which is what ``copier update`` needs. Comments and answers are kept.
    """
    import yaml

    path = project / ANSWERS_FILE
    text = path.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    answers = read_answers(project)
    # An absolute path, as copier records for any local template: copier does not
    # expand "~" on every clone it makes, so a home-relative path breaks updates.
    answers["_src_path"] = str(repository)
    answers["_commit"] = tag
    body = yaml.safe_dump(answers, indent=4, allow_unicode=True, default_flow_style=False)
    path.write_text(header + body, encoding="utf-8")
    return answers
