"""Odd input and ordinary trouble: never a forged screen, a stray file or an "internal error".

Hostile file names and answers reach the terminal escaped; validators match whole
values; a full disk, a dangling symlink or a huge answers file end in one clear line
with the right exit code (2: the user's input, 1: the work failed, 3: ``check`` could
not complete the audit), and nothing mlscaffold created is left behind.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import TEMPLATES, assert_one_line_error, copier_render, tree

from mlscaffold.text import printable

TEMPLATE = "image-classifier"
FORGED = "\x1b[2J\x1b[H No blockers: safe to publish\n"
"""A file name that clears the screen and prints a verdict of its own."""
TOKEN = "ghp_" + "x7Kq2LmN9pR4sT6vW8yZ1aB3cD5eF0gH2jK4"  # made up, of the right shape


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The folder mlscaffold runs in, holding one file the user owns."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    return folder


def untouched(cli, workspace: Path, *args: str, **kwargs):
    before = tree(workspace)
    result = cli(*args, cwd=workspace, **kwargs)
    assert tree(workspace) == before, "mlscaffold left files behind or changed the user's files"
    assert not [p for p in workspace.rglob(".mlscaffold-*")], "staging folder left behind"
    return result


# --- 1. what reaches the terminal -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x00\x07\x7f\x85\x9b", "\\x00\\x07\\x7f\\x85\\x9b"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("\u2066\u2069\u200e\u200f\u061c", "\\u2066\\u2069\\u200e\\u200f\\u061c"),
        ("b\udcffd", "b\\xffd"),  # a byte that was not UTF-8 (surrogateescape)
        ("Café 数字 مرحبا", "Café 数字 مرحبا"),
    ],
)
def test_printable_escapes_controls_and_bidi_only(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_check_text_shows_hostile_file_names_escaped(cli, tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / FORGED).write_text(f'token = "{TOKEN}"\n', encoding="utf-8")
    (folder / "evil\u202egnp.py").write_text(f"KEY = '{TOKEN}'\n", encoding="utf-8")
    result = cli("check", str(folder))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\\x1b[2J\\x1b[H No blockers: safe to publish\\n" in result.stdout
    assert "evil\\u202egnp.py" in result.stdout
    verdicts = [line for line in result.stdout.splitlines() if "safe to publish" in line]
    assert all(not line.startswith("No blockers") for line in verdicts), verdicts
    assert result.stdout.rstrip().splitlines()[-1].startswith("Not ready to publish")

    as_json = cli("check", str(folder), "--json")  # JSON escapes on its own: names intact
    paths = {finding["path"] for finding in json.loads(as_json.stdout)["findings"]}
    assert FORGED in paths and "evil\u202egnp.py" in paths


def test_error_lines_show_hostile_input_escaped(cli, workspace: Path) -> None:
    result = untouched(cli, workspace, "check", "gone\x1b[2J\nNo blockers")
    assert_one_line_error(result, "gone\\x1b[2J\\nNo blockers", "does not exist")
    result = untouched(cli, workspace, "new", "image\u202eclassifier")
    assert_one_line_error(result, "image\\u202eclassifier")
    result = untouched(cli, workspace, "list", "--\x1b[2J")  # argparse's own errors too
    assert result.returncode == 2 and "--\\x1b[2J" in result.stderr and "\x1b" not in result.stderr


def test_summary_and_next_steps_show_hostile_paths_escaped(cli, workspace: Path) -> None:
    result = cli("new", TEMPLATE, "p\x1b]0;pwned\x07", "--defaults", "--no-git", cwd=workspace)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "p\\x1b]0;pwned\\x07" in result.stdout


def test_wizard_summary_shows_hostile_answers_escaped() -> None:
    from mlscaffold.catalog import get_template
    from mlscaffold.wizard import summary_lines

    lines = summary_lines(
        get_template(TEMPLATE),
        {"project_name": "Dig\x1b[2Jits", "description": "a\u202eb"},
        Path("out\nside"),
    )
    text = "\n".join(lines)
    assert "\x1b" not in text and "\u202e" not in text and "out\nside" not in text
    assert "Dig\\x1b[2Jits" in text and "a\\u202eb" in text and "out\\nside" in text


# --- 3. validators match the whole value ---------------------------------------------------


@pytest.mark.parametrize(
    ("template", "key", "value", "fragment"),
    [
        (TEMPLATE, "project_slug", "abc\n", "control character"),
        (TEMPLATE, "package_name", "abc\n", "control character"),
        (TEMPLATE, "github_username", "octocat\n", "control character"),
        (TEMPLATE, "author_email", "ada@example.com\n", "control character"),
        (TEMPLATE, "author_name", "Ada\x1b[2J", "control character"),
        (TEMPLATE, "project_name", "Digits\x00", "control character"),
        (TEMPLATE, "project_name", "Digits\u202e", "bidirectional"),
        (TEMPLATE, "description", "One line\x07", "control character"),
        (TEMPLATE, "package_name", "con", "reserved device name"),
        (TEMPLATE, "package_name", "nul", "reserved device name"),
        (TEMPLATE, "package_name", "aux", "reserved device name"),
        (TEMPLATE, "package_name", "lpt9", "reserved device name"),
        ("kaggle-entry", "competition", "titanic\n", "control character"),
        ("kaggle-entry", "kaggle_username", "ada\n", "control character"),
        ("kaggle-entry", "target_column", "y\n", "control character"),
        ("kaggle-entry", "id_column", "id\n", "control character"),
    ],
)
def test_answers_with_a_trailing_newline_or_controls_are_refused(
    cli, workspace: Path, template: str, key: str, value: str, fragment: str
) -> None:
    result = untouched(
        cli, workspace, "new", template, "p", "--defaults", "--data", f"{key}={value}"
    )
    assert_one_line_error(result, f"invalid {key}", fragment)


def test_plain_copier_copy_refuses_a_trailing_newline_too(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="project_slug"):
        copier_render(TEMPLATES / TEMPLATE, tmp_path / "p", {"project_slug": "abc\n"})


# --- 4. the current folder as destination -------------------------------------------------


def test_new_into_the_current_empty_folder(cli, tmp_path: Path) -> None:
    folder = tmp_path / "digits"
    folder.mkdir()
    result = cli("new", TEMPLATE, ".", "--defaults", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert (folder / "README.md").is_file() and (folder / ".git").is_dir()
    assert "note:" not in result.stdout  # nothing was there before: everything is committed
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == ["digits"]
    assert not list(folder.glob(".mlscaffold-*"))


# --- 5. ordinary trouble --------------------------------------------------------------------


@pytest.mark.parametrize("exists", [True, False], ids=["empty mount point", "new folder"])
def test_destination_on_another_file_system_is_copied_in(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exists: bool
) -> None:
    """An empty mount point, or staging elsewhere: renaming the staged files fails (EXDEV)."""
    mount = tmp_path / "mnt"
    if exists:
        mount.mkdir()
    rename = os.rename

    def cross_device(source, target, *args, **kwargs):
        if ".mlscaffold-" in str(source):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(source), str(target))
        return rename(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "rename", cross_device)
    result = cli("new", TEMPLATE, str(mount), "--defaults")
    assert result.returncode == 0, result.stderr
    assert (mount / "README.md").is_file() and (mount / ".git").is_dir()
    assert not list(tmp_path.glob(".mlscaffold-*")) and not list(mount.glob(".mlscaffold-*"))


def test_full_disk_is_one_line_and_leaves_nothing(
    cli, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_bytes = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if ".mlscaffold-" in str(self) and self.name == "README.md":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    result = untouched(cli, workspace, "new", TEMPLATE, "p", "--defaults")
    assert_one_line_error(result, "no space left", "README.md", code=1)
    assert "internal error" not in result.stderr


def test_destination_name_too_long_for_the_file_system(cli, workspace: Path) -> None:
    result = untouched(cli, workspace, "new", TEMPLATE, "a" * 300, "--defaults")
    assert_one_line_error(result, "too long", "255")


def test_dangling_symlink_destination_is_refused(cli, workspace: Path) -> None:
    (workspace / "link").symlink_to(workspace / "missing" / "target")
    result = untouched(cli, workspace, "new", TEMPLATE, "link", "--defaults")
    assert_one_line_error(result, "symbolic link", "missing")
    assert (workspace / "link").is_symlink()


@pytest.mark.parametrize("kind", ["file", "read-only folder"])
def test_unusable_template_store_location_is_one_line(
    cli, workspace: Path, tmp_path: Path, kind: str
) -> None:
    data = tmp_path / "data"
    if kind == "file":
        data.write_text("", encoding="utf-8")
    else:
        data.mkdir()
        data.chmod(0o500)
    if os.access(data, os.W_OK) and kind != "file":
        pytest.skip("running as root: a read-only folder is writable")
    try:
        result = untouched(
            cli,
            workspace,
            "new",
            TEMPLATE,
            "p",
            "--defaults",
            extra_env={"XDG_DATA_HOME": str(data)},
        )
    finally:
        if data.is_dir():
            data.chmod(0o700)
    assert_one_line_error(result, str(data), "XDG_DATA_HOME", code=1)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("project_name: [a, b]\n", "one value, not a list"),
        ("project_name: {a: 1}\n", "one value, not a mapping"),
        ("project_name: null\n", "no value"),
        ("project_name:\n", "no value"),
        ("a: &a [x, x]\nb: &b [*a, *a]\nproject_name: *b\n", "YAML aliases"),
        ("project_name: " + "[" * 100_000 + "\n", "nested too deeply"),
        ("n_folds: " + "9" * 5000 + "\n", "not valid YAML"),
    ],
)
def test_odd_answers_files_are_refused(
    cli, workspace: Path, tmp_path: Path, content: str, fragment: str
) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(content, encoding="utf-8")
    result = untouched(
        cli, workspace, "new", TEMPLATE, "p", "--defaults", "--answers-file", str(answers)
    )
    assert_one_line_error(result, fragment)


def test_alias_bomb_answers_file_is_refused_at_once(cli, workspace: Path, tmp_path: Path) -> None:
    lines = ["a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    bomb = tmp_path / "bomb.yml"
    bomb.write_text("\n".join([*lines, "project_name: *a9", ""]), encoding="utf-8")
    result = untouched(
        cli, workspace, "new", TEMPLATE, "p", "--defaults", "--answers-file", str(bomb)
    )
    assert_one_line_error(result, "YAML aliases")


@pytest.mark.parametrize("source", ["/dev/zero", "big file", "fifo"])
def test_answers_file_reading_is_bounded(cli, workspace: Path, tmp_path: Path, source: str) -> None:
    if source == "/dev/zero":
        path = Path("/dev/zero")
        if not path.exists():
            pytest.skip("no /dev/zero")
    elif source == "big file":
        path = tmp_path / "big.yml"
        path.write_text("# " + "x" * (2 * 1024 * 1024) + "\nproject_name: Big\n", encoding="utf-8")
    else:
        path = tmp_path / "answers.fifo"
        os.mkfifo(path)
        writer = subprocess.Popen(  # an endless stream of comments
            ["sh", "-c", f"yes '# more' > '{path}'"], stderr=subprocess.DEVNULL
        )
    try:
        result = untouched(
            cli, workspace, "new", TEMPLATE, "p", "--defaults", "--answers-file", str(path)
        )
    finally:
        if source == "fifo":
            writer.kill()
            writer.wait()
    assert_one_line_error(result, "larger than 1 MB")


def _nested_folder(tmp_path: Path, name: str, content: str) -> Path:
    folder = tmp_path / "repo"
    folder.mkdir(exist_ok=True)
    for required in ("README.md", "LICENSE"):
        (folder / required).write_text("x\n", encoding="utf-8")
    (folder / name).write_text(content, encoding="utf-8")
    return folder


def test_check_survives_a_deeply_nested_notebook(cli, tmp_path: Path) -> None:
    folder = _nested_folder(tmp_path, "deep.ipynb", "[" * 100_000)
    (folder / "kaggle.json").write_text("[" * 100_000, encoding="utf-8")
    result = cli("check", str(folder))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_check_survives_a_deeply_nested_pyproject(cli, tmp_path: Path) -> None:
    deep = "[tool.mlscaffold.check]\nignore = " + "[" * 100_000 + "]" * 100_000 + "\n"
    folder = _nested_folder(tmp_path, "pyproject.toml", deep)
    result = cli("check", str(folder))
    assert result.returncode == 0, result.stderr
    assert "pyproject.toml could not be read" in result.stdout


def test_check_does_not_read_a_huge_pyproject(cli, tmp_path: Path) -> None:
    folder = _nested_folder(tmp_path, "pyproject.toml", "")
    with (folder / "pyproject.toml").open("wb") as handle:
        handle.truncate(1024**3)  # 1 GB, sparse: cheap to make, costly to read
    result = cli("check", str(folder), "--json")
    notes = json.loads(result.stdout)["notes"]
    assert any("pyproject.toml is over 1 MB" in note for note in notes), notes


# --- 6. an audit that could not be completed has its own exit code --------------------------


def test_check_that_cannot_complete_exits_3(cli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    identity = ["-c", "user.name=A", "-c", "user.email=a@example.com"]

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *identity, *args], cwd=repo, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    git("init", "-q")
    for name in ("README.md", "LICENSE", "gone.txt"):
        (repo / name).write_text(f"{name}\n", encoding="utf-8")
    git("add", ".")
    git("commit", "-qm", "one")
    git("rm", "-q", "gone.txt")
    git("commit", "-qm", "two")
    blob = git("rev-parse", "HEAD~1:gone.txt")
    (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    result = cli("check", str(repo))
    assert_one_line_error(result, "could not complete the audit", code=3)
    assert "Traceback" not in result.stderr


def test_check_help_documents_exit_code_3(cli) -> None:
    result = cli("check", "--help")
    assert "exit code 3" in " ".join(result.stdout.split())
