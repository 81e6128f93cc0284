"""Render a template with copier's API and turn copier's exceptions into ours."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlscaffold.catalog import Template
from mlscaffold.errors import Cancelled, GenerationError, InvalidAnswer, UsageError

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

    try:
        with warnings.catch_warnings():
            # copier warns about things the user cannot act on (e.g. an unversioned
            # local template); our own messages cover what matters.
            warnings.simplefilter("ignore")
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
        message = str(error)
        match = re.match(r"Validation error for question '(\w+)': (.*)", message, re.S)
        if match:
            question, reason = match.groups()
            raise InvalidAnswer(question, " ".join(reason.split())) from None
        match = re.match(r"Invalid choice for '(\w+)': (.*)", message, re.S)
        if match:
            question, reason = match.groups()
            raise InvalidAnswer(question, reason) from None
        match = re.match(r'Question "(\w+)" is required', message)
        if match:
            raise UsageError(f"question '{match.group(1)}' needs an answer (--data)") from None
        raise GenerationError(f"template '{template.name}' failed to render: {message}") from error
    except (CopierError, TemplateError) as error:
        raise GenerationError(f"template '{template.name}' failed to render: {error}") from error
    return read_answers(destination)


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
