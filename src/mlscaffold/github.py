"""GitHub through the ``gh`` command: log-in state, a repository's existence, creation, topics.

``gh`` is the user's own tool, logged in with their own account, so it is run as it is
(found on PATH, never named by a repository). It runs without a shell, without a prompt
(``GH_PROMPT_DISABLED``), with no standard input and a time limit; a failure is a
:class:`GitHubError` whose message ends with gh's own last line. Git never runs here:
``publish`` creates the repository with gh and pushes through :mod:`mlscaffold.vcs`.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from mlscaffold.errors import MlscaffoldError

TIMEOUT = 120
"""Seconds a gh call may take (a create or a slow network), then it counts as failed."""

NOT_FOUND = ("could not resolve to a repository", "not found", "http 404")
"""Words gh uses when a repository does not exist (``gh repo view``)."""

ENVIRONMENT = {
    "GH_PROMPT_DISABLED": "1",
    "GH_NO_UPDATE_NOTIFIER": "1",
    "GH_SPINNER_DISABLED": "1",
    "NO_COLOR": "1",
    "CLICOLOR": "0",
}


class GitHubError(MlscaffoldError):
    """A gh call failed: not logged in, no network, a name taken (exit 1)."""


@dataclass(frozen=True)
class Remote:
    """A repository on GitHub as gh describes it."""

    url: str
    """Its web address (``https://github.com/OWNER/NAME``)."""
    empty: bool
    """True when it has no commit yet (a push then needs no common history)."""


class GitHub:
    """The ``gh`` found on PATH, or an explanation of why it cannot be used."""

    def __init__(self, executable: str) -> None:
        self.executable = executable

    @classmethod
    def find(cls) -> GitHub | None:
        """The gh on PATH, or None when it is not installed."""
        executable = shutil.which("gh")
        return cls(executable) if executable else None

    def _run(self, *args: str, failure: str) -> str:
        try:
            completed = subprocess.run(
                [self.executable, *args],
                # never inside the project: gh may run git, which would read its config
                cwd=tempfile.gettempdir(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env={**os.environ, **ENVIRONMENT},
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GitHubError(f"{failure}: gh gave no answer in {TIMEOUT} s") from None
        except OSError as error:
            raise GitHubError(f"{failure}: gh could not start: {error.strerror}") from None
        if completed.returncode != 0:
            raise GitHubError(f"{failure}: {last_words(completed.stderr or completed.stdout)}")
        return completed.stdout.decode("utf-8", "replace")

    def login_problem(self) -> str | None:
        """None when gh is logged in to github.com; else gh's reason, in one line."""
        try:
            self._run("auth", "status", "--hostname", "github.com", failure="gh is not logged in")
        except GitHubError as error:
            return str(error)
        return None

    def login(self) -> str:
        """The login of the account gh uses."""
        out = self._run("api", "user", "--jq", ".login", failure="gh could not read your login")
        login = out.strip()
        if not login:
            raise GitHubError("gh could not read your login: it printed nothing")
        return login

    def view(self, slug: str) -> Remote | None:
        """The repository ``OWNER/NAME``, or None when it does not exist."""
        try:
            out = self._run(
                "repo",
                "view",
                slug,
                "--json",
                "url,isEmpty",
                failure=f"gh could not look up {slug}",
            )
        except GitHubError as error:
            if any(words in str(error).lower() for words in NOT_FOUND):
                return None
            raise
        try:
            data = json.loads(out)
            return Remote(url=str(data["url"]), empty=bool(data["isEmpty"]))
        except (ValueError, KeyError, TypeError):
            raise GitHubError(f"gh described {slug} in a form mlscaffold does not know") from None

    def create(self, slug: str, *, private: bool, description: str, homepage: str) -> str:
        """Create the empty repository ``OWNER/NAME``; return its web address.

        No ``--source``/``--push``: the push is mlscaffold's, through its git layer.
        """
        args = ["repo", "create", slug, "--private" if private else "--public"]
        if description:
            args += ["--description", description]
        if homepage:
            args += ["--homepage", homepage]
        out = self._run(*args, failure=f"gh could not create {slug}")
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        return lines[-1] if lines else f"https://github.com/{slug}"

    def add_topics(self, slug: str, topics: list[str]) -> None:
        """Add ``topics`` to the repository (``gh repo edit --add-topic``)."""
        if topics:
            self._run(
                "repo",
                "edit",
                slug,
                "--add-topic",
                ",".join(topics),
                failure=f"gh could not add the topics to {slug}",
            )

    def credential_helper(self) -> tuple[str, str]:
        """Gh's own git credential helper for github.com, as a ``-c`` setting of a push.

        Lets a push log in as gh does even when ``gh auth setup-git`` was never run.
        """
        command = f"!{shlex.quote(self.executable)} auth git-credential"
        return ("credential.https://github.com.helper", command)


def last_words(output: bytes) -> str:
    """Gh's last non-empty line (its reason), or a placeholder."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "gh failed without saying why"


def push_url(web_url: str) -> str:
    """The address to push to for a repository gh reports as ``web_url``.

    ``https://github.com/OWNER/NAME`` becomes ``https://github.com/OWNER/NAME.git``;
    anything else (an ssh address, a folder, as a test's fake gh prints) is used as it is.
    """
    if web_url.startswith("https://") and not web_url.endswith(".git"):
        return web_url.rstrip("/") + ".git"
    return web_url
