"""eval_retrieval end to end: a throwaway database, the real model, the --json contract."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from knowledge.evaluation.retrieval_eval import EvalInputError, ModeResult, load_questions, percentile
from knowledge.models import Article, Chunk
from knowledge.services.articles import article_create

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DOCUMENTS = FIXTURES / "retrieval_documents.jsonl"
QUESTIONS = FIXTURES / "retrieval_questions.jsonl"


def _run(capsys, *extra):
    call_command(
        "eval_retrieval",
        "--documents",
        str(DOCUMENTS),
        "--questions",
        str(QUESTIONS),
        "--no-progress",
        *extra,
    )
    return capsys.readouterr().out.strip().splitlines()


@pytest.mark.django_db(transaction=True)
def test_json_last_line_and_the_real_kb_is_untouched(capsys):
    real = article_create(title="Reset your password", body_md="The real KB's own article.", publish=True)
    from knowledge.indexing.index import article_index

    article_index(real.pk)
    articles_before, chunks_before = Article.objects.count(), Chunk.objects.count()

    lines = _run(capsys, "--json", "--history")

    metrics = json.loads(lines[-1])
    assert set(metrics) == {"vector", "fulltext", "hybrid"}
    for values in metrics.values():
        assert set(values) == {"hit@1", "hit@5", "hit@10", "mrr", "p50_ms", "p95_ms"}
        assert 0 <= values["hit@1"] <= values["hit@5"] <= values["hit@10"] <= 1
        assert 0 <= values["mrr"] <= 1
        assert 0 < values["p50_ms"] <= values["p95_ms"]
    # Six short, distinct documents: the right one is always in the top 5 (German question included).
    assert metrics["hybrid"]["hit@5"] == 1.0
    assert metrics["vector"]["hit@5"] == 1.0
    table = "\n".join(lines[:-1])
    assert "6 documents" in table and "5 questions" in table and "1 skipped" in table
    assert "hybrid" in table and "hit@5" in table

    assert Article.objects.count() == articles_before and Chunk.objects.count() == chunks_before
    assert not Article.objects.filter(external_id="pw").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s", [f"helmdesk_eval_{os.getpid()}_%"]
        )
        assert cursor.fetchone()[0] == 0


def test_bad_input_is_a_command_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc_id": "a", "text": "fine"}\nnot json\n')
    with pytest.raises(CommandError, match="bad.jsonl:2: not JSON"):
        call_command("eval_retrieval", "--documents", str(bad), "--questions", str(QUESTIONS))
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "eval_retrieval", "--documents", str(tmp_path / "nope.jsonl"), "--questions", str(QUESTIONS)
        )


def test_questions_need_gold(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "1", "question": "hi"}\n')
    with pytest.raises(EvalInputError, match="gold_doc_id"):
        load_questions(path)


def test_metrics_arithmetic():
    result = ModeResult(ranks=[1, 3, None, 7], latencies_ms=[10.0, 20.0, 30.0, 40.0])
    metrics = result.metrics(k=10)
    assert metrics["hit@1"] == 0.25 and metrics["hit@5"] == 0.5 and metrics["hit@10"] == 0.75
    assert metrics["mrr"] == round((1 + 1 / 3 + 1 / 7) / 4, 4)
    assert percentile([5.0], 95) == 5.0
    assert metrics["p50_ms"] == 25.0
