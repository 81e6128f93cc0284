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
