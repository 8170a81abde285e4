"""Train the scope model of ai/guardrails/offtopic.py and print the held-out and leave-one-dataset-out tables.

    OMP_NUM_THREADS=1 .venv/bin/python bench/train_scope.py --embedding-cache /tmp/scope_cache [--write]

Data: bench/scope_data.py (CLINC150, BANKING77-OOS: utterance knowledge bases; MTRAG: passages), each
cut into knowledge base / development queries / held-out queries. Everything is fitted on development
queries only: the logistic weights (numpy, L2, every dataset and class weighted equally) and the
probability threshold, chosen so that *every* development dataset keeps >= 95 % of its in-scope queries
(the worst dataset sets it). Held-out queries are scored once, at the end.

Tables:
1. before: the cosine/agreement rule (offtopic.PASSAGE_/UTTERANCE_THRESHOLDS as shipped, and the same
   rule re-searched on development data) on the held-out queries;
2. after: the model fitted on all development data, on the held-out queries;
3. leave-one-dataset-out: fitted (weights and threshold) on the other datasets' development data,
   reported on the left-out dataset's held-out queries, worst OOS recall first.
--write stores the models fitted on all development data in ai/guardrails/data/scope_model.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import scope_data
from scope_data import KB_KIND, LOADERS, REPO

from ai.guardrails.offtopic import (
    FEATURES,
    MODEL_PATH,
    PASSAGE_THRESHOLDS,
    UTTERANCE_THRESHOLDS,
    ScopeModel,
    ScopeThresholds,
    assess_scope,
    fused_score,
    scope_features,
)
from ai.guardrails.tasks import is_unrelated_task_request

TARGET = 0.95
L2 = 1.0


def features(split) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows, and a mask of the queries decided before the model (empty, unrelated task, no hits)."""
    x = np.array([scope_features(q, s) for q, s in zip(split.questions, split.scores, strict=True)])
    ruled_out = np.array(
        [
            (not s.cosines) or is_unrelated_task_request(q)
            for q, s in zip(split.questions, split.scores, strict=True)
        ]
    )
    return x, ruled_out


def fit(blocks: list[tuple[np.ndarray, np.ndarray]], l2: float = L2) -> ScopeModel:
    """Weighted logistic regression (Newton steps); each (dataset, class) block weighs the same in total."""
    x = np.vstack([b[0] for b in blocks])
    y = np.concatenate([b[1] for b in blocks])
    w = np.concatenate(
        [np.where(b[1] == 1, 1 / max((b[1] == 1).sum(), 1), 1 / max((b[1] == 0).sum(), 1)) for b in blocks]
    )
    w = w / w.sum() * len(y)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(y), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(z @ beta, -40, 40)))
        gradient = z.T @ (w * (p - y)) + penalty * beta
        hessian = (z * (w * p * (1 - p))[:, None]).T @ z + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return ScopeModel(FEATURES, mean, scale, beta[:-1], float(beta[-1]), 0.5)


def with_threshold(model: ScopeModel, dev_sets) -> ScopeModel:
    """The highest threshold at which every development dataset keeps >= TARGET of its in-scope queries."""
    cut = min(np.quantile(model.probability(x[y == 1]), 1 - TARGET, method="lower") for x, y, _ in dev_sets)
    return ScopeModel(model.features, model.mean, model.scale, model.weights, model.bias, float(cut))


def rates(keep: np.ndarray, split) -> dict[str, float]:
    out = {"kept": keep[split.groups == "in"].mean()}
    for group in ("oos", "id_oos", "ood_oos"):
        if (split.groups == group).any():
            out[group] = 1 - keep[split.groups == group].mean()
    return out


def model_keep(model: ScopeModel, x, ruled_out) -> np.ndarray:
    return (model.probability(x) >= model.threshold) & ~ruled_out


def rule_keep(thresholds: ScopeThresholds, split) -> np.ndarray:
    return np.array(
        [
            assess_scope(q, s, thresholds=thresholds).in_scope
            for q, s in zip(split.questions, split.scores, strict=True)
        ]
    )


def search_rule(split) -> ScopeThresholds:
    """The old rule's best thresholds on development data (as calibrate_scope.search) for TARGET kept."""
    top = np.array([s.cosines[0] if s.cosines else 0.0 for s in split.scores])
    fused = np.array([s.fused or 0.0 for s in split.scores])
    y = split.labels == 1
    best, best_rejected = None, -1.0
    for ranks in ((1, 1), (1, 3), (3, 10), (10, 20), (40, 40)):
        agreement = fused_score(*ranks)
        for confident in np.arange(0.20, 0.95, 0.01):
            for minimum in np.arange(max(0.1, confident - 0.25), confident + 0.001, 0.01):
                keep = (top >= confident) | ((top >= minimum) & (fused >= agreement - 1e-12))
                if keep[y].mean() >= TARGET and 1 - keep[~y].mean() > best_rejected:
                    best, best_rejected = (
                        ScopeThresholds(float(minimum), float(confident), agreement),
                        1 - keep[~y].mean(),
                    )
    return best


def row(name: str, r: dict[str, float]) -> str:
    def cell(key):
        return f"{r[key]:>8.3f}" if key in r else f"{'-':>8}"

    return f"{name:<44}{cell('kept')}{cell('oos')}{cell('id_oos')}{cell('ood_oos')}"


HEADER = f"{'':<44}{'kept':>8}{'OOS':>8}{'ID-OOS':>8}{'OOD-OOS':>8}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding-cache", type=Path)
    parser.add_argument(
        "--write", action="store_true", help="store the all-dev models in ai/guardrails/data/"
    )
    args = parser.parse_args()
    scope_data.CACHE = args.embedding_cache
    data = {}
    for name, loader in LOADERS.items():
        dev, held = loader()
        data[name] = {"dev": dev, "held": held, "xdev": features(dev), "xheld": features(held)}
        print(
            f"{name}: dev {len(dev.questions)} (in {int(dev.labels.sum())}), held-out {len(held.questions)} (in {int(held.labels.sum())})"
        )

    print("\n1. Before: cosine/agreement rule, held-out queries (in-scope kept; OOS rejected)")
    print(HEADER)
    for name, d in data.items():
        shipped = PASSAGE_THRESHOLDS if KB_KIND[name] == "passages" else UTTERANCE_THRESHOLDS
        print(
            row(
                f"{name} shipped {KB_KIND[name][:-1]} thresholds",
                rates(rule_keep(shipped, d["held"]), d["held"]),
            )
        )
        tuned = search_rule(d["dev"])
        print(row(f"{name} rule re-tuned on its dev", rates(rule_keep(tuned, d["held"]), d["held"])))

    def dev_block(name):
        (x, ruled), y = data[name]["xdev"], data[name]["dev"].labels
        return x[~ruled], y[~ruled], name

    def fitted(names):
        blocks = [dev_block(n) for n in names]
        return with_threshold(fit([(x, y) for x, y, _ in blocks]), blocks)

    def report(model, name):
        x, ruled = data[name]["xheld"]
        return rates(model_keep(model, x, ruled), data[name]["held"])

    names = list(data)
    kinds = {kind: [n for n in names if KB_KIND[n] == kind] for kind in set(KB_KIND.values())}
    shared = fitted(names)
    per_kind = {kind: fitted(members) for kind, members in kinds.items()}
    print(
        f"\n2. After: logistic scope model fitted on all development data (threshold {shared.threshold:.3f}), held-out"
    )
    print(HEADER)
    for name in names:
        print(row(f"{name} shared model", report(shared, name)))
        model = per_kind[KB_KIND[name]]
        print(row(f"{name} {KB_KIND[name]} model (thr {model.threshold:.3f})", report(model, name)))
    print(
        "\nAt the threshold that keeps 95 % of each held-out set's in-scope queries (a point on the"
        " operating curve, for comparison only: the shipped threshold comes from development data)"
    )
    print(HEADER)
    for name in names:
        model = per_kind[KB_KIND[name]]
        x, ruled = data[name]["xheld"]
        inside = data[name]["held"].labels == 1
        # Ruled-out queries are rejected whatever the model says: they count as not kept.
        probabilities = np.sort(np.where(ruled, -np.inf, model.probability(x))[inside])[::-1]
        cut = float(probabilities[int(np.ceil(TARGET * len(probabilities))) - 1])
        curve = ScopeModel(model.features, model.mean, model.scale, model.weights, model.bias, cut)
        print(row(f"{name} {KB_KIND[name]} model at 95 % kept", report(curve, name)))
    print("weights (standardised features):", dict(zip(FEATURES, np.round(shared.weights, 2), strict=True)))
    for kind, model in per_kind.items():
        print(f"{kind} weights:", dict(zip(FEATURES, np.round(model.weights, 2), strict=True)))

    print("\n3. Leave one dataset out: fitted on the others' development data, reported on its held-out")
    print(HEADER)
    lodo = []
    for left in names:
        model = fitted([n for n in names if n != left])
        r = report(model, left)
        worst = min(v for k, v in r.items() if k != "kept")
        lodo.append((worst, f"{left} left out (thr {model.threshold:.3f})", r))
        for kind, members in kinds.items():
            others = [n for n in members if n != left]
            if left in members and others:
                model = fitted(others)
                r = report(model, left)
                lodo.append((min(v for k, v in r.items() if k != "kept"), f"{left} left out, {kind} only", r))
    for _, label, r in sorted(lodo, key=lambda item: item[0]):
        print(row(label, r))

    if args.write:
        payload = {
            "comment": "written by bench/train_scope.py --write; fitted on development splits only",
            "target_in_scope_kept": TARGET,
            "models": {
                kind: {
                    "features": list(FEATURES),
                    "mean": model.mean.round(6).tolist(),
                    "scale": model.scale.round(6).tolist(),
                    "weights": model.weights.round(6).tolist(),
                    "bias": round(model.bias, 6),
                    "threshold": round(model.threshold, 6),
                    "fitted_on": kinds[kind],
                }
                for kind, model in per_kind.items()
            },
        }
        MODEL_PATH.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {MODEL_PATH.relative_to(REPO)}")


if __name__ == "__main__":
    main()
