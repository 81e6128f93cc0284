"""Write-up rules: whether the README, blog draft and model card are the learner's words.

mlscaffold's templates leave two kinds of text for the learner: ``> **WRITE:**`` prompts
(what only they can say) and a generated draft around measured sections that
``make report`` fills in. These rules warn, never block, while prompts remain, while the
blog's front matter says ``published: false`` (or, in projects generated before
template 1.2.0, ``draft: true``), while blog paragraphs are still word for word the
generated draft, and while results in the work tree are not committed.

They judge what ``git push`` would publish: the documents as they are at HEAD. The
work tree's extra state (results and documents changed but not committed) is reported
separately, by ``results-uncommitted``. In a folder without git history, the work tree
is all there is. The generated draft is the blog as the repository's first commit holds
it (``mlscaffold new`` commits the project as generated).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from mlscaffold.check import rules
from mlscaffold.check.findings import Finding
from mlscaffold.check.history import read_blobs
from mlscaffold.check.repository import Workspace

BLOG = "docs/blog-post.md"
DOCUMENTS = ("README.md", BLOG, "MODEL_CARD.md")
RESULTS = "reports/"
"""Where ``make train`` writes metrics and figures."""

PROMPT = "**WRITE:**"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
_DRAFT = re.compile(r"(?m)^(?:published:[ \t]*(?:false|no)|draft:[ \t]*(?:true|yes))[ \t]*$")
"""Not yet the learner's: ``published: false`` (templates 1.2.0 on), ``draft: true`` before."""
_SECTION = re.compile(r"<!-- ([a-z][a-z-]*):start -->.*?<!-- \1:end -->", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_MIN_WORDS = 8
"""Shorter blocks (a link line, a rule) are not paragraphs worth rewriting."""


@dataclass
class Published:
    """The documents a push would publish, the generated draft, and what is not committed."""

    documents: dict[str, str] = field(default_factory=dict)
    """Path -> text of each document as judged: at HEAD, or in the work tree without git."""
    generated_blog: str | None = None
    """The blog draft as first committed, or None when there is no history to compare."""
    uncommitted: list[tuple[str, str]] = field(default_factory=list)
    """(path, state) of results and documents whose work-tree version HEAD does not have."""


def gather(
    workspace: Workspace | None, kept: Mapping[str, bytes], blob_ids: Mapping[str, str]
) -> Published:
    """Read what the rules judge. ``kept``/``blob_ids``: the work tree, as the scan read it."""
    tree = {path: kept[path].decode("utf-8", "replace") for path in DOCUMENTS if path in kept}
    head = _head(workspace) if workspace is not None and workspace.is_repository else None
    if head is None:
        return Published(documents=tree)
    assert workspace is not None
    at_head = _tree_of(workspace, head, [*DOCUMENTS, RESULTS])
    root = workspace.run("rev-list", "--max-parents=0", head).split()[-1].decode()
    generated = _tree_of(workspace, root, [BLOG]).get(BLOG)
    wanted = {sha for path, sha in at_head.items() if path in DOCUMENTS}
    if generated:
        wanted.add(generated)
    texts = {sha: data.decode("utf-8", "replace") for sha, data in read_blobs(workspace, wanted)}
    published = Published(
        documents={path: texts[sha] for path, sha in at_head.items() if path in DOCUMENTS},
        generated_blog=texts.get(generated) if generated else None,
    )
    for path, sha in sorted(blob_ids.items()):
        if path in DOCUMENTS or path.startswith(RESULTS):
            if path not in at_head:
                published.uncommitted.append((path, "not committed"))
            elif at_head[path] != sha:
                published.uncommitted.append((path, "changed since the last commit"))
    return published


def findings(published: Published) -> Iterator[Finding]:
    """``writeup-prompts``, ``blog-draft-flag``, ``writeup-unedited``, ``results-uncommitted``."""
    at = "at HEAD" if published.generated_blog is not None else "in the work tree"
    for path, text in published.documents.items():
        count = text.count(PROMPT)
        if count:
            yield rules.WRITEUP_PROMPTS.finding(
                path,
                f"{_plural(count, 'WRITE prompt')} left {at}: parts only you can write.",
                line=_line_of(text, text.index(PROMPT)),
            )
    blog = published.documents.get(BLOG)
    if blog is not None:
        front = _FRONT_MATTER.match(blog)
        draft = _DRAFT.search(front.group(1)) if front else None
        if front and draft:
            yield rules.BLOG_DRAFT_FLAG.finding(
                BLOG,
                f"the front matter says `{draft.group(0).strip()}` {at}.",
                line=_line_of(blog, front.start(1) + draft.start()),
            )
        if published.generated_blog is not None:
            yield from _unedited(blog, published.generated_blog)
    if published.uncommitted:
        shown = ", ".join(f"{path} ({state})" for path, state in published.uncommitted[:5])
        more = len(published.uncommitted) - 5
        yield rules.RESULTS_UNCOMMITTED.finding(
            None,
            "git push publishes the last commit, which does not have the work tree's "
            f"{shown}{f' and {more} more' if more > 0 else ''}.",
        )


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(line, normalised text) of each prose paragraph the learner is meant to make their own.

    Front matter, generated sections, comments, headings, prompts, rules and code are left out.
    """
    body_start = 0
    front = _FRONT_MATTER.match(text)
    if front:
        body_start = front.end()
    blanked = _blank(text, body_start, [*_SECTION.finditer(text), *_COMMENT.finditer(text)])
    found: list[tuple[int, str]] = []
    in_code = False
    block: list[str] = []
    start = 0
    for number, line in enumerate(blanked.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            stripped = ""
        if in_code or not stripped or stripped.startswith(("#", ">", "---", "|")):
            if block:
                found.append((start, " ".join(block)))
                block = []
            continue
        if not block:
            start = number
        block.append(stripped)
    if block:
        found.append((start, " ".join(block)))
    return [(line, words) for line, words in found if len(words.split()) >= _MIN_WORDS]


def _unedited(blog: str, generated: str) -> Iterator[Finding]:
    ours = {words for _, words in paragraphs(generated)}
    mine = paragraphs(blog)
    same = [(line, words) for line, words in mine if words in ours]
    if same:
        yield rules.WRITEUP_UNEDITED.finding(
            BLOG,
            f"{len(same)} of {_plural(len(mine), 'paragraph')} "
            f"{'is' if len(same) == 1 else 'are'} still the generated draft, word for word.",
            line=same[0][0],
        )


def _head(workspace: Workspace) -> str | None:
    out = workspace.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
    return out.decode() if out else None


def _tree_of(workspace: Workspace, commit: str, paths: list[str]) -> dict[str, str]:
    """Path -> blob id of the files under ``paths`` in ``commit``."""
    out = workspace.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths)
    found = {}
    for record in out.split(b"\0"):
        meta, _, path = record.partition(b"\t")
        fields = meta.split()
        if len(fields) == 3 and fields[1] == b"blob":
            found[path.decode("utf-8", "surrogateescape")] = fields[2].decode()
    return found


def _blank(text: str, body_start: int, spans: list[re.Match[str]]) -> str:
    """``text`` with the front matter and each span replaced by blank lines (lines kept)."""
    pieces = list(text)
    for start, end in [(0, body_start), *((m.start(), m.end()) for m in spans)]:
        for i in range(start, end):
            if pieces[i] != "\n":
                pieces[i] = " "
    return "".join(pieces)


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
