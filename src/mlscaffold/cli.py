"""Command line: argparse only. Heavy modules are imported inside the commands that use them.

Every error reaches the user as one line on stderr with exit code 2 (bad input)
or 1 (the work failed), 3 when ``check`` could not complete its audit; ``--debug``
shows the traceback instead. Ctrl-C, SIGTERM and SIGHUP cancel: whatever was being
generated is removed, one line says so, and the exit code is 2. Every value printed
goes through :func:`mlscaffold.text.printable`: a file name or an answer cannot
move the cursor, clear the screen or reorder the text of a line.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from mlscaffold import __version__, interrupts
from mlscaffold.errors import MlscaffoldError, UsageError
from mlscaffold.text import printable

PROG = "mlscaffold"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {printable(message)} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """Build the full command-line parser."""
    parser = _Parser(
        prog=PROG,
        description=(
            "Generate a GitHub-ready machine-learning portfolio project that trains a real "
            "baseline offline, writes its measured results into its README and a blog draft, "
            "and passes its own tests. Run without arguments on a terminal for the wizard."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.set_defaults(handler=_cmd_wizard)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    new = commands.add_parser(
        "new",
        help="generate a project from a template",
        description="Generate a project. Questions not answered with --data or "
        "--answers-file are asked on the terminal, unless --defaults is given.",
    )
    new.add_argument("template", nargs="?", help="template name (see 'mlscaffold list')")
    new.add_argument("destination", nargs="?", type=Path, help="folder to create (default: slug)")
    new.add_argument("--defaults", action="store_true", help="take defaults, ask nothing")
    new.add_argument(
        "--data",
        "-d",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="answer a question (repeatable)",
    )
    new.add_argument("--answers-file", type=Path, metavar="FILE", help="YAML file of answers")
    new.add_argument("--no-git", action="store_true", help="skip git init and the first commit")
    new.add_argument(
        "--force",
        action="store_true",
        help="allow a non-empty destination (existing files are never overwritten)",
    )
    new.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    new.set_defaults(handler=_cmd_new)

    list_ = commands.add_parser("list", help="list the templates")
    list_.add_argument("--json", action="store_true", help="machine-readable output")
    list_.set_defaults(handler=_cmd_list)

    info = commands.add_parser("info", help="show a template's questions and what it generates")
    info.add_argument("template", help="template name")
    info.set_defaults(handler=_cmd_info)

    check = commands.add_parser(
        "check",
        help="audit a repository before publishing it",
        description="Find what should not be published (secrets, huge files, no licence) and "
        "what is missing for a good portfolio repository. Exit code 0 when nothing blocks, "
        "1 when anything blocks, 2 for a path that is not a folder, and exit code 3 when the "
        "audit could not be completed (e.g. git objects are missing): then nothing is judged.",
    )
    check.add_argument("path", nargs="?", type=Path, default=Path(), help="repository (default: .)")
    report = check.add_mutually_exclusive_group()
    report.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="report format: text (default), json (stable, machine-readable) or sarif "
        "(SARIF 2.1.0 for GitHub code scanning)",
    )
    report.add_argument(
        "--json", dest="format", action="store_const", const="json", help="same as --format json"
    )
    check.set_defaults(handler=_cmd_check)

    update = commands.add_parser(
        "update",
        help="bring template improvements into a generated project",
        description="Update a project to a newer version of its template, keeping your edits "
        "(a three-way merge by copier). The working tree must be clean.",
    )
    update.add_argument("path", nargs="?", type=Path, default=Path(), help="project (default: .)")
    update.add_argument("--to", metavar="VERSION", help="template version (default: the latest)")
    update.add_argument(
        "--defaults", action="store_true", help="answer new questions with defaults"
    )
    update.add_argument(
        "--data", "-d", action="append", default=[], metavar="KEY=VALUE", help="change an answer"
    )
    update.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    update.set_defaults(handler=_cmd_update)

    publish = commands.add_parser(
        "publish",
        help="check, commit the results, create the GitHub repository and push",
        description="Publish a project: run check on what would be pushed (blockers stop it), "
        "commit the uncommitted results (reports/, README.md, docs/, MODEL_CARD.md; asks "
        "first, --yes commits), create the GitHub repository with gh when it is installed "
        "and logged in (description, topics and homepage from the project), add it as "
        "origin and push. Without gh it prints the exact steps. A failure changes nothing "
        "in the repository. Exit codes: 0 published or steps printed, 1 the work failed "
        "(blockers, gh, the push), 2 a decision or change is needed (declined, no terminal "
        "and no --yes, origin with another URL), 3 the check could not complete.",
    )
    publish.add_argument("path", nargs="?", type=Path, default=Path(), help="project (default: .)")
    publish.add_argument("--yes", "-y", action="store_true", help="commit the results unasked")
    publish.add_argument("--name", help="repository name (default: the project's slug)")
    publish.add_argument("--owner", help="GitHub user or organisation (default: the answers')")
    publish.add_argument("--private", action="store_true", help="create a private repository")
    publish.add_argument(
        "--remote", metavar="URL", help="push to this repository instead of creating one"
    )
    publish.add_argument("--homepage", default="", metavar="URL", help="the repository's website")
    publish.add_argument(
        "--dry-run", action="store_true", help="say what would happen, change nothing"
    )
    publish.set_defaults(handler=_cmd_publish)

    portfolio = commands.add_parser(
        "portfolio",
        help="gather your projects into a GitHub profile README and a portfolio site",
        description="Find your generated projects (each folder given, and the folders in it), "
        "and write a profile README for the USERNAME/USERNAME repository and an MkDocs site "
        "(Material theme, GitHub Pages workflow) with a page and the write-up of each trained "
        "project. Numbers come from each project's reports/metrics.json. Files you edited "
        "are never overwritten without --force.",
    )
    portfolio.add_argument(
        "folders", nargs="*", type=Path, metavar="DIR", help="where your projects are (default: .)"
    )
    portfolio.add_argument(
        "--out", type=Path, default=Path("portfolio"), help="output folder (default: ./portfolio)"
    )
    portfolio.add_argument(
        "--username", metavar="NAME", help="your GitHub username (default: the projects' answer)"
    )
    portfolio.add_argument(
        "--site-url", metavar="URL", help="the site's address (default: https://NAME.github.io/)"
    )
    portfolio.add_argument(
        "--force", action="store_true", help="overwrite files edited since the last run"
    )
    portfolio.set_defaults(handler=_cmd_portfolio)

    blog = commands.add_parser(
        "blog",
        help="export the blog post for dev.to, Hashnode, Medium or LinkedIn",
        description="Turn docs/blog-post.md into a platform's format, with every figure and "
        "link an absolute URL of the pushed GitHub repository (from --repo-url, else the "
        "origin remote, else the answers file) and reports/figures/cover.png (drawn by "
        "`make report`) as the cover. Writes docs/export/PLATFORM.md (.txt for LinkedIn) and "
        "never changes the post. The post stays a draft on every platform. A post with WRITE "
        "prompts left is refused unless --allow-prompts. Exit codes: 0 written, 1 the work "
        "failed (e.g. dev.to's API), 2 bad input (no post, no repository, prompts left).",
    )
    blog.add_argument("path", nargs="?", type=Path, default=Path(), help="project (default: .)")
    blog.add_argument(
        "--to",
        required=True,
        choices=("devto", "hashnode", "medium", "linkedin"),
        help="the platform",
    )
    blog.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write (default: docs/export/PLATFORM)"
    )
    blog.add_argument(
        "--repo-url", metavar="URL", help="the GitHub repository (https://github.com/OWNER/REPO)"
    )
    blog.add_argument("--branch", default="main", help="the pushed branch (default: main)")
    blog.add_argument("--canonical-url", metavar="URL", help="where the post first appeared")
    blog.add_argument("--series", metavar="NAME", help="the series the post belongs to")
    blog.add_argument("--domain", metavar="DOMAIN", help="your Hashnode blog (NAME.hashnode.dev)")
    blog.add_argument(
        "--allow-prompts", action="store_true", help="export even with WRITE prompts left"
    )
    blog.add_argument(
        "--create-draft",
        action="store_true",
        help="also create an unpublished dev.to draft (key: environment variable DEVTO_API_KEY)",
    )
    blog.add_argument("--api-url", default=None, metavar="URL", help=argparse.SUPPRESS)
    blog.set_defaults(handler=_cmd_blog)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    previous = interrupts.install()  # first: a signal from here on cleans up like Ctrl-C
    debug = False
    try:
        args = build_parser().parse_args(argv)
        debug = bool(args.debug)
        return int(args.handler(args))
    except MlscaffoldError as error:
        if debug:
            raise
        say_error(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        if debug:
            raise
        say_error("cancelled")
        return 2
    except BrokenPipeError:
        # e.g. `mlscaffold list | head -1`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as error:
        if debug:
            raise
        message, code = describe_os_error(error)
        say_error(message)
        return code
    except Exception as error:
        # The promise is "never a traceback": anything unexpected is one line too.
        if debug:
            raise
        say_error(
            f"internal error: {type(error).__name__}: {error} "
            "(rerun with --debug for details, and please report it)",
            prefix=f"{PROG}: ",
        )
        return 1
    finally:
        interrupts.restore(previous)


def say_error(message: str, *, prefix: str = f"{PROG}: error: ") -> None:
    """Print one error line on stderr, escaped; a closed terminal (SIGHUP) is no error."""
    with contextlib.suppress(OSError, ValueError):
        print(prefix + printable(message), file=sys.stderr)


def describe_os_error(error: OSError) -> tuple[str, int]:
    """One line and an exit code for what the file system refused.

    A name too long is the user's input (2); a full disk, a permission or a file
    where a folder should be is a failure of the work (1). mlscaffold's data folder
    (the template store) gets a hint, since its place comes from the environment.
    """
    import errno

    where = os.fsdecode(error.filename) if error.filename else ""
    reason = error.strerror or str(error)
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        writing = f" writing {where}" if where else ""
        message, code = f"no space left on the device{writing}; free some space and retry", 1
    elif error.errno == errno.ENAMETOOLONG:
        message, code = f"a name is too long for the file system: {where or reason}", 2
    else:
        message, code = f"cannot use {where}: {reason}" if where else reason, 1
    if where and _in_data_folder(Path(where)):
        message += (
            " (mlscaffold keeps its template versions there: make that folder writable, "
            "or point XDG_DATA_HOME at one that is)"
        )
    return message, code


def _in_data_folder(path: Path) -> bool:
    import platformdirs

    data = platformdirs.user_data_path("mlscaffold")
    return path == data or data in path.parents


def _cmd_list(args: argparse.Namespace) -> int:
    from mlscaffold.catalog import iter_templates

    templates = list(iter_templates())
    if args.json:
        import json

        print(json.dumps([t.as_dict() for t in templates], indent=2))
        return 0
    width = max((len(t.name) for t in templates), default=0)
    for t in templates:
        print(f"{t.name:<{width}}  {t.version:<7}  {t.title}: {t.pitch}")
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from mlscaffold.catalog import get_template
    from mlscaffold.info import describe

    print(describe(get_template(args.template)))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from mlscaffold.check import run_check

    return run_check(args.path, output_format=args.format)


def _cmd_publish(args: argparse.Namespace) -> int:
    from mlscaffold.publish import Options, run_publish

    return run_publish(
        Options(
            path=args.path,
            yes=args.yes,
            name=args.name,
            owner=args.owner,
            private=args.private,
            remote=args.remote,
            homepage=args.homepage,
            dry_run=args.dry_run,
        )
    )


def _cmd_portfolio(args: argparse.Namespace) -> int:
    from mlscaffold.portfolio import run_portfolio

    return run_portfolio(
        args.folders, out=args.out, username=args.username, site_url=args.site_url, force=args.force
    )


def _cmd_blog(args: argparse.Namespace) -> int:
    from mlscaffold.blog import DEVTO_API, Options, run_blog

    return run_blog(
        args.path,
        Options(
            platform=args.to,
            out=args.out,
            repo_url=args.repo_url,
            branch=args.branch,
            canonical_url=args.canonical_url,
            series=args.series,
            domain=args.domain,
            allow_prompts=args.allow_prompts,
            create_draft=args.create_draft,
            api_url=args.api_url or DEVTO_API,
        ),
    )


def _cmd_update(args: argparse.Namespace) -> int:
    from mlscaffold.answers import parse_data
    from mlscaffold.update import run_update

    return run_update(
        args.path,
        to=args.to,
        defaults=args.defaults,
        data=parse_data(args.data),
        dry_run=args.dry_run,
    )


def _cmd_wizard(args: argparse.Namespace) -> int:
    from mlscaffold.generate import interactive_terminal

    if not interactive_terminal():
        from mlscaffold.catalog import iter_templates

        names = ", ".join(t.name for t in iter_templates())
        raise UsageError(
            "no terminal for the wizard; run 'mlscaffold new TEMPLATE [DEST] --defaults' "
            f"(templates: {names})"
        )
    return _cmd_new(
        argparse.Namespace(
            template=None,
            destination=None,
            defaults=False,
            data=[],
            answers_file=None,
            no_git=False,
            force=False,
            quiet=False,
        )
    )


def _cmd_new(args: argparse.Namespace) -> int:
    from mlscaffold.answers import check_known, check_types, parse_data, read_answers_file
    from mlscaffold.catalog import get_template, iter_templates
    from mlscaffold.generate import Request, generate, interactive_terminal
    from mlscaffold.wizard import confirm_summary, pick_template

    interactive = interactive_terminal()
    data = parse_data(args.data)
    if args.template is None:
        if not interactive:
            names = ", ".join(t.name for t in iter_templates())
            raise UsageError(f"no template given and no terminal to ask; choose one of: {names}")
        template = pick_template(list(iter_templates()))
    else:
        template = get_template(args.template)
    answers: dict[str, Any] = {}
    if args.answers_file is not None:
        from_file = read_answers_file(args.answers_file)
        known = {q.name for q in template.visible_questions}
        ignored = sorted(set(from_file) - known)
        if ignored and not args.quiet:
            print(
                f"{PROG}: note: {printable(args.answers_file)} answers questions "
                f"'{template.name}' does not ask; ignored: {printable(', '.join(ignored))}",
                file=sys.stderr,
            )
        answers.update({k: v for k, v in from_file.items() if k in known})
    check_known(template, data, source="--data")
    answers.update(data)
    check_types(template, answers)
    request = Request(
        template=template,
        destination=args.destination,
        data=answers,
        defaults=args.defaults,
        interactive=interactive,
        git=not args.no_git,
        force=args.force,
    )
    asks = interactive and not args.defaults
    with interrupts.settled() as complete:
        result = generate(request, confirm=confirm_summary if asks else None, done=complete.hold)
        if not args.quiet:
            from mlscaffold.summary import next_steps

            print(next_steps(result))
    return 0
