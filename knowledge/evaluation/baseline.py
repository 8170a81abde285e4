"""The reference retriever the product must beat: plain BM25 + the same sentence encoder, fused by RRF.

This is the textbook baseline (Okapi BM25 with k1=1.2, b=0.75 over the chunk's title + text,
PostgreSQL's ``english`` stemming and stop words as the analyzer, like Lucene's EnglishAnalyzer;
cosine over the chunk embeddings already in the index; reciprocal rank fusion with k=60 and equal
weights). It runs in numpy over the throwaway knowledge base's chunks, so it sees exactly the
chunks and vectors the product sees. Dialogue history, when used, is plain concatenation: the
question and the earlier user turns form one query for both sides.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db import connection

from gateway.embeddings import Embedder
from knowledge.selectors.search import history_user_turns

K1, B, RRF_K, DEPTH = 1.2, 0.75, 60, 40


@dataclass
class BaselineIndex:
    chunk_ids: np.ndarray
    article_ids: np.ndarray
    vectors: np.ndarray  # (n, dim), L2-normalised
    postings: dict[str, list[tuple[int, int]]]  # lexeme -> [(row, tf)]
    lengths: np.ndarray
    avg_length: float

    @classmethod
    def load(cls) -> BaselineIndex:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.id, c.article_id, c.embedding::text,
                       ARRAY(SELECT v.lexeme FROM unnest(to_tsvector('english', a.title || ' ' || c.text)) v),
                       ARRAY(SELECT cardinality(v.positions)
                             FROM unnest(to_tsvector('english', a.title || ' ' || c.text)) v)
                FROM knowledge_chunk c JOIN knowledge_article a ON a.id = c.article_id ORDER BY c.id
                """
            )
            rows = cursor.fetchall()
        postings: dict[str, list[tuple[int, int]]] = {}
        lengths = np.zeros(len(rows))
        for row_number, (_id, _article, _vec, lexemes, counts) in enumerate(rows):
            lengths[row_number] = sum(counts)
            for lexeme, tf in zip(lexemes, counts, strict=True):
                postings.setdefault(lexeme, []).append((row_number, tf))
        vectors = np.array([np.fromstring(r[2].strip("[]"), sep=",") for r in rows], dtype=np.float32)
        return cls(
            chunk_ids=np.array([r[0] for r in rows]),
            article_ids=np.array([r[1] for r in rows]),
            vectors=vectors,
            postings=postings,
            lengths=lengths,
            avg_length=float(lengths.mean()) if len(rows) else 1.0,
        )

    def bm25(self, query: str) -> np.ndarray:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v.lexeme, cardinality(v.positions) FROM unnest(to_tsvector('english', %s)) v", [query]
            )
            terms = Counter(dict(cursor.fetchall()))
        scores = np.zeros(len(self.chunk_ids))
        n = len(self.chunk_ids)
        for lexeme, query_tf in terms.items():
            postings = self.postings.get(lexeme)
            if not postings:
                continue
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            rows = np.array([p[0] for p in postings])
            tf = np.array([p[1] for p in postings], dtype=float)
            norm = K1 * (1 - B + B * self.lengths[rows] / self.avg_length)
            scores[rows] += query_tf * idf * tf * (K1 + 1) / (tf + norm)
        return scores

    def search_articles(self, query: str, query_vector: np.ndarray, *, k: int = 10) -> list[int]:
        """Article ids, best first (best chunk per article), by RRF of BM25 and cosine top-DEPTH."""
        fused = np.zeros(len(self.chunk_ids))
        text = self.bm25(query)
        text_top = [i for i in np.argsort(-text, kind="stable")[:DEPTH] if text[i] > 0]
        for rank, row in enumerate(text_top, start=1):
            fused[row] += 1.0 / (RRF_K + rank)
        cosine = self.vectors @ query_vector
        for rank, row in enumerate(np.argsort(-cosine, kind="stable")[:DEPTH], start=1):
            fused[row] += 1.0 / (RRF_K + rank)
        articles: list[int] = []
        for row in np.argsort(-fused, kind="stable"):
            if fused[row] <= 0 or len(articles) >= k:
                break
            article = int(self.article_ids[row])
            if article not in articles:
                articles.append(article)
        return articles


def baseline_query(question: str, history, *, use_history: bool) -> str:
    if not use_history or not history:
        return question
    earlier = history_user_turns(list(history), limit=3)
    return " ".join([question, *earlier])


def baseline_vector(embedder: Embedder, text: str) -> np.ndarray:
    return np.asarray(embedder.embed_queries([text])[0], dtype=np.float32)
