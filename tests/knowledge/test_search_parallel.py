"""Hybrid search with its two sides on two connections at once gives exactly the one-statement result.

Outside a transaction the vector side runs on a search thread's own connection while the request's
connection ranks full text; inside one (uncommitted rows another connection cannot see) everything
stays in one statement. Real PostgreSQL, the real embedding model, articles indexed by article_index.
"""

import pytest
from django.db import connection, transaction

from knowledge.indexing.index import article_index
from knowledge.selectors.search import search
from knowledge.services.articles import article_create

ARTICLES = [
    (
        "Reset your password",
        "Open the login page and choose Forgot password. The link is valid for 24 hours.",
    ),
    ("Refunds", "Refunds reach your card within five business days after we receive the return."),
    ("Express delivery", "Express delivery arrives the next working day if you order before 2 pm."),
    ("Passwort zurücksetzen", "Öffnen Sie die Anmeldeseite und wählen Sie Passwort vergessen."),
    ("Invoices", "We send the invoice as a PDF by email after shipping. Keep it for the warranty."),
    ("Returns", "Return an item within 30 days with the label from your order page."),
]
QUESTIONS = [
    "How long is the password reset link valid?",
    "when do I get my refund",
    "Wie setze ich mein Passwort zurück?",
    "invoice pdf warranty",
    "zzzz qqqq",
]


def _index_all():
    for title, body in ARTICLES:
        article_index(article_create(title=title, body_md=body, publish=True).pk)


def _statements_on_this_connection(call):
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = call()
    return result, statements


def _key(hits):
    return [(h.chunk_id, round(h.score, 9), h.vector_rank, h.text_rank, h.snippet) for h in hits]


@pytest.mark.django_db(transaction=True)
def test_parallel_sides_equal_the_single_statement(settings):
    _index_all()
    history = [{"role": "user", "text": "I forgot my password"}]
    for question in QUESTIONS:
        settings.SEARCH_THREADS = 0
        single, single_sql = _statements_on_this_connection(
            lambda q=question: search(q, k=5, history=history)
        )
        settings.SEARCH_THREADS = 2
        parallel, parallel_sql = _statements_on_this_connection(
            lambda q=question: search(q, k=5, history=history)
        )
        assert _key(parallel) == _key(single), question
        # The HNSW scan ran on this connection only in the single-statement search.
        assert any("<=>" in sql for sql in single_sql)
        assert not any("<=>" in sql for sql in parallel_sql)
    assert _key(search("password reset link", k=5))  # found something: the comparison was not of empty lists


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_search_sees_uncommitted_articles(settings):
    settings.SEARCH_THREADS = 2
    with transaction.atomic():
        article = article_create(
            title="Gift wrapping", body_md="We wrap gifts in recycled paper for free.", publish=True
        )
        article_index(article.pk)
        hits = search("Do you wrap gifts?", k=3)
        assert hits and hits[0].article_id == article.pk
