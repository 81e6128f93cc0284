"""What to tell the user after generating: where the project is and what to do next."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from mlscaffold.generate import Result
from mlscaffold.text import printable


def _display(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def next_steps(result: Result) -> str:
    """Return the closing message: what was created and the commands to run next.

    Answers and paths are shown through :func:`printable`: none can drive the terminal.
    """
    answers = {key: printable(value) for key, value in result.answers.items()}
    where = _display(result.destination)
    facts = [f"{result.template.name} {result.template.version}", f"{result.files} files"]
    if result.commit:
        facts.append(f"first commit {result.commit} on main")
    lines = [
        f"Created {answers.get('project_name', printable(result.destination.name))} in "
        f"{printable(where)}",
        f"  ({', '.join(facts)})",
    ]
    if result.note:
        lines.append(f"  note: {printable(result.note)}")
    user = answers.get("github_username", "YOUR-GITHUB-USERNAME")
    slug = answers.get("project_slug", printable(result.destination.name))
    steps = [
        (f"cd {printable(shlex.quote(where))}", ""),
        ("python -m venv .venv", ""),
        ("source .venv/bin/activate", "Windows: .venv\\Scripts\\activate"),
        ("make install", 'pip install -e ".[dev]"'),
        ("make train", "train the baseline: reports/metrics.json, figures, model"),
        ("make report", "write the measured results into README.md and the blog draft"),
        ("$EDITOR docs/blog-post.md", "replace the WRITE prompts with your own words"),
        ('git add -A && git commit -m "Add results"', "a push publishes commits only"),
        ("mlscaffold check", "audit what a push would publish"),
    ]
    if result.commit:
        steps += [
            (f"git remote add origin https://github.com/{user}/{slug}.git", ""),
            ("git push -u origin main", ""),
        ]
    width = max(len(command) for command, comment in steps if comment)
    lines += ["", "Next steps:"]
    for command, comment in steps:
        lines.append(f"  {command:<{width}}  # {comment}" if comment else f"  {command}")
    return "\n".join(lines)
