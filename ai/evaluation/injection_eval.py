"""Prompt-injection detector evaluation: accuracy, precision, recall and false-positive rate.

Accepted inputs (label 1 = injection, 0 = benign):
- CSV with a header containing ``text`` and ``label``;
- JSON lines ``{"text": ..., "label": ...}`` (deepset/prompt-injections as converted to train.jsonl);
- a JSON object ``{"emails": [str, ...]}`` (the LLMail-Inject benign email files): every email is
  label 0, so only the false-positive rate is meaningful;
- a directory: every ``*.json`` / ``*.jsonl`` / ``*.csv`` file in it, concatenated.

A text counts as blocked when ``detect_injection`` flags it or when the scope guard refuses it as a
request for an unrelated task ("write me a poem", "translate this essay": ``ai.guardrails.tasks``),
as the answer pipeline does; ``scope_blocked`` says how many texts only the scope guard stopped.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ai.guardrails.classifier import InjectionClassifier
from ai.guardrails.injection import detect_injection
from ai.guardrails.tasks import is_unrelated_task_request


class EvalInputError(ValueError):
    """The data file cannot be read as labelled texts."""


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: int


@dataclass
class InjectionReport:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    scope_blocked: int = 0  # blocked by the scope guard (unrelated task) and not by the detector

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    def _ratio(self, numerator: int, denominator: int) -> float | None:
        return numerator / denominator if denominator else None

    @property
    def accuracy(self) -> float | None:
        return self._ratio(self.tp + self.tn, self.n)

    @property
    def precision(self) -> float | None:
        return self._ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return self._ratio(self.tp, self.tp + self.fn)

    @property
    def fpr(self) -> float | None:
        return self._ratio(self.fp, self.fp + self.tn)

    def add(self, *, predicted: bool, label: int) -> None:
        if predicted and label:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif label:
            self.fn += 1
        else:
            self.tn += 1

    def to_json_dict(self) -> dict:
        def rounded(value):
            return None if value is None else round(value, 4)

        return {
            "accuracy": rounded(self.accuracy),
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "fpr": rounded(self.fpr),
            "n": self.n,
            "scope_blocked": self.scope_blocked,
        }


def _parse_label(value, where: str) -> int:
    text = str(value).strip().lower()
    if text in ("1", "1.0", "true", "injection", "yes"):
        return 1
    if text in ("0", "0.0", "false", "benign", "legitimate", "no"):
        return 0
    raise EvalInputError(f"{where}: label must be 0 or 1, got {value!r}")


def _from_records(records: Iterable[dict], where: str) -> list[LabelledText]:
    items = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict) or "text" not in record or "label" not in record:
            raise EvalInputError(f"{where} record {index}: expected fields 'text' and 'label'")
        items.append(
            LabelledText(str(record["text"]), _parse_label(record["label"], f"{where} record {index}"))
        )
    return items


def _load_file(path: Path) -> list[LabelledText]:
    raw = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(raw.splitlines())
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            raise EvalInputError(f"{path}: CSV needs a header with 'text' and 'label'")
        return _from_records(reader, str(path))
    stripped = raw.strip()
    if not stripped:
        return []
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("emails"), list):
        return [LabelledText(str(email), 0) for email in document["emails"]]
    if isinstance(document, list):
        return _from_records(document, str(path))
    if isinstance(document, dict):
        return _from_records([document], str(path))
    try:
        records = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except json.JSONDecodeError as error:
        raise EvalInputError(f"{path}: neither CSV, JSON nor JSON lines ({error})")
    return _from_records(records, str(path))


def load_labelled_texts(path: str | Path, *, limit: int | None = None) -> list[LabelledText]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".json", ".jsonl", ".csv"))
        items = [item for file in files for item in _load_file(file)]
    elif path.is_file():
        items = _load_file(path)
    else:
        raise EvalInputError(f"{path}: no such file or directory")
    if not items:
        raise EvalInputError(f"{path}: no labelled texts found")
    return items[:limit] if limit else items


def evaluate(
    items: list[LabelledText],
    *,
    model_path: str | Path | None = None,
    progress: Callable[[list[LabelledText]], Iterable[LabelledText]] = lambda items: items,
) -> InjectionReport:
    classifier = InjectionClassifier.load(model_path) if model_path else None
    report = InjectionReport()
    for item in progress(items):
        flagged = detect_injection(item.text, classifier=classifier).is_injection
        refused = not flagged and is_unrelated_task_request(item.text)
        report.scope_blocked += refused
        report.add(predicted=flagged or refused, label=item.label)
    return report


def format_table(report: InjectionReport) -> str:
    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{value * 100:.1f}%"

    rows = [
        ("accuracy", percent(report.accuracy)),
        ("precision", percent(report.precision)),
        ("recall", percent(report.recall)),
        ("false-positive rate", percent(report.fpr)),
        ("n", str(report.n)),
        ("  blocked by the scope guard only", str(report.scope_blocked)),
        ("  (tp / fp / tn / fn)", f"{report.tp} / {report.fp} / {report.tn} / {report.fn}"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{'metric':<{width}}  value", f"{'-' * width}  -----"]
    lines += [f"{name:<{width}}  {value}" for name, value in rows]
    return "\n".join(lines)
