"""Bad input to `mlscaffold new`: one clear line, exit code 2, nothing written or overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import assert_one_line_error, tree

TEMPLATE = "image-classifier"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The folder mlscaffold runs in, holding one file the user owns."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    return folder


def run_and_check_untouched(cli, workspace: Path, *args: str):
    before = tree(workspace)
    result = cli(*args, cwd=workspace)
    assert tree(workspace) == before, "mlscaffold left files behind or changed the user's files"
    assert not any(p.name.startswith(".mlscaffold-") for p in workspace.rglob("*"))
    return result


def test_unknown_template_names_the_choices(cli, workspace: Path) -> None:
    result = run_and_check_untouched(cli, workspace, "new", "image-clasifier", "p")
    assert_one_line_error(result, "unknown template 'image-clasifier'", "did you mean")


def test_non_empty_destination_is_refused(cli, workspace: Path) -> None:
    result = run_and_check_untouched(cli, workspace, "new", TEMPLATE, ".", "--defaults")
    assert_one_line_error(result, "is not empty", "--force")


def test_destination_that_is_a_file_is_refused(cli, workspace: Path) -> None:
    result = run_and_check_untouched(cli, workspace, "new", TEMPLATE, "notes.txt", "--defaults")
    assert_one_line_error(result, "is a file")


def test_destination_below_a_file_is_refused(cli, workspace: Path) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "notes.txt/project", "--defaults"
    )
    assert_one_line_error(result, "is a file, not a folder")


def test_unwritable_destination_is_refused(cli, workspace: Path) -> None:
    # /proc refuses new entries even for root, so this works where chmod cannot.
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "/proc/mlscaffold-test", "--defaults"
    )
    assert_one_line_error(result, "/proc")
    assert not Path("/proc/mlscaffold-test").exists()


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("project_slug", "..", "not a safe folder name"),
        ("project_slug", "../escape", "not a safe folder name"),
        ("project_slug", "a/b", "not a safe folder name"),
        ("project_slug", "/abs/path", "not a safe folder name"),
        ("project_slug", "has space", "not a safe folder name"),
        ("project_slug", "", "slug is empty"),
        ("project_slug", "con", "reserved device name"),
        ("package_name", "class", "Python keyword"),
        ("package_name", "1digits", "not a valid package name"),
        ("package_name", "my-package", "not a valid package name"),
        ("package_name", "torch", "would hide the 'torch' library"),
        ("package_name", "sklearn", "would hide the 'sklearn' library"),
        ("package_name", "json", "standard-library module"),
        ("package_name", "", "package name is empty"),
        ("package_name", "a" * 41, "40 characters"),
        ("project_name", "   ", "give the project a name"),
        ("author_email", "not-an-email", "is not an e-mail address"),
        ("github_username", "-bad-", "is not a GitHub username"),
        ("license", "WTFPL", "WTFPL"),
        ("python_version", "2.7", "2.7"),
        ("framework", "tensorflow", "tensorflow"),
    ],
)
def test_invalid_answers_are_refused_before_writing(
    cli, workspace: Path, key: str, value: str, fragment: str
) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "project", "--defaults", "--data", f"{key}={value}"
    )
    assert_one_line_error(result, f"invalid {key}", fragment)


@pytest.mark.parametrize(
    ("template", "key", "value", "expected"),
    [
        ("kaggle-entry", "n_folds", "abc", "expected a whole number, got 'abc'"),
        ("recommender", "k", "ten", "expected a whole number, got 'ten'"),
        ("recommender", "k", "0", "k must be a whole number from 1 to 100"),
    ],
)
def test_answers_of_the_wrong_type_name_the_question(
    cli, workspace: Path, template: str, key: str, value: str, expected: str
) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", template, "p", "--defaults", "--data", f"{key}={value}"
    )
    assert_one_line_error(result, f"invalid {key}", expected)


def test_malformed_data_item_is_refused(cli, workspace: Path) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "project", "--defaults", "--data", "framework"
    )
    assert_one_line_error(result, "--data expects KEY=VALUE", "'framework'")


def test_unknown_data_key_is_refused_with_a_suggestion(cli, workspace: Path) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "project", "--defaults", "--data", "licence=MIT"
    )
    assert_one_line_error(result, "no question 'licence'", "did you mean 'license'")


def test_computed_values_cannot_be_set(cli, workspace: Path) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "p", "--defaults", "--data", "keywords=[x]"
    )
    assert_one_line_error(result, "no question 'keywords'")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "does not exist"),
        ("project_name: [unclosed", "not valid YAML"),
        ("- just\n- a list\n", "must hold a mapping"),
        (b"\xff\xfe\x00binary", "cannot read answers file"),
    ],
)
def test_unusable_answers_file_is_refused(
    cli, workspace: Path, tmp_path: Path, content: str | bytes | None, fragment: str
) -> None:
    answers = tmp_path / "answers.yml"
    if isinstance(content, bytes):
        answers.write_bytes(content)
    elif content is not None:
        answers.write_text(content, encoding="utf-8")
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "p", "--defaults", "--answers-file", str(answers)
    )
    assert_one_line_error(result, fragment)


def test_answers_file_that_is_a_folder_is_refused(cli, workspace: Path, tmp_path: Path) -> None:
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "p", "--defaults", "--answers-file", str(tmp_path)
    )
    assert_one_line_error(result, "is a folder")


def test_invalid_value_in_answers_file_is_refused(cli, workspace: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("package_name: import\n", encoding="utf-8")
    result = run_and_check_untouched(
        cli, workspace, "new", TEMPLATE, "p", "--defaults", "--answers-file", str(answers)
    )
    assert_one_line_error(result, "invalid package_name", "keyword")


def test_no_terminal_and_missing_answers_says_what_to_pass(cli, workspace: Path) -> None:
    result = run_and_check_untouched(cli, workspace, "new", TEMPLATE, "p")
    assert_one_line_error(result, "no terminal", "--defaults", "project_name")


def test_no_terminal_and_no_template(cli, workspace: Path) -> None:
    result = run_and_check_untouched(cli, workspace, "new")
    assert_one_line_error(result, "no template given", TEMPLATE)


def test_bare_command_without_terminal_explains_the_non_interactive_form(
    cli, workspace: Path
) -> None:
    result = run_and_check_untouched(cli, workspace)
    assert_one_line_error(result, "no terminal for the wizard", "mlscaffold new")


def test_unknown_option_is_one_line(cli, workspace: Path) -> None:
    result = run_and_check_untouched(cli, workspace, "new", TEMPLATE, "--colour")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unrecognized arguments: --colour" in result.stderr


def test_force_never_overwrites_an_existing_file(cli, workspace: Path) -> None:
    (workspace / "README.md").write_text("my readme\n", encoding="utf-8")
    result = run_and_check_untouched(cli, workspace, "new", TEMPLATE, ".", "--defaults", "--force")
    assert_one_line_error(result, "already has README.md", "nothing was overwritten")
