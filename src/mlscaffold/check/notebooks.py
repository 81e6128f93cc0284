"""Notebooks saved with outputs or execution counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from mlscaffold.check import rules
from mlscaffold.check.findings import Finding
from mlscaffold.check.rules import file_fix


def notebook_findings(path: str, data: bytes) -> Iterator[Finding]:
    """``notebook-outputs`` when any code cell has outputs or an execution count."""
    try:
        notebook: Any = json.loads(data)
    except (ValueError, RecursionError):
        return  # not our business: a broken notebook fails in Jupyter and in CI
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return
    code = [c for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    with_outputs = sum(1 for c in code if c.get("outputs"))
    counted = sum(1 for c in code if c.get("execution_count") is not None)
    if not with_outputs and not counted:
        return
    parts = []
    if with_outputs:
        parts.append(f"{with_outputs} cell(s) with outputs")
    if counted:
        parts.append(f"{counted} execution count(s)")
    rule = rules.NOTEBOOK_OUTPUTS
    yield rule.finding(
        path,
        f"notebook saved with {' and '.join(parts)}.",
        fix=file_fix(rule, path, "tree"),
    )
