"""The generation pipeline, top to bottom.

pick template -> collect answers -> render (copier, into a staging folder)
-> confirm -> move into place -> first commit (git, through ``vcs``) -> result.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscaffold import vcs
from mlscaffold.catalog import Template
from mlscaffold.copier_adapter import record_source, render
from mlscaffold.errors import Cancelled, InvalidAnswer, UsageError
from mlscaffold.placement import (
    Placement,
    beside,
    check_destination,
    find_conflicts,
    staging_folder,
)
from mlscaffold.template_store import Store

Confirm = Callable[[Template, Mapping[str, Any], Path], bool]


@dataclass(frozen=True)
class Request:
    """Everything one generation needs; built by the CLI or the wizard."""

    template: Template
    destination: Path | None
    data: Mapping[str, Any] = field(default_factory=dict)
    defaults: bool = False
    interactive: bool = False
    git: bool = True
    force: bool = False


@dataclass(frozen=True)
class Result:
    """What was generated, for the summary and next steps."""

    template: Template
    destination: Path
    answers: Mapping[str, Any]
    files: int
    commit: str | None
    note: str | None = None


def generate(
    request: Request,
    confirm: Confirm | None = None,
    done: Callable[[], None] | None = None,
) -> Result:
    """Generate a project; on any failure or Ctrl-C, leave nothing mlscaffold created.

    ``done`` is called once the project is complete, still inside the ``try`` that undoes
    it: the command line ignores signals from there (``interrupts.settled``), so a late
    Ctrl-C can neither undo a finished project nor report it as cancelled.
    """
    if request.git and not vcs.git_available():
        raise UsageError("git is not installed; install it or pass --no-git")
    if request.destination is not None:
        check_destination(request.destination, force=request.force)
    defaults = needs_no_prompt(request)
    placement = Placement()
    try:
        with staging_folder(staging_parent(request, placement)) as staging:
            answers = render_with_suggestions(request, staging, defaults)
            destination = final_destination(request, answers, staging)
            if confirm is not None and not confirm(request.template, answers, destination):
                raise Cancelled("cancelled; nothing was written")
            # Record the versioned template source, so `mlscaffold update` can merge later.
            # The store is a git repository: without git (--no-git), the answers keep
            # copier's record of the installed folder, which `update` accepts too.
            if vcs.git_available():
                snapshot = Store(request.template.name).snapshot(request.template)
                answers = record_source(staging, snapshot.repository, snapshot.tag)
            before = Before.look(destination)
            files = sum(1 for path in staging.rglob("*") if path.is_file())
            placement.move_in(staging, destination)
        commit, note = first_commit(request, destination, answers, placement, before)
        if done is not None:
            done()
    except BaseException as error:
        placement.undo()
        if isinstance(error, KeyboardInterrupt):
            raise Cancelled("cancelled; nothing was written") from None
        raise
    return Result(request.template, destination, answers, files, commit, note)


def render_with_suggestions(request: Request, staging: Path, defaults: bool) -> dict[str, Any]:
    """Render, offering suggested defaults; one the template rejects falls back to its own."""
    suggestions = suggested_defaults(request)
    while True:
        try:
            return render(
                request.template,
                staging,
                request.data,
                defaults=defaults,
                user_defaults=suggestions,
            )
        except InvalidAnswer as error:
            # e.g. git's user.email is "me@localhost": not the user's answer, so not an error
            if error.question in request.data or error.question not in suggestions:
                raise
            del suggestions[error.question]


def staging_parent(request: Request, placement: Placement) -> Path:
    """The folder to stage in: beside the destination (its parents created if missing).

    Beside the resolved destination, never inside it: ``new TEMPLATE .`` must find the
    current folder as empty as it was (see :func:`placement.beside`); the cwd for the
    default destination, ./SLUG.
    """
    if request.destination is None:
        return Path.cwd()
    placement.make_parents(request.destination)
    return beside(request.destination)


def final_destination(request: Request, answers: Mapping[str, Any], staging: Path) -> Path:
    """The destination (default: ./SLUG), checked again now that the files are known."""
    destination = request.destination or Path.cwd() / str(answers["project_slug"])
    check_destination(destination, force=request.force)
    conflicts = find_conflicts(staging, destination)
    if conflicts:
        raise UsageError(
            f"{destination} already has {', '.join(conflicts)}; "
            "move them away or choose another folder (nothing was overwritten)"
        )
    return destination


@dataclass(frozen=True)
class Before:
    """What the destination held before the project moved in."""

    had_files: bool
    was_repository: bool

    @classmethod
    def look(cls, destination: Path) -> Before:
        """Inspect ``destination`` (which may not exist yet)."""
        had_files = destination.is_dir() and any(destination.iterdir())
        return cls(had_files, vcs.is_repository(destination))


def first_commit(
    request: Request,
    destination: Path,
    answers: Mapping[str, Any],
    placement: Placement,
    before: Before,
) -> tuple[str | None, str | None]:
    """Make the first commit unless told not to; return (short SHA, note for the user)."""
    if not request.git:
        return None, None
    if before.was_repository:
        return None, "the folder was already a git repository: review and commit the new files"
    fallback = vcs.Identity(
        str(answers.get("author_name") or "mlscaffold user"),
        str(answers.get("author_email") or "mlscaffold@users.noreply.github.com"),
    )
    message = f"Initial commit from mlscaffold {request.template.name} {request.template.version}"
    if before.had_files:
        sha = vcs.initial_commit(destination, message, fallback, only=placement.created)
        return sha, "files that were already in the folder are not part of the first commit"
    return vcs.initial_commit(destination, message, fallback), None


def needs_no_prompt(request: Request) -> bool:
    """Decide whether copier may take defaults, or refuse when it would have to ask without a tty.

    Without ``--defaults`` on a terminal, copier asks what ``--data`` left open.
    Without a terminal, every visible question must be answered already.
    """
    if request.defaults:
        return True
    if request.interactive:
        return False
    missing = [q.name for q in request.template.visible_questions if q.name not in request.data]
    if missing:
        raise UsageError(
            "no terminal to ask the questions on; pass --defaults, or answer "
            f"{', '.join(missing)} with --data KEY=VALUE"
        )
    return True


def suggested_defaults(request: Request) -> dict[str, str]:
    """Defaults better than the template's: git identity, a name from the destination folder."""
    suggestions: dict[str, str] = {}
    identity = vcs.configured_identity()
    if identity is not None:
        suggestions["author_name"] = identity.name
        suggestions["author_email"] = identity.email
    github = vcs.github_username_hint()
    if github:
        suggestions["github_username"] = github
    if request.destination is not None:
        name = title_from_folder(request.destination.resolve().name)
        if name:
            suggestions["project_name"] = name
    python = python_version_suggestion(request.template)
    if python:
        suggestions["python_version"] = python
    return suggestions


def python_version_suggestion(template: Template) -> str | None:
    """The Python that runs mlscaffold, or the newest offered version older than it.

    The project's lowest supported Python should be one the learner has: the one
    generating it. (``copier copy`` alone cannot know it and keeps copier.yml's default.)
    """
    question = next((q for q in template.visible_questions if q.name == "python_version"), None)
    if question is None or not question.choices:
        return None
    running = sys.version_info[:2]
    offered = [str(value) for value in question.choices.values()]
    usable = [v for v in offered if _version_tuple(v) <= running]
    return max(usable, key=_version_tuple) if usable else None


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def title_from_folder(folder: str) -> str:
    """Turn a folder name like ``cats-vs-dogs`` into a title like ``Cats Vs Dogs``."""
    words = [word for word in re.split(r"[-_\s.]+", folder) if word]
    return " ".join(word[:1].upper() + word[1:] for word in words)


def interactive_terminal() -> bool:
    """Tell whether prompts can be shown (both stdin and stdout are terminals)."""
    return sys.stdin.isatty() and sys.stdout.isatty()
