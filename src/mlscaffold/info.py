"""``mlscaffold info``: a template's questions, their defaults and what it generates."""

from __future__ import annotations

import textwrap
from pathlib import Path

from mlscaffold.catalog import Template
from mlscaffold.copier_adapter import render
from mlscaffold.placement import scratch_folder


def describe(template: Template) -> str:
    """Render the template with its defaults in a temporary folder and describe the result."""
    with scratch_folder("mlscaffold-info-") as tmp:
        project = Path(tmp) / "project"
        answers = render(template, project, {}, defaults=True, user_defaults={})
        files = sorted(
            path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file()
        )
    lines = [f"{template.name} {template.version}: {template.title}", template.pitch, ""]
    lines.append("Questions (answer with --data KEY=VALUE; defaults shown as generated):")
    for question in template.visible_questions:
        default = answers.get(question.name, question.default)
        lines.append(f"  {question.name}  [{question.type}]  default: {default}")
        if question.choices:
            lines.append(f"      choices: {', '.join(str(v) for v in question.choices.values())}")
        if question.help:
            for line in textwrap.wrap(question.help, width=76):
                lines.append(f"      {line}")
    lines += ["", f"Generates ({len(files)} files with the defaults):"]
    lines += [f"  {name}" for name in files]
    return "\n".join(lines)
