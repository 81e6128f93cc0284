"""The catalogue commands, start-up cost, and the unit-level pieces of the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import TEMPLATES, assert_one_line_error

from mlscaffold import __version__
from mlscaffold.answers import parse_data, read_answers_file
from mlscaffold.catalog import get_template, iter_templates, read_config
from mlscaffold.errors import UsageError

EXPECTED_TEMPLATES = {"image-classifier", "kaggle-entry", "recommender"}


def test_version(cli) -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"mlscaffold {__version__}"


def test_help_lists_the_commands(cli) -> None:
    result = cli("--help")
    assert result.returncode == 0
    for command in ("new", "list", "info"):
        assert command in result.stdout


def test_list_shows_name_version_title_and_pitch(cli) -> None:
    result = cli("list")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert {line.split()[0] for line in lines} == EXPECTED_TEMPLATES
    for template in iter_templates():
        line = next(line for line in lines if line.startswith(template.name))
        assert template.version in line and template.title in line and template.pitch in line


def test_list_json_is_stable_machine_output(cli) -> None:
    result = cli("list", "--json")
    data = json.loads(result.stdout)
    assert {item["name"] for item in data} == EXPECTED_TEMPLATES
    for item in data:
        assert set(item) == {"name", "title", "pitch", "version"}
        assert all(isinstance(value, str) and value for value in item.values())


def test_info_shows_questions_defaults_and_files(cli) -> None:
    result = cli("info", "image-classifier")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "project_name  [str]  default: Handwritten Digit Classifier" in out
    assert "package_name  [str]  default: handwritten_digit_classifier" in out
    assert "choices: sklearn, pytorch" in out
    assert "default_project_name" not in out, "computed values are not questions"
    assert "README.md" in out and "docs/blog-post.md" in out and ".github/workflows/ci.yml" in out


def test_info_unknown_template(cli) -> None:
    assert_one_line_error(cli("info", "nope"), "unknown template 'nope'")


def test_read_config_merges_documents_and_includes() -> None:
    config = read_config(TEMPLATES / "image-classifier")
    assert config["_subdirectory"] == "template"  # from shared/settings.yml
    assert config["_mlscaffold"]["title"] and config["template_version"]["default"]
    names = [key for key in config if not key.startswith("_")]
    assert names.index("project_name") < names.index("framework") < names.index("license")


def test_visible_questions_exclude_computed_values() -> None:
    template = get_template("image-classifier")
    visible = [q.name for q in template.visible_questions]
    # the data comes first: titles and defaults follow the learner's own data
    assert visible[:5] == ["dataset", "project_name", "project_slug", "package_name", "description"]
    assert "keywords" not in visible and "mlscaffold_template" not in visible
    assert "template_version" not in visible
    framework = next(q for q in template.questions if q.name == "framework")
    assert framework.choices is not None and set(framework.choices.values()) == {
        "sklearn",
        "pytorch",
    }


def test_templates_dir_can_be_overridden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCAFFOLD_TEMPLATES_DIR", str(tmp_path))
    assert list(iter_templates()) == []
    with pytest.raises(UsageError, match=r"\(none installed\)"):
        get_template("image-classifier")


def test_parse_data_keeps_everything_after_the_first_equals() -> None:
    assert parse_data(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(UsageError):
        parse_data(["=value"])


def test_answers_file_drops_copier_private_keys(tmp_path: Path) -> None:
    path = tmp_path / "a.yml"
    path.write_text("_src_path: x\n_commit: v1\nlicense: MIT\n", encoding="utf-8")
    assert read_answers_file(path) == {"license": "MIT"}
    path.write_text("", encoding="utf-8")
    assert read_answers_file(path) == {}
