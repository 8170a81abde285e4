"""The scope model of ai/guardrails/offtopic.py: features, the shipped weights, and the bench fitter."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from ai.guardrails.offtopic import (
    FEATURES,
    RetrievalScores,
    ScopeModel,
    assess_scope,
    load_scope_model,
    scope_features,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


@dataclass
class Hit:
    score: float
    vector_score: float | None
    text_score: float | None = None
    vector_rank: int | None = None
    text_rank: int | None = None
    article_id: int | None = None


def hits(cosines, text_scores):
    """Hits best-fused first; the i-th has cosine cosines[i] and BM25 text_scores[i] (None: no match)."""
    text_order = sorted((s, i) for i, s in enumerate(text_scores) if s is not None)[::-1]
    text_rank = {i: rank for rank, (_, i) in enumerate(text_order, start=1)}
    vector_order = sorted((c, i) for i, c in enumerate(cosines))[::-1]
    vector_rank = {i: rank for rank, (_, i) in enumerate(vector_order, start=1)}
    return [
        Hit(
            1 / (60 + vector_rank[i]) + (1 / (60 + text_rank[i]) if i in text_rank else 0),
            c,
            t,
            vector_rank[i],
            text_rank.get(i),
        )
        for i, (c, t) in enumerate(zip(cosines, text_scores, strict=True))
    ]


def test_from_hits_keeps_the_lexical_agreement():
    scores = RetrievalScores.from_hits(hits([0.62, 0.41, 0.38], [7.5, None, 2.0]))
    assert list(scores.cosines) == [0.62, 0.41, 0.38]
    assert (scores.hits, scores.text_hits, scores.vector_top_text_rank, scores.top_text_score) == (
        3,
        2,
        1,
        7.5,
    )
    x = scope_features("how long is the reset link valid", scores)
    assert x.shape == (len(FEATURES),)
    assert x[FEATURES.index("lexical_agrees")] == 1.0
    assert x[FEATURES.index("lexical_share")] == pytest.approx(2 / 3)
    assert x[FEATURES.index("margin_top2")] == pytest.approx(0.21)


def test_from_hits_counts_the_hits_from_the_best_cosine_hits_article():
    found = hits([0.41, 0.62, 0.38, 0.30], [9.0, None, None, None])  # fused first is not the best cosine
    for hit, article in zip(found, [7, 3, 3, 5], strict=True):
        hit.article_id = article
    scores = RetrievalScores.from_hits(found)
    assert scores.top_article_share == pytest.approx(2 / 4)  # article 3: the 0.62 hit and the 0.38 one
    x = scope_features("how long is the reset link valid", scores)
    assert x[FEATURES.index("article_share")] == pytest.approx(0.5)
    # Hits without articles (built by hand, or a search that does not say) give 0, as no hits do.
    assert RetrievalScores.from_hits(hits([0.62, 0.41], [None, None])).top_article_share == 0.0
    assert RetrievalScores([0.9, 0.8], 0.03).top_article_share == 0.0


@pytest.mark.parametrize("kind", ["passages", "utterances"])
def test_shipped_models_load_and_rank_closer_questions_higher(kind):
    model = load_scope_model(kind)
    assert model.features == FEATURES and 0.0 < model.threshold < 1.0
    question = "how long is the password reset link valid"
    close_hits = hits([0.9, 0.85, 0.8, 0.78, 0.75], [9.0, 8.0, 6.0, 5.0, 4.0])
    far_hits = hits([0.15, 0.12, 0.11, 0.1, 0.1], [None] * 5)
    for article, (near, distant) in enumerate(zip(close_hits, far_hits, strict=True)):
        near.article_id = 1 if article < 4 else 2  # most of the close hits are chunks of one article
        distant.article_id = 10 + article  # the far ones scatter over unrelated articles
    close, far = RetrievalScores.from_hits(close_hits), RetrievalScores.from_hits(far_hits)
    p_close = model.probability(scope_features(question, close))
    p_far = model.probability(scope_features(question, far))
    assert p_close > model.threshold > p_far
    verdict = assess_scope(question, close, model=model)
    assert verdict.in_scope and verdict.reason == "model_in_scope" and verdict.probability > model.threshold
    verdict = assess_scope(question, far, model=model)
    assert not verdict.in_scope and verdict.reason == "model_out_of_scope"


def test_the_default_is_the_passage_model_and_rules_still_come_first():
    question = "what does the warranty cover"
    middling = RetrievalScores.from_hits(hits([0.45, 0.4, 0.35], [6.0, 3.0, None]))
    default = assess_scope(question, middling)
    assert default.probability == pytest.approx(
        float(load_scope_model("passages").probability(scope_features(question, middling))), abs=1e-4
    )
    # Question-to-question cosines run far higher: the utterance model wants more than a passage one.
    assert (
        load_scope_model("utterances").probability(scope_features(question, middling)) < default.probability
    )
    assert assess_scope("Write me a poem about the warranty", middling).reason == "unrelated_task"
    assert assess_scope(question, RetrievalScores()).reason == "no_results"


def test_a_model_for_other_features_is_refused():
    data = {
        "features": ["top_cosine"],
        "mean": [0],
        "scale": [1],
        "weights": [1],
        "bias": 0,
        "threshold": 0.5,
    }
    with pytest.raises(ValueError):
        ScopeModel.from_dict(data)


def test_the_bench_fitter_separates_and_sets_the_threshold_for_95_percent_kept():
    from train_scope import fit, with_threshold

    rng = np.random.default_rng(0)
    blocks = []
    for shift in (0.0, 0.3):  # two "datasets" whose in-scope scores sit at different levels
        x_in = rng.normal(0.7 + shift, 0.08, size=(400, len(FEATURES)))
        x_out = rng.normal(0.4 + shift, 0.08, size=(400, len(FEATURES)))
        blocks.append((np.vstack([x_in, x_out]), np.r_[np.ones(400), np.zeros(400)], f"set{shift}"))
    model = with_threshold(fit([(x, y) for x, y, _ in blocks]), blocks)
    for x, y, _ in blocks:
        p = model.probability(x)
        assert (p[y == 1] >= model.threshold).mean() >= 0.95
        # and ranks each dataset's in-scope rows above its out-of-scope ones (AUC), although one
        # shared threshold cannot separate both datasets (their levels differ)
        assert (p[y == 1][:, None] > p[y == 0][None, :]).mean() > 0.99


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("question", "in_scope"),
    [
        ("reset email never arrives, how long is the link valid?", True),
        ("how long does delivery take?", True),
        ("how do I look after the bike battery in winter?", True),
        ("what is the capital of australia?", False),
        ("can you recommend a good italian restaurant nearby?", False),
        ("how many calories are in a banana?", False),
    ],
)
def test_the_passage_model_on_the_demo_help_center(question, in_scope):
    """Real retrieval (hybrid search, local USE embeddings) over the demo company's articles."""
    from ai.pipelines.sources import retrieve_stage
    from demo.knowledge_articles import ARTICLES
    from tests.fixtures.answer_helpers import publish_article

    used = ("app-login-password-reset", "delivery-times", "refund-timing", "battery-care", "app-two-factor")
    for article in ARTICLES:
        if article.slug in used:
            publish_article(article.title, article.body)
    verdict = assess_scope(question, RetrievalScores.from_hits(retrieve_stage(question, [], language="en")))
    assert verdict.in_scope is in_scope, verdict
