"""The SQL of one hybrid search: vector top-N, BM25 full-text top-N, fusion, visibility, highlighting.

Full-text ranking is Okapi BM25 computed inside PostgreSQL:

    bm25(chunk) = sum over query terms t of  w(t) * idf(t) * tf(t) * (k1 + 1) / (tf(t) + k1 * (1 - b + b * len / avg_len))
    idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

- ``df``, ``N`` and ``avg_len`` per text-search configuration come from the materialized views of
  migration 0003 (knowledge/indexing/term_stats.py refreshes them after indexing).
- ``tf`` is read from the chunk's tsvector (positions per lexeme); positions of the title and heading
  path (tsvector weight A) count ``title_boost`` times (a BM25F-style field boost).
- ``len`` is the number of distinct lexemes of the chunk (``length(tsvector)``).
- ``w(t)`` is the query-term weight: 1 for words of the question, ``history_text_weight`` for words
  of the previous user turn, decaying by ``history_decay`` per turn further back (query rewriting
  from the dialogue: a follow-up "how long is it valid?" borrows "reset password link").

Which chunks are scored: the query's (up to ``MAX_MATCH_TERMS``) most informative terms (weight x
IDF) that are not very common (df above max(``common_df_min``, ``common_df_ratio`` x N) only
scores, never selects); a chunk must contain two of them, or one rare term (df at most
max(``rare_df_min``, ``rare_df_ratio`` x N)); at most ``max_candidates`` chunks are scored. Scoring
reads the tsvector of every candidate, so this bounds the work on a large knowledge base (on a help
center of a few thousand chunks none of the limits bites); with IDF in the score, one common word
can no longer pull a chunk up anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_MATCH_TERMS = 12

_QUERY_TERMS_SQL = """
    SELECT x.cfg, x.lexeme, max(x.w) AS w, max(coalesce(s.df, 0)) AS df,
           max(ln(1 + (cs.chunks - coalesce(s.df, 0) + 0.5) / (coalesce(s.df, 0) + 0.5))) AS idf,
           max(cs.avg_length) AS avg_length, max(cs.chunks) AS chunks,
           bool_or(coalesce(s.df, 0) <= greatest(%(rare_df_min)s, cs.chunks * %(rare_df_ratio)s)) AS rare
    FROM (
        SELECT cfg, v.lexeme, t.w
        FROM unnest(%(configs)s::text[]) AS cfg,
             unnest(%(query_texts)s::text[], %(query_weights)s::float8[]) AS t(txt, w),
             unnest(to_tsvector(cfg::regconfig, t.txt)) AS v
    ) x
    JOIN knowledge_corpus_stat cs ON cs.config = x.cfg
    LEFT JOIN knowledge_term_stat s ON s.config = x.cfg AND s.lexeme = x.lexeme
    WHERE x.lexeme <> '' AND strpos(x.lexeme, chr(92)) = 0
    GROUP BY x.cfg, x.lexeme
"""
_MATCH_TERMS_SQL = """
    SELECT cfg, lexeme, rare FROM (
        SELECT cfg, lexeme, rare,
               row_number() OVER (PARTITION BY cfg ORDER BY w * idf DESC, lexeme) AS n
        FROM qterms
        WHERE df > 0 AND df <= greatest(%(common_df_min)s, chunks * %(common_df_ratio)s)
    ) ranked
    WHERE n <= %(max_match_terms)s
"""
_MATCH_TSQUERY_SQL = """
    SELECT COALESCE(string_agg(clause, ' | '), '')::tsquery FROM (
        SELECT '(' || quote_literal(a.lexeme) || ' & ' || quote_literal(b.lexeme) || ')'
        FROM mterms a JOIN mterms b ON a.cfg = b.cfg AND a.lexeme < b.lexeme
        WHERE (SELECT count(*) FROM mterms t WHERE t.cfg = a.cfg) >= 3
        UNION ALL
        SELECT quote_literal(t.lexeme) FROM mterms t
        WHERE t.rare OR (SELECT count(*) FROM mterms u WHERE u.cfg = t.cfg) < 3
    ) AS clauses(clause)
"""


def _or_tsquery_sql(param: str, configs: Sequence[str]) -> str:
    """The content words of %(param)s, OR-ed, under every text-search config in use (highlighting)."""
    parts = [
        f"replace(plainto_tsquery('{config}'::regconfig, %({param})s)::text, ' & ', ' | ')::tsquery"
        for config in configs
    ]
    return " || ".join(parts)


def filters_sql(audience: str, language: str | None, category_id: int | None) -> tuple[str, dict]:
    clauses, params = [], {}
    if audience == "public":
        clauses.append("c.audience = 'public'")
    if language:
        clauses.append("c.language = %(language)s")
        params["language"] = language
    if category_id is not None:
        clauses.append("c.category_id = %(category_id)s")
        params["category_id"] = category_id
    return (" AND ".join(clauses) or "TRUE"), params


def _parameters(
    prepared, *, k, audience, language, category_id, mode, tuning, prefer_language, with_vector
) -> tuple[str, dict]:
    where, params = filters_sql(audience, language, category_id)
    use_vector, use_text = mode in ("hybrid", "vector"), mode in ("hybrid", "fulltext")
    params.update(
        depth=max(tuning.depth, k),
        k=k,
        rrf_k=tuning.rrf_k,
        vector_weight=tuning.vector_weight if use_vector else 0.0,
        text_weight=tuning.text_weight if use_text else 0.0,
        configs=list(prepared.configs),
        query_texts=list(prepared.query_texts),
        query_weights=list(prepared.query_weights),
        question=prepared.query_texts[0],
        history=" ".join(prepared.query_texts[1:]),
        max_match_terms=MAX_MATCH_TERMS,
        rare_df_min=tuning.rare_df_min,
        rare_df_ratio=tuning.rare_df_ratio,
        common_df_min=tuning.common_df_min,
        common_df_ratio=tuning.common_df_ratio,
        max_candidates=tuning.max_candidates,
        k1=tuning.bm25_k1,
        b=tuning.bm25_b,
        title_boost=tuning.title_boost,
        prefer_language=prefer_language or "",
        language_boost=tuning.language_boost if prefer_language else 1.0,
        language_boost_cosine=tuning.language_boost_cosine,
        mark_options="StartSel=\ue000, StopSel=\ue001, MaxWords=35, MinWords=15, "
        "MaxFragments=2, FragmentDelimiter= … ",
    )
    if with_vector:
        # Python floats format ~2x faster than numpy scalars; the text is the same.
        params["qvec"] = "[" + ",".join([f"{x:.7g}" for x in prepared.vector.tolist()]) + "]"
    return where, params


def _vector_top(where: str) -> str:
    """The HNSW top-N by cosine distance: (id, dist), nearest first."""
    return f"""
        SELECT c.id, (c.embedding <=> %(qvec)s::vector) AS dist FROM knowledge_chunk c
        WHERE {where} ORDER BY c.embedding <=> %(qvec)s::vector LIMIT %(depth)s"""  # noqa: S608 (fixed fragments)


# The BM25 statistics of the query's terms and the candidate tsquery (needed by _text_top).
_TEXT_CTES = f"""
    qterms AS MATERIALIZED ({_QUERY_TERMS_SQL}),
    mterms AS MATERIALIZED ({_MATCH_TERMS_SQL}),
    qlexemes AS MATERIALIZED (
        SELECT cfg, array_agg(lexeme ORDER BY lexeme) AS lexemes, array_agg(w * idf ORDER BY lexeme) AS weights,
               max(avg_length) AS avg_length
        FROM qterms GROUP BY cfg
    ),
    tsq_match AS MATERIALIZED (SELECT ({_MATCH_TSQUERY_SQL}) AS match)"""  # noqa: S608 (fixed fragments)


def _text_top(where: str) -> str:
    """BM25 over the candidates (see the module docstring): (id, rank), best first.

    Each candidate's tsvector is read once (``|| ''`` detoasts it a single time); ``setweight`` +
    ``ts_filter`` cut it down to the query's lexemes in C before anything is unnested (a chunk has
    ~100 distinct lexemes, a query a handful), and the title/heading positions (weight A) are counted
    from the A-only part of the vector. The query terms' weights (w x IDF) come as arrays aligned
    with the sorted lexemes, so scoring a candidate needs no join with the terms; its matched
    lexemes are joined laterally and summed by one grouping (no subquery per candidate)."""
    return f"""
        SELECT c.id, sum(c.weights[array_position(c.lexemes, v.lexeme)] * (v.tf * (%(k1)s + 1))
                         / (v.tf + %(k1)s * (1 - %(b)s + %(b)s * c.len / c.avg_length))) AS rank
        FROM (
            SELECT c.id, c.lexemes, c.weights, c.avg_length, length(c.sv) AS len,
                   ts_filter(setweight(c.sv, 'B', c.lexemes), '{{b}}') AS matched,
                   ts_filter(setweight(ts_filter(c.sv, '{{a}}'), 'B', c.lexemes), '{{b}}') AS matched_title
            FROM (
                SELECT c.id, c.search_vector || ''::tsvector AS sv, ql.lexemes, ql.weights, ql.avg_length
                FROM knowledge_chunk c
                CROSS JOIN tsq_match
                JOIN qlexemes ql ON ql.cfg = c.search_config
                WHERE c.search_vector @@ tsq_match.match AND {where}
                LIMIT %(max_candidates)s
            ) c
            OFFSET 0
        ) c
        LEFT JOIN LATERAL (
            SELECT m.lexeme,
                   cardinality(m.positions) + (%(title_boost)s - 1) * coalesce(cardinality(t.positions), 0) AS tf
            FROM unnest(c.matched) AS m LEFT JOIN unnest(c.matched_title) AS t ON t.lexeme = m.lexeme
        ) v ON TRUE
        GROUP BY c.id
        ORDER BY rank DESC NULLS LAST, c.id LIMIT %(depth)s"""  # noqa: S608 (fixed fragments)


def side_sql(
    prepared, side: str, *, k: int, audience: str, language, category_id, tuning, part=(0, 1)
) -> tuple[str, dict]:
    """One side of a hybrid search as its own statement (the parallel path runs the sides on several
    connections at once): ``vector`` gives (id, dist), ``text`` gives (id, rank), best first.
    ``part=(i, n)``: only the full-text candidates whose id is i modulo n (at most 1/n of
    ``max_candidates`` of them), so n connections can score the candidates of one search."""
    where, params = _parameters(
        prepared, k=k, audience=audience, language=language, category_id=category_id, mode="hybrid",
        tuning=tuning, prefer_language=None, with_vector=side == "vector",
    )  # fmt: skip
    if side == "vector":
        return _vector_top(where), params
    index, parts = part
    if parts > 1:
        where += " AND mod(c.id, %(parts)s) = %(part)s"
        params.update(parts=parts, part=index, max_candidates=-(-tuning.max_candidates // parts))
    sql = f"WITH {_TEXT_CTES}, txt AS ({_text_top(where)}) SELECT id, rank FROM txt WHERE rank IS NOT NULL"  # noqa: S608
    return sql, params


def build_sql(
    prepared,
    *,
    k: int,
    audience: str,
    language: str | None,
    category_id: int | None,
    mode: str,
    tuning,
    prefer_language: str | None = None,
    snippets: bool = True,
    sides: dict | None = None,
) -> tuple[str, dict]:
    """The search as one statement. ``sides`` = ``{"vector": [(id, dist), ...], "text": [(id, rank), ...]}``
    when both sides were already computed (``side_sql``): the statement then only fuses, checks
    visibility and highlights."""
    where, params = _parameters(
        prepared, k=k, audience=audience, language=language, category_id=category_id, mode=mode,
        tuning=tuning, prefer_language=prefer_language, with_vector=sides is None and mode != "fulltext",
    )  # fmt: skip
    use_vector, use_text = mode in ("hybrid", "vector"), mode in ("hybrid", "fulltext")
    ctes = []
    vector_cte = "SELECT NULL::bigint AS id, NULL::float8 AS dist, NULL::bigint AS rnk WHERE FALSE"
    text_cte = "SELECT NULL::bigint AS id, NULL::float8 AS rank, NULL::bigint AS rnk WHERE FALSE"
    if sides is not None:
        params.update(
            vec_ids=[row[0] for row in sides["vector"]], vec_dists=[row[1] for row in sides["vector"]],
            txt_ids=[row[0] for row in sides["text"]], txt_ranks=[row[1] for row in sides["text"]],
        )  # fmt: skip
        vector_cte = """SELECT id, dist, row_number() OVER (ORDER BY dist, id) AS rnk
            FROM unnest(%(vec_ids)s::bigint[], %(vec_dists)s::float8[]) AS v(id, dist)"""
        text_cte = """SELECT id, rank, row_number() OVER (ORDER BY rank DESC, id) AS rnk
            FROM unnest(%(txt_ids)s::bigint[], %(txt_ranks)s::float8[]) AS t(id, rank)"""
    else:
        if use_vector:
            vector_top = _vector_top(where)
            vector_cte = (
                f"SELECT id, dist, row_number() OVER (ORDER BY dist, id) AS rnk FROM ({vector_top}) v"  # noqa: S608
            )
        if use_text:
            ctes.append(_TEXT_CTES)
            text_cte = f"""SELECT id, rank, row_number() OVER (ORDER BY rank DESC, id) AS rnk
                FROM ({_text_top(where)}) t WHERE rank IS NOT NULL"""  # noqa: S608 (fixed fragments)
    headline, tsq_join = "NULL::text", ""
    if snippets:
        ctes.append(f"""tsq AS MATERIALIZED (
            SELECT {_or_tsquery_sql("question", prepared.configs)} AS question,
                   {_or_tsquery_sql("history", prepared.configs)} AS history
        )""")
        headline = """ts_headline(c.search_config::regconfig,
                           replace(replace(c.text, E'\\ue000', ''), E'\\ue001', ''),
                           tsq.question || tsq.history, %(mark_options)s)"""
        tsq_join = "CROSS JOIN tsq"
    sql = f"""
        WITH {"".join(cte + "," for cte in ctes)}
        vec AS ({vector_cte}),
        txt AS ({text_cte}),
        fused AS (
            SELECT COALESCE(vec.id, txt.id) AS id, vec.dist, vec.rnk AS vector_rank,
                   txt.rank AS text_score, txt.rnk AS text_rank,
                   COALESCE(%(vector_weight)s / (%(rrf_k)s + vec.rnk), 0)
                   + COALESCE(%(text_weight)s / (%(rrf_k)s + txt.rnk), 0) AS score
            FROM vec FULL OUTER JOIN txt ON vec.id = txt.id
        )
        SELECT f.id, f.dist, f.vector_rank, f.text_score, f.text_rank,
               f.score * (CASE WHEN c.language = %(prefer_language)s
                                    AND (f.text_rank IS NOT NULL OR 1 - f.dist >= %(language_boost_cosine)s)
                               THEN %(language_boost)s ELSE 1 END) AS score,
               c.article_id, c.heading_path, c.text, c.language, c.category_id,
               a.title, a.slug,
               {headline} AS headline
        FROM fused f
        JOIN knowledge_chunk c ON c.id = f.id
        JOIN knowledge_article a ON a.id = c.article_id
        {tsq_join}
        WHERE a.status = 'published' {"AND NOT a.internal_only" if audience == "public" else ""}
        ORDER BY 6 DESC, f.id
        LIMIT %(k)s
    """  # noqa: S608 (only fixed SQL fragments are interpolated; values are parameters)
    return sql, params
