"""How a search's statements run: prepared on their connection, and the full-text side split by chunk id.

Real PostgreSQL, the real embedding model, articles indexed by article_index.
"""

import pytest
from django.db import connection, transaction

from knowledge.indexing.index import article_index
from knowledge.selectors.search import DEFAULT_TUNING, _prepare, search
from knowledge.selectors.search_exec import search_cursor
from knowledge.selectors.search_sql import side_sql
from knowledge.services.articles import article_create

ARTICLES = [
    (
        "Reset your password",
        "Open the login page and choose Forgot password. The link is valid for 24 hours.",
    ),
    ("Password rules", "A password needs twelve characters. Reset it every year from your account page."),
    ("Refunds", "Refunds reach your card within five business days after we receive the return."),
    ("Returns", "Return an item within 30 days with the label from your order page."),
    ("Invoices", "We send the invoice as a PDF by email after shipping. Keep the invoice for the warranty."),
    ("Account", "Your account page shows orders, invoices, the password and the delivery address."),
]


def _index_all():
    for title, body in ARTICLES:
        article_index(article_create(title=title, body_md=body, publish=True).pk)


def _plans_of_search_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements "
            "WHERE statement LIKE '%%knowledge_chunk%%'"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db
def test_search_statements_are_prepared_on_the_connection_unless_switched_off(settings):
    _index_all()
    settings.SEARCH_PREPARED = False
    before = _plans_of_search_statements()
    assert search("how long is the reset link valid", k=3)
    assert _plans_of_search_statements() == before
    settings.SEARCH_PREPARED = True
    first = search("how long is the reset link valid", k=3)
    after_one = _plans_of_search_statements()
    assert after_one > before
    second = search("how long is the reset link valid", k=3)
    assert _plans_of_search_statements() > after_one  # the same prepared statement ran again
    assert [(h.chunk_id, round(h.score, 9)) for h in first] == [
        (h.chunk_id, round(h.score, 9)) for h in second
    ]


@pytest.mark.django_db
def test_full_text_parts_together_hold_exactly_the_whole_ranking():
    _index_all()
    options = {"k": 8, "audience": "public", "language": None, "category_id": None, "tuning": DEFAULT_TUNING}
    for question in ("password reset account page", "invoice pdf warranty", "refund return label order"):
        prepared = _prepare(
            question, (), mode="fulltext", language=None, tuning=DEFAULT_TUNING, embedder=None
        )
        with transaction.atomic(), search_cursor() as cursor:
            sql, params = side_sql(prepared, "text", **options)
            cursor.execute(sql, params)
            whole = cursor.fetchall()
            for parts in (2, 3):
                rows = []
                for index in range(parts):
                    sql, params = side_sql(prepared, "text", part=(index, parts), **options)
                    cursor.execute(sql, params)
                    part_rows = cursor.fetchall()
                    assert all(chunk_id % parts == index for chunk_id, _rank in part_rows)
                    rows += part_rows
                merged = sorted(rows, key=lambda row: (-row[1], row[0]))[: params["depth"]]
                assert merged == whole, (question, parts)
        assert len(whole) >= 2  # several candidates, so the parts were not trivially empty


@pytest.mark.django_db(transaction=True)
def test_three_parts_on_two_search_threads_equal_one_statement(settings):
    _index_all()
    history = [{"role": "user", "text": "I forgot my password"}]
    for question in ("How long is the password reset link valid?", "where is my invoice"):
        settings.SEARCH_THREADS = 0
        single = search(question, k=5, history=history)
        settings.SEARCH_THREADS = 3
        parallel = search(question, k=5, history=history)
        assert single
        assert [(h.chunk_id, round(h.score, 9), h.text_rank, h.snippet) for h in parallel] == [
            (h.chunk_id, round(h.score, 9), h.text_rank, h.snippet) for h in single
        ]
