"""Answers given on the command line: ``--data KEY=VALUE`` and ``--answers-file F``.

Values stay plain strings (copier parses them by each question's type and runs
its validators); nothing a user types is ever rendered as a template.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlscaffold.catalog import Template
from mlscaffold.errors import InvalidAnswer, UsageError


def parse_data(items: Iterable[str]) -> dict[str, str]:
    """Turn ``["key=value", ...]`` into a dict; a malformed item is a :class:`UsageError`."""
    data: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--data expects KEY=VALUE, got '{item}'")
        data[key] = value
    return data


MAX_ANSWERS_FILE = 1024 * 1024
"""An answers file holds a few lines; anything past 1 MB is not one (or is /dev/zero)."""


def read_answers_file(path: Path) -> dict[str, Any]:
    """Read a YAML mapping of answers, e.g. another project's ``.copier-answers.yml``.

    Keys starting with ``_`` (copier's own ``_src_path``, ``_commit``) are dropped.
    The read is bounded (a FIFO or ``/dev/zero`` ends too) and YAML aliases are
    refused: a few lines of ``&a`` and ``*a`` expand into gigabytes.
    """
    import yaml

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ANSWERS_FILE + 1)
    except FileNotFoundError:
        raise UsageError(f"answers file {path} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"answers file {path} is a folder, not a YAML file") from None
    except OSError as error:
        raise UsageError(f"cannot read answers file {path}: {_reason(error)}") from None
    if len(data) > MAX_ANSWERS_FILE:
        raise UsageError(f"answers file {path} is larger than 1 MB; it should hold a few lines")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"cannot read answers file {path}: {_reason(error)}") from None
    try:
        loaded = yaml.load(text, Loader=_answers_loader())  # a SafeLoader that refuses aliases
    except _AliasUsed:
        raise UsageError(
            f"answers file {path} uses YAML aliases (*name); write each answer out in full"
        ) from None
    except RecursionError:
        raise UsageError(f"answers file {path} is nested too deeply to be answers") from None
    except (yaml.YAMLError, ValueError) as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise UsageError(f"answers file {path} is not valid YAML{line}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, Mapping):
        raise UsageError(f"answers file {path} must hold a mapping of question: answer")
    return {str(key): value for key, value in loaded.items() if not str(key).startswith("_")}


def _answers_loader() -> type:
    import yaml

    class AnswersLoader(yaml.SafeLoader):
        """PyYAML's safe loader, refusing aliases."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise _AliasUsed
            return super().compose_node(parent, index)

    return AnswersLoader


class _AliasUsed(Exception):
    """An answers file used a YAML alias."""


def check_known(template: Template, answers: Mapping[str, Any], *, source: str) -> None:
    """Refuse answers to questions the template does not ask (usually a typo)."""
    known = [question.name for question in template.visible_questions]
    unknown = [key for key in answers if key not in known]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(
            f"{source}: template '{template.name}' has no question '{unknown[0]}'{hint} "
            f"(run 'mlscaffold info {template.name}' to list them)"
        )


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error)


BOOLEAN_WORDS = {"y", "yes", "true", "on", "1", "n", "no", "false", "off", "0"}


def check_types(template: Template, answers: Mapping[str, Any]) -> None:
    """Refuse answers that cannot be read as their question's type.

    copier's own error for these names no question. Validators and choices are
    still checked by copier.
    """
    types = {question.name: question.type for question in template.visible_questions}
    for key, value in answers.items():
        kind, text = types.get(key), str(value).strip()
        if kind not in STRUCTURED_TYPES:
            check_single_value(key, value)
        try:
            if kind == "int":
                int(text)
            elif kind == "float":
                float(text)
            elif (
                kind == "bool" and not isinstance(value, bool) and text.lower() not in BOOLEAN_WORDS
            ):
                raise ValueError
        except ValueError:
            expected = {"int": "a whole number", "float": "a number", "bool": "yes or no"}[
                str(kind)
            ]
            raise InvalidAnswer(key, f"expected {expected}, got '{value}'") from None


STRUCTURED_TYPES = {"yaml", "json"}
"""Question types whose answer may be a list or a mapping."""


def check_single_value(key: str, value: object) -> None:
    """Refuse ``null``, lists and mappings (from an answers file) for a one-value question."""
    if value is None:
        raise InvalidAnswer(key, "no value given (the answers file leaves it empty or null)")
    for kinds, noun in (((list, tuple, set), "a list"), ((Mapping,), "a mapping")):
        if isinstance(value, kinds):
            raise InvalidAnswer(key, f"expected one value, not {noun}")
    if isinstance(value, (bytes, bytearray)):
        raise InvalidAnswer(key, "expected text, not binary data")
