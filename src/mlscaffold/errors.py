"""The errors a user can meet, each turned into one line and an exit code by the CLI.

Modelled on copier's ``UserMessageError``: raise the most specific class with a
message that says what was wrong and what to do about it.
"""

from __future__ import annotations


class MlscaffoldError(Exception):
    """Base class: the work failed for a reason that is not the user's input (exit 1)."""

    exit_code = 1


class UsageError(MlscaffoldError):
    """Bad input: an unknown template, an invalid answer, an unusable destination (exit 2)."""

    exit_code = 2


class InvalidAnswer(UsageError):
    """An answer failed the template's validator or is not one of its choices."""

    def __init__(self, question: str, reason: str) -> None:
        super().__init__(f"invalid {question}: {reason}")
        self.question = question


class Cancelled(MlscaffoldError):
    """The user pressed Ctrl-C or declined; nothing was written (exit 2)."""

    exit_code = 2


class GenerationError(MlscaffoldError):
    """Rendering or committing failed after the input was accepted (exit 1)."""


class GitError(MlscaffoldError):
    """A git command failed (exit 1); the message names the command and git's last words."""


class RepositoryUnreadable(GitError):
    """git could not read a repository to the end (missing objects, a broken ref).

    Not the same as a finding: the work (e.g. ``check``'s audit) could not be completed.
    """


class UnsafeRepository(GitError):
    """A repository's own config names a command that git would run (exit 2).

    Only for what ``-c`` cannot switch off: mlscaffold refuses the work rather than run it.
    """

    exit_code = 2


class AuditIncomplete(MlscaffoldError):
    """``check`` could not complete the audit, e.g. git objects are missing (exit 3).

    Distinct from "blockers found" (exit 1): nothing can be said about what a push
    would publish. Raised by the check package for any failure of the work met while
    auditing; the git layer may raise it (or a subclass) directly.
    """

    exit_code = 3
