"""The BM25 coverage signal of the answer confidence: how much of the question the quoted passage holds.

``coverage`` is the share of the query's IDF mass that the passage of the best quoted sentence
contains (title and headings included), counting the terms the knowledge base knows: question words
weigh 1, earlier user turns as in the full-text search (query rewriting), each times its IDF from
the knowledge base's own term statistics (knowledge.selectors.term_coverage). A passage that shares
only the question's common words ("account", "help") covers little; one with its rare words a lot.
Terms no article contains (typos, filler, the off-topic part of a question) are left out of the
mass: counted, they made the signal noise (docs/ai-answers.md, 2026-12-04 figures). A question of
which the knowledge base knows no term at all covers 0.

Without statistics (nothing indexed yet) or without a quote the signal is neutral (0.5).
"""

from __future__ import annotations

from collections.abc import Sequence

from ai.pipelines.extractive import ExtractiveAnswer
from knowledge.selectors.search import fulltext_query_terms
from knowledge.selectors.term_coverage import idf_coverage

NEUTRAL = 0.5


def cited_passage(extractive: ExtractiveAnswer) -> int | None:
    """0-based index of the passage the best quoted sentence comes from."""
    if not extractive.sentences:
        return None
    best = max(extractive.sentences, key=lambda sentence: sentence.score)
    return best.source - 1


def coverage_signal(
    question: str, hits: Sequence, extractive: ExtractiveAnswer, *, history: Sequence[dict] = ()
) -> float:
    cited = cited_passage(extractive)
    if not question or cited is None or not 0 <= cited < len(hits):
        return NEUTRAL
    chunk_id = hits[cited].chunk_id
    texts, weights = fulltext_query_terms(question, history)
    found = idf_coverage(texts, weights, [chunk_id]).get(chunk_id)
    if found is None or found.total <= 0:
        return NEUTRAL
    return round(found.known_share, 4)
