"""Write the synthetic sample competitions bundled with the kaggle-entry template.

The generated project trains offline on a small competition that looks like the real
thing: train.csv with an id, numeric and categorical features (with missing values) and a
target; test.csv without the target. One dataset per task, each with a known signal:

- binary: Titanic-like passengers and whether they survived (sex, class, age, family size);
- multiclass: loan applicants and a risk grade A/B/C (income, debt, payment history);
- regression: houses and their sale price in thousands (area, neighbourhood, condition).

The files keep ``__ID__`` and ``__TARGET__`` as header placeholders: the template renders the
id and target column names the user chose. Run from the repository root after changing the
generator, then re-check the floors in the template's tests and tests/variants_kaggle_entry.py:

    python tools/kaggle_sample_data.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240607


def passengers(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Titanic-like passengers and whether they survived (binary).

    Women, children, first class and small families survive more often; women in third
    class and large families less (interactions a linear model cannot express).
    """
    pclass = rng.choice([1, 2, 3], size=n, p=[0.24, 0.21, 0.55])
    female = rng.random(n) < np.select([pclass == 1, pclass == 2], [0.44, 0.41], 0.30)
    age = rng.normal(np.select([pclass == 1, pclass == 2], [38.0, 30.0], 25.0), 13.0)
    child = rng.random(n) < 0.08
    age = np.where(child, rng.uniform(0.4, 12.0, n), np.clip(age, 14.0, 80.0))
    sibsp = np.minimum(rng.poisson(np.where(child, 1.6, 0.45)), 8)
    parch = np.minimum(rng.poisson(np.where(child, 1.4, 0.3)), 6)
    family = sibsp + parch
    base_fare = np.select([pclass == 1, pclass == 2], [60.0, 20.0], 8.0)
    fare = base_fare * np.exp(rng.normal(0.0, 0.45, n)) * (1.0 + 0.25 * family)
    embarked = np.where(
        pclass == 1,
        rng.choice(["S", "C", "Q"], size=n, p=[0.58, 0.40, 0.02]),
        rng.choice(["S", "C", "Q"], size=n, p=[0.76, 0.12, 0.12]),
    )
    deck_known = rng.random(n) < np.select([pclass == 1, pclass == 2], [0.82, 0.10], 0.03)
    deck = np.where(
        pclass == 1,
        rng.choice(list("ABCDE"), size=n, p=[0.12, 0.3, 0.3, 0.18, 0.1]),
        rng.choice(list("DEFG"), size=n, p=[0.2, 0.3, 0.4, 0.1]),
    )

    logit = (
        -2.4
        + 4.4 * female
        + np.select([pclass == 1, pclass == 2], [1.9, 0.9], -0.7)
        - 2.4 * (female & (pclass == 3))
        + 3.4 * (~female & (age < 13))
        - 0.035 * (age - 30.0)
        + np.select([family == 0, family <= 3], [-0.5, 0.7], -3.5)
        + 0.9 * deck_known
        + 0.5 * (embarked == "C")
    )
    survived = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)

    age_missing = rng.random(n) < np.select([pclass == 1, pclass == 2], [0.12, 0.08], 0.26)
    frame = pd.DataFrame(
        {
            "Pclass": pclass,
            "Sex": np.where(female, "female", "male"),
            "Age": np.where(age_missing, np.nan, np.round(age, 0)),
            "SibSp": sibsp,
            "Parch": parch,
            "Fare": np.round(fare, 2),
            "Embarked": np.where(rng.random(n) < 0.003, None, embarked),
            "Deck": np.where(deck_known, deck, None),
        }
    )
    frame.loc[frame.sample(n=max(1, n // 400), random_state=1).index, "Fare"] = np.nan
    return frame, survived


def loans(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Loan applicants and the risk grade they were given (multiclass, ordinal A/B/C).

    A latent risk grows with the loan-to-income ratio, late payments and a high debt ratio
    (a threshold), and with short histories for the self-employed; grades cut it at its
    40% and 75% quantiles.
    """
    employment = rng.choice(
        ["salaried", "self-employed", "unemployed", "retired"], size=n, p=[0.6, 0.2, 0.08, 0.12]
    )
    income = np.exp(rng.normal(10.6, 0.45, n)) * np.select(
        [employment == "unemployed", employment == "retired"], [0.35, 0.7], 1.0
    )
    home = rng.choice(["rent", "mortgage", "own"], size=n, p=[0.45, 0.4, 0.15])
    purpose = rng.choice(
        ["car", "home improvement", "debt consolidation", "education", "other"],
        size=n,
        p=[0.25, 0.2, 0.3, 0.1, 0.15],
    )
    loan_amount = np.exp(rng.normal(9.2, 0.6, n))
    history_years = np.clip(rng.gamma(3.0, 3.0, n), 0, 45)
    late_payments = np.minimum(rng.poisson(0.25 + 0.6 * (history_years < 3)), 9)
    debt_ratio = np.clip(rng.beta(2.0, 5.0, n) + 0.15 * (home == "rent"), 0, 1.2)

    ratio = loan_amount / income
    risk = (
        2.5 * np.log1p(8 * ratio)
        + 1.2 * np.minimum(late_payments, 2)
        + 2.5 * (debt_ratio > 0.45)
        - 1.5 * (history_years > 5)
        + np.select([employment == "unemployed", employment == "self-employed"], [2.0, 0.4], 0.0)
        + 1.8 * ((employment == "self-employed") & (history_years < 4))
        - 0.8 * (home == "own")
        + 0.4 * (purpose == "debt consolidation")
        + rng.logistic(0.0, 0.35, n)
    )
    grade = np.select(
        [risk < np.quantile(risk, 0.4), risk < np.quantile(risk, 0.75)], ["A", "B"], "C"
    )
    frame = pd.DataFrame(
        {
            "income": pd.array(
                np.where(rng.random(n) < 0.05, np.nan, np.round(income, -1)), dtype="Int64"
            ),
            "loan_amount": np.round(loan_amount, -1).astype(int),
            "credit_history_years": np.where(
                rng.random(n) < 0.1, np.nan, np.round(history_years, 1)
            ),
            "late_payments": late_payments,
            "debt_ratio": np.round(debt_ratio, 3),
            "employment": employment,
            "home_ownership": np.where(rng.random(n) < 0.04, None, home),
            "purpose": purpose,
        }
    )
    return frame, grade


def houses(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Houses and their sale price in thousands (regression).

    log(price) is linear in log(area) plus neighbourhood, condition and garage effects,
    falls with distance, and is U-shaped in age (new and historic houses sell higher).
    """
    neighbourhoods = ["Riverside", "Old Town", "Hillcrest", "Docklands", "Meadowbrook", "Eastgate"]
    effect = dict(zip(neighbourhoods, [0.25, 0.35, 0.15, -0.05, 0.0, -0.25], strict=True))
    neighbourhood = rng.choice(neighbourhoods, size=n, p=[0.15, 0.12, 0.18, 0.15, 0.25, 0.15])
    area = np.exp(rng.normal(4.7, 0.35, n))
    rooms = np.clip(np.round(area / 28 + rng.normal(0, 0.8, n)), 1, 10).astype(int)
    year_built = np.clip(np.round(rng.normal(1975, 28, n)), 1880, 2023).astype(int)
    age = 2024 - year_built
    distance = np.clip(rng.gamma(2.0, 4.0, n), 0.3, 40)
    condition = rng.choice(["poor", "fair", "good", "excellent"], size=n, p=[0.1, 0.3, 0.45, 0.15])
    garage = rng.choice(["none", "single", "double"], size=n, p=[0.35, 0.45, 0.2])
    lot = area * np.exp(rng.normal(1.1, 0.5, n))

    log_price = (
        2.35
        + 0.85 * np.log(area)
        + np.vectorize(effect.get)(neighbourhood)
        + np.select(
            [condition == "poor", condition == "fair", condition == "excellent"],
            [-0.3, -0.1, 0.18],
            0.0,
        )
        - 0.35 * np.log1p(distance)
        # new builds and historic houses sell at a premium: a U shape in age
        + 0.00012 * (age - 60) ** 2
        - 0.25
        + np.select([garage == "single", garage == "double"], [0.06, 0.14], 0.0)
        + 0.05 * np.log(lot / area)
        + rng.normal(0, 0.11, n)
    )
    price = np.round(np.exp(log_price), 1)
    frame = pd.DataFrame(
        {
            "area_m2": np.round(area, 0).astype(int),
            "rooms": rooms,
            "year_built": pd.array(
                np.where(rng.random(n) < 0.05, np.nan, year_built), dtype="Int64"
            ),
            "distance_km": np.round(distance, 1),
            "neighbourhood": neighbourhood,
            "condition": condition,
            "garage": np.where(garage == "none", None, garage),
            "lot_m2": pd.array(
                np.where(rng.random(n) < 0.15, np.nan, np.round(lot, 0)), dtype="Int64"
            ),
        }
    )
    return frame, price


GENERATORS = {"binary": passengers, "multiclass": loans, "regression": houses}
SIZES = {"binary": (891, 418), "multiclass": (1000, 400), "regression": (1000, 400)}


def make(task: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Full train (features + target) and test (features) frames for ``task``."""
    rng = np.random.default_rng([SEED, list(GENERATORS).index(task)])
    n_train, n_test = SIZES[task]
    features, target = GENERATORS[task](n_train + n_test, rng)
    ids = np.arange(1, n_train + n_test + 1)
    features.insert(0, "__ID__", ids)
    train = features.iloc[:n_train].copy()
    train["__TARGET__"] = target[:n_train]
    test = features.iloc[n_train:].copy()
    return train, test


def write(out: Path) -> None:
    """Write ``out/<task>/train.csv`` and ``test.csv`` for every task."""
    for task in GENERATORS:
        train, test = make(task)
        folder = out / task
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in [("train", train), ("test", test)]:
            frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1] / "templates" / "kaggle-entry" / "sample"
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
