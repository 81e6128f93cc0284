"""Documentation rules: README results and reproduce command, blog draft, placeholders."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlscaffold.check import rules
from mlscaffold.check.findings import Finding

BLOG_DRAFT = "docs/blog-post.md"
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"
_UNFILLED = re.compile(r"(?i)filled in by `?make report|no results yet")
"""The text mlscaffold's templates put between the results markers until `make report`."""

_RESULTS_HEADING = re.compile(
    r"(?im)^(?:#{1,6}[ \t]+|\*\*)?[ \t]*(?:\d+\.?\s*)?"
    r"(results?|evaluation|performance|benchmarks?|baselines?|metrics|scores?|leaderboard|"
    r"accuracy|experiments?|ablations?)\b"
    r"[^\n]*\n?(?:[=\-~^\"]{3,}[ \t]*$)?"
)
_FENCE = re.compile(r"(?ms)^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*\1")
_COMMAND = re.compile(
    r"(?m)^[ \t]*(?:[$>%][ \t]+)?(?:make[ \t]+\w|python3?[ \t]|py[ \t]|pip3?[ \t]|uv[ \t]|"
    r"poetry[ \t]|conda[ \t]|mamba[ \t]|bash[ \t]|sh[ \t]|\./|jupyter[ \t]|docker[ \t]|"
    r"dvc[ \t]|snakemake|nextflow|Rscript[ \t]|julia[ \t]|hatch[ \t]|tox\b|nox\b|pytest\b|"
    r"kaggle[ \t]|git[ \t]+clone)"
)
_INDENTED = re.compile(r"(?m)^(?:[ \t]{4,}|\t)\S[^\n]*")

PLACEHOLDERS = (
    b"your-github-username",  # mlscaffold: ignore[placeholder-identity]
    b"you@example.com",
)
"""Values mlscaffold's questions default to; they must not reach a public repository."""
AUTHOR_PLACEHOLDER = b"Your Name"
_GIT_CONFIG_LINE = re.compile(rb"(?m)^[^\n]*git config[^\n]*$")
AUTHOR_FILES = frozenset({"LICENSE", "CITATION.cff", "pyproject.toml"})


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _results_block(text: str) -> tuple[int, str] | None:
    start = text.find(RESULTS_START)
    end = text.find(RESULTS_END, start + 1)
    if start < 0 or end < 0:
        return None
    return start, text[start + len(RESULTS_START) : end]


def readme_findings(path: str, text: str) -> Iterator[Finding]:
    """``readme-no-results``, ``readme-results-unfilled`` and ``readme-no-reproduce``."""
    block = _results_block(text)
    if block is None and not _RESULTS_HEADING.search(text):
        yield rules.README_NO_RESULTS.finding(path, "the README has no results section.")
    elif block is not None and (not block[1].strip() or _UNFILLED.search(block[1])):
        yield rules.README_RESULTS_UNFILLED.finding(
            path,
            "the results section still holds the generated placeholder.",
            line=_line_of(text, block[0]),
        )
    if path.lower().endswith((".md", ".markdown")):
        blocks = [m.group(2) for m in _FENCE.finditer(text)]
        code = "\n".join(blocks + _INDENTED.findall(text))
    else:
        code = text  # reStructuredText or plain text: any command line counts
    has_command = bool(_COMMAND.search(code))
    if not has_command:
        yield rules.README_NO_REPRODUCE.finding(
            path, "no command to reproduce the results in a code block."
        )


def blog_findings(text: str) -> Iterator[Finding]:
    """``blog-draft-unfilled`` for docs/blog-post.md."""
    body = re.sub(r"(?s)\A---\n.*?\n---[ \t]*\n", "", text, count=1)
    rule = rules.BLOG_DRAFT_UNFILLED
    if not body.strip():
        yield rule.finding(BLOG_DRAFT, "the blog draft is empty.")
        return
    block = _results_block(text)
    if block is not None and (not block[1].strip() or _UNFILLED.search(block[1])):
        yield rule.finding(
            BLOG_DRAFT,
            "the blog draft's results are still the generated placeholder.",
            line=_line_of(text, block[0]),
        )


def placeholder_findings(path: str, data: bytes) -> Iterator[Finding]:
    """``placeholder-identity``: default answers left in a file."""
    if b"git config" in data:  # instructions: `git config user.email you@example.com`
        data = _GIT_CONFIG_LINE.sub(b"", data)
    values = [p for p in PLACEHOLDERS if p in data]
    name = path.rsplit("/", 1)[-1]
    if name in AUTHOR_FILES and AUTHOR_PLACEHOLDER in data:
        values.append(AUTHOR_PLACEHOLDER)
    if not values:
        return
    first = min(data.find(value) for value in values)
    shown = ", ".join(f"'{v.decode()}'" for v in values)
    yield rules.PLACEHOLDER_IDENTITY.finding(
        path,
        f"placeholder {shown} left from generation.",
        line=data.count(b"\n", 0, first) + 1,
    )
