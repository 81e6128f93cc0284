"""End-to-end variants of the recommender template and the floors they must reach."""

from __future__ import annotations

from typing import Any

from projects import Variant

PERSONAL_MODELS = ("itemknn", "svd", "ease", "als")


def recommender_floor(metrics: dict[str, Any]) -> None:
    """Default synthetic data: NDCG@10 >= 0.30 and >= 2x popularity, for every model offered."""
    assert metrics["dataset"] == "synthetic" and metrics["k"] == 10
    models = metrics["models"]
    popularity = models["popularity"]["ndcg_at_k"]
    assert models[metrics["model"]]["ndcg_at_k"] >= max(0.30, 2 * popularity)
    for name in PERSONAL_MODELS:
        assert models[name]["ndcg_at_k"] >= 0.30, name
        assert models[name]["ndcg_at_k"] >= 2 * popularity, name
    # Popularity stays a real baseline, and the planted tastes stay the ceiling.
    assert popularity >= 0.10
    assert all(metrics["oracle"]["ndcg_at_k"] > result["ndcg_at_k"] for result in models.values())


def saved_model_ndcg(metrics: dict[str, Any]) -> str:
    """The saved model's NDCG@k as the results table prints it (bold in the summary line)."""
    return f"NDCG@{metrics['k']} **{metrics['models'][metrics['model']]['ndcg_at_k']:.3f}**"


VARIANTS = [
    Variant("recommender", check_metrics=recommender_floor, headline=saved_model_ndcg),
    *(
        Variant(
            "recommender",
            {"model": model},
            check_metrics=recommender_floor,
            headline=saved_model_ndcg,
        )
        for model in PERSONAL_MODELS
        if model != "ease"  # the default variant already saves EASE
    ),
]
