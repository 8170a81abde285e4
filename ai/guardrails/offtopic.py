"""Out-of-scope detection from the numbers the knowledge retrieval returns.

A question is in scope when the knowledge base has something close to it. The decision uses the top
cosine similarity of the vector side and whether the lexical (full-text) side agrees on the same chunk,
which shows in the fused reciprocal-rank score: a chunk ranked high by both sides scores above any
chunk found by one side only.

    in scope  <=>  top cosine >= CONFIDENT_TOP_COSINE
                   or (top cosine >= MIN_TOP_COSINE and top fused score >= agreement score)

Before any score is looked at, a request for an unrelated task ("write me a poem", "translate this
essay", see ``tasks.py``) is out of scope (reason ``unrelated_task``) however well it retrieves.

The thresholds come from bench/calibrate_scope.py: PASSAGE_THRESHOLDS (the default; a knowledge base of
article chunks) and UTTERANCE_THRESHOLDS (a knowledge base of example questions, CLINC150).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ai.guardrails.tasks import is_unrelated_task_request

# Reciprocal rank fusion constants of knowledge.selectors.search.SearchTuning (k, vector and text weights).
RRF_K = 60
RRF_VECTOR_WEIGHT = 1.0
RRF_TEXT_WEIGHT = 0.6


def fused_score(vector_rank: int | None, text_rank: int | None) -> float:
    """The fused score a chunk gets at these ranks (1-based; None = not returned by that side)."""
    score = 0.0
    if vector_rank:
        score += RRF_VECTOR_WEIGHT / (RRF_K + vector_rank)
    if text_rank:
        score += RRF_TEXT_WEIGHT / (RRF_K + text_rank)
    return score


@dataclass(frozen=True)
class ScopeThresholds:
    min_top_cosine: float
    confident_top_cosine: float
    # "Both sides agree": the best fused score is at least this (see fused_score for rank pairs).
    agreement_fused: float


# Knowledge base of *passages* (article chunks, the product's case). Measured by bench/calibrate_scope.py
# on MTRAG (2026-11-27): 350 passages (govt, IBM Cloud, FiQA, ClapNQ), last user turn of 159 tasks;
# answerable/partial = in scope (n=150).
# Off-topic side: the 9 unanswerable/conversational tasks + the 200 CLINC150 out-of-scope utterances asked
# against the same passages. Top-1 cosine: answerable p05 0.197 / median 0.415; out of scope median
# 0.184 / p95 0.362. Chosen for 95 % answerable kept: 0.19 / 0.27, agreement at ranks (10, 20): kept 0.953,
# out of scope rejected 0.560 (for 90 % kept: 0.21 / 0.24 @ (1, 1): 0.900 / 0.751). Later gates (sentence
# support, confidence) catch more; this one only stops questions the knowledge base plainly lacks.
PASSAGE_THRESHOLDS = ScopeThresholds(
    min_top_cosine=0.19, confident_top_cosine=0.27, agreement_fused=fused_score(10, 20)
)

# Knowledge base of *questions* (an FAQ of example utterances). Measured by bench/calibrate_scope.py on
# CLINC150 (2026-11-27): KB = 15,000 in-scope training utterances embedded with USE v3; queries = 3,000
# in-scope validation + 200 out-of-scope train/val utterances; fused = vector rank (weight 1.0) + BM25
# rank (weight 0.6), k=60, depth 40, as the product's hybrid search.
# Top-1 cosine: in-scope p05 0.595 / median 0.836; out-of-scope median 0.508 / p95 0.691.
# Chosen for 95 % in-scope kept: 0.59 / 0.70, agreement at ranks (10, 20): kept 0.950, OOS rejected 0.845
# (cosine alone at 0.59: 0.954 / 0.820; for 90 % kept: 0.61 / 0.65 @ (1, 3): 0.902 / 0.915).
# Question-to-question cosines run far higher than question-to-passage ones (MTRAG answerable median
# 0.415): with these thresholds only 6 % of answerable MTRAG questions would count as in scope.
UTTERANCE_THRESHOLDS = ScopeThresholds(
    min_top_cosine=0.59, confident_top_cosine=0.70, agreement_fused=fused_score(10, 20)
)

DEFAULT_THRESHOLDS = PASSAGE_THRESHOLDS


@dataclass(frozen=True)
class RetrievalScores:
    """What retrieval returned for one question: cosines best first, and the best fused (RRF) score."""

    cosines: Sequence[float] = ()
    fused: float | None = None

    @classmethod
    def from_hits(cls, hits: Iterable) -> RetrievalScores:
        """Build from knowledge.selectors.search.SearchHit objects (``vector_score``, ``score``)."""
        hits = list(hits)
        cosines = sorted((hit.vector_score for hit in hits if hit.vector_score is not None), reverse=True)
        fused = max((hit.score for hit in hits), default=None)
        return cls(cosines=cosines, fused=fused)


@dataclass(frozen=True)
class ScopeVerdict:
    in_scope: bool
    reason: str  # "empty_question", "unrelated_task", "no_results", "low_similarity", "weak_similarity_no_agreement",
    #              "similar_and_agreed", "confident_similarity"
    top_cosine: float
    fused: float | None


def assess_scope(
    question: str,
    retrieval_scores: RetrievalScores,
    *,
    thresholds: ScopeThresholds = DEFAULT_THRESHOLDS,
) -> ScopeVerdict:
    """Decide whether the knowledge base covers ``question``, from its retrieval scores."""
    top = max(retrieval_scores.cosines, default=0.0)
    fused = retrieval_scores.fused
    if not question or not question.strip():
        return ScopeVerdict(False, "empty_question", top, fused)
    if is_unrelated_task_request(question):
        return ScopeVerdict(False, "unrelated_task", top, fused)
    if not retrieval_scores.cosines:
        return ScopeVerdict(False, "no_results", top, fused)
    if top >= thresholds.confident_top_cosine:
        return ScopeVerdict(True, "confident_similarity", top, fused)
    if top < thresholds.min_top_cosine:
        return ScopeVerdict(False, "low_similarity", top, fused)
    if fused is not None and fused >= thresholds.agreement_fused - 1e-12:
        return ScopeVerdict(True, "similar_and_agreed", top, fused)
    return ScopeVerdict(False, "weak_similarity_no_agreement", top, fused)
