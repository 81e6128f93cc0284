"""End-to-end variants of the image-classifier template and the floors they must reach.

Both run on the bundled digits (the default `dataset` answer); the learner's own data
(an image folder, CIFAR-10 batches) is covered by tests/e2e/test_writeup_image_classifier.py,
which writes that data before `make train`.
"""

from __future__ import annotations

from typing import Any

from projects import Variant


def image_classifier_floor(metrics: dict[str, Any]) -> None:
    """Digits: test accuracy >= 0.95 for the saved model and the SVM; the floor stays a floor."""
    assert metrics["data"]["dataset"] == "digits" and metrics["data"]["n_test"] == 360
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
