r"""Notebooks: saved outputs, and the decoded text that the secret scan reads.

A notebook is JSON: a cell's source is a list of JSON strings, quotes escaped
(``"token = \\"hf_...\\""``), and most of its bytes are base64 images in outputs. The
secret scan reads :func:`decode`'s text instead: every cell's source and every text
output, one line per line, unescaped, without images. Each decoded line remembers its
cell, so a finding says "cell 3, line 2" and points at the notebook's own line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlscaffold.check import rules
from mlscaffold.check.findings import Finding
from mlscaffold.check.rules import file_fix

TEXT_OUTPUTS = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")
"""Output data read as text; images and widget state are not secrets' hiding places."""


@dataclass(frozen=True)
class Origin:
    """Where a decoded line comes from: a cell (1-based), a line in it, source or output."""

    cell: int
    line: int
    output: bool

    def describe(self) -> str:
        """``cell 3, line 2`` or ``the output of cell 3, line 1``."""
        where = f"the output of cell {self.cell}" if self.output else f"cell {self.cell}"
        return f"{where}, line {self.line}"


@dataclass(frozen=True)
class Decoded:
    """A notebook's readable text, one line per line, and where each line comes from."""

    text: bytes
    origins: list[Origin]
    raw: bytes
    """The notebook's own bytes, to find a decoded line's line number in the file."""

    def origin(self, line: int) -> Origin | None:
        """The origin of decoded ``line`` (1-based)."""
        return self.origins[line - 1] if 0 < line <= len(self.origins) else None

    def file_line(self, line: int) -> int | None:
        """The line of the notebook file that holds decoded ``line``, if it can be found."""
        lines = self.text.split(b"\n", line)
        if line > len(lines):
            return None
        escaped = json.dumps(lines[line - 1].decode("utf-8", "replace"))[1:-1].encode()
        position = self.raw.find(escaped) if escaped.strip() else -1
        return None if position < 0 else self.raw.count(b"\n", 0, position) + 1


def parse(data: bytes) -> list[Any] | None:
    """The cells of the notebook ``data``, or None when it is not a readable notebook."""
    try:
        notebook: Any = json.loads(data)
    except (ValueError, RecursionError):
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    return cells if isinstance(cells, list) else None


def decode(cells: list[Any], data: bytes) -> Decoded:
    """The text of every cell and text output of a notebook (``data``: its bytes)."""
    lines: list[str] = []
    origins: list[Origin] = []

    def add(text: Any, cell: int, output: bool) -> None:
        if isinstance(text, list):
            text = "".join(part for part in text if isinstance(part, str))
        if not isinstance(text, str) or not text:
            return
        for number, line in enumerate(text.splitlines(), 1):
            lines.append(line)
            origins.append(Origin(cell, number, output))

    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict):
            continue
        add(cell.get("source"), number, output=False)
        outputs = cell.get("outputs")
        for output in outputs if isinstance(outputs, list) else ():
            if not isinstance(output, dict):
                continue
            add(output.get("text"), number, output=True)
            add(output.get("traceback"), number, output=True)
            payload = output.get("data")
            if isinstance(payload, dict):
                for kind in TEXT_OUTPUTS:
                    value = payload.get(kind)
                    add(json.dumps(value) if isinstance(value, dict) else value, number, True)
    text = "\n".join(lines).encode("utf-8", "surrogatepass")
    return Decoded(text, origins, data)


def notebook_findings(path: str, cells: list[Any]) -> Iterator[Finding]:
    """``notebook-outputs`` when any code cell has outputs or an execution count."""
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    with_outputs = sum(1 for c in code if c.get("outputs"))
    counted = sum(1 for c in code if c.get("execution_count") is not None)
    if not with_outputs and not counted:
        return
    parts = []
    if with_outputs:
        parts.append(f"{with_outputs} cell{'s' if with_outputs != 1 else ''} with outputs")
    if counted:
        parts.append(f"{counted} execution count{'s' if counted != 1 else ''}")
    rule = rules.NOTEBOOK_OUTPUTS
    yield rule.finding(
        path,
        f"notebook saved with {' and '.join(parts)}.",
        fix=file_fix(rule, path, "tree"),
    )


GROUP_AT = 4
"""From this many notebooks with outputs on, one finding names them all."""


def grouped(findings: list[Finding]) -> list[Finding]:
    """Fold many ``notebook-outputs`` findings into one: a course repository has dozens."""
    saved = [f for f in findings if f.rule == rules.NOTEBOOK_OUTPUTS.id]
    if len(saved) < GROUP_AT:
        return findings
    names = sorted(f.path or "" for f in saved)
    shown = ", ".join(names[:3]) + f" and {len(names) - 3} more"
    rule = rules.NOTEBOOK_OUTPUTS
    folded = rule.finding(
        None,
        f"{len(names)} notebooks saved with outputs: {shown}.",
        fix="Clear them all with `nbstripout **/*.ipynb` (or `jupyter nbconvert "
        "--clear-output --inplace`), then `nbstripout --install` (or the pre-commit hook) so "
        "outputs never come back. Outputs bloat diffs and can leak data or keys.",
    )
    others = [f for f in findings if f.rule != rules.NOTEBOOK_OUTPUTS.id]
    return [*others, folded]
