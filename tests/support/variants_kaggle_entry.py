"""End-to-end variants of the kaggle-entry template and the floors they must reach.

Each task has its own bundled synthetic sample (two for binary: Titanic-like passengers for
Titanic itself, loan defaults for any other competition); the floors are LightGBM's
cross-validation score on it (the generated tests/test_train.py checks the same numbers).
The default project is Titanic, scored by accuracy; the ROC AUC variant, a loan-default
competition, checks the SPEC's floor. The floor model is the best constant for the metric.
"""

from __future__ import annotations

from typing import Any

from projects import Variant


def _cv(metrics: dict[str, Any], model: str) -> float:
    return float(metrics["models"][model]["mean"])


def _common(metrics: dict[str, Any], task: str, metric: str, n_rows: int) -> None:
    """Same folds for every model, the floor model learns nothing, LightGBM clearly beats it."""
    assert (metrics["task"], metrics["metric"], metrics["data_source"]) == (task, metric, "sample")
    assert metrics["n_train"] == n_rows and metrics["model"] == "lightgbm"
    assert list(metrics["models"]) == ["dummy", "linear", "lightgbm"]
    for result in metrics["models"].values():
        assert len(result["fold_scores"]) == metrics["n_folds"] == 5
    sign = 1 if metrics["greater_is_better"] else -1
    assert sign * (_cv(metrics, "lightgbm") - _cv(metrics, "dummy")) > 0
    assert sign * (_cv(metrics, "linear") - _cv(metrics, "dummy")) > 0
    versus_floor = metrics["comparisons"]["lightgbm_vs_dummy"]
    assert versus_floor["significant"] and versus_floor["difference"] > 0
    assert sum(versus_floor["wins"].values()) == 5


def titanic_accuracy_floor(metrics: dict[str, Any]) -> None:
    """Default (Titanic, accuracy): LightGBM CV accuracy >= 0.78; the majority class ~0.59."""
    _common(metrics, "binary", "accuracy", 891)
    assert _cv(metrics, "lightgbm") >= 0.78
    assert _cv(metrics, "dummy") < 0.65


def binary_roc_auc_floor(metrics: dict[str, Any]) -> None:
    """Loan default, ROC AUC: LightGBM CV ROC AUC >= 0.85, the baseline >= 0.80, the floor 0.5."""
    _common(metrics, "binary", "roc_auc", 1000)
    assert _cv(metrics, "lightgbm") >= 0.85
    assert _cv(metrics, "linear") >= 0.80
    assert _cv(metrics, "dummy") == 0.5


def multiclass_logloss_floor(metrics: dict[str, Any]) -> None:
    """Multiclass, log loss: LightGBM CV log loss <= 0.60 (the class frequencies score ~1.08)."""
    _common(metrics, "multiclass", "logloss", 1000)
    assert _cv(metrics, "lightgbm") <= 0.60
    assert _cv(metrics, "dummy") > 1.0


def regression_rmsle_floor(metrics: dict[str, Any]) -> None:
    """Regression, RMSLE (House Prices' metric): LightGBM CV RMSLE <= 0.17 (the mean: ~0.47)."""
    _common(metrics, "regression", "rmsle", 1000)
    assert _cv(metrics, "lightgbm") <= 0.17
    assert _cv(metrics, "lightgbm") <= 0.5 * _cv(metrics, "dummy")


def lightgbm_cv(metrics: dict[str, Any]) -> str:
    """LightGBM's CV score as the results table prints it: mean ± std."""
    result = metrics["models"]["lightgbm"]
    return f"{result['mean']:.3f} ± {result['std']:.3f}"


VARIANTS = [
    Variant("kaggle-entry", check_metrics=titanic_accuracy_floor, headline=lightgbm_cv),
    Variant(
        "kaggle-entry",
        {
            "competition": "loan-default-prediction",
            "metric": "roc_auc",
            "target_column": "defaulted",
            "id_column": "loan_id",
        },
        check_metrics=binary_roc_auc_floor,
        headline=lightgbm_cv,
    ),
    Variant(
        "kaggle-entry",
        {
            "competition": "credit-risk-grades",
            "task": "multiclass",
            "target_column": "grade",
            "id_column": "applicant_id",
        },
        check_metrics=multiclass_logloss_floor,
        headline=lightgbm_cv,
    ),
    Variant(
        "kaggle-entry",
        {
            "competition": "house-prices-advanced-regression-techniques",
            "task": "regression",
            "metric": "rmsle",
            "target_column": "SalePrice",
            "id_column": "Id",
        },
        check_metrics=regression_rmsle_floor,
        headline=lightgbm_cv,
    ),
]
