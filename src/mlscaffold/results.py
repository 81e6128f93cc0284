"""What a trained project measured, in one sentence: its headline result.

Each template's ``make train`` writes ``reports/metrics.json`` in its own shape; the saved
model (``metrics["model"]``) and its entry in ``metrics["models"]`` are common to all of
them. The headline is the number each template's ``report.py`` puts first: test accuracy
for the image classifier, NDCG@k for the recommender, the mean cross-validated score for
a Kaggle entry. Every word of the sentence comes from metrics.json; a shape this module
does not know gives None rather than a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

METRICS = Path("reports") / "metrics.json"


@dataclass(frozen=True)
class Headline:
    """The saved model's headline number and the sentence that states it."""

    model: str
    """The saved model's display name, e.g. ``SVM, RBF kernel``."""
    metric: str
    """What was measured, e.g. ``test accuracy`` or ``NDCG@10``."""
    value: str
    """The number as the sentence prints it, e.g. ``98.1%`` or ``0.486``."""
    sentence: str


def read_metrics(project: Path) -> dict[str, Any] | None:
    """``reports/metrics.json`` of ``project`` as a mapping; None when absent or unreadable."""
    try:
        loaded = json.loads((project / METRICS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None


def headline(metrics: dict[str, Any]) -> Headline | None:
    """The headline result of ``metrics``, or None for a shape no template writes."""
    try:
        saved = metrics["models"][metrics["model"]]
        name = str(saved.get("display_name") or metrics["model"])
        if "accuracy" in saved and "data" in metrics:
            return _classifier(metrics, saved, name)
        if "ndcg_at_k" in saved and "k" in metrics:
            return _recommender(metrics, saved, name)
        if "mean" in saved and "metric_label" in metrics:
            return _cross_validated(metrics, saved, name)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return None


def _classifier(metrics: dict[str, Any], saved: dict[str, Any], name: str) -> Headline:
    value = f"{float(saved['accuracy']):.1%}"
    n_test = int(metrics["data"]["n_test"])
    sentence = f"The saved model ({name}) classifies {value} of {n_test:,} held-out test images"
    floor = metrics["models"].get("majority_class")
    if isinstance(floor, dict) and "accuracy" in floor:
        sentence += (
            f" correctly, against {float(floor['accuracy']):.1%} for a constant answer"
            " (the most common class)."
        )
    else:
        sentence += " correctly."
    return Headline(name, "test accuracy", value, sentence)


def _recommender(metrics: dict[str, Any], saved: dict[str, Any], name: str) -> Headline:
    metric = f"NDCG@{int(metrics['k'])}"
    value = f"{float(saved['ndcg_at_k']):.3f}"
    sentence = f"The saved model ({name}) reaches {metric} {value} on the held-out interactions"
    popularity = metrics["models"].get("popularity")
    if (
        isinstance(popularity, dict)
        and "ndcg_at_k" in popularity
        and metrics["model"] != ("popularity")
    ):
        sentence += f", against {float(popularity['ndcg_at_k']):.3f} for the popularity baseline."
    else:
        sentence += "."
    return Headline(name, metric, value, sentence)


def _cross_validated(metrics: dict[str, Any], saved: dict[str, Any], name: str) -> Headline:
    label = str(metrics["metric_label"])
    value = f"{float(saved['mean']):.3f}"
    folds = metrics.get("n_folds") or len(saved.get("fold_scores", []))
    spread = f" (standard deviation {float(saved['std']):.3f})" if "std" in saved else ""
    sentence = f"The saved model ({name}) scores a mean cross-validated {label} of {value}{spread}"
    if folds:
        sentence += f" over {int(folds)} folds"
    if "n_train" in metrics:
        sentence += f" of {int(metrics['n_train']):,} training rows"
    return Headline(name, f"cross-validated {label}", value, sentence + ".")
