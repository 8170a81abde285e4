"""Theme discovery (ai/insights/clustering.py, the engine behind `manage.py voc_themes`) against
intent-labelled public data, labels hidden from the method.

    PYTHONPATH=. DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/voc_themes_eval.py \
        [--banking-per-intent 40] [--cache /tmp/voc_cache]

Sets (from /work/shared/datasets, never used by tests or product code):
- dstc11: DSTC11 track 2 development (insurance) test-utterances, all 913 utterances, 22 intents.
- banking77: a seeded stratified subset of train.csv (40 per intent by default, 77 intents).
- clinc150: the `val` split of data_full (3,000 in-scope utterances, 20 per intent, 150 intents).

Metrics: NMI (scikit-learn) and cluster accuracy (best one-to-one mapping of clusters to intents by
the Hungarian method, SciPy; unmatched clusters count as wrong). Noise (theme None) is scored as one
extra cluster, so it costs the method rather than being dropped.
Baseline: the same sentence embeddings + k-means (scikit-learn, n_init=10, seed 0) GIVEN the true K.
Ours: ai.insights.clustering.cluster, not told K. Its one threshold (COHERENCE) is the product
default; the table also reports leave-one-dataset-out: the threshold picked on the other two sets
from a grid, then applied to the held-out one (worst case first).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ai.insights.clustering import COHERENCE, cluster  # noqa: E402

DATA = Path("/work/shared/datasets")
GRID = [0.72, 0.73, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.80]


def cluster_accuracy(truth: list, predicted: list) -> float:
    t_ids = {v: i for i, v in enumerate(sorted(set(truth), key=str))}
    p_ids = {v: i for i, v in enumerate(sorted(set(predicted), key=str))}
    counts = np.zeros((len(p_ids), len(t_ids)))
    for p, t in zip(predicted, truth, strict=True):
        counts[p_ids[p], t_ids[t]] += 1
    rows, cols = linear_sum_assignment(-counts)
    return float(counts[rows, cols].sum() / len(truth))


def scores(truth: list, predicted: list) -> tuple[float, float]:
    return float(normalized_mutual_info_score(truth, predicted)), cluster_accuracy(truth, predicted)


def load_dstc11() -> tuple[list[str], list[str]]:
    path = DATA / "dstc11_intent_induction/development/test-utterances.jsonl"
    rows = [json.loads(line) for line in path.open()]
    return [r["utterance"] for r in rows], [r["intent"] for r in rows]


def load_banking77(per_intent: int, seed: int = 0) -> tuple[list[str], list[str]]:
    by_intent: dict[str, list[str]] = {}
    with (DATA / "banking77/train.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            by_intent.setdefault(row["category"], []).append(row["text"])
    rng = random.Random(seed)
    texts, labels = [], []
    for intent in sorted(by_intent):
        items = by_intent[intent][:]
        rng.shuffle(items)
        chosen = items if per_intent <= 0 else items[:per_intent]
        texts += chosen
        labels += [intent] * len(chosen)
    return texts, labels


def load_clinc150() -> tuple[list[str], list[str]]:
    data = json.loads((DATA / "clinc150/data_full_trainval.json").read_text())
    return [t for t, _ in data["val"]], [y for _, y in data["val"]]


def embed(name: str, texts: list[str], cache: Path | None) -> np.ndarray:
    if cache is not None:
        path = cache / f"{name}-{len(texts)}.npy"
        if path.exists():
            return np.load(path)
    from gateway.embeddings import LocalUSEEmbedder

    vectors = LocalUSEEmbedder().embed_documents(texts)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def ours(vectors, texts, coherence: float) -> tuple[list, int, int, float]:
    started = time.monotonic()
    result = cluster(vectors, texts, seed=0, coherence=coherence)
    return result.labels.tolist(), result.n_themes, result.noise, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--banking-per-intent", type=int, default=40, help="0 = all 10,003")
    parser.add_argument("--cache", type=Path, default=None, help="keep embeddings here between runs")
    args = parser.parse_args()
    sets = {
        "dstc11-dev": load_dstc11(),
        "banking77": load_banking77(args.banking_per_intent),
        "clinc150-val": load_clinc150(),
    }
    rows, grid_scores, data = [], {}, {}
    for name, (texts, labels) in sets.items():
        vectors = embed(name, texts, args.cache)
        data[name] = (vectors, texts, labels)
        k_true = len(set(labels))
        base = KMeans(n_clusters=k_true, n_init=10, random_state=0).fit_predict(vectors).tolist()
        b_nmi, b_acc = scores(labels, base)
        pred, k, noise, secs = ours(vectors, texts, COHERENCE)
        o_nmi, o_acc = scores(labels, pred)
        rows.append((name, len(texts), k_true, b_nmi, b_acc, k, noise, o_nmi, o_acc, secs))
        grid_scores[name] = {c: scores(labels, ours(vectors, texts, c)[0]) for c in GRID}
    print(f"{'set':14} {'n':>5} {'K':>4} | {'kmeans(K) NMI':>13} {'acc':>6} | {'ours K':>6} {'noise':>5} "
          f"{'NMI':>6} {'acc':>6} {'sec':>5}")  # fmt: skip
    for name, n, k_true, b_nmi, b_acc, k, noise, o_nmi, o_acc, secs in rows:
        print(f"{name:14} {n:5d} {k_true:4d} | {b_nmi:13.3f} {b_acc:6.3f} | {k:6d} {noise:5d} "
              f"{o_nmi:6.3f} {o_acc:6.3f} {secs:5.1f}")  # fmt: skip
    print(f"\n(ours with the product default COHERENCE={COHERENCE})\n\nleave-one-dataset-out (worst first):")
    lodo = []
    for held in grid_scores:
        others = [n for n in grid_scores if n != held]
        pick = max(GRID, key=lambda c: sum(sum(grid_scores[o][c]) for o in others))
        o_nmi, o_acc = grid_scores[held][pick]
        base = next(r for r in rows if r[0] == held)
        lodo.append((o_acc - base[4] + o_nmi - base[3], held, pick, o_nmi, o_acc, base[3], base[4]))
    for _margin, held, pick, o_nmi, o_acc, b_nmi, b_acc in sorted(lodo):
        print(f"  {held:14} threshold {pick:.2f} (from the others): NMI {o_nmi:.3f} (baseline {b_nmi:.3f}), "
              f"acc {o_acc:.3f} (baseline {b_acc:.3f})")  # fmt: skip


if __name__ == "__main__":
    main()
