"""Out-of-scope detection from the numbers the knowledge retrieval returns.

A question is in scope when the knowledge base has something close to it. Before any score is looked
at, an empty question, a request for an unrelated task ("write me a poem", "translate this essay", see
``tasks.py``; reason ``unrelated_task``) and a search without vector hits are out of scope.

The rest is decided by a small logistic model (``ScopeModel``) over FEATURES of the hits: the top cosine,
its margin over the 2nd and the 5th, the mean of the top 5, whether the full-text side matched the
best-cosine hit and how many hits it matched, the best BM25 score per query word, the query length, and
how many of the hits come from the best hit's article (a question the knowledge base covers finds
several chunks or example questions of one article; an uncovered one scatters over unrelated ones).
Weights and threshold are in data/scope_model.json, written by bench/train_scope.py from development
splits only (threshold: every development dataset keeps >= 95 % of its in-scope questions). There is
one model per kind of knowledge base, because question-to-question cosines run far higher than
question-to-passage ones and one model for both fails on either (see the leave-one-dataset-out table
in bench/train_scope.py): "passages" (article chunks, the product's case, the default; fitted on
MTRAG) and "utterances" (a knowledge base of example questions; fitted on CLINC150 + BANKING77-OOS).

The older rule (top cosine >= confident, or >= minimum with vector/full-text agreement in the fused
score) is still there for comparison: pass ``thresholds=PASSAGE_THRESHOLDS`` / ``UTTERANCE_THRESHOLDS``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

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
    """What retrieval returned for one question: cosines best first, the best fused (RRF) score, and
    (when built from hits) how the vector and full-text sides agree."""

    cosines: Sequence[float] = ()
    fused: float | None = None
    hits: int = 0  # hits returned (0: built by hand, no rank information)
    text_hits: int = 0  # of those, hits the full-text side matched
    vector_top_text_rank: int | None = None  # full-text rank of the best-cosine hit (None: no text match)
    top_text_score: float | None = None  # best BM25 score among the hits
    top_article_share: float = 0.0  # share of the hits from the best-cosine hit's article (0: unknown)

    @classmethod
    def from_hits(cls, hits: Iterable) -> RetrievalScores:
        """Build from knowledge.selectors.search.SearchHit objects (``vector_score``, ``score``, ranks)."""
        hits = list(hits)
        vectored = [hit for hit in hits if hit.vector_score is not None]
        cosines = sorted((hit.vector_score for hit in vectored), reverse=True)
        fused = max((hit.score for hit in hits), default=None)
        text_scores = [s for s in (getattr(hit, "text_score", None) for hit in hits) if s is not None]
        best = max(vectored, key=lambda hit: hit.vector_score, default=None)
        best_article = getattr(best, "article_id", None) if best is not None else None
        same_article = sum(
            1 for hit in hits if best_article is not None and getattr(hit, "article_id", None) == best_article
        )
        return cls(
            cosines=cosines,
            fused=fused,
            hits=len(hits),
            text_hits=len(text_scores),
            vector_top_text_rank=getattr(best, "text_rank", None) if best is not None else None,
            top_text_score=max(text_scores, default=None),
            top_article_share=same_article / len(hits) if hits else 0.0,
        )


@dataclass(frozen=True)
class ScopeVerdict:
    in_scope: bool
    reason: str  # "empty_question", "unrelated_task", "no_results", "model_in_scope", "model_out_of_scope";
    #              with explicit ScopeThresholds: "low_similarity", "weak_similarity_no_agreement",
    #              "similar_and_agreed", "confident_similarity"
    top_cosine: float
    fused: float | None
    probability: float | None = None  # the scope model's P(in scope), when it decided


_WORD = re.compile(r"\w+")
FEATURES = (
    "top_cosine",  # best cosine of the vector side
    "margin_top2",  # top-1 minus top-2 cosine
    "mean_top5",  # mean of the best 5 cosines (fewer when fewer hits)
    "gap_top5",  # top-1 minus the 5th best cosine (the last one when fewer)
    "lexical_agrees",  # the best-cosine hit is also a full-text match
    "lexical_share",  # share of the hits the full-text side matched
    "bm25_per_term",  # log(1 + best BM25 score / query words)
    "query_words",  # log(1 + query words)
    "article_share",  # share of the hits from the best-cosine hit's article (neighbours that agree)
)


def scope_features(question: str, scores: RetrievalScores) -> np.ndarray:
    """The scope model's inputs (FEATURES order) for one question and its retrieval scores."""
    cosines = [float(c) for c in scores.cosines] or [0.0]
    top5 = cosines[:5]
    words = len(_WORD.findall(question or ""))
    return np.array(
        [
            cosines[0],
            cosines[0] - (cosines[1] if len(cosines) > 1 else 0.0),
            sum(top5) / len(top5),
            cosines[0] - top5[-1],
            1.0 if scores.vector_top_text_rank is not None else 0.0,
            scores.text_hits / scores.hits if scores.hits else 0.0,
            math.log1p((scores.top_text_score or 0.0) / max(words, 1)),
            math.log1p(words),
            scores.top_article_share,
        ]
    )


@dataclass(frozen=True)
class ScopeModel:
    """Logistic regression on standardised FEATURES; in scope when P >= threshold."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def probability(self, x: np.ndarray) -> np.ndarray:
        z = ((np.asarray(x, dtype=float) - self.mean) / self.scale) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -40, 40)))

    @classmethod
    def from_dict(cls, data: dict) -> ScopeModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError(f"scope model features {data['features']} != {FEATURES}")
        return cls(
            features=FEATURES,
            mean=np.array(data["mean"], dtype=float),
            scale=np.array(data["scale"], dtype=float),
            weights=np.array(data["weights"], dtype=float),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
        )


MODEL_PATH = Path(__file__).with_name("data") / "scope_model.json"


@lru_cache(maxsize=4)
def load_scope_model(kind: str = "passages") -> ScopeModel:
    """The shipped model for a knowledge base of ``kind`` ("passages", the product's, or "utterances")."""
    return ScopeModel.from_dict(json.loads(MODEL_PATH.read_text(encoding="utf-8"))["models"][kind])


def assess_scope(
    question: str,
    retrieval_scores: RetrievalScores,
    *,
    thresholds: ScopeThresholds | None = None,
    model: ScopeModel | None = None,
) -> ScopeVerdict:
    """Decide whether the knowledge base covers ``question``, from its retrieval scores.

    By default the shipped scope model (passages) decides; ``model`` picks another one, and explicit
    ``thresholds`` use the older cosine/agreement rule instead (kept for comparison in bench/).
    """
    top = max(retrieval_scores.cosines, default=0.0)
    fused = retrieval_scores.fused
    if not question or not question.strip():
        return ScopeVerdict(False, "empty_question", top, fused)
    if is_unrelated_task_request(question):
        return ScopeVerdict(False, "unrelated_task", top, fused)
    if not retrieval_scores.cosines:
        return ScopeVerdict(False, "no_results", top, fused)
    if thresholds is not None:
        return _threshold_verdict(top, fused, thresholds)
    model = model or load_scope_model()
    probability = float(model.probability(scope_features(question, retrieval_scores)))
    in_scope = probability >= model.threshold
    reason = "model_in_scope" if in_scope else "model_out_of_scope"
    return ScopeVerdict(in_scope, reason, top, fused, round(probability, 4))


def _threshold_verdict(top: float, fused: float | None, thresholds: ScopeThresholds) -> ScopeVerdict:
    if top >= thresholds.confident_top_cosine:
        return ScopeVerdict(True, "confident_similarity", top, fused)
    if top < thresholds.min_top_cosine:
        return ScopeVerdict(False, "low_similarity", top, fused)
    if fused is not None and fused >= thresholds.agreement_fused - 1e-12:
        return ScopeVerdict(True, "similar_and_agreed", top, fused)
    return ScopeVerdict(False, "weak_similarity_no_agreement", top, fused)
