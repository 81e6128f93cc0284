"""The one git layer: hardened commands, refused filters, one error type, a race-free store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import canary_record, write_canary

from mlscaffold import vcs
from mlscaffold.errors import GitError, UnsafeRepository


@pytest.fixture
def isolated(in_isolation: Path, tmp_path: Path) -> Path:
    """This process isolated (HOME, no system config) and a canary that records any run."""
    return write_canary(tmp_path)


ran = canary_record


def git(cwd: Path, *args: str) -> str:
    """The test's own git (hooks off)."""
    command = ["git", "-c", f"core.hooksPath={os.devnull}", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=True).stdout


def make_repository(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    (path / "a.txt").write_text("one\n")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "--no-gpg-sign", "-m", "first")
    return path


def test_nothing_a_repository_configures_runs(isolated: Path, tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    (repo / ".gitattributes").write_text("* diff=x\n")
    for key, value in {
        "core.fsmonitor": f"{isolated} fsmonitor",
        "core.hooksPath": str(tmp_path / "hooks"),
        "core.pager": str(isolated),
        "pager.log": str(isolated),
        "log.showSignature": "true",
        "gpg.program": str(isolated),
        "diff.external": str(isolated),
        "diff.x.textconv": str(isolated),
        "diff.x.command": str(isolated),
        "core.askPass": str(isolated),
        "credential.helper": f"!{isolated}",
    }.items():
        git(repo, "config", key, value)
    for folder in (tmp_path / "hooks", repo / ".git" / "hooks"):
        folder.mkdir(exist_ok=True)
        for name in ("post-index-change", "pre-commit", "post-commit", "reference-transaction"):
            (folder / name).write_text(f'#!/bin/sh\n"{isolated}" {name}\n')
            (folder / name).chmod(0o755)
    (repo / "a.txt").write_text("two\n")

    repository = vcs.Repository.at(repo)
    assert repository is not None
    assert repository.is_dirty()
    repository.git("ls-files", "--stage")
    repository.git("log", "--raw", "--no-show-signature", "--no-textconv", "--no-ext-diff")
    patch = repository.git("diff", "--no-ext-diff", "--no-textconv")
    assert b"+two" in patch
    assert vcs.commit_all(repository, "second", vcs.Identity("A", "a@example.com"))
    assert ran(tmp_path) == ""


def test_the_hardening_wins_over_every_config_file(isolated: Path, tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    git(repo, "config", "core.fsmonitor", str(isolated))
    out = vcs.run("config", "--show-scope", "--get", "core.fsmonitor", cwd=repo)
    assert out.decode().split() == ["command", "false"]


def test_variables_that_redirect_git_are_ignored(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repository(tmp_path / "repo")
    other = make_repository(tmp_path / "other")
    (other / "b.txt").write_text("b\n")
    git(other, "add", "b.txt")
    git(other, "commit", "--quiet", "--no-gpg-sign", "-m", "second")
    head = git(repo, "rev-parse", "HEAD").strip()
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    repository = vcs.Repository.at(repo)
    assert repository is not None
    assert repository.head() == head
    assert repository.git("ls-files").split() == [b"a.txt"]


def test_a_filter_in_the_repositorys_config_is_refused_naming_key_and_file(
    isolated: Path, tmp_path: Path, home: Path
) -> None:
    repo = make_repository(tmp_path / "repo")
    repository = vcs.Repository.at(repo)
    assert repository is not None
    # The user's own filters (git-lfs installs one globally) are theirs to run.
    with (home / ".gitconfig").open("a") as config:
        config.write('[filter "lfs"]\n\tclean = git-lfs clean -- %f\n')
    repository.refuse_filters("update")
    (repo / ".git" / "extra.cfg").write_text(f'[filter "x"]\n\tsmudge = {isolated}\n')
    git(repo, "config", "include.path", "extra.cfg")
    with pytest.raises(UnsafeRepository) as refused:
        repository.refuse_filters("update")
    message = str(refused.value)
    assert "filter.x.smudge" in message and str(repo / ".git" / "extra.cfg") in message
    assert refused.value.exit_code == 2 and "\n" not in message
    assert ran(tmp_path) == ""


def test_a_failure_is_one_git_error_with_gits_last_words(isolated: Path, tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    with pytest.raises(GitError) as failed:
        vcs.run("rev-parse", "--verify", "no-such-ref", cwd=repo)
    assert str(failed.value) == f"`git rev-parse` failed in {repo}: Needed a single revision"
    with pytest.raises(GitError, match=r"could not clone .*: repository .* does not exist"):
        vcs.clone(tmp_path / "nowhere", tmp_path / "copy")


@pytest.mark.parametrize(
    ("stderr", "expected"),
    [
        (b"fatal: bad object\n", "bad object"),
        ("error: one\nerror: two\nhint: do this\nhint: or that\n", "two"),
        (
            "fatal: detected dubious ownership in repository at '/r'\n"
            "To add an exception for this directory, call:\n\n\tgit config --global --add "
            "safe.directory /r\n",
            "detected dubious ownership in repository at '/r'",
        ),
        ("just words\n", "just words"),
        ("", "git failed"),
    ],
)
def test_last_line(stderr: bytes | str, expected: str) -> None:
    assert vcs.last_line(stderr) == expected


def test_without_git_every_command_is_one_clear_error(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    vcs._executable.cache_clear()
    try:
        assert not vcs.git_available()
        with pytest.raises(GitError, match=r"^git is not installed; install it"):
            vcs.run("status")
        assert vcs.configured_identity() is None
    finally:
        vcs._executable.cache_clear()
        vcs._user_config.cache_clear()


def test_child_environment_comes_after_the_users_own_config_variables() -> None:
    changes = vcs.child_environment({"GIT_CONFIG_COUNT": "1", "GIT_DIR": "/elsewhere"})
    assert changes["GIT_DIR"] is None and changes["GIT_EXTERNAL_DIFF"] is None
    assert changes["GIT_CONFIG_KEY_1"] == "core.fsmonitor"
    count = int(str(changes["GIT_CONFIG_COUNT"]))
    keys = {
        changes[f"GIT_CONFIG_KEY_{i}"]: changes[f"GIT_CONFIG_VALUE_{i}"] for i in range(1, count)
    }
    assert keys["core.hooksPath"] == os.devnull and keys["protocol.file.allow"] == "always"


def test_a_new_repository_gets_no_hooks_from_git_templates_where_asked(
    isolated: Path, tmp_path: Path, home: Path
) -> None:
    templates = tmp_path / "git-template"
    (templates / "hooks").mkdir(parents=True)
    (templates / "hooks" / "pre-commit").write_text("#!/bin/sh\n")
    with (home / ".gitconfig").open("a") as config:
        config.write(f"[init]\n\ttemplateDir = {templates}\n")
    assert (vcs.init(tmp_path / "project").git_dir / "hooks" / "pre-commit").exists()
    mine = vcs.init(tmp_path / "store.git", bare=True, templates=False)
    assert not (mine.git_dir / "hooks").exists()
    head = (mine.git_dir / "HEAD").read_text()
    assert head == f"ref: refs/heads/{vcs.BRANCH}\n"


RACE = """
import sys, time
from pathlib import Path
from mlscaffold.catalog import get_template
from mlscaffold.template_store import Store
ready, go, root = (Path(arg) for arg in sys.argv[1:4])
ready.touch()
while not go.exists():
    time.sleep(0.001)
print(Store("recommender", root=root).snapshot(get_template("recommender")).tag)
"""


def test_eight_first_runs_at_once_all_create_the_template_store(
    tmp_path: Path, env: dict[str, str]
) -> None:
    go, store = tmp_path / "go", tmp_path / "store"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(tmp_path / f"ready{i}"), str(go), str(store)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready*"))) < 8 and time.monotonic() < deadline:
        time.sleep(0.02)
    go.touch()  # all eight are waiting: they reach the store at the same moment
    results = [process.communicate(timeout=120) for process in processes]
    assert [process.returncode for process in processes] == [0] * 8, [err for _, err in results]
    assert len({out for out, _ in results}) == 1


# --- what publish needs: a commit made aside, a push that reads none of the project's config


def test_a_commit_made_aside_moves_nothing_until_it_is_adopted(
    isolated: Path, tmp_path: Path
) -> None:
    repo = make_repository(tmp_path / "repo")
    (repo / "b.txt").write_text("staged by the user\n")
    git(repo, "add", "b.txt")
    (repo / "a.txt").write_text("two\n")
    (repo / "reports").mkdir()
    (repo / "reports" / "m.json").write_text("{}\n")
    repository = vcs.Repository.at(repo)
    assert repository is not None
    head, index = repository.head(), git(repo, "ls-files", "--stage")
    assert repository.changed_paths(["reports", "a.txt"]) == ["a.txt", "reports/m.json"]
    assert repository.changed_paths() == ["a.txt", "b.txt", "reports/m.json"]

    commit = repository.commit_aside(
        ["a.txt", "reports/m.json"], "results", vcs.Identity("A", "a@x")
    )
    assert (repository.head(), git(repo, "ls-files", "--stage")) == (head, index)
    assert git(repo, "show", "--name-only", "--format=%s", commit).split() == [
        "results",
        "a.txt",
        "reports/m.json",
    ]  # b.txt, staged by the user, is not in it

    repository.advance("main", commit, head, ["a.txt", "reports/m.json"])
    assert repository.head() == commit
    assert git(repo, "status", "--porcelain").splitlines() == ["A  b.txt"]
    with pytest.raises(GitError, match="could not move main"):
        repository.advance("main", head, head, [])  # main is no longer at `head`


def test_branch_remote_and_commits_are_read_without_surprises(
    isolated: Path, tmp_path: Path
) -> None:
    repo = make_repository(tmp_path / "repo")
    repository = vcs.Repository.at(repo)
    assert repository is not None
    assert repository.current_branch() == "main" and repository.has_commits()
    assert repository.remote_url("origin") is None and repository.remotes() == []
    git(repo, "remote", "add", "origin", "https://github.com/a/b.git")
    assert repository.remote_url("origin") == "https://github.com/a/b.git"
    git(repo, "checkout", "--quiet", "--detach")
    assert repository.current_branch() is None
    empty = vcs.init(tmp_path / "empty")
    assert not empty.has_commits()


def test_a_push_reads_none_of_the_repositorys_config(isolated: Path, tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    remote = vcs.init(tmp_path / "remote.git", bare=True, templates=False).git_dir
    decoy = vcs.init(tmp_path / "decoy.git", bare=True, templates=False).git_dir
    git(repo, "remote", "add", "origin", str(remote))
    for key, value in {
        f"url.{decoy}.insteadOf": str(remote),
        f"url.{decoy}.pushInsteadOf": str(remote),
        "remote.origin.receivepack": str(isolated),
        "remote.origin.vcs": "canary",
        "core.sshCommand": str(isolated),
        "credential.helper": f"!{isolated}",
        "core.hooksPath": str(tmp_path / "hooks"),
    }.items():
        git(repo, "config", key, value)
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "pre-push").write_text(f'#!/bin/sh\n"{isolated}" pre-push\n')
    (tmp_path / "hooks" / "pre-push").chmod(0o755)
    repository = vcs.Repository.at(repo)
    assert repository is not None
    repository.push(str(remote), repository.head(), "main")
    assert git(remote, "rev-parse", "main").strip() == repository.head()
    assert git(decoy, "for-each-ref") == ""
    assert ran(tmp_path) == ""


def test_a_push_logs_in_with_the_users_helper_never_the_repositorys(
    isolated: Path, tmp_path: Path, home: Path
) -> None:
    import base64
    import http.server
    import threading

    seen: list[dict[str, str]] = []

    class Refuse(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="test"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/ada/demo.git"
    record = tmp_path / "helper.txt"
    with (home / ".gitconfig").open("a") as config:
        config.write(
            f"[credential]\n\thelper = \"!f() {{ echo $1 >> '{record}'; "
            'echo username=ada; echo password=s3cret; }; f"\n'
        )
    repo = make_repository(tmp_path / "repo")
    git(repo, "config", "credential.helper", f"!{isolated}")
    git(repo, "config", f"credential.{url}.helper", f"!{isolated}")
    git(repo, "config", "http.extraHeader", "X-Leak: yes")
    repository = vcs.Repository.at(repo)
    assert repository is not None
    try:
        with pytest.raises(GitError, match="could not push to"):
            repository.push(
                url, repository.head(), "main", config=[("protocol.http.allow", "always")]
            )
    finally:
        server.shutdown()
    assert record.read_text().split()[0] == "get"
    expected = "Basic " + base64.b64encode(b"ada:s3cret").decode()
    assert any(headers.get("Authorization") == expected for headers in seen)
    assert not any("X-Leak" in headers for headers in seen)
    assert ran(tmp_path) == ""


def test_a_refused_push_is_push_rejected(isolated: Path, tmp_path: Path) -> None:
    repo = make_repository(tmp_path / "repo")
    other = make_repository(tmp_path / "other")
    git(other, "commit", "--quiet", "--no-gpg-sign", "--allow-empty", "-m", "theirs")
    remote = vcs.init(tmp_path / "remote.git", bare=True, templates=False).git_dir
    git(other, "push", "--quiet", str(remote), "main")
    repository = vcs.Repository.at(repo)
    assert repository is not None
    with pytest.raises(vcs.PushRejected, match=r"rejected: \[rejected\] \(fetch first\)"):
        repository.push(str(remote), repository.head(), "main")


def test_an_interrupted_git_command_is_stopped_with_its_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C or SIGTERM while git runs: git and its children are killed and reaped first,
    so none of them goes on writing into a folder the cleanup removes."""
    started: list[tuple[subprocess.Popen[bytes], int]] = []

    def interrupted(self: subprocess.Popen[bytes], *args: object, **kwargs: object) -> None:
        started.append((self, os.getpgid(self.pid)))
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        vcs.run("hash-object", "--stdin", stdin=b"content")
    ((process, group),) = started
    assert group == process.pid != os.getpgid(0)  # its own group: the kill reaches its children
    assert process.returncode is not None  # killed and reaped before the interrupt went on


def test_an_interrupted_stream_stops_git_with_its_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while `check` reads git's output: git is killed and reaped, not waited for."""
    repo = make_repository(tmp_path / "repo")
    stopped: list[tuple[subprocess.Popen[bytes], int]] = []
    stop_group = vcs._stop_group

    def spy(process: subprocess.Popen[bytes]) -> None:
        stopped.append((process, os.getpgid(process.pid)))
        stop_group(process)

    monkeypatch.setattr(vcs, "_stop_group", spy)
    request = b"HEAD\n" * 100_000  # megabytes of output: git is still writing when we stop
    with (
        pytest.raises(KeyboardInterrupt),
        vcs.stream("cat-file", "--batch", stdin=request, cwd=repo) as output,
    ):
        assert b" commit " in output.readline()
        raise KeyboardInterrupt
    ((process, group),) = stopped
    assert group == process.pid != os.getpgid(0)
    assert process.returncode is not None
