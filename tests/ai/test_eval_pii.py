"""eval_pii: metric arithmetic on hand-made findings, and the command on a small fixture file."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ai.evaluation.pii_eval import (
    GoldSpan,
    PiiEvalReport,
    Sample,
    evaluate,
    format_table,
    load_samples,
    score_sample,
)
from gateway.pii import Finding, RedactionError, Redactor

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "pii_synth_sample.json"


def test_loading_maps_dataset_types_and_drops_unscored_ones():
    samples = load_samples(FIXTURE)
    assert len(samples) == 7
    assert {gold.entity_type for sample in samples for gold in sample.gold} == {
        "PHONE_NUMBER", "PERSON", "CREDIT_CARD", "EMAIL_ADDRESS", "IBAN_CODE", "STREET_ADDRESS", "LOCATION",
        "URL", "IP_ADDRESS",
    }  # fmt: skip
    assert load_samples(FIXTURE, limit=2)[1].text.startswith("My card")


def test_loading_accepts_json_lines(tmp_path):
    path = tmp_path / "samples.jsonl"
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))[:3]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    assert [sample.text for sample in load_samples(path)] == [row["full_text"] for row in rows]


def test_scoring_counts_overlaps_per_type_and_visible_characters():
    text = "Call Ann Lee at 555 0100 now"
    sample = Sample(text=text, gold=(GoldSpan("PERSON", 5, 12), GoldSpan("PHONE_NUMBER", 16, 24)))
    predicted = [
        Finding("PERSON", 5, 8, 0.9),  # "Ann": overlaps the name, covers 3 of its 6 non-space characters
        Finding("PERSON", 0, 4, 0.9),  # "Call": a false positive
        Finding("LOCATION", 16, 24, 0.9),  # hides the phone number under the wrong type
    ]
    report = PiiEvalReport()

    score_sample(report, sample, predicted)

    person, phone = report.per_entity["PERSON"], report.per_entity["PHONE_NUMBER"]
    assert (person.recall, person.precision, person.char_recall) == (1.0, 0.5, 0.5)
    assert (phone.recall, phone.precision, phone.char_recall) == (0.0, None, 0.0)
    assert report.per_entity["LOCATION"].precision == 0.0
    # Visible: "Lee" (3 of 6 name characters); the phone's 7 digits are hidden whatever the type.
    assert report.pii_chars == 6 + 7 and report.visible_chars == 3


def test_failed_redaction_counts_everything_as_visible():
    class FailingRedactor(Redactor):
        def find(self, text):
            raise RedactionError("analysis timed out")

    samples = load_samples(FIXTURE, limit=2)
    report = evaluate(samples, redactor_factory=FailingRedactor)
    assert report.failures == 2 and report.visible_pii_chars == 1.0


def test_evaluate_on_the_fixture_finds_the_structured_data():
    report = evaluate(load_samples(FIXTURE))
    for entity in ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS"):
        assert report.per_entity[entity].recall == 1.0, entity
    assert report.samples == 7 and report.failures == 0
    table = format_table(report)
    assert "PHONE_NUMBER" in table and "PII characters left visible" in table


def test_command_prints_a_table_and_json_as_the_last_line():
    out = StringIO()
    call_command("eval_pii", "--data", str(FIXTURE), "--json", "--limit", "3", stdout=out, stderr=StringIO())

    lines = out.getvalue().strip().splitlines()
    result = json.loads(lines[-1])
    assert result["n"] == 3
    assert set(result["per_entity"]["EMAIL_ADDRESS"]) >= {"precision", "recall"}
    assert result["per_entity"]["CREDIT_CARD"]["recall"] == 1.0
    assert 0.0 <= result["visible_pii_chars"] <= 1.0
    assert any(line.startswith("entity") for line in lines[:-1])


def test_command_without_json_prints_no_json():
    out = StringIO()
    call_command("eval_pii", "--data", str(FIXTURE), "--limit", "1", stdout=out, stderr=StringIO())
    assert not out.getvalue().strip().splitlines()[-1].startswith("{")


def test_command_reports_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command(
            "eval_pii", "--data", str(tmp_path / "missing.json"), stdout=StringIO(), stderr=StringIO()
        )
