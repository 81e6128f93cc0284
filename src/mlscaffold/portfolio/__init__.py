"""``mlscaffold portfolio``: a GitHub profile README and a static site of the learner's projects.

The run reads as its pipeline: find the projects -> read what their training measured
-> render the profile README and the MkDocs site -> write them without losing edits.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from mlscaffold.errors import UsageError
from mlscaffold.text import printable

PLACEHOLDER_USERNAME = "your-github-username"


def run_portfolio(
    folders: Sequence[Path],
    *,
    out: Path,
    username: str | None,
    site_url: str | None,
    force: bool,
) -> int:
    """Build the portfolio from the projects in ``folders``; return the exit code."""
    from mlscaffold.portfolio.projects import SAFE_NAME, discover
    from mlscaffold.portfolio.render import PROFILE_README, SITE, Settings, render
    from mlscaffold.portfolio.writer import write_tree

    projects = discover(folders or [Path()])
    if not projects:
        where = ", ".join(str(f) for f in folders) or "."
        raise UsageError(
            f"no mlscaffold project found in {where} or its subfolders; "
            "name the folders that hold your projects"
        )
    trained = [p for p in projects if p.trained]
    for project in projects:
        if not project.trained:
            print(
                f"{printable(project.slug)}: not trained yet (run make train && make report in "
                f"{printable(project.path)})"
            )
        for note in project.notes:
            print(f"{printable(project.slug)}: note: {printable(note)}", file=sys.stderr)
    if not trained:
        raise UsageError("no project is trained yet; run make train && make report in each first")
    user = username or _common_username(trained)
    if not SAFE_NAME.match(user) or len(user) > 39:
        raise UsageError(f"'{user}' is not a GitHub username; pass --username NAME")
    if user == PLACEHOLDER_USERNAME:
        print(
            f"note: the projects name the GitHub user '{user}'; pass --username NAME "
            "for working links",
            file=sys.stderr,
        )
    url = site_url or f"https://{user.lower()}.github.io/"
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"--site-url must start with https:// (got '{url}')")
    settings = Settings(username=user, site_url=url if url.endswith("/") else url + "/")
    result = write_tree(out, render(trained, settings), force=force)
    for project in trained:
        headline = project.headline
        number = f"{headline.label} {headline.value}" if headline else "no headline number"
        print(f"{printable(project.slug)}: {printable(number)}")
    print(
        f"Wrote {len(result.written)} files in {printable(out)} "
        f"({len(result.unchanged)} unchanged, {len(result.removed)} stale removed)."
    )
    for path in result.kept:
        print(f"kept {printable(out / path)}: no project writes it any more, and it was edited")
    repo, pages = f"{user}/{user}", f"{user}/{user.lower()}.github.io"
    print(
        "\nNext steps:\n"
        f"  $EDITOR {printable(out / PROFILE_README)}   # replace the WRITE prompt\n"
        f"  # push {PROFILE_README} as README.md of the repository {printable(repo)}\n"
        f"  cd {printable(out / SITE)} && mkdocs serve     "
        "# preview (pip install mkdocs-material)\n"
        f"  # push {SITE}/ to a repository, e.g. {printable(pages)}, "
        "and set Settings > Pages > Source to GitHub Actions"
    )
    return 0


def _common_username(projects: Sequence[object]) -> str:
    names = {getattr(p, "github_username", "") for p in projects} - {""}
    if len(names) == 1:
        return names.pop()
    if not names:
        raise UsageError("the projects do not name a GitHub user; pass --username NAME")
    listed = ", ".join(sorted(names))
    raise UsageError(f"the projects name different GitHub users ({listed}); pass --username NAME")
