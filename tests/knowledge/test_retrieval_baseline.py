"""The reference retriever (plain BM25 + sentence-encoder RRF) and per-subset figures in eval_retrieval."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from knowledge.evaluation.retrieval_eval import ModeResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.django_db(transaction=True)
def test_baseline_is_scored_beside_the_product_modes(capsys, tmp_path):
    questions = tmp_path / "questions.jsonl"
    lines = (FIXTURES / "retrieval_questions.jsonl").read_text().splitlines()
    with open(questions, "w") as out:
        for number, line in enumerate(lines):
            record = json.loads(line)
            record["subset"] = "first" if number % 2 else "second"
            out.write(json.dumps(record) + "\n")
    call_command(
        "eval_retrieval", "--documents", str(FIXTURES / "retrieval_documents.jsonl"),
        "--questions", str(questions), "--no-progress", "--baseline", "--json",
    )  # fmt: skip
    output = capsys.readouterr().out.strip().splitlines()
    metrics = json.loads(output[-1])
    assert {"vector", "fulltext", "hybrid", "baseline"} <= set(metrics)
    # Six short, distinct documents: the textbook retriever finds them too.
    assert metrics["baseline"]["hit@5"] == 1.0
    assert set(metrics["subsets"]) == {"first", "second"}
    assert set(metrics["subsets"]["first"]) == {"vector", "fulltext", "hybrid", "baseline"}
    assert "subset first:" in "\n".join(output)


def test_subset_metrics_split_the_questions():
    result = ModeResult(ranks=[1, None, 2, 1], latencies_ms=[1, 2, 3, 4], subsets=["a", "b", "a", "b"])
    assert result.subset("a").metrics(10)["hit@1"] == 0.5
    assert result.subset("b").metrics(10)["hit@5"] == 0.5
    assert result.subset("a").metrics(10)["mrr"] == 0.75
