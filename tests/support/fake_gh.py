"""A fake GitHub CLI for the publish tests: records its calls, plays one scenario.

Its ``repo create`` makes a bare repository at the path in ``remote`` and prints that path
as the repository's address, so the push that follows is real and offline. Scenarios
(the ``mode`` file): logged-in (default), logged-out, exists, exists-empty, taken, offline,
slow-create, create-unreachable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

FAKE_GH = r"""
import json, os, subprocess, sys, time
from pathlib import Path

here = Path(__file__).parent
args = sys.argv[1:]
with open(here / "calls.jsonl", "a") as record:
    record.write(json.dumps(args) + "\n")
mode = (here / "mode").read_text().strip()
remote = (here / "remote").read_text().strip()

def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)

if args[:2] == ["auth", "status"]:
    if mode == "logged-out":
        fail("You are not logged into any GitHub hosts. To log in, run: gh auth login")
    print("github.com\n  Logged in to github.com account ada-l (keyring)")
elif args[:2] == ["api", "user"]:
    print("ada-l")
elif args[:2] == ["repo", "view"]:
    if mode == "offline":
        fail("error connecting to api.github.com\ncheck your internet connection")
    if mode in ("exists", "exists-empty"):
        print(json.dumps({"url": remote, "isEmpty": mode == "exists-empty"}))
    else:
        fail(f"GraphQL: Could not resolve to a Repository with the name '{args[2]}'. (repository)")
elif args[:2] == ["repo", "create"]:
    if mode == "taken":
        fail("GraphQL: Name already exists on this account (createRepository)")
    if mode == "slow-create":
        time.sleep(60)
    if mode != "create-unreachable":
        subprocess.run(["git", "init", "--quiet", "--bare", remote], check=True)
    print(remote)
elif args[:2] == ["repo", "edit"]:
    pass
else:
    fail(f"fake gh: unknown command {args}")
"""


def install_fake_gh(folder: Path, remote: Path) -> Callable[[str], Path]:
    """Write the fake ``gh`` into ``folder`` (put it first on PATH); return a mode setter."""
    folder.mkdir(parents=True)
    script = folder / "gh"
    script.write_text(f"#!{sys.executable}\n{FAKE_GH}")
    script.chmod(0o755)
    (folder / "remote").write_text(str(remote))
    remote.parent.mkdir(parents=True, exist_ok=True)

    def play(mode: str) -> Path:
        (folder / "mode").write_text(mode)
        return folder

    return play
