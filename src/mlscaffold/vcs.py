"""All of mlscaffold's git, through one hardened runner.

Every git command mlscaffold runs is built by :func:`command` and started by :func:`run`
or :func:`stream`; the git commands copier runs for mlscaffold get the same settings
through :func:`child_environment`. Repositories are not trusted, which gives three rules:

* Nothing a repository configures is executed. A project cloned from anywhere can name
  commands in its ``.git/config``, in a file that config includes, or in a git folder
  elsewhere that a ``.git`` file points to: ``core.fsmonitor``, hooks, ``gpg.program``
  with ``log.showSignature``, pagers, credential helpers, transports. Every command carries
  :data:`HARDENING` as ``-c`` options, which win over every config file. Hooks are off
  for the user's own global hooks too: a hook that reformats, prompts or fails must not
  break or stall mlscaffold. Diffs never run external or textconv drivers
  (``--no-ext-diff --no-textconv``) and logs never verify signatures.
* What ``-c`` cannot switch off is refused. A filter driver (``filter.NAME.clean``,
  ``smudge``, ``process``) runs whenever git reads or writes a work-tree file that the
  repository's attributes send through it, under a name only that repository knows, so a
  command that reads or writes the work tree of a repository mlscaffold did not create
  first calls :meth:`Repository.refuse_filters`. (``check`` never needs to: it reads the
  index and the object database, never work-tree content through git.)
* One error type, :class:`GitError` and its children, whose message ends with git's own
  words (:func:`last_line`).

Pushing (``mlscaffold publish``) needs a transport and a way to log in, so a push differs
in two ways, and the repository can steer neither: it allows the ``https``, ``ssh`` and
``file`` transports, and it keeps the user's own credential helpers (their global and
system ``credential.*``, e.g. ``gh auth setup-git``'s). It runs in a scratch bare
repository that borrows the project's objects and goes to a URL, never to a remote's
name, so none of the project's config is read at all: no credential helper,
``core.sshCommand``, ``url.*.insteadOf``, ``http.proxy`` or ``remote.NAME.receivepack``
of a repository ever takes part. Hooks stay off and submodules are not pushed.

Git is started through GitPython's command runner, without a shell, with ``GIT_DIR``
and the other variables git sets while it runs a hook removed (they would point the
command at another repository), and with every repository named explicitly
(``--git-dir``/``--work-tree``), so git never searches the parent folders. Nothing here
writes the user's git configuration: when no identity is set, commits use the author from
the answers, passed per command.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mlscaffold import interrupts
from mlscaffold.errors import GitError, RepositoryUnreadable, UnsafeRepository

__all__ = [
    "BRANCH",
    "GitError",
    "Identity",
    "PushRejected",
    "Repository",
    "RepositoryUnreadable",
    "UnsafeRepository",
    "child_environment",
    "clone",
    "configured_identity",
    "git_available",
    "github_username_hint",
    "init",
    "initial_commit",
    "is_repository",
    "last_line",
    "push_config",
    "run",
    "stream",
    "version",
]

BRANCH = "main"

HARDENING: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.pager", "cat"),
    ("log.showSignature", "false"),
    ("core.askPass", ""),
    ("credential.helper", ""),  # an empty value clears the list of helpers
    ("protocol.allow", "never"),  # no transport, hence no ssh command or remote helper
    ("commit.gpgSign", "false"),
    ("tag.gpgSign", "false"),
    ("maintenance.auto", "false"),
    ("gc.auto", "0"),
)
"""Config given to every git command; ``-c`` wins over the repository's and the user's."""

LOCAL_CLONE: tuple[tuple[str, str], ...] = (("protocol.file.allow", "always"),)
"""The one transport allowed where mlscaffold clones: a folder on this machine."""

GLOBAL_OPTIONS = ("--no-pager", "--no-optional-locks", "--no-replace-objects")
"""No pager; no index refresh written back; history as a push would send it (replace refs,
which a repository can use to show other commits than the ones it holds, are ignored)."""

ENVIRONMENT = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_PAGER": "cat",
    "GIT_EDITOR": ":",
    "GIT_NO_LAZY_FETCH": "1",  # a partial clone never fetches missing objects behind our back
    "GIT_NO_REPLACE_OBJECTS": "1",
}
"""Environment of every git command, mlscaffold's and copier's alike."""

MESSAGES = {"LC_ALL": "C", "LANGUAGE": "C"}
"""git's messages in English, like the rest of mlscaffold's (our commands only)."""

UNSET = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_EXTERNAL_DIFF",
)
"""Set by git while it runs hooks (and by users): they would redirect our commands."""

FILTER_SETTINGS = frozenset({"clean", "smudge", "process"})

PUSH_CONFIG: tuple[tuple[str, str], ...] = (
    ("protocol.https.allow", "always"),
    ("protocol.ssh.allow", "always"),
    ("protocol.file.allow", "always"),
    ("push.recurseSubmodules", "no"),
    ("push.gpgSign", "false"),
)
"""What a push needs on top of :data:`HARDENING`: the transports GitHub and tests use."""

PUSH_LIFTED = frozenset({"credential.helper"})
"""Hardening a push goes without: the user's own helpers log in (see :func:`push_config`)."""


class PushRejected(GitError):
    """The remote refused the push (e.g. its branch has commits this repository lacks)."""


@dataclass(frozen=True)
class Identity:
    """A git author."""

    name: str
    email: str

    def as_environment(self) -> dict[str, str]:
        """The variables that make this identity the author and committer of a commit."""
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
        }


# --- the runner ------------------------------------------------------------------------


@functools.cache
def _executable() -> str | None:
    return shutil.which("git")


def git_available() -> bool:
    """Tell whether a ``git`` executable is on PATH."""
    return _executable() is not None


def command(
    *args: str,
    location: Sequence[str] = (),
    config: Sequence[tuple[str, str]] = (),
    lift: frozenset[str] = frozenset(),
) -> list[str]:
    """The argument list for ``git ARGS``: the hardening, then ``location`` (where), then ARGS.

    ``lift`` names hardening settings left out; only :func:`push_config`'s caller uses it.
    """
    executable = _executable()
    if executable is None:
        raise GitError("git is not installed; install it (https://git-scm.com) and try again")
    hardening = [(key, value) for key, value in HARDENING if key not in lift]
    options = [part for key, value in (*hardening, *config) for part in ("-c", f"{key}={value}")]
    return [executable, *GLOBAL_OPTIONS, *options, *location, *args]


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of our git commands: this process's, cleaned and hardened."""
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(ENVIRONMENT)
    env.update(MESSAGES)
    env.update(extra or {})
    return env


def run(
    *args: str,
    location: Sequence[str] = (),
    config: Sequence[tuple[str, str]] = (),
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    check: bool = True,
    failure: str | None = None,
    hint: str = "",
    error: type[GitError] = GitError,
    lift: frozenset[str] = frozenset(),
) -> bytes:
    """Run one git command and return its standard output.

    When it fails and ``check`` is set, raise ``error`` with ``failure`` (default: which
    command failed where), git's last words and ``hint``, on one line.
    """
    argv = command(*args, location=location, config=config, lift=lift)
    with _feed(stdin) as feed:
        status, out, err = _execute(argv, cwd, environment(env), feed)
    if check and status != 0:
        raise _error(error, args, cwd, failure, hint, status, err)
    return out


def _execute(
    argv: Sequence[str], cwd: Path | None, env: Mapping[str, str], feed: IO[bytes] | int
) -> tuple[int, bytes, bytes]:
    """Run git to its end: its exit status, standard output and standard error."""
    with _started(argv, cwd, env, feed) as process:
        out, err = process.communicate()
    return int(process.returncode), _as_bytes(out or b""), _as_bytes(err or b"")


@contextlib.contextmanager
def _started(
    argv: Sequence[str], cwd: Path | None, env: Mapping[str, str], feed: IO[bytes] | int
) -> Iterator[subprocess.Popen[bytes]]:
    """Start git in a process group of its own, for the ``with`` block to talk to.

    If this process is interrupted inside the block (Ctrl-C, SIGTERM, SIGHUP, any
    exception), the whole group is killed and git reaped before the interruption goes on,
    so no git, and no child git started, is still writing into a folder the cleanup then
    removes: a clone into a scratch folder that went on after the folder was removed left
    it behind. A signal while git starts waits until git is known and can be stopped.
    """
    git = _gitpython(cwd)
    with interrupts.held() as signals:
        with _inherited_environment_cleaned():
            # Keep GitPython's wrapper alive: when it is collected, it kills the process.
            running = git.execute(
                list(argv), istream=feed, env=dict(env), as_process=True, start_new_session=True
            )
        process: subprocess.Popen[bytes] = running.proc
        try:
            signals.release()
            yield process
        except BaseException:
            _stop_group(process)
            raise
        finally:
            del running


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and every process of its group, reap it and close its pipes."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, OSError):  # Windows has no process groups; or it is gone
        process.kill()
    process.wait()
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def _as_bytes(output: bytes | str) -> bytes:
    """GitPython gives standard error decoded; our callers take bytes."""
    return output if isinstance(output, bytes) else output.encode("utf-8", "surrogateescape")


def _gitpython(cwd: Path | None) -> Any:
    """GitPython's command runner (imported here: ``--help`` and ``list`` never need it)."""
    import git

    return git.Git(str(cwd) if cwd is not None else None)


@contextlib.contextmanager
def _feed(data: bytes | None) -> Iterator[IO[bytes] | int]:
    """Standard input for git: a real file holding ``data`` (no pipe to deadlock on)."""
    if data is None:
        yield subprocess.DEVNULL
        return
    with tempfile.TemporaryFile() as handle:
        handle.write(data)
        handle.seek(0)
        yield handle


@contextlib.contextmanager
def _inherited_environment_cleaned() -> Iterator[None]:
    """Remove :data:`UNSET` from this process's environment while GitPython starts git.

    GitPython builds a command's environment from ``os.environ`` plus what it is given,
    so a variable can only be kept out of git's environment by removing it here.
    """
    saved = {name: os.environ.pop(name) for name in UNSET if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


@contextlib.contextmanager
def stream(
    *args: str,
    stdin: bytes,
    location: Sequence[str] = (),
    cwd: Path | None = None,
    failure: str | None = None,
    hint: str = "",
    error: type[GitError] = GitError,
) -> Iterator[IO[bytes]]:
    """Start a git command fed with ``stdin`` and give its standard output to read.

    ``stdin`` is a real file, so git never blocks on it while we read. A failure is raised
    (like :func:`run`) when the reader finishes normally; when it is interrupted, git is
    stopped with its group (see :func:`_started`).
    """
    argv = command(*args, location=location)
    with _feed(stdin) as feed, _started(argv, cwd, environment(), feed) as process:
        assert process.stdout is not None and process.stderr is not None
        try:
            yield process.stdout
        finally:
            process.stdout.close()
        errors = process.stderr.read()
        process.stderr.close()
        status = process.wait()
    if status != 0:
        raise _error(error, args, cwd, failure, hint, status, errors)


def last_line(stderr: bytes | str, default: str = "git failed") -> str:
    """Say why git failed: its last ``fatal:``/``error:`` line, else its last line.

    Hints and advice (``hint:`` lines, indented commands) are not the reason, and the
    ``fatal:`` label adds nothing to a message that already says git failed.
    """
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("hint:")]
    if not lines:
        return default
    labelled = [line for line in lines if line.startswith(("fatal:", "error:"))]
    line = (labelled or lines)[-1]
    return re.sub(r"^(fatal|error): ", "", line)


def _error(
    error: type[GitError],
    args: Sequence[str],
    cwd: Path | None,
    failure: str | None,
    hint: str,
    status: int,
    stderr: bytes,
) -> GitError:
    where = f" in {cwd}" if cwd is not None else ""
    message = f"{failure or f'`git {args[0]}` failed{where}'}: "
    message += last_line(stderr, default=f"exit status {status}")
    return error(f"{message}; {hint}" if hint else message)


@functools.cache
def version() -> tuple[int, ...]:
    """The installed git's version, e.g. ``(2, 39, 5)``."""
    words = run("version").decode("ascii", "replace").split()
    numbers = re.findall(r"\d+", words[2] if len(words) > 2 else "")
    return tuple(int(number) for number in numbers[:3])


def child_environment(base: Mapping[str, str]) -> dict[str, str | None]:
    """Changes to ``base`` that give git commands another program starts our hardening.

    For copier, which starts git itself: :data:`HARDENING` (and local clones) as
    ``GIT_CONFIG_COUNT``/``KEY``/``VALUE`` variables (git 2.31 and later), after any the
    user set. ``None`` means "unset".
    """
    changes: dict[str, str | None] = {name: None for name in UNSET}
    changes.update(ENVIRONMENT)
    count = int(base.get("GIT_CONFIG_COUNT", "0") or 0)
    for key, value in (*HARDENING, *LOCAL_CLONE):
        changes[f"GIT_CONFIG_KEY_{count}"] = key
        changes[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    changes["GIT_CONFIG_COUNT"] = str(count)
    return changes


# --- the user's settings ---------------------------------------------------------------


@functools.cache
def _user_config() -> dict[str, str]:
    """The user's git settings that mlscaffold reads, in one git call per process."""
    if not git_available():
        return {}
    out = run("config", "--get-regexp", r"^(user\.(name|email)|github\.user)$", check=False).decode(
        "utf-8", "replace"
    )
    values: dict[str, str] = {}
    for line in out.splitlines():
        key, _, value = line.partition(" ")
        values[key.lower()] = value.strip()
    return values


def configured_identity() -> Identity | None:
    """Return ``user.name``/``user.email`` from git's config, or None when either is missing."""
    config = _user_config()
    name, email = config.get("user.name"), config.get("user.email")
    return Identity(name, email) if name and email else None


def github_username_hint() -> str | None:
    """Guess a GitHub login from ``github.user`` or a GitHub noreply e-mail address."""
    config = _user_config()
    if config.get("github.user"):
        return config["github.user"]
    email = config.get("user.email", "")
    match = re.fullmatch(r"(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com", email)
    return match.group(1) if match else None


# --- repositories ----------------------------------------------------------------------


def is_repository(path: Path) -> bool:
    """Tell whether ``path`` itself holds a ``.git`` folder or file."""
    return (path / ".git").exists()


@dataclass(frozen=True)
class Repository:
    """A work tree and its git folder, both named on every command (no discovery)."""

    work_tree: Path
    git_dir: Path

    @classmethod
    def at(cls, root: Path, *, error: type[GitError] = GitError) -> Repository | None:
        """The repository whose top folder is ``root``; None when ``root`` has no ``.git``.

        A ``.git`` file (``gitdir: ELSEWHERE``) is followed; an unreadable one raises
        ``error``.
        """
        if not is_repository(root):
            return None
        out = run(
            "rev-parse",
            "--absolute-git-dir",
            location=("--git-dir", str((root / ".git").absolute())),
            cwd=root,
            failure=f"git could not read the repository in {root}",
            error=error,
        )
        return cls(root, Path(out.decode("utf-8", "surrogateescape").strip()))

    @property
    def location(self) -> tuple[str, ...]:
        """The options that point git at this repository (absolute: git runs in the work tree)."""
        return (
            "--git-dir",
            str(self.git_dir.absolute()),
            "--work-tree",
            str(self.work_tree.absolute()),
        )

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        failure: str | None = None,
        hint: str = "",
        error: type[GitError] = GitError,
        config: Sequence[tuple[str, str]] = (),
    ) -> bytes:
        """Run ``git ARGS`` in this repository (see :func:`run`)."""
        return run(
            *args,
            location=self.location,
            config=config,
            cwd=self.work_tree,
            env=env,
            stdin=stdin,
            check=check,
            failure=failure,
            hint=hint,
            error=error,
        )

    def stream(
        self, *args: str, stdin: bytes, hint: str = "", error: type[GitError] = GitError
    ) -> contextlib.AbstractContextManager[IO[bytes]]:
        """Stream the output of ``git ARGS`` in this repository (see :func:`stream`)."""
        return stream(
            *args, stdin=stdin, location=self.location, cwd=self.work_tree, hint=hint, error=error
        )

    def commit(self, message: str, identity: Identity, *, failure: str | None = None) -> None:
        """Commit what is staged as ``identity``: no hooks, no signing (see the module doc)."""
        self.git(
            "commit",
            "--quiet",
            "--no-verify",
            "--no-gpg-sign",
            "--message",
            message,
            env=identity.as_environment(),
            failure=failure,
        )

    def head(self) -> str:
        """The id of the commit checked out."""
        out = self.git(
            "rev-parse",
            "--verify",
            "HEAD^{commit}",
            failure=f"git could not read the commit checked out in {self.work_tree}",
        )
        return out.decode("ascii").strip()

    def local_config(self) -> list[tuple[str, str, str]]:
        """``(key, value, file)`` for each setting of the repository's own config files.

        Files it includes (``include.path``, ``includeIf``) count as its own; the user's
        global and system files do not.
        """
        if version() < (2, 26):  # no --show-scope: read the local file and its includes
            out = self.git("config", "--local", "--list", "--includes", "--show-origin", "-z")
            fields = out.split(b"\0")
            records = [(b"local", fields[i], fields[i + 1]) for i in range(0, len(fields) - 1, 2)]
        else:
            out = self.git("config", "--list", "--includes", "--show-scope", "--show-origin", "-z")
            fields = out.split(b"\0")
            records = [
                (fields[i], fields[i + 1], fields[i + 2]) for i in range(0, len(fields) - 2, 3)
            ]
        settings = []
        for scope, origin, entry in records:
            if scope not in (b"local", b"worktree"):
                continue
            key, _, value = entry.decode("utf-8", "replace").partition("\n")
            file = origin.decode("utf-8", "replace").removeprefix("file:")
            settings.append((key, value, str(self.work_tree / file)))
        return settings

    def refuse_filters(self, doing: str) -> None:
        """Refuse (:class:`UnsafeRepository`) a repository whose own config sets a filter.

        git runs a filter's command on every file the attributes send through it, whenever
        it reads or writes that file in the work tree, and no ``-c`` can switch off a
        filter whose name only the repository knows. ``doing`` names the work refused.
        """
        for key, value, file in self.local_config():
            section, _, setting = key.rpartition(".")
            if section.startswith("filter.") and setting in FILTER_SETTINGS and value:
                raise UnsafeRepository(
                    f"{self.work_tree} runs a command on its files ({key}, set in {file}) "
                    "and mlscaffold never runs what a repository configures; to "
                    f"{doing}, remove it (git config --file {file} --unset {key}) and put "
                    "it back afterwards"
                )

    def is_dirty(self) -> bool:
        """Tell whether anything is uncommitted or untracked (submodules aside).

        Call :meth:`refuse_filters` first: comparing the work tree with the index reads
        files through their filters. Submodules are not inspected (each has a config of
        its own).
        """
        out = self.git(
            "status", "--porcelain", "-z", "--untracked-files=normal", "--ignore-submodules=all"
        )
        return bool(out.strip(b"\0"))

    # --- what ``publish`` needs: branches, remotes, a commit made aside, a push -----------

    def current_branch(self) -> str | None:
        """The branch checked out; None when HEAD is detached."""
        out = self.git("symbolic-ref", "--quiet", "HEAD", check=False).decode("utf-8", "replace")
        ref = out.strip()
        return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None

    def has_commits(self) -> bool:
        """Tell whether HEAD names a commit (False on a branch with no commit yet)."""
        return bool(self.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False))

    def remote_url(self, name: str) -> str | None:
        """The ``url`` the repository's config gives remote ``name``; None when it has none."""
        out = self.git("config", "--get", f"remote.{name}.url", check=False)
        return out.decode("utf-8", "surrogateescape").strip() or None

    def remotes(self) -> list[str]:
        """The remotes' names (``git remote``), to compare before and after in tests and undo."""
        return self.git("remote").decode("utf-8", "surrogateescape").split()

    def changed_paths(self, pathspecs: Sequence[str] = ()) -> list[str]:
        """Paths (under ``pathspecs``, literal) whose work tree differs from HEAD or the index.

        Untracked files count, ignored files do not. Call :meth:`refuse_filters` first.
        """
        literal = [f":(literal){spec}" for spec in pathspecs]
        out = self.git(
            "status",
            "--porcelain",
            "-z",
            "--no-renames",
            "--untracked-files=all",
            "--ignore-submodules=all",
            "--",
            *literal,
        )
        entries = [entry for entry in out.split(b"\0") if entry]
        return sorted({entry[3:].decode("utf-8", "surrogateescape") for entry in entries})

    def commit_aside(self, paths: Sequence[str], message: str, identity: Identity) -> str:
        """A commit of HEAD plus the work tree's ``paths``, made without moving HEAD.

        Built in a temporary index, so neither the branch nor the index changes: a push that
        then fails leaves the repository as it was. :meth:`advance` adopts it afterwards.
        Call :meth:`refuse_filters` first (``git add`` reads the work tree).
        """
        failure = "git could not prepare the commit of the results"
        with tempfile.TemporaryDirectory(prefix="mlscaffold-index-") as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index"), **identity.as_environment()}
            self.git("read-tree", "HEAD", env=env, failure=failure)
            literal = [f":(literal){path}" for path in paths]
            self.git("add", "--all", "--", *literal, env=env, failure=failure)
            tree = self.git("write-tree", env=env, failure=failure).decode("ascii").strip()
            out = self.git(
                "commit-tree",
                "--no-gpg-sign",
                "-p",
                "HEAD",
                "-m",
                message,
                tree,
                env=env,
                failure=failure,
            )
        return out.decode("ascii").strip()

    def advance(self, branch: str, new: str, old: str, paths: Sequence[str]) -> None:
        """Move ``branch`` from ``old`` to ``new`` (refused if it moved since).

        ``paths`` are staged as ``new`` has them; the rest of the index is left alone.
        """
        self.git(
            "update-ref",
            "-m",
            "mlscaffold publish: commit the results",
            f"refs/heads/{branch}",
            new,
            old,
            failure=f"git could not move {branch} to the new commit",
        )
        if paths:
            literal = [f":(literal){path}" for path in paths]
            self.git("reset", "--quiet", new, "--", *literal, check=False)

    def objects_folder(self) -> Path:
        """The folder of this repository's objects (shared by its worktrees)."""
        out = self.git("rev-parse", "--git-path", "objects").decode("utf-8", "surrogateescape")
        path = Path(out.strip())
        return path if path.is_absolute() else (self.work_tree / path).absolute()

    def push(
        self, url: str, commit: str, branch: str, *, config: Sequence[tuple[str, str]] = ()
    ) -> None:
        """Push ``commit`` to ``branch`` of the repository at ``url`` (a URL, never a remote).

        The push runs in a scratch bare repository that borrows this one's objects
        (``objects/info/alternates``), so none of this repository's config is read: no
        ``url.*.insteadOf``, ``http.proxy``, credential helper or ``remote.*`` setting of
        its own can steer or watch the push. The user's global config logs in (see
        :func:`push_config`). Raises :class:`PushRejected` when the remote refuses.
        """
        objects = self.objects_folder()
        with tempfile.TemporaryDirectory(prefix="mlscaffold-push-") as scratch:
            mirror = init(Path(scratch) / "push.git", bare=True, templates=False)
            info = mirror.git_dir / "objects" / "info"
            info.mkdir(parents=True, exist_ok=True)
            (info / "alternates").write_text(f"{objects}\n", encoding="utf-8")
            args = ("push", "--porcelain", "--no-verify", "--recurse-submodules=no")
            refspec = f"{commit}:refs/heads/{branch}"
            status, out, err = _run_status(
                *args,
                "--",
                url,
                refspec,
                location=("--git-dir", str(mirror.git_dir)),
                config=push_config(config),
                cwd=Path(scratch),
                lift=PUSH_LIFTED,
            )
        if status == 0:
            return
        rejected = [
            line.split("\t")[-1]
            for line in out.decode("utf-8", "replace").splitlines()
            if line.startswith("!")
        ]
        if rejected:
            raise PushRejected(f"the push to {url} was rejected: {rejected[0]}")
        raise GitError(f"git could not push to {url}: {last_line(err)}")


def push_config(extra: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The ``-c`` settings of a push: the transports, and ``extra`` (e.g. gh's helper).

    The push lifts ``credential.helper`` from the hardening (:data:`PUSH_LIFTED`) and runs
    in a scratch repository (:meth:`Repository.push`), so the helpers that answer are the
    user's own, from the global and system config; a repository's never are.
    """
    return [*PUSH_CONFIG, *extra]


def _run_status(
    *args: str,
    location: Sequence[str],
    config: Sequence[tuple[str, str]],
    cwd: Path,
    lift: frozenset[str],
) -> tuple[int, bytes, bytes]:
    """Run git like :func:`run`, returning its exit status, output and errors (no raise)."""
    argv = command(*args, location=location, config=config, lift=lift)
    with _feed(None) as feed:
        return _execute(argv, cwd, environment(), feed)


# --- repositories mlscaffold creates ----------------------------------------------------


def init(path: Path, *, bare: bool = False, templates: bool = True) -> Repository:
    """``git init`` on branch main. ``templates=False`` copies nothing from git's templates.

    A project gets the user's templates (``init.templateDir``: often their hooks, run by
    their own commits later, never by ours); mlscaffold's own repositories get none.
    """
    options = ["--quiet", *(["--bare"] if bare else []), *([] if templates else ["--template="])]
    new_branch = version() >= (2, 28)
    if new_branch:
        options.append(f"--initial-branch={BRANCH}")
    failure = f"git could not create a repository in {path}"
    run("init", *options, "--", str(path), failure=failure)
    git_dir = path if bare else path / ".git"
    if not new_branch:
        run("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}", location=("--git-dir", str(git_dir)))
    return Repository(path, git_dir)


def clone(source: Path, destination: Path) -> Repository:
    """A clone of the repository at ``source`` (a folder on this machine), with no templates."""
    run(
        "clone",
        "--quiet",
        "--template=",
        "--",
        str(source),
        str(destination),
        config=LOCAL_CLONE,
        failure=f"git could not clone {source}",
    )
    return Repository(destination, destination / ".git")


def commit_all(repository: Repository, message: str, identity: Identity) -> bool:
    """Stage everything and commit it as ``identity``; return False when nothing changed."""
    repository.git("add", "--all")
    if not repository.git("status", "--porcelain", "-z", "--untracked-files=no").strip(b"\0"):
        return False
    repository.commit(message, identity)
    return True


def initial_commit(
    path: Path, message: str, fallback: Identity, only: list[Path] | None = None
) -> str:
    """``git init`` on branch main, add the project, commit; return the short SHA.

    Everything not ignored is added, or only the paths in ``only`` (used when the
    project was added beside files the user already had: those stay untracked).
    The commit uses the configured identity when there is one and ``fallback``
    otherwise. Hooks and signing are off (see the module docstring). On any failure
    the ``.git`` folder this made is removed again, so a folder the user had is left
    as it was.
    """
    identity = configured_identity() or fallback
    created = not is_repository(path)
    failure = "git could not create the first commit"
    try:
        repository = Repository(path, path / ".git")
        init(path)
        pathspec = [p.relative_to(path).as_posix() for p in only] if only is not None else []
        repository.git("add", "--all", "--", *pathspec, failure=failure)
        repository.commit(message, identity, failure=failure)
        return repository.head()[:7]
    except BaseException:
        if created:
            shutil.rmtree(path / ".git", ignore_errors=True)
        raise
