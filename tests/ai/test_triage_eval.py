"""manage.py eval_triage on a tiny fixture: the report and the --json line's shape."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ai.evaluation.triage_eval import macro_f1, read_labelled_csv, tune_threshold
from ai.models import TriageModel

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TRAIN, TEST = FIXTURES / "triage_train.csv", FIXTURES / "triage_test.csv"
KEYS = {"accuracy", "macro_f1", "misroute_rate", "triage_queue_share", "fewshot", "oos_recall",
        "in_scope_accuracy", "train_s", "p95_ms"}  # fmt: skip

pytestmark = pytest.mark.django_db


def run(*args, settings, tmp_path) -> tuple[str, dict]:
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("eval_triage", "--train", str(TRAIN), "--test", str(TEST), "--json", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return out.getvalue(), json.loads(lines[-1])


def test_json_line_without_oos(settings, tmp_path):
    text, result = run("--threshold", "0.4", settings=settings, tmp_path=tmp_path)

    assert set(result) == KEYS
    assert result["oos_recall"] is None and result["in_scope_accuracy"] is None
    assert set(result["fewshot"]) == {"5", "10"}
    assert result["accuracy"] >= 0.75  # easy, well separated topics (oos is a fourth label here)
    assert 0 <= result["misroute_rate"] <= 1 - result["accuracy"] + 1e-9
    assert result["train_s"] > 0 and result["p95_ms"] > 0
    assert "macro-F1" in text
    assert TriageModel.objects.count() == 0  # trained in a rolled-back transaction
    assert list((tmp_path / "cache" / "triage").glob("*.npy"))  # embeddings cached for reruns


def test_oos_label_reports_recall_and_in_scope_accuracy(settings, tmp_path):
    _text, result = run("--oos-label", "oos", settings=settings, tmp_path=tmp_path)

    assert result["oos_recall"] is not None and 0 <= result["oos_recall"] <= 1
    assert result["in_scope_accuracy"] is not None and 0 <= result["in_scope_accuracy"] <= 1


def test_bad_threshold_is_refused(settings, tmp_path):
    with pytest.raises(CommandError):
        run("--threshold", "1.5", settings=settings, tmp_path=tmp_path)


def test_csv_reader_accepts_category_column(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text('text,category\n"multi\nline",card_arrival\n,empty\n', encoding="utf-8")
    data = read_labelled_csv(path)
    assert (data.texts, data.labels) == (["multi\nline"], ["card_arrival"])


def test_macro_f1_and_threshold_tuning():
    assert macro_f1(["a", "a", "b"], ["a", "a", "b"]) == 1.0
    assert macro_f1(["a", "b"], ["b", "a"]) == 0.0
    import numpy as np

    confidence = np.array([0.9, 0.8, 0.2, 0.3])
    correct = np.array([True, True, False, False])
    is_oos = np.array([False, False, True, True])
    assert 0.3 < tune_threshold(confidence, correct, is_oos) <= 0.8
