"""Scale benchmark of the recommender template: `make train` on MovieLens-sized files.

Writes synthetic files in the real MovieLens formats at the real sizes, generates a
recommender project (movielens dataset) with the installed mlscaffold, links the files
into its data/raw/ and times the project's own ``make train`` (wall, CPU, peak memory):

- ml-25m shape: ``ratings.csv`` + ``movies.csv``, 162,541 users, 59,047 movies,
  25,000,095 ratings from 0.5 to 5 in half stars, with timestamps;
- ml-1m shape: ``ratings.dat`` + ``movies.dat`` ("::"-separated, latin-1 titles),
  6,040 users, 3,706 movies, 1,000,209 whole-star ratings.

The files are synthetic but shaped like the real ones: item popularity is log-normal
(a head of blockbusters, a long tail of rarely rated films, the top one capped near the
real 0.33% of all ratings), users have a log-normal number of ratings (at least 20, as
in MovieLens), each user leans towards one of 20 taste clusters, and the ratings follow
the real releases' distribution of stars. They are written once into ``--data-dir`` (default
/tmp/scale-data) and reused. A last run asks for EASE on the ml-25m shape and must end
in one line with exit code 2, before any model is fitted.

    python benchmarks/scale_recommender.py            # full sizes (about 20 minutes)
    python benchmarks/scale_recommender.py --quick    # small sizes, seconds: a smoke test
    python benchmarks/scale_recommender.py --write    # also update benchmarks/README.md
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scale_common import (
    Measurement,
    generate,
    guard,
    isolated_env,
    measure,
    project_env,
    report,
)

STARS_CSV = np.arange(1, 11) / 2
STARS_CSV_SHARE = np.array([1.6, 3.1, 1.6, 6.6, 5.0, 19.5, 12.6, 26.6, 8.8, 14.5])
"""Share (%) of each half star, 0.5 to 5, in ml-25m."""
STARS_DAT = np.arange(1, 6, dtype=float)
STARS_DAT_SHARE = np.array([5.6, 10.8, 26.1, 34.9, 22.6])
"""Share (%) of each star, 1 to 5, in ml-1m."""
FIRST_TIME, LAST_TIME = 789_652_009, 1_574_327_703  # the time range of ml-25m
CLUSTERS = 20


@dataclass(frozen=True)
class Shape:
    """The size of one MovieLens release and the file format to write it in."""

    name: str
    users: int
    items: int
    ratings: int
    fmt: str  # "csv" (ratings.csv, movies.csv) or "dat" (ratings.dat, movies.dat)
    goal: str = ""
    limits: tuple[float, float] = (0.0, 0.0)
    """The goal's CPU seconds and peak GiB (0: none)."""

    @property
    def data(self) -> dict[str, object]:
        """What the files depend on (the goal does not)."""
        return {
            "name": self.name,
            "users": self.users,
            "items": self.items,
            "ratings": self.ratings,
            "fmt": self.fmt,
        }


FULL = [
    Shape("ml-1m", 6_040, 3_706, 1_000_209, "dat", "< 30 CPU s", (30.0, 0.0)),
    Shape("ml-25m", 162_541, 59_047, 25_000_095, "csv", "< 20 CPU min, < 6 GiB", (1200.0, 6.0)),
]
QUICK = [
    Shape("ml-1m", 600, 400, 12_000, "dat", "smoke"),
    Shape("ml-25m", 2_000, 30_000, 150_000, "csv", "smoke"),
]


def synthetic_ratings(shape: Shape, seed: int = 0) -> pd.DataFrame:
    """Ratings of ``shape`` with a long-tailed popularity, heavy users and taste clusters."""
    rng = np.random.default_rng(seed)
    # Log-normal activity, at least 20 ratings per user, scaled to the total.
    activity = np.exp(rng.normal(0.0, 1.2, shape.users))
    extra = activity / activity.sum() * (shape.ratings - 20 * shape.users)
    most = shape.items // 8
    counts = np.minimum(20 + np.floor(extra).astype(np.int64), most)
    while (short := shape.ratings - int(counts.sum())) > 0:  # what the floor and cap lost
        room = np.flatnonzero(counts < most)
        np.add.at(counts, rng.choice(room, short), 1)
        counts = np.minimum(counts, most)
    # Popularity: log-normal (a head of blockbusters, a long tail of rarely rated films),
    # the top film capped near ml-25m's 0.33% of all ratings, every film rated now and then.
    popularity = np.exp(rng.normal(0.0, 2.5, shape.items))
    popularity = np.minimum(popularity / popularity.sum(), 0.0035) + 3 / shape.ratings
    cluster_of_item = rng.integers(0, CLUSTERS, shape.items)
    cluster_of_user = rng.integers(0, CLUSTERS, shape.users)
    members = [np.flatnonzero(cluster_of_item == c) for c in range(CLUSTERS)]
    # Draw with replacement, drop repeated pairs (keeping the earliest draws), and draw
    # again for the users still short of their count.
    users = np.zeros(0, dtype=np.int64)
    items = np.zeros(0, dtype=np.int64)
    missing = counts.copy()
    for attempt in range(12):
        if not missing.any():
            break
        new_users = np.repeat(np.arange(shape.users), (missing * 1.3).astype(np.int64) + 2)
        # The last rounds fill the heaviest users' histories from the whole catalogue.
        weights = popularity if attempt < 6 else np.ones(shape.items)
        new_items = _sample(weights, len(new_users), rng)
        from_cluster = rng.random(len(new_users)) < 0.5
        for cluster in range(CLUSTERS):
            wanted = from_cluster & (cluster_of_user[new_users] == cluster)
            picked = _sample(weights[members[cluster]], int(wanted.sum()), rng)
            new_items[wanted] = members[cluster][picked]
        users = np.concatenate([users, new_users])
        items = np.concatenate([items, new_items])
        _, first = np.unique(users * shape.items + items, return_index=True)
        first.sort()
        users, items = users[first], items[first]
        order = np.argsort(users, kind="stable")
        users, items = users[order], items[order]
        starts = np.searchsorted(users, np.arange(shape.users))
        keep = np.arange(len(users)) - starts[users] < counts[users]
        users, items = users[keep], items[keep]
        missing = counts - np.bincount(users, minlength=shape.users)
    stars, share = (
        (STARS_CSV, STARS_CSV_SHARE) if shape.fmt == "csv" else (STARS_DAT, STARS_DAT_SHARE)
    )
    ratings = rng.choice(stars, len(users), p=share / share.sum())
    begin = rng.integers(FIRST_TIME, LAST_TIME - 86_400 * 30, shape.users)
    span = np.minimum(
        LAST_TIME - begin, rng.exponential(86_400 * 400, shape.users).astype(np.int64)
    )
    timestamps = begin[users] + (rng.random(len(users)) * (span[users] + 1)).astype(np.int64)
    item_ids = np.sort(rng.choice(np.arange(1, shape.items * 4), shape.items, replace=False))
    order = np.lexsort((item_ids[items], users))
    return pd.DataFrame(
        {
            "userId": users[order] + 1,
            "movieId": item_ids[items[order]],
            "rating": ratings[order],
            "timestamp": timestamps[order],
        }
    )


def _sample(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    cumulative = np.cumsum(weights)
    found = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return np.minimum(found, len(weights) - 1)


def write_release(shape: Shape, folder: Path) -> Path:
    """Write ``shape`` into ``folder`` unless the same shape is already there."""
    marker = folder / "shape.json"
    if marker.is_file() and json.loads(marker.read_text()) == shape.data:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    frame = synthetic_ratings(shape)
    movie_ids = np.sort(frame["movieId"].unique())
    years = 1920 + movie_ids % 100
    if shape.fmt == "csv":
        frame.to_csv(folder / "ratings.csv", index=False, float_format="%.1f", chunksize=1_000_000)
        titles = [
            f'"Movie {i}, The ({y})"' if i % 7 == 0 else f"Movie {i} ({y})"
            for i, y in zip(movie_ids, years, strict=True)
        ]
        lines = [
            "movieId,title,genres",
            *(f"{i},{t},Drama|Comedy" for i, t in zip(movie_ids, titles, strict=True)),
        ]
        (folder / "movies.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        text = (
            frame["userId"].astype(str)
            + "::"
            + frame["movieId"].astype(str)
            + "::"
            + frame["rating"].astype(int).astype(str)
            + "::"
            + frame["timestamp"].astype(str)
        )
        (folder / "ratings.dat").write_text("\n".join(text) + "\n", encoding="utf-8")
        pairs = zip(movie_ids, years, strict=True)
        lines = [f"{i}::Film {i}: Première ({y})::Drama|Comedy" for i, y in pairs]
        (folder / "movies.dat").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    marker.write_text(json.dumps(shape.data))
    return folder


def run(shapes: list[Shape], data_dir: Path, timeout: float, quick: bool) -> list[Measurement]:
    """Generate a project per shape, link the files in and time `make train`."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="scale-recommender-") as scratch:
        env = isolated_env(Path(scratch) / "home")
        for shape in shapes:
            folder = write_release(shape, data_dir / shape.name)
            project = generate(
                "recommender", Path(scratch) / shape.name, {"dataset": "movielens"}, env
            )
            (project / "data" / "raw" / shape.name).symlink_to(folder)
            label = (
                f"{shape.name} shape ({shape.users:,} users, {shape.items:,} items, "
                f"{shape.ratings:,} ratings, {shape.fmt}): default `make train`"
            )
            package = next(p.name for p in (project / "src").iterdir() if p.is_dir())
            # Quick sizes keep every item (too few ratings to pass the default filter).
            extra = ["--min-item-interactions", "1"] if quick else []
            if quick:
                command = [sys.executable, "-m", f"{package}.train", *extra]
            else:
                command = ["make", "train", f"PYTHON={sys.executable}"]
            penv = project_env(project, env)
            result = measure(
                label, command, project, penv, goal=shape.goal, timeout=timeout, limits=shape.limits
            )
            print(result.row(), flush=True)
            print(result.tail[-3000:], flush=True)
            rows.append(result)
            if shape.fmt == "csv":
                refused = [sys.executable, "-m", f"{package}.train", "--models", "ease,svd", *extra]
                label = f"{shape.name} shape: `--models ease,svd`"
                guard_run = guard(label, refused, project, penv, timeout)
                rows.append(guard_run)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--write", action="store_true", help="update benchmarks/README.md")
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/scale-data"))
    parser.add_argument("--timeout", type=float, default=3600.0, help="per run, seconds")
    args = parser.parse_args(argv)
    shapes = QUICK if args.quick else FULL
    data_dir = args.data_dir / "quick" if args.quick else args.data_dir
    rows = run(shapes, data_dir, args.timeout, args.quick)
    return report(
        "recommender",
        rows,
        "synthetic files in the MovieLens formats",
        args.write and not args.quick,
    )


if __name__ == "__main__":
    raise SystemExit(main())
