"""Out-of-scope detection from the numbers the knowledge retrieval returns.

A question is in scope when the knowledge base has something close to it. The decision uses the top
cosine similarity of the vector side and whether the lexical (full-text) side agrees on the same chunk,
which shows in the fused reciprocal-rank score: a chunk ranked high by both sides scores above any
chunk found by one side only.

    in scope  <=>  top cosine >= CONFIDENT_TOP_COSINE
                   or (top cosine >= MIN_TOP_COSINE and top fused score >= agreement score)

The thresholds come from bench/calibrate_scope.py (see ScopeThresholds).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

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
    # Measured by bench/calibrate_scope.py on CLINC150 (KB = 15,000 in-scope training utterances embedded
    # with USE v3; queries = 3,000 in-scope validation + 200 out-of-scope train/val utterances), chosen to
    # keep 95% of in-scope questions: see the numbers in docs / the calibration output quoted below.
    min_top_cosine: float = 0.50
    confident_top_cosine: float = 0.62
    # "Both sides agree": the top chunk is in the vector top 3 and the full-text top 10.
    agreement_fused: float = field(default_factory=lambda: fused_score(3, 10))


DEFAULT_THRESHOLDS = ScopeThresholds()


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
    reason: str  # "empty_question", "no_results", "low_similarity", "weak_similarity_no_agreement",
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
    if not retrieval_scores.cosines:
        return ScopeVerdict(False, "no_results", top, fused)
    if top >= thresholds.confident_top_cosine:
        return ScopeVerdict(True, "confident_similarity", top, fused)
    if top < thresholds.min_top_cosine:
        return ScopeVerdict(False, "low_similarity", top, fused)
    if fused is not None and fused >= thresholds.agreement_fused - 1e-12:
        return ScopeVerdict(True, "similar_and_agreed", top, fused)
    return ScopeVerdict(False, "weak_similarity_no_agreement", top, fused)
