"""How much of a query's IDF mass a chunk contains, by the full-text search's own term statistics.

    idf_coverage(["reset email never arrives, how long is the link valid?"], [1.0], [chunk_id])
    # {chunk_id: TermCoverage(total=…, known=…, in_chunk=…)}

The query's lexemes are those of each chunk's text-search configuration (``to_tsvector``); each weighs
``w(t) · idf(t)``, with the term weights the full-text search uses (1 for the question, less for
earlier turns) and ``idf`` from the term statistics of migration 0003 (the formula of search_sql).
``total`` is the mass of all the query's terms (a term no chunk contains has the largest IDF),
``known`` that of the terms some chunk contains, ``in_chunk`` that of the terms this chunk contains
(title and headings included, as BM25 sees it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

_COVERAGE_SQL = """
WITH chunks AS (
    SELECT c.id, c.search_config AS cfg, tsvector_to_array(c.search_vector) AS lexemes
    FROM knowledge_chunk c
    WHERE c.id = ANY(%(chunk_ids)s::bigint[]) AND c.search_vector IS NOT NULL
),
terms AS (
    SELECT ch.id, v.lexeme, max(t.w) AS w
    FROM chunks ch,
         unnest(%(texts)s::text[], %(weights)s::float8[]) AS t(txt, w),
         unnest(to_tsvector(ch.cfg::regconfig, t.txt)) AS v
    WHERE v.lexeme <> '' AND strpos(v.lexeme, chr(92)) = 0
    GROUP BY ch.id, v.lexeme
)
SELECT ch.id,
       sum(m.mass) AS total,
       coalesce(sum(m.mass) FILTER (WHERE s.df > 0), 0) AS known,
       coalesce(sum(m.mass) FILTER (WHERE t.lexeme = ANY(ch.lexemes)), 0) AS in_chunk
FROM terms t
JOIN chunks ch ON ch.id = t.id
JOIN knowledge_corpus_stat cs ON cs.config = ch.cfg
LEFT JOIN knowledge_term_stat s ON s.config = ch.cfg AND s.lexeme = t.lexeme
CROSS JOIN LATERAL (
    SELECT t.w * ln(1 + (cs.chunks - coalesce(s.df, 0) + 0.5) / (coalesce(s.df, 0) + 0.5)) AS mass
) m
GROUP BY ch.id
"""


@dataclass(frozen=True)
class TermCoverage:
    total: float  # the query's IDF mass under the chunk's text-search configuration
    known: float  # ... of the terms some chunk of the knowledge base contains
    in_chunk: float  # ... of the terms this chunk contains

    @property
    def known_share(self) -> float:
        """The share of the query's known mass in the chunk (0 when the knowledge base knows no term)."""
        return min(self.in_chunk / self.known, 1.0) if self.known > 0 else 0.0

    @property
    def total_share(self) -> float:
        return min(self.in_chunk / self.total, 1.0) if self.total > 0 else 0.0


def idf_coverage(
    texts: Sequence[str], weights: Sequence[float], chunk_ids: Sequence[int]
) -> dict[int, TermCoverage]:
    """Per chunk id: the IDF mass of the query ``texts`` (term weights ``weights``) it covers.

    Chunks without a tsvector, or whose configuration has no statistics yet (nothing indexed and
    refreshed), are missing from the result.
    """
    if not chunk_ids or not texts:
        return {}
    params = {
        "chunk_ids": sorted({int(chunk_id) for chunk_id in chunk_ids}),
        "texts": list(texts),
        "weights": [float(w) for w in weights],
    }
    with connection.cursor() as cursor:
        cursor.execute(_COVERAGE_SQL, params)
        rows = cursor.fetchall()
    return {
        int(chunk_id): TermCoverage(float(total or 0.0), float(known), float(in_chunk))
        for chunk_id, total, known, in_chunk in rows
    }
