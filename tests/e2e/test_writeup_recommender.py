"""The recommender's write-ups, end to end: every fact in them is the data's and the run's.

The template is generated three times: on the bundled synthetic data, and on the learner's
own MovieLens files that this test writes (ml-latest-small CSV with the per-user split, and
ml-100k tab/pipe files with the global time split). Each project runs `make train` and
`make report`; then README.md, docs/blog-post.md and MODEL_CARD.md must state exactly what
reports/metrics.json and the written files say, nothing stale from the bundled data, no
action in the learner's name outside a WRITE prompt, and `make report-check` must hold them
to it.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from projects import Project, Variant, generate, isolated_env

pytestmark = pytest.mark.xdist_group("recommender")

DOCUMENTS = ("README.md", "docs/blog-post.md", "MODEL_CARD.md")
SECTION = re.compile(r"<!-- ([a-z][a-z-]*):start -->\n(.*?)\n<!-- \1:end -->", re.S)
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
FIRST_PERSON_ACTION = re.compile(
    r"\b(I|we)\s+(\w+ed|built|found|chose|kept|made|ran|saw|got|took|wrote|learnt|began|"
    r"held|set|split|spent|tried)\b"
)
# Words fixed in the template's own text that contain digits but state no data fact.
LITERALS = (
    "(Steck, 2019)",
    "(Hu, Koren and Volinsky, 2008)",
    "ACM TiiS 5(4), 2015",
    "NumPy/SciPy",
    "MovieLens 100K",
    "ml-latest-small",
    "ml-100k",
)

Rating = tuple[int, int, float, int]


# --- The learner's own data, written by the test ----------------------------------------


def movielens_ratings(half_stars: bool, n_users: int = 60, n_items: int = 80) -> list[Rating]:
    """Ratings with a taste structure and timestamps spread over every user's whole period."""
    rng = np.random.default_rng(11)
    user_taste, item_taste = rng.normal(size=(n_users, 3)), rng.normal(size=(n_items, 3))
    popularity = -0.7 * np.log(rng.permutation(n_items) + 1)
    rows = []
    for user in range(n_users):
        weights = user_taste[user] @ item_taste.T + popularity + rng.gumbel(size=n_items)
        for item in np.argsort(-weights)[: int(rng.integers(14, 40))]:
            value = 3.6 + user_taste[user] @ item_taste[item] + rng.normal(0, 0.5)
            step = 2 if half_stars else 1
            rating = float(np.clip(np.round(value * step) / step, 1 / step, 5))
            stamp = 1_100_000_000 + int(rng.integers(0, 60_000_000))
            rows.append((user + 1, int(item) + 1, rating, stamp))
    return rows


def write_ml_latest_small(raw: Path) -> list[Rating]:
    folder = raw / "ml-latest-small"
    folder.mkdir(parents=True)
    rows = movielens_ratings(half_stars=True)
    lines = ["userId,movieId,rating,timestamp"] + [f"{u},{i},{r:.1f},{t}" for u, i, r, t in rows]
    (folder / "ratings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    movies = ["movieId,title,genres"] + [f'{i},"Film {i}, The (1999)",Drama' for i in range(1, 81)]
    (folder / "movies.csv").write_text("\n".join(movies) + "\n", encoding="utf-8")
    return rows


def write_ml_100k(raw: Path) -> list[Rating]:
    folder = raw / "ml-100k"
    folder.mkdir(parents=True)
    rows = movielens_ratings(half_stars=False)
    lines = [f"{u}\t{i}\t{int(r)}\t{t}" for u, i, r, t in rows]
    (folder / "u.data").write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = [f"{i}|Misérables {i} (1995)|01-Jan-1995||http://x|0|1" for i in range(1, 81)]
    (folder / "u.item").write_bytes(("\n".join(items) + "\n").encode("latin-1"))
    return rows


SOURCES: dict[str, tuple[dict[str, str], Callable[[Path], list[Rating]] | None]] = {
    "synthetic": ({}, None),
    "ml-latest-small": ({"dataset": "movielens"}, write_ml_latest_small),
    "ml-100k": ({"dataset": "movielens", "split": "time"}, write_ml_100k),
}


@pytest.fixture(scope="module", params=list(SOURCES))
def reported(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, template_venv
) -> Iterator[tuple[str, Project, list[Rating] | None]]:
    """A project per data source after `make train` and `make report`, and the ratings written."""
    source = request.param
    answers, write = SOURCES[source]
    root = tmp_path_factory.mktemp(f"writeup-{source}")
    workspace = root / "ws"
    workspace.mkdir()
    project = generate(Variant("recommender", answers), workspace, isolated_env(root / "home"))
    project.python = template_venv("recommender").python
    rows = write(project.path / "data" / "raw") if write else None
    project.make("train")
    project.make("report")
    yield source, project, rows


# --- Reading the documents --------------------------------------------------------------


def sections(project: Project, document: str) -> dict[str, str]:
    text = (project.path / document).read_text(encoding="utf-8")
    return {name: body for name, body in SECTION.findall(text)}


def generated_text(project: Project) -> str:
    return "\n".join(
        body for document in DOCUMENTS for body in sections(project, document).values()
    )


def renderings(value: float) -> set[str]:
    """Every way report.py may print a recorded number."""
    shown = {str(value), f"{value:,}", f"{value:g}"}
    if isinstance(value, float):
        for form in (".3f", ".2f", ".1f", ".0%", ".2%", ".1%"):
            shown.add(format(value, form).rstrip("%"))
        if value.is_integer():
            shown |= {f"{int(value)}", f"{int(value):,}"}
    return {s.lstrip("-") for s in shown}


def leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def allowed_numbers(metrics: dict[str, Any]) -> set[str]:
    """The numbers metrics.json records, and the few derived from them, as report.py prints."""
    values = [v for v in leaves(metrics) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    models, split, data = metrics["models"], metrics["split"], metrics["data"]
    chosen, popularity = models[metrics["model"]]["ndcg_at_k"], models["popularity"]["ndcg_at_k"]
    values += [len(models) - 1, sum(metrics["example"]["hits"]), 20, 95, 1]
    values += list(range(1, metrics["k"] + 1))  # ranks of the example list
    if popularity > 0:
        values.append(round(chosen / popularity, 1))
    if split["holdout"]:
        values.append(split["holdout"] + split["min_train_interactions"])
    if "n_ratings" in data:
        values.append(data["n_positive"] / data["n_ratings"])
    if metrics.get("oracle"):
        gap = metrics["oracle"]["ndcg_at_k"] - popularity
        values.append((chosen - popularity) / gap)
    return set().union(*(renderings(v) for v in values))


def unexplained_numbers(text: str, metrics: dict[str, Any]) -> list[str]:
    """Numbers in ``text`` that metrics.json does not hold."""
    strings = [v for v in leaves(metrics) if isinstance(v, str) and re.search(r"\d", v)]
    strings.append(metrics["trained_at"][:10])  # the date of the run, as the results show it
    for literal in sorted([*strings, *LITERALS], key=len, reverse=True):
        text = text.replace(literal, " ")
    text = re.sub(r"@\d+", " ", text)  # NDCG@10: the k, checked on its own
    allowed = allowed_numbers(metrics)
    return [n for n in NUMBER.findall(text) if n.rstrip(".,") not in allowed]


def lines_outside_prompts(text: str) -> Iterator[str]:
    """Lines that are not a WRITE prompt (a blockquote opened by **WRITE:**) or a comment."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    in_prompt = False
    for line in text.splitlines():
        if line.startswith("> **WRITE:**"):
            in_prompt = True
        elif not line.startswith(">"):
            in_prompt = False
        if not in_prompt:
            yield line


# --- The facts ----------------------------------------------------------------------------


def test_metrics_record_the_data_actually_used(
    reported: tuple[str, Project, list[Rating] | None],
) -> None:
    source, project, rows = reported
    metrics = project.metrics()
    data, split = metrics["data"], metrics["split"]
    assert metrics["source"] == source
    if rows is None:
        assert data["generator"]["n_users"] == 600 and data["n_users"] == 600
        assert split["protocol"] == "leave-random-n-out"
        return
    ratings = np.array([r for _, _, r, _ in rows])
    positive = [row for row in rows if row[2] >= 4.0]
    stamps = [t for *_, t in rows]
    assert data["folder"] == f"data/raw/{source}"
    assert data["n_ratings"] == len(rows) and data["n_positive"] == int((ratings >= 4).sum())
    assert data["n_rating_users"] == len({u for u, *_ in rows})
    assert data["n_rated_items"] == len({i for _, i, *_ in rows})
    assert data["first_date"] == time.strftime("%Y-%m-%d", time.gmtime(min(stamps)))
    assert data["n_interactions"] == len({(u, i) for u, i, *_ in positive})
    assert data["n_users"] == len({u for u, *_ in positive})
    if source == "ml-100k":
        assert split["protocol"] == "global-time" and split["test_fraction"] == 0.2
        sorted_stamps = sorted(t for *_, t in positive)
        cutoff = sorted_stamps[math.ceil(0.8 * len(sorted_stamps)) - 1]
        assert split["cutoff"] == cutoff
    else:
        assert split["protocol"] == "leave-last-n-out" and split["holdout"] == 5
    assert split["n_users_evaluated"] >= 10, "the written data should evaluate real users"


def test_every_section_is_written_and_every_number_in_it_is_recorded(
    reported: tuple[str, Project, list[Rating] | None],
) -> None:
    _, project, _ = reported
    metrics = project.metrics()
    for document in DOCUMENTS:
        found = sections(project, document)
        assert found, document
        for name, body in found.items():
            placeholder = body.startswith("_") and body.endswith("_") and "\n" not in body
            assert not placeholder, (document, name)
            assert not unexplained_numbers(body, metrics), (document, name)


def test_the_documents_state_the_sizes_split_and_scores(
    reported: tuple[str, Project, list[Rating] | None],
) -> None:
    source, project, _ = reported
    metrics = project.metrics()
    data, split, k = metrics["data"], metrics["split"], metrics["k"]
    chosen = metrics["models"][metrics["model"]]["ndcg_at_k"]
    for document in DOCUMENTS:
        found = sections(project, document)
        assert f"{data['n_interactions']:,} " in found["data"], document
        assert f"{split['n_train']:,} training interactions" in found["data"], document
        assert f"{split['n_test']:,} test interactions" in found["data"], document
        assert split["name"] in found["data"] and split["name"] in found["results"], document
        assert f"NDCG@{k} **{chosen:.3f}**" in found["results"], document
        for result in metrics["models"].values():
            assert f"| {result['ndcg_at_k']:.3f} |" in found["results"], document
        if source != "synthetic":
            assert f"{data['n_ratings']:,} ratings" in found["data"], document
            assert "Harper" in found["data"] and f"`{data['folder']}/`" in found["data"]
    blog = sections(project, "docs/blog-post.md")
    versus = metrics["comparisons"]["vs_popularity"]
    assert f"{versus['low']:.3f} to {versus['high']:.3f}" in blog["findings"]
    assert ("beats the popularity baseline" in blog["findings"]) == (
        versus["significant"] and versus["difference"] > 0
    )
    card = sections(project, "MODEL_CARD.md")
    assert f"{split['n_train']:,} training interactions" in card["model"]
    assert (
        "fixed in advance" not in card["model"] and "the defaults in `config.py`" in card["model"]
    )


def test_no_stale_fact_of_the_other_data_remains(
    reported: tuple[str, Project, list[Rating] | None],
) -> None:
    source, project, _ = reported
    text = generated_text(project)
    if source == "synthetic":
        assert "MovieLens" not in text and "rating" not in text
        return
    documents = "\n".join((project.path / d).read_text(encoding="utf-8") for d in DOCUMENTS)
    for stale in ("600 users", "400 items", "18,000", "1,437"):
        assert stale not in documents, stale
    for stale in ("synthetic", "planted", "oracle", "generator"):
        assert stale not in text.lower(), stale
    assert "time-based" not in documents and "stands in" not in documents
    if source == "ml-100k":
        assert "global time split at" in text and "leave-last" not in text
    else:
        assert "leave-last-5-out per user" in text and "not a split in time" in text


def test_no_action_is_claimed_for_the_learner_outside_a_prompt(
    reported: tuple[str, Project, list[Rating] | None],
) -> None:
    _, project, _ = reported
    for document in DOCUMENTS:
        text = (project.path / document).read_text(encoding="utf-8")
        claims = [line for line in lines_outside_prompts(text) if FIRST_PERSON_ACTION.search(line)]
        assert not claims, (document, claims)
    blog = (project.path / "docs/blog-post.md").read_text(encoding="utf-8")
    assert blog.count("> **WRITE:**") >= 4


def test_report_check_passes_and_catches_an_edited_number(
    reported: tuple[str, Project, list[Rating] | None], tmp_path: Path
) -> None:
    _, project, _ = reported
    project.make("report-check")
    edited = project.copy(tmp_path / "edited")
    readme = edited.path / "README.md"
    metrics = edited.metrics()
    chosen = f"**{metrics['models'][metrics['model']]['ndcg_at_k']:.3f}**"
    text = readme.read_text(encoding="utf-8")
    assert chosen in text
    readme.write_text(text.replace(chosen, "**0.999**"), encoding="utf-8")
    failed = edited.run("make", "report-check", f"PYTHON={edited.python}", check=False)
    assert failed.returncode != 0
    assert "README.md (results)" in failed.stderr


def test_check_warns_on_the_draft_until_it_is_written_and_committed(
    reported: tuple[str, Project, list[Rating] | None], tmp_path: Path
) -> None:
    source, project, _ = reported
    if source != "ml-latest-small":
        pytest.skip("one source is enough for the publish check")
    draft = project.copy(tmp_path / "draft")
    check = (sys.executable, "-m", "mlscaffold", "check")
    warned = draft.run(*check, check=False).stdout
    for rule in ("writeup-prompts", "blog-draft-flag", "writeup-unedited", "results-uncommitted"):
        assert f"[{rule}]" in warned, rule
    for document in DOCUMENTS:
        path = draft.path / document
        path.write_text(_written_by_the_learner(path.read_text(encoding="utf-8")), "utf-8")
    draft.run("git", "add", "-A")
    draft.run("git", "commit", "-q", "-m", "Add measured results and my write-up")
    clean = draft.run(*check, check=False).stdout
    for rule in ("writeup-prompts", "blog-draft-flag", "writeup-unedited", "results-uncommitted"):
        assert f"[{rule}]" not in clean, (rule, clean)


def _written_by_the_learner(text: str) -> str:
    """The document with every prompt answered and every template paragraph rewritten."""
    text = text.replace("published: false\n", "published: true\n")
    pieces, last = [], 0
    for match in re.finditer(r"<!-- ([a-z][a-z-]*):start -->.*?<!-- \1:end -->", text, re.S):
        pieces += [_rewrite(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join([*pieces, _rewrite(text[last:])])


def _rewrite(chunk: str) -> str:
    """Paragraphs between generated sections, each replaced by the learner's own words."""
    kept = []
    for number, paragraph in enumerate(chunk.split("\n\n")):
        keep = (
            paragraph.lstrip().startswith(("#", "---", "<!--", "|", "```")) or not paragraph.strip()
        )
        own = f"In my own words, paragraph {number}: what this part of the work meant to me."
        kept.append(paragraph if keep else own)
    return "\n\n".join(kept)
