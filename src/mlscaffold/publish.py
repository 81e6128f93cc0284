"""``mlscaffold publish [PATH]``: check, commit the results, create the GitHub repository, push.

The run reads top to bottom in :func:`run_publish`: open the repository -> read what the
project says about itself (answers file, ``CITATION.cff``) -> audit it like ``check``
(blockers stop here) -> find the results not committed and ask to commit them -> choose
where to push (``--remote``, an ``origin`` already set, a repository gh creates, or the
exact steps to create one by hand) -> create it with gh -> push -> adopt the commit and
the remote locally.

Nothing local changes until the push has succeeded: the results' commit is built in a
temporary index without moving the branch (:meth:`~mlscaffold.vcs.Repository.commit_aside`),
the push goes to a URL, and only then is the branch moved, the index updated for the
committed paths and ``origin`` added, with Ctrl-C and SIGTERM held back for those few
steps. So every failure (blockers, a refusal, no network, gh not logged in, a name
taken, a rejected push, an ``origin`` with another URL) and every cancellation leaves
the branch, the index and the remotes as they were. What cannot be undone is said: a
repository gh created stays on GitHub, empty, and the next run pushes to it.

Exit codes: 0 published (or the steps printed, or a dry run); 1 when the work failed
(blockers, gh or the push failed); 2 for what the user must change or decide (not a
repository, a detached HEAD, an ``origin`` with another URL, results to commit without a
terminal or ``--yes``, a declined commit, Ctrl-C); 3 when the audit could not complete.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mlscaffold import interrupts, vcs
from mlscaffold.errors import AuditIncomplete, Cancelled, MlscaffoldError, UsageError
from mlscaffold.github import GitHub, GitHubError, push_url
from mlscaffold.text import printable

if TYPE_CHECKING:
    from mlscaffold.check.findings import Finding, Report
    from mlscaffold.check.rules import Rule

RESULT_PATHS = ("reports", "README.md", "docs", "MODEL_CARD.md")
"""What ``make train`` and ``make report`` write, and the documents the learner edits."""

MESSAGE = "Add measured results"
"""The commit message of the results (the one ``check``'s fix suggests)."""

REMOTE = "origin"
PLACEHOLDER_OWNER = "your-github-username"
"""The answer's default: not anyone's login."""

LOGIN_FAILED = ("could not read Username", "Authentication failed", "Permission denied")
"""git's words when a push could not log in (https without a credential, ssh without a key)."""

ANSWERS_FILE = ".copier-answers.yml"
MAX_TOPICS = 20
"""GitHub's limit on a repository's topics."""


@dataclass(frozen=True)
class Options:
    """The command line of one run."""

    path: Path = Path()
    yes: bool = False
    name: str | None = None
    owner: str | None = None
    private: bool = False
    remote: str | None = None
    homepage: str = ""
    dry_run: bool = False


@dataclass(frozen=True)
class Project:
    """What the repository says about itself (little for a plain repository)."""

    name: str
    owner: str | None
    description: str = ""
    topics: list[str] = field(default_factory=list)
    author: vcs.Identity | None = None


@dataclass
class Target:
    """Where the push goes, and how the repository comes to exist there."""

    how: Literal["remote", "origin", "create", "reuse", "steps"]
    url: str = ""
    """The address pushed to (empty for ``steps``)."""
    web: str = ""
    """The address people open (the GitHub page, or ``url``)."""
    slug: str = ""
    """``OWNER/NAME`` on GitHub when gh is used."""
    why_steps: str = ""
    """Why gh is not used (``steps`` only)."""


def run_publish(options: Options) -> int:
    """Publish the project at ``options.path``; return the exit code (see the module doc)."""
    root, repository, branch = open_repository(options.path)
    project = read_project(root, options)
    results = repository.changed_paths(RESULT_PATHS)
    others = sorted(set(repository.changed_paths()) - set(results))
    audit_or_stop(root, repository, results)
    head = repository.head()
    github = GitHub.find() if options.remote is None else None
    target = choose_target(repository, project, options, github)
    if options.dry_run:
        say_plan(root, branch, head, results, others, target, project, options)
        return 0
    commit = head
    if results:
        confirm_commit(root, results, options)
        identity = vcs.configured_identity() or project.author
        if identity is None:
            raise UsageError(
                "no git identity to commit the results with; set one: git config --global "
                'user.name "YOUR NAME" && git config --global user.email YOUR-EMAIL'
            )
        commit = repository.commit_aside(results, MESSAGE, identity)
    if others:
        say(f"Not committed, so not published: {shown(others)}")
    if target.how == "steps":
        adopt(repository, branch, commit, head, results, remote=None)
        if commit != head:
            say(f"Committed the results: {commit[:7]} {MESSAGE}")
        say(manual_steps(root, branch, project, options, target.why_steps))
        return 0
    if target.how == "create":
        assert github is not None
        create(github, target, project, options)
    push(repository, github, target, commit, branch)
    adopt(repository, branch, commit, head, results, remote=target.url)
    if commit != head:
        say(f"Committed the results: {commit[:7]} {MESSAGE}")
    say(closing(target, branch, commit))
    return 0


# --- the steps -------------------------------------------------------------------------


def open_repository(path: Path) -> tuple[Path, vcs.Repository, str]:
    """The project's folder, its repository and the branch checked out (or a usage error)."""
    if not path.is_dir():
        raise UsageError(f"{path} is not a folder; give the folder of the project to publish")
    root = path.resolve()
    repository = vcs.Repository.at(root)
    if repository is None:
        raise UsageError(
            f"{root} is not a git repository; run `git init` and commit the project first "
            "(mlscaffold new does both)"
        )
    repository.refuse_filters("publish it")
    if not repository.has_commits():
        raise UsageError(f"{root} has no commit yet; commit the project, then publish it")
    branch = repository.current_branch()
    if branch is None:
        raise UsageError(
            f"{root} has no branch checked out (detached HEAD); check out the branch to "
            "publish (git switch main), then run mlscaffold publish again"
        )
    return root, repository, branch


def read_project(root: Path, options: Options) -> Project:
    """Name, owner, description, topics and author, from the answers file and CITATION.cff."""
    answers = _read_yaml(root / ANSWERS_FILE)
    citation = _read_yaml(root / "CITATION.cff")
    name = options.name or str(answers.get("project_slug") or root.name)
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", name) or name in (".", ".."):
        raise UsageError(
            f"'{name}' cannot be a GitHub repository name (letters, digits, '.', '-', '_'); "
            "choose one with --name"
        )
    owner = options.owner or str(answers.get("github_username") or "") or None
    if owner == PLACEHOLDER_OWNER and not options.owner:
        owner = None
    if owner is not None and not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", owner):
        raise UsageError(f"'{owner}' is not a GitHub user or organisation name; fix --owner")
    author_name, author_email = answers.get("author_name"), answers.get("author_email")
    author = (
        vcs.Identity(str(author_name), str(author_email)) if author_name and author_email else None
    )
    keywords = citation.get("keywords")
    return Project(
        name=name,
        owner=owner,
        description=" ".join(str(answers.get("description") or "").split())[:350],
        topics=topics(keywords if isinstance(keywords, list) else []),
        author=author,
    )


def topics(keywords: list[Any]) -> list[str]:
    """GitHub topics from keywords: lowercase, hyphens for spaces, at most 50 characters."""
    found: list[str] = []
    for keyword in keywords:
        topic = re.sub(r"[^a-z0-9]+", "-", str(keyword).lower()).strip("-")[:50].strip("-")
        if topic and topic not in found:
            found.append(topic)
    return found[:MAX_TOPICS]


def audit_or_stop(root: Path, repository: vcs.Repository, results: list[str]) -> None:
    """Audit like ``mlscaffold check`` and print the report; blockers stop the run (exit 1).

    The audit reads every file of the work tree and every commit, so it sees all a push
    of HEAD plus the results could publish. Its write-up warnings judge the documents at
    HEAD; those about a document the run is about to commit are judged again on the
    version that will be pushed (:func:`as_pushed`).
    """
    from mlscaffold.check import INCOMPLETE, audit
    from mlscaffold.check.output import as_text

    try:
        report = audit(root)
    except MlscaffoldError as error:
        if isinstance(error, UsageError) or error.exit_code not in (1, 3):
            raise
        raise AuditIncomplete(f"{INCOMPLETE} of {root}: {error}") from error
    except OSError as error:
        reason = f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
        raise AuditIncomplete(f"{INCOMPLETE} of {root}: {reason}") from error
    report = as_pushed(report, root, repository, results)
    say(as_text(report))
    if report.blockers:
        raise PublishBlocked(
            f"{len(report.blockers)} blocker(s) found by the check above: fix them, "
            "then run mlscaffold publish again (nothing was committed or pushed)"
        )
    say("")


def as_pushed(report: Report, root: Path, repository: vcs.Repository, results: list[str]) -> Report:
    """``report`` with the write-up findings judged on the documents as they will be pushed.

    Findings about a document in ``results`` (README.md, the blog draft, MODEL_CARD.md)
    were made on its HEAD version: they are replaced by the same rules run on the work
    tree's version, which the results' commit publishes. ``results-uncommitted`` goes:
    publish commits them itself. Ignores from the project's check config still apply.
    """
    from mlscaffold.check import docs, rules, writeup
    from mlscaffold.check.config import load_config
    from mlscaffold.check.output import sort_key

    judged = {rule.id for rule in _judged_on_documents()}
    documents: dict[str, str] = {}
    for path in writeup.DOCUMENTS:
        file = root / path
        if path in results and file.is_file():
            documents[path] = _read_text(file)
    changed = {path for path in writeup.DOCUMENTS if path in results}
    kept = [
        finding
        for finding in report.findings
        if finding.rule != rules.RESULTS_UNCOMMITTED.id
        and not (finding.rule in judged and finding.path in changed)
    ]
    found: list[Finding] = []
    if "README.md" in documents:
        found += docs.readme_findings("README.md", documents["README.md"])
    if docs.BLOG_DRAFT in documents:
        found += docs.blog_findings(documents[docs.BLOG_DRAFT])
    generated = _generated_blog(repository) if docs.BLOG_DRAFT in documents else None
    found += writeup.findings(writeup.Published(documents=documents, generated_blog=generated))
    config = load_config(root)
    kept += [f for f in found if f.rule != rules.RESULTS_UNCOMMITTED.id and not config.ignores(f)]
    return dataclasses.replace(report, findings=sorted(kept, key=sort_key))


def _judged_on_documents() -> tuple[Rule, ...]:
    from mlscaffold.check import rules

    return (
        rules.README_NO_RESULTS,
        rules.README_RESULTS_UNFILLED,
        rules.README_NO_REPRODUCE,
        rules.BLOG_DRAFT_UNFILLED,
        rules.WRITEUP_PROMPTS,
        rules.BLOG_DRAFT_FLAG,
        rules.WRITEUP_UNEDITED,
    )


def _generated_blog(repository: vcs.Repository) -> str | None:
    """The blog draft as the first commit holds it (the generated one), like ``check``."""
    roots = repository.git("rev-list", "--max-parents=0", "HEAD").split()
    if not roots:
        return None
    out = repository.git("cat-file", "blob", f"{roots[-1].decode()}:docs/blog-post.md", check=False)
    return out.decode("utf-8", "replace") if out else None


def _read_text(path: Path, limit: int = 1024 * 1024) -> str:
    with path.open("rb") as handle:
        return handle.read(limit).decode("utf-8", "replace")


class PublishBlocked(MlscaffoldError):
    """``check`` found what must not be published (exit 1)."""


def choose_target(
    repository: vcs.Repository, project: Project, options: Options, github: GitHub | None
) -> Target:
    """Where to push: ``--remote``, the ``origin`` already set, gh, or steps by hand."""
    existing = repository.remote_url(REMOTE)
    if options.remote is not None:
        if existing is not None and existing != options.remote:
            raise UsageError(
                f"remote {REMOTE} already points at {existing}, not {options.remote}; "
                f"publish there (mlscaffold publish --remote {existing}) or remove it first "
                f"(git remote remove {REMOTE})"
            )
        return Target("remote", url=options.remote, web=web_address(options.remote))
    if existing is not None:
        return Target("origin", url=existing, web=web_address(existing))
    if github is None:
        return Target("steps", why_steps="gh (https://cli.github.com) is not installed")
    problem = github.login_problem()
    if problem is not None:
        return Target("steps", why_steps=f"gh is installed but not logged in ({problem})")
    owner = project.owner or github.login()
    slug = f"{owner}/{project.name}"
    found = github.view(slug)
    if found is None:
        return Target("create", slug=slug)
    if not found.empty:
        raise GitHubError(
            f"{slug} already exists on GitHub and has commits; choose another name with "
            f"--name, or push to it with --remote {push_url(found.url)}"
        )
    return Target("reuse", url=push_url(found.url), web=found.url, slug=slug)


def confirm_commit(root: Path, results: list[str], options: Options) -> None:
    """Ask before committing the results: yes with ``--yes``, a question on a terminal."""
    from mlscaffold.generate import interactive_terminal

    if options.yes:
        return
    if not interactive_terminal():
        raise UsageError(
            f"results are not committed ({shown(results)}); commit them with "
            f"mlscaffold publish {printable(str(options.path))} --yes, or yourself: "
            f'git add -A {" ".join(RESULT_PATHS)} && git commit -m "{MESSAGE}"'
        )
    say(f"Not committed yet: {shown(results)}")
    if not ask(f'Commit them as "{MESSAGE}"?'):
        raise Cancelled("nothing was committed or pushed (declined)")


def ask(question: str) -> bool:
    """A yes/no question on the terminal (questionary, like the wizard)."""
    import questionary

    try:
        return bool(questionary.confirm(question, default=True).unsafe_ask())
    except KeyboardInterrupt:
        raise Cancelled("cancelled; nothing was committed or pushed") from None


def create(github: GitHub, target: Target, project: Project, options: Options) -> None:
    """Create the repository on GitHub with gh, then give it the template's topics."""
    web = github.create(
        target.slug,
        private=options.private,
        description=project.description,
        homepage=options.homepage,
    )
    target.web, target.url = web, push_url(web)
    say(f"Created {target.slug} on GitHub: {web}")
    try:
        github.add_topics(target.slug, project.topics)
    except GitHubError as error:  # the repository is usable without them
        say(f"Note: {error}; add them on the repository page")


def push(
    repository: vcs.Repository, github: GitHub | None, target: Target, commit: str, branch: str
) -> None:
    """Push ``commit`` to ``branch`` at the target; say what is left on GitHub if it fails."""
    config = [github.credential_helper()] if github is not None else []
    try:
        repository.push(target.url, commit, branch, config=config)
    except KeyboardInterrupt:
        if target.how == "create":
            raise Cancelled(
                f"cancelled; nothing changed here, and {target.slug} was created on GitHub "
                "and is still empty: run mlscaffold publish again to push to it"
            ) from None
        raise
    except vcs.GitError as error:
        hint = "nothing changed in this repository"
        if isinstance(error, vcs.PushRejected):
            hint += (
                f"; the remote's {branch} has commits this repository lacks: get them "
                f"(git pull --rebase {target.url} {branch}) or publish to a new repository"
            )
        elif any(words in str(error) for words in LOGIN_FAILED):
            hint += (
                "; git could not log in: run `gh auth login` and `gh auth setup-git`, or "
                "push to an ssh address (git@github.com:OWNER/NAME.git)"
            )
        if target.how == "create":
            hint += f"; {target.slug} was created on GitHub, empty: the next run pushes to it"
        raise type(error)(f"{error}; {hint}") from None


def adopt(
    repository: vcs.Repository,
    branch: str,
    commit: str,
    head: str,
    results: list[str],
    *,
    remote: str | None,
) -> None:
    """Make the pushed (or, without a push, the new) commit the branch's, add ``origin``.

    Signals are held back meanwhile: these few writes happen all together or, when one
    fails, the branch and the remotes are put back as they were. A Ctrl-C that came
    while they were made is too late to cancel anything, and is dropped.
    """
    with interrupts.held() as hold:
        added = False
        try:
            if commit != head:
                repository.advance(branch, commit, head, results)
            if remote is not None:
                if repository.remote_url(REMOTE) is None:
                    repository.git("remote", "add", REMOTE, remote)
                    added = True
                repository.git("config", f"branch.{branch}.remote", REMOTE)
                repository.git("config", f"branch.{branch}.merge", f"refs/heads/{branch}")
                repository.git("update-ref", f"refs/remotes/{REMOTE}/{branch}", commit)
        except BaseException:
            if added:
                repository.git("remote", "remove", REMOTE, check=False)
            if commit != head:
                repository.git("update-ref", f"refs/heads/{branch}", head, commit, check=False)
            raise
        # everything is done: the push has succeeded and the repository knows it
        with contextlib.suppress(KeyboardInterrupt):
            hold.release()


# --- what is printed -------------------------------------------------------------------


def say(text: str) -> None:
    """Print a line of the run's story (escaped: names cannot move the cursor)."""
    print(printable(text) if "\n" not in text else "\n".join(map(printable, text.split("\n"))))
    sys.stdout.flush()


def shown(paths: list[str], limit: int = 5) -> str:
    """``a, b, c and 4 more``."""
    more = len(paths) - limit
    return ", ".join(paths[:limit]) + (f" and {more} more" if more > 0 else "")


def web_address(url: str) -> str:
    """The page of a GitHub remote (``git@github.com:o/n.git`` -> ``https://github.com/o/n``)."""
    match = re.fullmatch(
        r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)(.+?)(?:\.git)?/?", url
    )
    return f"https://github.com/{match.group(1)}" if match else url


def manual_steps(root: Path, branch: str, project: Project, options: Options, why: str) -> str:
    """The exact steps to create the repository on github.com and push to it."""
    owner = project.owner or "YOUR-GITHUB-USERNAME"
    url = f"https://github.com/{owner}/{project.name}.git"
    visibility = "Private" if options.private else "Public"
    lines = [
        f"{why}, so create the GitHub repository yourself:",
        f"  1. Open https://github.com/new: owner {owner}, name {project.name}, {visibility}.",
    ]
    if project.description:
        lines.append(f"     Description: {project.description}")
    if options.homepage:
        lines.append(f"     Website (the gear beside About): {options.homepage}")
    lines += [
        "     Add no README, .gitignore or licence: the project has them.",
        "  2. Add it as the remote and push:",
    ]
    if root != Path.cwd().resolve():
        lines.append(f"       cd {root}")
    lines += [
        f"       git remote add {REMOTE} {url}",
        f"       git push -u {REMOTE} {branch}",
    ]
    if project.topics:
        lines.append(f"  3. On the repository page, add the topics: {', '.join(project.topics)}")
    lines += [
        "Or install gh, run `gh auth login`, and run mlscaffold publish again: it does all of "
        f"this (or publish to a repository you made: mlscaffold publish --remote {url}).",
    ]
    return "\n".join(lines)


def say_plan(
    root: Path,
    branch: str,
    head: str,
    results: list[str],
    others: list[str],
    target: Target,
    project: Project,
    options: Options,
) -> None:
    """What a run would do (``--dry-run``); nothing is changed."""
    lines = ["Dry run: nothing is committed, created or pushed."]
    if results:
        lines.append(f'Would commit as "{MESSAGE}": {shown(results)}')
    if others:
        lines.append(f"Would leave out (not committed): {shown(others)}")
    commit = "the results' commit" if results else head[:7]
    if target.how == "steps":
        lines.append(manual_steps(root, branch, project, options, target.why_steps))
        print("\n".join(lines))
        return
    if target.how == "create":
        visibility = "private" if options.private else "public"
        lines.append(f"Would create {target.slug} on GitHub with gh ({visibility})")
        if project.topics:
            lines.append(f"  with the topics: {', '.join(project.topics)}")
        lines.append(f"Would push {commit} to {target.slug} ({branch}) and add it as {REMOTE}")
    else:
        lines.append(f"Would push {commit} to {target.url} ({branch})")
        if target.how != "origin":
            lines.append(f"Would add {REMOTE} = {target.url}")
    say("\n".join(lines))


def closing(target: Target, branch: str, commit: str) -> str:
    """The last words: where it is, and what to do next."""
    return "\n".join(
        [
            f"Published {branch} ({commit[:7]}) to {target.web or target.url}",
            "Next:",
            "  mlscaffold blog --to devto   # the blog post, ready for dev.to (also hashnode, "
            "medium, linkedin)",
            "  mlscaffold portfolio         # a profile README and a site with all your projects",
        ]
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    """A small YAML mapping file, or {} when it is absent or not one (a plain repository)."""
    from mlscaffold.answers import read_answers_file

    if not path.is_file():
        return {}
    try:
        return read_answers_file(path) if path.name == ANSWERS_FILE else _citation(path)
    except UsageError:
        return {}


def _citation(path: Path) -> dict[str, Any]:
    import yaml

    try:
        with path.open("rb") as handle:
            loaded = yaml.safe_load(handle.read(256 * 1024))
    except (OSError, yaml.YAMLError):
        return {}
    return loaded if isinstance(loaded, dict) else {}
