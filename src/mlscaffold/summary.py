"""What to tell the user after generating: where the project is and what to do next."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from mlscaffold.generate import Result
from mlscaffold.text import printable


def _display(path: Path) -> str:
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("..") else str(path)


def mlscaffold_command() -> str:
    """How to call this mlscaffold from a shell where the project's venv is active.

    Activating the project's ``.venv`` takes an active venv's ``bin`` off PATH, so an
    mlscaffold installed only there (``pip install`` into a venv, not pipx) would vanish:
    then the steps name it by its full path. Installed with pipx, or anywhere else on
    PATH, it is plain ``mlscaffold``.
    """
    found = shutil.which("mlscaffold")
    venv = os.environ.get("VIRTUAL_ENV")
    if found and not (venv and _inside(Path(found), Path(venv))):
        return "mlscaffold"
    script = Path(sys.executable).parent / "mlscaffold"
    if script.is_file():
        return printable(shlex.quote(str(script)))
    return f"{printable(shlex.quote(sys.executable))} -m mlscaffold"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


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
    generic = [
        (f"cd {printable(shlex.quote(where))}", ""),
        ("python -m venv .venv", ""),
        ("source .venv/bin/activate", "Windows: .venv\\Scripts\\activate"),
        ("make install", 'pip install -e ".[dev]"'),
        ("make train", "train the baseline: reports/metrics.json, figures, model"),
        ("make report", "write the measured results into README.md and the blog draft"),
        ("$EDITOR docs/blog-post.md", "replace the WRITE prompts with your own words"),
        ('git add -A && git commit -m "Add results"', "a push publishes commits only"),
        (f"{mlscaffold_command()} check", "audit what a push would publish"),
    ]
    steps: list[tuple[str, str]] = []
    for command, comment in generic:
        steps += [
            (printable(step.command), printable(step.comment))
            for step in result.template.steps
            if step.before == command and step.applies(result.answers)
        ]
        steps.append((command, comment))
    if result.commit:
        steps += [
            (
                f"{mlscaffold_command()} publish",
                f"create github.com/{user}/{slug} and push (or it prints the steps)",
            ),
        ]
    width = max(len(command) for command, comment in steps if comment)
    lines += ["", "Next steps:"]
    for command, comment in steps:
        lines.append(f"  {command:<{width}}  # {comment}" if comment else f"  {command}")
    return "\n".join(lines)
