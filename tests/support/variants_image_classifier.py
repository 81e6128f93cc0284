"""End-to-end variants of the image-classifier template and the floors they must reach."""

from __future__ import annotations

from typing import Any

from projects import Variant


def image_classifier_floor(metrics: dict[str, Any]) -> None:
    """Digits: test accuracy >= 0.95 for the saved model and the SVM; the floor stays a floor."""
    assert metrics["dataset"] == "digits"
    assert metrics["models"][metrics["model"]]["accuracy"] >= 0.95
    assert metrics["models"]["svm"]["accuracy"] >= 0.95
    assert metrics["models"]["majority_class"]["accuracy"] < 0.2


def saved_model_accuracy(metrics: dict[str, Any]) -> str:
    """The saved model's test accuracy as the results table prints it."""
    return f"{metrics['models'][metrics['model']]['accuracy']:.3f}"


VARIANTS = [
    Variant(
        "image-classifier", check_metrics=image_classifier_floor, headline=saved_model_accuracy
    ),
    Variant(
        "image-classifier",
        {"framework": "pytorch"},
        needs_torch=True,
        check_metrics=image_classifier_floor,
        headline=saved_model_accuracy,
    ),
]
