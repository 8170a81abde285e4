"""Evaluate PII redaction on the Presidio synthetic format (presidio-research synth_dataset_v2).

Input: a JSON list (or JSON lines) of samples `{"full_text", "spans": [{"entity_type",
"start_position", "end_position", ...}]}`.

What is scored is exactly what `Redactor.redact` replaces: the merged, allow-listed spans.

Metrics, per entity type, span-overlap based (what Presidio's evaluator calls partial matching):
- recall: share of gold spans overlapped by at least one redacted span of the same type;
- precision: share of redacted spans of a type that overlap at least one gold span of that type;
- char_recall: share of the gold spans' non-space characters covered by redacted spans of that type.
`visible_pii_chars` is type-agnostic and about privacy rather than labels: the share of non-space
characters inside gold spans of the mapped types that no redacted span covers.

Dataset types -> Helmdesk types. ZIP_CODE counts as part of a postal address and DOMAIN_NAME (the
dataset's website URLs) as URL. ORGANIZATION, DATE_TIME, TITLE, AGE, NRP, US_SSN and
US_DRIVER_LICENSE are not redacted by Helmdesk; they are not scored for recall, and a redacted span
that overlaps only one of them counts as a false positive.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gateway.pii import ENTITIES, Finding, RedactionError, Redactor

DATASET_TO_ENTITY = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "STREET_ADDRESS": "STREET_ADDRESS",
    "ZIP_CODE": "STREET_ADDRESS",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "IP_ADDRESS": "IP_ADDRESS",
    "DOMAIN_NAME": "URL",
    "URL": "URL",
    # bench/pii_multilingual.py (DE/FR/ES/NL/IT/PT samples): checksum-valid national identity numbers
    "NATIONAL_ID": "NATIONAL_ID",
}


@dataclass(frozen=True)
class GoldSpan:
    entity_type: str  # already mapped to a Helmdesk type
    start: int
    end: int


@dataclass(frozen=True)
class Sample:
    text: str
    gold: tuple[GoldSpan, ...]


@dataclass
class EntityCounts:
    gold: int = 0
    gold_found: int = 0
    predicted: int = 0
    predicted_correct: int = 0
    gold_chars: int = 0
    gold_chars_covered: int = 0

    @property
    def precision(self) -> float | None:
        return self.predicted_correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.gold_found / self.gold if self.gold else None

    @property
    def char_recall(self) -> float | None:
        return self.gold_chars_covered / self.gold_chars if self.gold_chars else None


@dataclass
class PiiEvalReport:
    per_entity: dict[str, EntityCounts] = field(default_factory=lambda: {e: EntityCounts() for e in ENTITIES})
    pii_chars: int = 0
    visible_chars: int = 0
    samples: int = 0
    failures: int = 0
    seconds: float = 0.0

    @property
    def visible_pii_chars(self) -> float:
        return self.visible_chars / self.pii_chars if self.pii_chars else 0.0

    def to_json_dict(self) -> dict:
        return {
            "per_entity": {
                entity: {
                    "precision": _rounded(counts.precision),
                    "recall": _rounded(counts.recall),
                    "char_recall": _rounded(counts.char_recall),
                    "gold": counts.gold,
                    "predicted": counts.predicted,
                }
                for entity, counts in self.per_entity.items()
            },
            "visible_pii_chars": round(self.visible_pii_chars, 4),
            "n": self.samples,
            "failures": self.failures,
            "seconds": round(self.seconds, 1),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def load_samples(path: str | Path, limit: int | None = None) -> list[Sample]:
    raw = Path(path).read_text(encoding="utf-8")
    stripped = raw.lstrip()
    records = (
        json.loads(raw)
        if stripped.startswith("[")
        else [json.loads(line) for line in raw.splitlines() if line.strip()]
    )
    if limit is not None:
        records = records[:limit]
    return [_sample_from_record(record) for record in records]


def _sample_from_record(record: dict) -> Sample:
    gold = tuple(
        GoldSpan(DATASET_TO_ENTITY[span["entity_type"]], span["start_position"], span["end_position"])
        for span in record.get("spans") or []
        if span["entity_type"] in DATASET_TO_ENTITY
    )
    return Sample(text=record["full_text"], gold=gold)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _non_space_positions(text: str, start: int, end: int) -> set[int]:
    return {index for index in range(start, end) if not text[index].isspace()}


def score_sample(report: PiiEvalReport, sample: Sample, predicted: list[Finding]) -> None:
    text = sample.text
    for gold in sample.gold:
        counts = report.per_entity[gold.entity_type]
        counts.gold += 1
        same_type = [p for p in predicted if p.entity_type == gold.entity_type]
        if any(_overlaps(gold.start, gold.end, p.start, p.end) for p in same_type):
            counts.gold_found += 1
        gold_positions = _non_space_positions(text, gold.start, gold.end)
        covered_same_type = set().union(*(range(p.start, p.end) for p in same_type)) if same_type else set()
        counts.gold_chars += len(gold_positions)
        counts.gold_chars_covered += len(gold_positions & covered_same_type)
    pii_positions = (
        set().union(*(_non_space_positions(text, g.start, g.end) for g in sample.gold))
        if sample.gold
        else set()
    )
    covered = set().union(*(range(p.start, p.end) for p in predicted)) if predicted else set()
    report.pii_chars += len(pii_positions)
    report.visible_chars += len(pii_positions - covered)
    for prediction in predicted:
        counts = report.per_entity.setdefault(prediction.entity_type, EntityCounts())
        counts.predicted += 1
        if any(
            g.entity_type == prediction.entity_type
            and _overlaps(g.start, g.end, prediction.start, prediction.end)
            for g in sample.gold
        ):
            counts.predicted_correct += 1


def evaluate(
    samples: Iterable[Sample],
    *,
    redactor_factory: Callable[[], Redactor] = Redactor,
    progress: Callable[[Iterable[Sample]], Iterable[Sample]] = lambda items: items,
) -> PiiEvalReport:
    """Run each sample through a fresh Redactor (no values carried between samples) and score it.

    A sample whose redaction fails counts as nothing redacted: fail-closed callers would hand it
    off, but for the metric its PII is treated as visible.
    """
    report = PiiEvalReport()
    started = time.perf_counter()
    for sample in progress(samples):
        report.samples += 1
        try:
            predicted = redactor_factory().find(sample.text)
        except RedactionError:
            report.failures += 1
            predicted = []
        score_sample(report, sample, predicted)
    report.seconds = time.perf_counter() - started
    return report


def format_table(report: PiiEvalReport) -> str:
    def percent(value: float | None) -> str:
        return "-" if value is None else f"{100 * value:6.2f}%"

    lines = [f"{'entity':<16} {'gold':>5} {'found':>6} {'precision':>10} {'recall':>8} {'char recall':>12}"]
    for entity, counts in report.per_entity.items():
        lines.append(
            f"{entity:<16} {counts.gold:>5} {counts.predicted:>6} {percent(counts.precision):>10} "
            f"{percent(counts.recall):>8} {percent(counts.char_recall):>12}"
        )
    lines.append("")
    lines.append(f"PII characters left visible: {100 * report.visible_pii_chars:.2f}% of {report.pii_chars}")
    lines.append(
        f"samples: {report.samples}, failed redactions: {report.failures}, time: {report.seconds:.1f} s"
    )
    return "\n".join(lines)
