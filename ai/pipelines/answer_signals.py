"""The confidence stage of the answer pipeline: the signals, from the hits, the quote and the dialogue.

``confidence_stage`` turns what the earlier stages produced into ``ConfidenceInputs`` and the
calibrated confidence (ai.pipelines.confidence); split from answer.py to keep that module readable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ai.guardrails import RetrievalScores
from ai.pipelines import confidence as conf
from ai.pipelines.coverage import coverage_signal
from ai.pipelines.extractive import ExtractiveAnswer
from ai.pipelines.verify import VerifiedText
from knowledge.selectors.search import history_user_turns

GENERATIVE = "generative"


def ranking_tops(hits: Sequence) -> tuple[int | None, int | None]:
    """The article the vector ranking puts first and the one the full-text ranking puts first."""
    by_vector = [hit for hit in hits if hit.vector_rank is not None]
    by_text = [hit for hit in hits if hit.text_rank is not None]
    vector_top = min(by_vector, key=lambda hit: hit.vector_rank).article_id if by_vector else None
    text_top = min(by_text, key=lambda hit: hit.text_rank).article_id if by_text else None
    return vector_top, text_top


def retrieval_signals(hits: Sequence) -> dict[str, float]:
    """Top cosine, the best article's cosine margin over the runner-up, and vector/full-text agreement."""
    scores = RetrievalScores.from_hits(hits)
    top = max(scores.cosines, default=0.0)
    best: dict[int, float] = {}
    for hit in hits:
        best[hit.article_id] = max(best.get(hit.article_id, 0.0), hit.vector_score or 0.0)
    ranked = sorted(best.values(), reverse=True)
    margin = ranked[0] - ranked[1] if len(ranked) > 1 else (ranked[0] if ranked else 0.0)
    vector_top, text_top = ranking_tops(hits)
    if vector_top is not None and vector_top == text_top:
        agreement = 1.0
    elif hits and hits[0].vector_rank is not None and hits[0].text_rank is not None:
        agreement = 0.5
    else:
        agreement = 0.0
    return {"top_cosine": top, "margin": round(margin, 4), "agreement": agreement}


def history_consistency(answer_text: str, history: Sequence[dict], embed) -> float:
    """Cosine of the quoted answer to the customer's earlier turns; 0.5 (neutral) without any."""
    earlier = history_user_turns(history, limit=2)
    if not earlier or not answer_text or embed is None:
        return 0.5
    vectors = np.asarray(embed([" ".join(earlier), answer_text]))
    return round(max(0.0, float(vectors[0] @ vectors[1])), 4)


def confidence_stage(
    hits: Sequence,
    extractive: ExtractiveAnswer,
    verified: VerifiedText,
    generated,
    *,
    history: Sequence[dict] = (),
    embed=None,
    question: str = "",
) -> tuple[float, conf.ConfidenceInputs]:
    signal = conf.model_signal(verified.text) if generated.mode == GENERATIVE else 1.0
    inputs = conf.ConfidenceInputs(
        **retrieval_signals(hits), evidence=extractive.best_score, support_ratio=verified.support_ratio,
        model_signal=signal, overlap=extractive.best_overlap, similarity=max(extractive.best_similarity, 0.0),
        type_match=extractive.type_match, history=history_consistency(extractive.text, history, embed),
        coverage=coverage_signal(question, hits, extractive, history=history),
    )  # fmt: skip
    return conf.answer_confidence(inputs), inputs
