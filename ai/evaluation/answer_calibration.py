"""Calibrate the answer confidence across datasets: fit on some, check on the one left out.

    .venv/bin/python manage.py eval_answers ... --dump var/eval/dumps/mtrag.jsonl      # once per dataset
    .venv/bin/python -m ai.evaluation.answer_calibration var/eval/dumps/*.jsonl

Input: ``eval_answers --dump`` files (one per dataset; each outcome carries the confidence signals
of ai.pipelines.confidence, the support ratio and the model signal). The label is "answered citing a
gold document"; questions the pipeline handed off before scoring (rules, blocks) stay handoffs.

For every dataset D (leave-one-dataset-out): fit the logistic regression on the other datasets,
choose the threshold on them, the lowest one that keeps wrong answers at or under ``MAX_WRONG`` on
*every* one of them (the worst dataset decides, not the pooled average), then apply weights and
threshold, unchanged, to D. The shipped weights are the fit on all datasets, with the threshold
chosen the same way over all of them. A plain logistic regression with an L2 penalty, fitted by
Newton's method in numpy on standardised signals: a handful of signals do not need a library.

``--signals a,b,c`` fits another signal set from the same dumps (default: the shipped ``SIGNALS``),
so a candidate signal is judged by its leave-one-dataset-out figures against the shipped set.
``--low-score-rule 0.3`` hands off, afterwards, every answered question whose top cosine is below
0.3: the "low retrieval score" handoff rule, for dumps run without it (``eval_answers --skip-rule
low_confidence``; the rule depends on the top cosine only, so this is exactly what it would do).
``--ceiling`` also prints what bounds each dataset (``ceilings``): the answers citing gold at
threshold 0, and the best a fit on the dataset itself could do.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ai.pipelines.confidence import SHIPPED_THRESHOLD, SIGNALS, logistic

MAX_WRONG = 0.05
L2 = 1.0
THRESHOLDS = tuple(round(t, 3) for t in np.arange(0.05, 0.991, 0.01))


@dataclass
class Row:
    dataset: str
    answered: bool  # the pipeline produced an answer (threshold 0)
    correct: bool  # ... citing a gold document
    signals: np.ndarray
    multiplier: float  # support ratio x model signal


def load_dump(
    path: Path,
    dataset: str | None = None,
    *,
    signals: Sequence[str] = SIGNALS,
    low_score_rule: float | None = None,
) -> list[Row]:
    rows = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        outcome = json.loads(line)
        values = outcome.get("signals") or {}
        answered = outcome["decision"] == "answered"
        if answered and low_score_rule is not None and float(values.get("top_cosine", 0.0)) < low_score_rule:
            answered = False  # the "low retrieval score" rule hands it off before any answer
        rows.append(
            Row(
                dataset=dataset or outcome.get("subset") or path.stem,
                answered=answered,
                correct=bool(outcome["cites_gold"]),
                signals=np.array([float(values.get(name, 0.5)) for name in signals]),
                multiplier=float(values.get("support_ratio", 1.0)) * float(values.get("model_signal", 1.0)),
            )
        )
    return rows


def fit(
    rows: Sequence[Row], *, l2: float = L2, iterations: int = 50, signals: Sequence[str] = SIGNALS
) -> tuple[dict[str, float], float]:
    """Weights and bias of P(correct | signals) over the answered rows."""
    answered = [r for r in rows if r.answered]
    raw = np.array([r.signals for r in answered])
    y = np.array([1.0 if r.correct else 0.0 for r in answered])
    # Standardised signals, so the penalty treats a cosine (spread ~0.05) like a 0/1 agreement flag.
    mean, std = raw.mean(axis=0), raw.std(axis=0)
    std = np.maximum(std, 0.05)  # a signal that barely varies in the data must not get a huge weight
    x = np.hstack([(raw - mean) / std, np.ones((len(raw), 1))])
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    weights = w[:-1] / std  # back to the raw signals' scale
    bias = w[-1] - float((w[:-1] * mean / std).sum())
    return {name: round(float(v), 3) for name, v in zip(signals, weights, strict=True)}, round(float(bias), 3)


def confidences(rows: Sequence[Row], weights: dict[str, float], bias: float) -> np.ndarray:
    """The weights in the rows' signal order (the order of ``fit``'s ``signals``)."""
    vector = np.array(list(weights.values()))
    return np.array([logistic(bias + float(r.signals @ vector)) * r.multiplier for r in rows])


def rates(rows: Sequence[Row], scores: np.ndarray, threshold: float) -> dict[str, float]:
    n = max(len(rows), 1)
    answered = [(r, s) for r, s in zip(rows, scores, strict=True) if r.answered and s >= threshold]
    correct = sum(1 for r, _s in answered if r.correct)
    return {"correct": correct / n, "wrong": (len(answered) - correct) / n, "n": len(rows)}


def choose_threshold(
    by_dataset: dict[str, list[Row]], weights, bias, *, max_wrong: float = MAX_WRONG
) -> float:
    """The lowest threshold with wrong <= max_wrong on every dataset given."""
    for threshold in THRESHOLDS:
        if all(
            rates(rows, confidences(rows, weights, bias), threshold)["wrong"] <= max_wrong
            for rows in by_dataset.values()
        ):
            return threshold
    return THRESHOLDS[-1]


def leave_one_out(by_dataset: dict[str, list[Row]], *, signals: Sequence[str] = SIGNALS) -> list[dict]:
    results = []
    for held_out, rows in by_dataset.items():
        training = {name: r for name, r in by_dataset.items() if name != held_out}
        weights, bias = fit([row for r in training.values() for row in r], signals=signals)
        threshold = choose_threshold(training, weights, bias)
        result = rates(rows, confidences(rows, weights, bias), threshold)
        results.append({"held_out": held_out, "threshold": threshold, **result})
    return sorted(results, key=lambda r: r["correct"] - 10 * max(0.0, r["wrong"] - MAX_WRONG))


def ceilings(by_dataset: dict[str, list[Row]], *, signals: Sequence[str] = SIGNALS) -> list[dict]:
    """What bounds each dataset's figures: how many answers cite a gold document at threshold 0 (no
    threshold can give more correct answers), and the best correct share with wrong <= MAX_WRONG when
    the weights and the threshold are fitted on the dataset itself (optimistic: tuned on what it is
    scored on; the leave-one-dataset-out figure cannot beat it by more than noise)."""
    results = []
    for name, rows in by_dataset.items():
        n = max(len(rows), 1)
        answered = sum(1 for r in rows if r.answered)
        citing_gold = sum(1 for r in rows if r.answered and r.correct)
        weights, bias = fit(rows, signals=signals)
        scores = confidences(rows, weights, bias)
        sweep = [(rates(rows, scores, t), t) for t in THRESHOLDS]
        best = max(
            ((r["correct"], t) for r, t in sweep if r["wrong"] <= MAX_WRONG), default=(0.0, THRESHOLDS[-1])
        )
        results.append(
            {
                "dataset": name, "n": len(rows), "answered": answered / n, "cites_gold": citing_gold / n,
                "self_fit_correct": best[0], "self_fit_threshold": best[1],
            }
        )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dumps", nargs="+", type=Path, help="eval_answers --dump files, one per dataset")
    parser.add_argument("--by-subset", action="store_true", help="split each dump by its questions' subset")
    parser.add_argument("--signals", default=",".join(SIGNALS), help="comma-separated signal names to fit")
    parser.add_argument(
        "--low-score-rule", type=float, default=None, metavar="COSINE",
        help="simulate the 'low retrieval score' rule: answered questions under this top cosine are handed off",
    )  # fmt: skip
    parser.add_argument(
        "--ceiling", action="store_true",
        help="also print what bounds each dataset: answers citing gold at threshold 0, and a self-fitted best",
    )  # fmt: skip
    args = parser.parse_args()
    signals = tuple(name.strip() for name in args.signals.split(",") if name.strip())
    by_dataset: dict[str, list[Row]] = {}
    for path in args.dumps:
        for row in load_dump(
            path, None if args.by_subset else path.stem, signals=signals, low_score_rule=args.low_score_rule
        ):
            by_dataset.setdefault(row.dataset, []).append(row)
    print(f"signals: {', '.join(signals)}; low-score rule: {args.low_score_rule or 'off'}")
    print("leave-one-dataset-out (fit + threshold on the others, applied unchanged), worst first:")
    print(f"{'held out':<14}{'n':>5}{'threshold':>11}{'correct':>9}{'wrong':>8}")
    for r in leave_one_out(by_dataset, signals=signals):
        print(f"{r['held_out']:<14}{r['n']:>5}{r['threshold']:>11.2f}{r['correct']:>9.1%}{r['wrong']:>8.1%}")
    if args.ceiling:
        print(
            "\nbounds (threshold 0 = every answer kept; self-fit = weights and threshold fitted on the set itself):"
        )
        print(f"{'dataset':<14}{'n':>5}{'answered':>10}{'cite gold':>11}{'self-fit correct':>18}{'at':>6}")
        for c in ceilings(by_dataset, signals=signals):
            print(
                f"{c['dataset']:<14}{c['n']:>5}{c['answered']:>10.1%}{c['cites_gold']:>11.1%}"
                f"{c['self_fit_correct']:>18.1%}{c['self_fit_threshold']:>6.2f}"
            )
    weights, bias = fit([row for rows in by_dataset.values() for row in rows], signals=signals)
    threshold = choose_threshold(by_dataset, weights, bias)
    shift = math.log(SHIPPED_THRESHOLD / (1 - SHIPPED_THRESHOLD)) - math.log(threshold / (1 - threshold))
    print(
        f"\nshipped: WEIGHTS = {weights}\nBIAS = {bias} + {shift:.3f} (threshold {threshold:.2f} "
        f"≙ {SHIPPED_THRESHOLD}; worst dataset decides)"
    )
    for name, rows in by_dataset.items():
        r = rates(rows, confidences(rows, weights, bias), threshold)
        print(f"  {name:<14} correct {r['correct']:.1%} wrong {r['wrong']:.1%} (n={r['n']})")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    main()
