"""The interactive parts we own: choosing a template, and the summary before generating.

The template's own questions are asked by copier, through questionary as well,
so every prompt looks the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mlscaffold.catalog import Template
from mlscaffold.errors import Cancelled
from mlscaffold.text import printable

SUMMARY_KEYS = (
    "project_name",
    "project_slug",
    "package_name",
    "description",
    "author_name",
    "author_email",
    "github_username",
    "license",
    "python_version",
)


def pick_template(templates: Sequence[Template]) -> Template:
    """Ask which template to use, showing each title with its one-line pitch."""
    import questionary

    choices = [questionary.Choice(title=f"{t.title}: {t.pitch}", value=t.name) for t in templates]
    try:
        name = questionary.select(
            "Which portfolio project do you want to build?",
            choices=choices,
            instruction="(arrow keys, Enter to choose)",
        ).unsafe_ask()
    except KeyboardInterrupt:
        raise Cancelled("cancelled; nothing was written") from None
    return next(t for t in templates if t.name == name)


def summary_lines(template: Template, answers: Mapping[str, Any], destination: Path) -> list[str]:
    """Lines describing what is about to be generated (values escaped by :func:`printable`)."""
    keys = [k for k in SUMMARY_KEYS if k in answers]
    keys += [k for k in answers if not k.startswith("_") and k not in SUMMARY_KEYS]
    width = max(len(k) for k in [*keys, "destination"])
    lines = [f"{template.title} ({template.name} {template.version})"]
    lines += [f"  {printable(key):<{width}}  {printable(answers[key])}" for key in keys]
    lines.append(f"  {'destination':<{width}}  {printable(destination)}")
    return lines


def confirm_summary(template: Template, answers: Mapping[str, Any], destination: Path) -> bool:
    """Show the answers and ask for a final yes before anything is written."""
    import questionary

    print()
    print("\n".join(summary_lines(template, answers, destination)))
    print()
    try:
        return bool(questionary.confirm("Create this project?", default=True).unsafe_ask())
    except KeyboardInterrupt:
        raise Cancelled("cancelled; nothing was written") from None
