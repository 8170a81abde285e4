"""manage.py eval_answers on a tiny document set: rates, latency table, JSON last line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ai.evaluation.answers_eval import Outcome, load_answer_questions

pytestmark = pytest.mark.usefixtures("patient_pii")

DOCUMENTS = [
    {"doc_id": "pw", "title": "Reset your password", "text": "To reset your password, open the login page and "
     "click Forgot password. The reset link is valid for 24 hours."},
    {"doc_id": "ship", "title": "Shipping times", "text": "Orders ship from our warehouse within 2 business days. "
     "Standard delivery takes 3 to 5 business days."},
]  # fmt: skip
QUESTIONS = [
    {"id": "q1", "question": "How long is the password reset link valid?", "gold_doc_id": "pw"},
    {"id": "q2", "question": "How many business days does standard delivery take?", "gold_doc_ids": ["ship"]},
    {
        "id": "q3",
        "question": "Who painted the Mona Lisa?",
        "gold_doc_ids": [],
        "answerability": "UNANSWERABLE",
    },
]


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


@pytest.mark.django_db(transaction=True)
def test_eval_answers_prints_rates_stage_latency_and_json(tmp_path):
    documents = write_jsonl(tmp_path / "d.jsonl", DOCUMENTS)
    questions = write_jsonl(tmp_path / "q.jsonl", QUESTIONS)
    out = StringIO()
    call_command(
        "eval_answers", documents=str(documents), questions=str(questions), json=True, no_progress=True,
        threshold=0.3, stdout=out,
    )  # fmt: skip
    text = out.getvalue()
    summary = json.loads(text.strip().splitlines()[-1])
    assert set(summary) == {"correct", "wrong", "handoff", "n", "p50_ms", "p95_ms"}
    assert summary["n"] == 3
    assert summary["correct"] == pytest.approx(2 / 3, abs=0.01)
    assert summary["wrong"] == 0.0 and summary["handoff"] == pytest.approx(1 / 3, abs=0.01)
    assert "retrieve" in text and "threshold sweep" in text
    assert "unanswerable questions handed off: 1/1" in text


def test_outcomes_apply_the_threshold_after_the_fact():
    outcome = Outcome("q", "answered", 0.6, True, "", {}, True)
    assert outcome.at(0.5) == "correct" and outcome.at(0.7) == "handoff"
    assert Outcome("q", "answered", 0.9, False, "", {}, False).at(0.5) == "wrong"
    assert Outcome("q", "handed_off", 0.9, True, "", {}, True).at(0.0) == "handoff"


def test_bad_question_files_are_refused_with_the_line(tmp_path):
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": 1}\n')
    with pytest.raises(Exception, match="q.jsonl:1"):
        load_answer_questions(bad)
    with pytest.raises(CommandError):
        call_command("eval_answers", documents=str(bad), questions=str(bad), stdout=StringIO())
