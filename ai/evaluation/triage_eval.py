"""Offline evaluation of triage on labelled CSV files (header row; columns `text` and `label`).

Trains the history model on TRAIN exactly as the product does (same features, same calibration),
stores and reloads it inside a transaction that is rolled back (nothing reaches the real database),
and scores TEST: accuracy, macro-F1, misroutes and triage-queue share at the confidence threshold,
few-shot accuracy (5 and 10 labelled examples per label, fixed seed), out-of-scope recall and
in-scope accuracy, train time and per-ticket latency.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import DatabaseError, transaction

from ai.models import TriageModel, TriageSettings
from ai.pipelines.triage import embedding
from ai.pipelines.triage.classifier import predict_topic, topic_probabilities
from ai.pipelines.triage.history import HistoryModel, label_order, train_history_model
from ai.pipelines.triage.prototypes import TopicText, build_prototypes

TEXT_COLUMNS = ("text", "utterance", "query", "sentence")
LABEL_COLUMNS = ("label", "category", "intent", "topic")
FEWSHOT_SIZES = (5, 10)
LATENCY_SAMPLE = 200


@dataclass
class LabelledData:
    texts: list[str]
    labels: list[str]


def read_labelled_csv(path: str | Path) -> LabelledData:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = [name.strip().lower() for name in reader.fieldnames or []]
        if len(fields) < 2:
            raise ValueError("the CSV needs a header row with a text and a label column")
        original = dict(zip(fields, reader.fieldnames, strict=True))
        text_key = original[next((c for c in TEXT_COLUMNS if c in original), fields[0])]
        label_key = original[next((c for c in LABEL_COLUMNS if c in original), fields[1])]
        texts, labels = [], []
        for row in reader:
            text, label = (row.get(text_key) or "").strip(), (row.get(label_key) or "").strip()
            if text and label:
                texts.append(text)
                labels.append(label)
    if not texts:
        raise ValueError(f"{path}: no labelled rows")
    return LabelledData(texts, labels)


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    labels = sorted(set(truth) | set(predicted))
    truth_arr, pred_arr = np.array(truth), np.array(predicted)
    scores = []
    for label in labels:
        tp = float(((pred_arr == label) & (truth_arr == label)).sum())
        fp = float(((pred_arr == label) & (truth_arr != label)).sum())
        fn = float(((pred_arr != label) & (truth_arr == label)).sum())
        if tp + fp + fn:
            scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else 0.0


def sample_per_label(labels: np.ndarray, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    chosen = [rng.permutation(np.flatnonzero(labels == label))[:k] for label in label_order(labels.tolist())]
    return np.sort(np.concatenate(chosen))


def stored_and_reloaded(model: HistoryModel) -> HistoryModel:
    """The model as the product would load it: saved as a TriageModel row in a transaction that is
    rolled back, then read back from the row's bytes."""

    class _Rollback(Exception):
        pass

    blob = model.to_bytes()
    try:
        with transaction.atomic():
            row = TriageModel.objects.create(
                version=10**6, labels=model.labels, label_counts=model.counts.tolist(), weights=blob,
                n_labels=len(model.labels), n_examples=int(model.counts.sum()), metrics=model.metrics,
            )  # fmt: skip
            blob = bytes(TriageModel.objects.values_list("weights", flat=True).get(pk=row.pk))
            raise _Rollback
    except _Rollback:
        pass
    except DatabaseError:
        pass  # no migrated database here: the in-memory bytes are the same round trip
    return HistoryModel.from_bytes(blob, labels=model.labels, metrics=model.metrics)


def tune_threshold(confidence: np.ndarray, in_scope_correct: np.ndarray, is_oos: np.ndarray) -> float:
    """The threshold with the best accuracy over all validation items, out-of-scope ones counted
    right when they go to the triage queue and in-scope ones when routed to the right label."""
    best, best_score = 0.5, -1.0
    for threshold in np.linspace(0.05, 0.95, 91):
        routed = confidence >= threshold
        score = float(np.where(is_oos, ~routed, routed & in_scope_correct).mean())
        if score > best_score:
            best, best_score = float(threshold), score
    return round(best, 2)


def evaluate(
    *,
    train: LabelledData,
    test: LabelledData,
    oos_label: str | None = None,
    threshold: float | None = None,
    cache_dir: Path,
    seed: int = 0,
    log: Callable[[str], None] = lambda _line: None,
) -> dict:
    started = time.perf_counter()
    train_vectors = embedding.embed_texts_cached(train.texts, cache_dir=cache_dir)
    test_vectors = embedding.embed_texts_cached(test.texts, cache_dir=cache_dir)
    log(f"embedded {len(train.texts)} + {len(test.texts)} texts in {time.perf_counter() - started:.1f}s")
    train_labels = np.array(train.labels)
    in_scope = train_labels != oos_label if oos_label else np.ones(len(train_labels), dtype=bool)
    classes = label_order(train_labels[in_scope].tolist())
    prototypes = build_prototypes(
        [TopicText(label, label) for label in classes],
        lambda texts: embedding.embed_texts_cached(texts, cache_dir=cache_dir),
    )

    def fit(index: np.ndarray) -> HistoryModel:
        return train_history_model(
            train_vectors[index], train_labels[index].tolist(), texts=[train.texts[i] for i in index],
            zero_shot=prototypes.probabilities, seed=seed,
        )  # fmt: skip

    threshold_source = "given"
    if threshold is None and oos_label and (~in_scope).any():
        threshold = _threshold_from_validation(
            fit, train_vectors, train.texts, train_labels, in_scope, prototypes, seed
        )
        threshold_source = "tuned for accuracy on a validation split of TRAIN"
        log(f"threshold {threshold} {threshold_source}")
    if threshold is None:
        threshold = TriageSettings._meta.get_field("confidence_threshold").default
        threshold_source = "the product default"

    train_started = time.perf_counter()
    model = stored_and_reloaded(fit(np.flatnonzero(in_scope)))
    train_s = time.perf_counter() - train_started
    log(f"trained on {int(in_scope.sum())} examples, {len(classes)} labels in {train_s:.1f}s")

    regime, _ids, probabilities = topic_probabilities(
        test_vectors, prototypes=prototypes, model=model, texts=test.texts
    )
    result = _score(test, probabilities, classes, threshold, oos_label)
    result["fewshot"] = _fewshot(
        fit, train_labels, in_scope, test, test_vectors, prototypes, oos_label, seed, log
    )
    result["train_s"] = round(train_s, 2)
    result["p95_ms"] = _p95_latency_ms(test.texts, prototypes, model)
    result["threshold"] = threshold
    result["threshold_source"] = threshold_source
    result["regime"] = regime
    result["n_train"], result["n_test"], result["n_labels"] = (
        int(in_scope.sum()),
        len(test.texts),
        len(classes),
    )
    return result


def _threshold_from_validation(fit, vectors, texts, labels, in_scope, prototypes, seed) -> float:
    rng = np.random.default_rng(seed + 1)
    held = np.zeros(len(labels), dtype=bool)
    for label in set(labels[in_scope].tolist()):
        members = rng.permutation(np.flatnonzero(labels == label))
        held[members[: max(1, len(members) // 7)]] = True
    held |= ~in_scope
    model = fit(np.flatnonzero(in_scope & ~held))
    held_texts = [texts[i] for i in np.flatnonzero(held)]
    _regime, ids, probabilities = topic_probabilities(
        vectors[held], prototypes=prototypes, model=model, texts=held_texts
    )
    predicted = np.array(ids)[probabilities.argmax(axis=1)]
    return tune_threshold(probabilities.max(axis=1), predicted == labels[held], ~in_scope[held])


def _score(test: LabelledData, probabilities, classes, threshold, oos_label) -> dict:
    truth = np.array(test.labels)
    predicted = np.array(classes)[probabilities.argmax(axis=1)]
    confidence = probabilities.max(axis=1)
    routed = confidence >= threshold
    result = {
        "misroute_rate": round(float((routed & (predicted != truth)).mean()), 4),
        "triage_queue_share": round(float((~routed).mean()), 4),
        "oos_recall": None,
        "in_scope_accuracy": None,
    }
    if oos_label:
        is_oos = truth == oos_label
        final = np.where(routed, predicted, oos_label)
        result["accuracy"] = round(float((final == truth).mean()), 4)
        result["macro_f1"] = round(macro_f1(truth.tolist(), final.tolist()), 4)
        result["oos_recall"] = round(float((~routed)[is_oos].mean()), 4) if is_oos.any() else None
        result["in_scope_accuracy"] = round(float((routed & (predicted == truth))[~is_oos].mean()), 4)
        result["in_scope_accuracy_no_threshold"] = round(float((predicted == truth)[~is_oos].mean()), 4)
    else:
        result["accuracy"] = round(float((predicted == truth).mean()), 4)
        result["macro_f1"] = round(macro_f1(truth.tolist(), predicted.tolist()), 4)
        result["accuracy_when_routed"] = (
            round(float((predicted == truth)[routed].mean()), 4) if routed.any() else None
        )
    return result


def _fewshot(fit, train_labels, in_scope, test, test_vectors, prototypes, oos_label, seed, log) -> dict:
    truth = np.array(test.labels)
    keep = truth != oos_label if oos_label else np.ones(len(truth), dtype=bool)
    scores: dict[str, float | None] = {}
    for k in FEWSHOT_SIZES:
        chosen = sample_per_label(np.where(in_scope, train_labels, ""), k, seed)
        chosen = chosen[in_scope[chosen]]
        if len(set(train_labels[chosen].tolist())) < 2:
            scores[str(k)] = None
            continue
        model = fit(chosen)
        _regime, ids, probabilities = topic_probabilities(
            test_vectors[keep], prototypes=prototypes, model=model
        )
        predicted = np.array(ids)[probabilities.argmax(axis=1)]
        scores[str(k)] = round(float((predicted == truth[keep]).mean()), 4)
        log(f"{k}-shot: {len(chosen)} examples, accuracy {scores[str(k)]:.4f}")
    return scores


def _p95_latency_ms(texts: list[str], prototypes, model) -> float:
    """One ticket at a time, as in production: embed the message, then classify it."""
    embedding.embed_one(texts[0])  # the model is loaded once per process; not a per-ticket cost
    timings = []
    for text in texts[:LATENCY_SAMPLE]:
        started = time.perf_counter()
        predict_topic(embedding.embed_one(text), prototypes=prototypes, model=model, text=text)
        timings.append((time.perf_counter() - started) * 1000)
    return round(float(np.percentile(timings, 95)), 2)


JSON_KEYS = ("accuracy", "macro_f1", "misroute_rate", "triage_queue_share", "fewshot", "oos_recall",
             "in_scope_accuracy", "train_s", "p95_ms")  # fmt: skip


def json_summary(result: dict) -> dict:
    return {key: result.get(key) for key in JSON_KEYS}


def format_table(result: dict) -> str:
    def pct(value):
        return "n/a" if value is None else f"{value:.2%}"

    fewshot = result.get("fewshot") or {}
    rows = [
        (
            "examples (train / test / labels)",
            f"{result['n_train']} / {result['n_test']} / {result['n_labels']}",
        ),
        ("regime (full train)", result["regime"]),
        ("accuracy", pct(result["accuracy"])),
        ("macro-F1", pct(result["macro_f1"])),
        (f"threshold ({result['threshold_source']})", f"{result['threshold']:.2f}"),
        ("misroute rate at threshold", pct(result["misroute_rate"])),
        ("sent to triage queue", pct(result["triage_queue_share"])),
        ("5-shot accuracy", pct(fewshot.get("5"))),
        ("10-shot accuracy", pct(fewshot.get("10"))),
        ("out-of-scope recall", pct(result["oos_recall"])),
        ("in-scope accuracy", pct(result["in_scope_accuracy"])),
        ("train time", f"{result['train_s']:.1f} s"),
        ("per-ticket latency p95", f"{result['p95_ms']:.1f} ms"),
    ]
    width = max(len(name) for name, _value in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)
