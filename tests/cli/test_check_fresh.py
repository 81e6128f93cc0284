"""`mlscaffold check` reports no blocker on a freshly generated project of any template.

The templates come from the e2e variant modules (``tests/variants_<template>.py``):
every template with a default variant is covered as soon as it is added.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from projects import Variant, all_variants

DEFAULT_VARIANTS = [v for v in all_variants() if not v.data]


@pytest.mark.parametrize("variant", DEFAULT_VARIANTS, ids=[v.id for v in DEFAULT_VARIANTS])
def test_fresh_project_has_no_blocker(variant: Variant, tmp_path: Path, cli) -> None:
    created = cli("new", variant.template, "project", "--defaults", "--quiet", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    started = time.perf_counter()
    result = cli("check", str(tmp_path / "project"), "--json")
    elapsed = time.perf_counter() - started
    report = json.loads(result.stdout)
    blockers = [f for f in report["findings"] if f["severity"] == "blocker"]
    assert blockers == [], blockers
    assert result.returncode == 0
    assert report["git"] is True and report["notes"] == []
    # what a learner still has to do before publishing, and nothing else
    expected = {
        "readme-results-unfilled",
        "blog-draft-unfilled",
        "placeholder-identity",
        "writeup-prompts",
        "blog-draft-flag",
        "writeup-unedited",
    }
    found = {f["rule"] for f in report["findings"]}
    assert found <= expected, report["findings"]
    # a fresh draft is not the learner's yet: check says so
    assert {"writeup-prompts", "blog-draft-flag", "writeup-unedited"} <= found
    print(f"\n{variant.id}: 0 blockers, {len(report['findings'])} warnings, {elapsed:.2f} s")


def test_templates_are_covered() -> None:
    assert DEFAULT_VARIANTS, "no default variant in tests/variants_*.py"
