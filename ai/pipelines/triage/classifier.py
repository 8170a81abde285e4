"""Topic classification in three regimes, chosen by how much history there is:

- zero_shot: no trained model yet; the message is compared with topic descriptions and examples;
- combined: a model exists but some topics have few labels; per-topic blend of both, calibrated;
- history: every topic has enough labels; the learned model alone, calibrated.

(The LLM regime lives in llm_topic.py; the service decides whether to ask it.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _

from ai.pipelines.triage.calibration import calibrated, history_weight
from ai.pipelines.triage.history import HistoryModel
from ai.pipelines.triage.prototypes import Prototypes

# Above this weight for every topic (16 labels each with the default half-point) the descriptions
# no longer add anything measurable (checked on BANKING77) and the learned model answers alone.
HISTORY_ONLY_WEIGHT = 0.8


@dataclass(frozen=True)
class TopicPrediction:
    topic_id: object | None
    confidence: float
    regime: str
    reason: str
    runner_up_id: object | None = None


def choose_regime(model: HistoryModel | None, topic_ids: list) -> str:
    if model is None:
        return "zero_shot"
    counts = dict(zip(model.labels, model.counts, strict=True))
    weights = history_weight(np.array([counts.get(topic_id, 0.0) for topic_id in topic_ids]))
    return "history" if weights.min() >= HISTORY_ONLY_WEIGHT else "combined"


def _align(model: HistoryModel, probabilities: np.ndarray, topic_ids: list) -> np.ndarray:
    """Spread the model's columns onto `topic_ids` (topics the model never saw get 0)."""
    out = np.zeros((probabilities.shape[0], len(topic_ids)))
    position = {topic_id: index for index, topic_id in enumerate(model.labels)}
    for column, topic_id in enumerate(topic_ids):
        if topic_id in position:
            out[:, column] = probabilities[:, position[topic_id]]
    return out / np.maximum(out.sum(axis=1, keepdims=True), 1e-12)


def topic_probabilities(
    vectors: np.ndarray,
    *,
    prototypes: Prototypes | None,
    model: HistoryModel | None,
    texts: list[str] | None = None,
) -> tuple[str, list, np.ndarray]:
    """(regime, topic ids, calibrated probabilities (n, n_topics)) for a batch of messages: their
    vectors, and their texts for the lexical part of the history model."""
    vectors = np.atleast_2d(vectors)
    topic_ids = list(prototypes.topic_ids) if prototypes is not None else list(model.labels)
    regime = choose_regime(model, topic_ids)
    if regime == "zero_shot":
        return regime, topic_ids, prototypes.probabilities(vectors)
    if regime == "history" or prototypes is None:
        return "history", topic_ids, _align(model, model.history_proba(vectors, texts), topic_ids)
    history = _align(model, model.history_proba(vectors, texts, calibrate=False), topic_ids)
    counts = dict(zip(model.labels, model.counts, strict=True))
    weights = history_weight(np.array([counts.get(topic_id, 0.0) for topic_id in topic_ids]))
    zero_shot = prototypes.probabilities(vectors)
    mixed = weights * history + (1.0 - weights) * zero_shot
    mixed /= np.maximum(mixed.sum(axis=1, keepdims=True), 1e-12)
    return regime, topic_ids, calibrated(mixed, model.temperature_combined)


def predict_topic(
    vector: np.ndarray,
    *,
    prototypes: Prototypes | None,
    model: HistoryModel | None,
    text: str | None = None,
    names: dict | None = None,
) -> TopicPrediction:
    regime, topic_ids, probabilities = topic_probabilities(
        vector, prototypes=prototypes, model=model, texts=[text] if text is not None else None
    )
    row = probabilities[0]
    order = np.argsort(-row)
    best = topic_ids[order[0]]
    runner_up = topic_ids[order[1]] if len(order) > 1 else None
    return TopicPrediction(
        topic_id=best,
        confidence=float(row[order[0]]),
        regime=regime,
        reason=_reason(
            regime, best, runner_up, row[order[0]], row[order[1]] if len(order) > 1 else 0.0, names
        ),
        runner_up_id=runner_up,
    )


def _reason(regime, best, runner_up, best_p, second_p, names) -> str:
    names = names or {}
    best_name = names.get(best, str(best))
    basis = {
        "zero_shot": _("closest to the topic's description and examples"),
        "history": _("most like messages agents filed under it"),
        "combined": _("the topic's description and past agent labels point to it"),
    }[regime]
    text = f"{best_name}: {basis} ({best_p:.0%})"
    if runner_up is not None and second_p > 0.1:
        text += "; " + _("next: %(topic)s (%(share)s)") % {
            "topic": names.get(runner_up, str(runner_up)),
            "share": f"{second_p:.0%}",
        }
    return text
