# Term statistics for BM25 ranking inside PostgreSQL (knowledge/selectors/search_sql.py).
#
# Two materialized views over the chunks' tsvectors: document frequency per (search config, lexeme)
# and, per config, the number of chunks and their average length (distinct lexemes). They are
# refreshed after indexing (knowledge/indexing/term_stats.py), CONCURRENTLY so searches never wait.

from django.db import migrations

CREATE = """
CREATE MATERIALIZED VIEW knowledge_term_stat AS
    SELECT c.search_config AS config, t.lexeme, count(*)::integer AS df
    FROM knowledge_chunk c, unnest(tsvector_to_array(c.search_vector)) AS t(lexeme)
    WHERE c.search_vector IS NOT NULL
    GROUP BY c.search_config, t.lexeme;
CREATE UNIQUE INDEX knowledge_term_stat_key ON knowledge_term_stat (config, lexeme);
CREATE MATERIALIZED VIEW knowledge_corpus_stat AS
    SELECT search_config AS config, count(*)::integer AS chunks,
           avg(length(search_vector))::float8 AS avg_length
    FROM knowledge_chunk
    WHERE search_vector IS NOT NULL
    GROUP BY search_config;
CREATE UNIQUE INDEX knowledge_corpus_stat_key ON knowledge_corpus_stat (config);
"""

DROP = """
DROP MATERIALIZED VIEW IF EXISTS knowledge_corpus_stat;
DROP MATERIALIZED VIEW IF EXISTS knowledge_term_stat;
"""


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_chunks")]

    operations = [migrations.RunSQL(CREATE, DROP)]
