"""Calibration: temperature scaling fitted on held-out labels, and the history/description blend."""

from __future__ import annotations

import numpy as np

from ai.pipelines.triage.logreg import softmax


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature T minimising the negative log-likelihood of softmax(logits / T) (golden-section
    search over log T; the NLL is unimodal in T)."""
    if len(labels) == 0:
        return 1.0
    rows = np.arange(len(labels))

    def nll(log_t: float) -> float:
        scaled = logits / np.exp(log_t)
        shifted = scaled - scaled.max(axis=1, keepdims=True)
        log_prob = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -float(log_prob[rows, labels].mean())

    low, high = np.log(0.05), np.log(20.0)
    ratio = (np.sqrt(5) - 1) / 2
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = nll(a), nll(b)
    for _ in range(40):
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = nll(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = nll(b)
    return float(np.exp((low + high) / 2))


def history_weight(counts: np.ndarray, *, half_at: float = 4.0) -> np.ndarray:
    """How much to trust the learned model per topic: 0 with no labels, 0.5 at `half_at` labels,
    approaching 1 as labels accumulate."""
    counts = np.asarray(counts, dtype=np.float64)
    return counts / (counts + half_at)


def blend(history_prob: np.ndarray, zero_shot_prob: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per-topic mixture of the two distributions (both over the same topic columns), renormalised."""
    mixed = weights * history_prob + (1.0 - weights) * zero_shot_prob
    return mixed / np.maximum(mixed.sum(axis=-1, keepdims=True), 1e-12)


def calibrated(prob: np.ndarray, temperature: float) -> np.ndarray:
    """Apply a temperature to a probability distribution (via its logs)."""
    return softmax(np.log(np.maximum(prob, 1e-12)) / temperature)


def expected_calibration_error(prob: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    confidence = prob.max(axis=1)
    correct = prob.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        mask = (confidence > low) & (confidence <= high)
        if mask.any():
            error += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(error)
