"""Calibrate the out-of-scope thresholds of ai/guardrails/offtopic.py on CLINC150 (and check on BANKING77-OOS).

    OMP_NUM_THREADS=1 .venv/bin/python bench/calibrate_scope.py

Stand-in knowledge base: the CLINC150 in-scope *training* utterances, embedded with the product's
sentence encoder (USE multilingual v3). Queries: CLINC150 in-scope validation utterances (3,000) and the
out-of-scope train + validation utterances (200). For each query the script computes what the product's
hybrid retrieval returns (top cosine similarities from the vector side, and the reciprocal-rank-fused
score of vector + BM25 lexical ranking, k=60 as in knowledge retrieval), then searches the thresholds
that keep in-scope recall at the target while rejecting as many out-of-scope queries as possible.
Transfer check: the same thresholds on BANKING77-OOS (KB = its train split; queries = valid in-scope,
ID-OOS valid, OOD-OOS valid) without re-tuning.

Prints a table; the chosen constants are copied by hand into offtopic.py with a comment.

These thresholds drive only the older rule (assess_scope(..., thresholds=...)). The shipped scope decision
is the logistic model trained by bench/train_scope.py on development splits, with held-out and
leave-one-dataset-out tables; note that this script tunes on CLINC150 *val*, which train_scope.py keeps
as held-out data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ai.guardrails.embedding import embed_texts as _embed_texts  # noqa: E402
from ai.guardrails.offtopic import (  # noqa: E402
    PASSAGE_THRESHOLDS,
    UTTERANCE_THRESHOLDS,
    RetrievalScores,
    ScopeThresholds,
    assess_scope,
    fused_score,
)

DATASETS = REPO.parent / "shared" / "datasets"
TOP_K = 5
DEPTH = 40  # candidates per side before fusion, as knowledge.selectors.search.SearchTuning.depth
AGREEMENT_RANKS = ((1, 1), (1, 3), (3, 3), (3, 10), (5, 10), (10, 20), (40, 40))


EMBEDDING_CACHE: Path | None = None


def embed_texts(texts: list[str]) -> np.ndarray:
    return cached_embeddings(texts, EMBEDDING_CACHE)


def cached_embeddings(texts: list[str], cache: Path | None) -> np.ndarray:
    """USE vectors, cached as .npy files under `cache` (outside the repo, --embedding-cache) to make
    re-runs cheap; bench/scope_data.py uses it too."""
    if cache is None:
        return _embed_texts(texts)
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"scope-{key}.npy"
    if path.exists():
        return np.load(path)
    vectors = _embed_texts(texts)
    cache.mkdir(parents=True, exist_ok=True)  # a new folder must not cost the embedding run
    np.save(path, vectors)
    return vectors


class BM25:
    def __init__(self, docs: list[str], k1: float = 1.2, b: float = 0.75):
        self.tokens = [self.tokenize(doc) for doc in docs]
        self.k1, self.b = k1, b
        self.lengths = np.array([len(t) for t in self.tokens], dtype=float)
        self.avg = self.lengths.mean()
        df = Counter(term for toks in self.tokens for term in set(toks))
        n = len(docs)
        self.idf = {term: math.log(1 + (n - f + 0.5) / (f + 0.5)) for term, f in df.items()}
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for index, toks in enumerate(self.tokens):
            for term, count in Counter(toks).items():
                self.postings.setdefault(term, []).append((index, count))

    @staticmethod
    def tokenize(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    def top(self, query: str, k: int) -> list[int]:
        return [index for index, _ in self.scored(query, k)]

    def scored(self, query: str, k: int) -> list[tuple[int, float]]:
        """The k best documents for `query` as (index, BM25 score), best first."""
        scores: Counter[int] = Counter()
        for term in set(self.tokenize(query)):
            for index, count in self.postings.get(term, []):
                norm = count + self.k1 * (1 - self.b + self.b * self.lengths[index] / self.avg)
                scores[index] += self.idf[term] * count * (self.k1 + 1) / norm
        return scores.most_common(k)


def retrieval_scores(kb_texts, kb_vectors, queries, query_vectors, bm25) -> list[RetrievalScores]:
    results = []
    similarities = query_vectors @ kb_vectors.T
    for row, query in enumerate(queries):
        order = np.argsort(-similarities[row])[:DEPTH]
        cosines = [float(similarities[row, i]) for i in order[:TOP_K]]
        vector_rank = {int(index): rank for rank, index in enumerate(order, start=1)}
        text_rank = {index: rank for rank, index in enumerate(bm25.top(query, DEPTH), start=1)}
        fused = max(
            fused_score(vector_rank.get(i), text_rank.get(i)) for i in set(vector_rank) | set(text_rank)
        )
        results.append(RetrievalScores(cosines=cosines, fused=fused))
    return results


def evaluate(thresholds, in_scope, out_scope) -> tuple[float, float]:
    kept = sum(assess_scope("q", s, thresholds=thresholds).in_scope for s in in_scope) / len(in_scope)
    rejected = sum(not assess_scope("q", s, thresholds=thresholds).in_scope for s in out_scope) / len(
        out_scope
    )
    return kept, rejected


def search(in_scope, out_scope, target_recall):
    """Grid search (vectorised) for the thresholds rejecting most out-of-scope at the in-scope target."""
    top_in = np.array([s.cosines[0] for s in in_scope])
    fused_in = np.array([s.fused for s in in_scope])
    top_out = np.array([s.cosines[0] for s in out_scope])
    fused_out = np.array([s.fused for s in out_scope])
    best = None
    for ranks in AGREEMENT_RANKS:
        agreement = fused_score(*ranks)
        for confident in np.arange(0.20, 0.90, 0.01):
            for minimum in np.arange(max(0.1, confident - 0.25), confident + 0.001, 0.01):
                keep_in = (top_in >= confident) | ((top_in >= minimum) & (fused_in >= agreement - 1e-12))
                keep_out = (top_out >= confident) | ((top_out >= minimum) & (fused_out >= agreement - 1e-12))
                kept, rejected = keep_in.mean(), 1 - keep_out.mean()
                if kept >= target_recall and (best is None or rejected > best[3] + 1e-9):
                    thresholds = ScopeThresholds(
                        round(float(minimum), 2), round(float(confident), 2), agreement
                    )
                    best = (thresholds, ranks, kept, rejected)
    return best


def load_clinc():
    data = json.loads((DATASETS / "clinc150" / "data_full_trainval.json").read_text())
    kb = [text for text, _ in data["train"]]
    in_scope = [text for text, _ in data["val"]]
    out_scope = [text for text, _ in data["oos_train"] + data["oos_val"]]
    return kb, in_scope, out_scope


def load_banking():
    root = DATASETS / "banking77_oos"

    def lines(*parts):
        return (root.joinpath(*parts) / "seq.in").read_text().splitlines()

    return lines("train"), lines("valid"), lines("id-oos", "valid"), lines("ood-oos", "valid")


def mtrag_passage_check(thresholds: ScopeThresholds, target_recall: float) -> None:
    """Question-to-*passage* retrieval (MTRAG: 350 passages of 4 domains, last user turn of 159 tasks).

    In scope = ANSWERABLE or PARTIAL; out of scope = UNANSWERABLE or CONVERSATIONAL (only 9) plus the 200
    CLINC150 out-of-scope utterances (off-topic questions) asked against the same passages. This is the
    shape of the product's knowledge base (article chunks), so these thresholds are the shipped defaults.
    """
    flat = DATASETS / "mtrag" / "reference_subset_with_human_evaluations.json"
    data = json.loads(flat.read_text(encoding="utf-8"))
    passages = [doc["text"] for doc in data["documents"]]
    tasks = [json.loads(line) for line in (DATASETS / "mtrag" / "tasks_flat.jsonl").read_text().splitlines()]
    questions = [[t["text"] for t in task["input"] if t["speaker"] == "user"][-1] for task in tasks]
    passage_vectors, bm25 = embed_texts(passages), BM25(passages)
    scores = retrieval_scores(passages, passage_vectors, questions, embed_texts(questions), bm25)
    answerable = [bool({"ANSWERABLE", "PARTIAL"} & set(task["answerability"])) for task in tasks]
    in_scope = [s for s, keep in zip(scores, answerable, strict=True) if keep]
    out_scope = [s for s, keep in zip(scores, answerable, strict=True) if not keep]
    _, _, off_topic = load_clinc()
    out_scope += retrieval_scores(passages, passage_vectors, off_topic, embed_texts(off_topic), bm25)
    top_in = np.array([s.cosines[0] for s in in_scope])
    top_out = np.array([s.cosines[0] for s in out_scope])
    print(
        f"MTRAG: answerable n={len(in_scope)} top-1 cosine p05/p50={np.percentile(top_in, 5):.3f}/{np.median(top_in):.3f};"
        f" out of scope n={len(out_scope)} p50/p95={np.median(top_out):.3f}/{np.percentile(top_out, 95):.3f}"
    )
    for target in (0.90, target_recall):
        found = search(in_scope, out_scope, target)
        if found:
            found_thresholds, ranks, _, _ = found
            kept, rejected = evaluate(found_thresholds, in_scope, out_scope)
            label = (
                f"target {target:.2f}: {found_thresholds.min_top_cosine:.2f} / "
                f"{found_thresholds.confident_top_cosine:.2f} agree@{ranks}"
            )
            print(f"{label:<44} {kept:>13.3f} {rejected:>12.3f}")
    kept, rejected = evaluate(thresholds, in_scope, out_scope)
    print(
        f"{'given ' + str(thresholds.min_top_cosine) + ' / ' + str(thresholds.confident_top_cosine):<44} {kept:>13.3f} {rejected:>12.3f}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target-recall", type=float, default=0.95, help="share of in-scope queries to keep")
    parser.add_argument(
        "--embedding-cache", type=Path, help="a folder outside the repo for cached embeddings"
    )
    parser.add_argument(
        "--passages-only", action="store_true", help="only the MTRAG question-to-passage part"
    )
    args = parser.parse_args()
    global EMBEDDING_CACHE
    EMBEDDING_CACHE = args.embedding_cache

    print("Question-to-passage (MTRAG), the shipped defaults (offtopic.PASSAGE_THRESHOLDS):")
    print(f"{'thresholds (agree / confident cosine)':<44} {'in-scope kept':>13} {'oos rejected':>12}")
    mtrag_passage_check(PASSAGE_THRESHOLDS, args.target_recall)
    if args.passages_only:
        return

    kb, in_texts, out_texts = load_clinc()
    kb_vectors = embed_texts(kb)
    bm25 = BM25(kb)
    in_scores = retrieval_scores(kb, kb_vectors, in_texts, embed_texts(in_texts), bm25)
    out_scores = retrieval_scores(kb, kb_vectors, out_texts, embed_texts(out_texts), bm25)

    top_in = np.array([s.cosines[0] for s in in_scores])
    top_out = np.array([s.cosines[0] for s in out_scores])
    print(f"CLINC150: KB={len(kb)} in-scope queries={len(in_texts)} out-of-scope queries={len(out_texts)}")
    print(
        f"top-1 cosine  in-scope p05/p50={np.percentile(top_in, 5):.3f}/{np.median(top_in):.3f}"
        f"  out-of-scope p50/p95={np.median(top_out):.3f}/{np.percentile(top_out, 95):.3f}"
    )

    print(f"\n{'thresholds (agree / confident cosine)':<44} {'in-scope kept':>13} {'oos rejected':>12}")
    for target in (0.90, args.target_recall, 0.98):
        found = search(in_scores, out_scores, target)
        if found:
            thresholds, ranks, _, _ = found
            kept, rejected = evaluate(thresholds, in_scores, out_scores)
            label = (
                f"target {target:.2f}: {thresholds.min_top_cosine:.2f} / {thresholds.confident_top_cosine:.2f}"
                f" agree@{ranks}"
            )
            print(f"{label:<44} {kept:>13.3f} {rejected:>12.3f}")
    only_cosine = [t for t in np.arange(0.3, 0.9, 0.01) if (top_in >= t).mean() >= args.target_recall][-1]
    print(
        f"{'cosine only, ' + format(only_cosine, '.2f'):<44} {(top_in >= only_cosine).mean():>13.3f}"
        f" {(top_out < only_cosine).mean():>12.3f}"
    )
    current = UTTERANCE_THRESHOLDS
    kept, rejected = evaluate(current, in_scores, out_scores)
    shipped = f"UTTERANCE_THRESHOLDS {current.min_top_cosine} / {current.confident_top_cosine} agree>={current.agreement_fused:.4f}"
    print(f"{shipped:<44} {kept:>13.3f} {rejected:>12.3f}")

    train, valid, id_oos, ood_oos = load_banking()
    b_vectors = embed_texts(train)
    b_bm25 = BM25(train)
    b_in = retrieval_scores(train, b_vectors, valid, embed_texts(valid), b_bm25)
    b_id = retrieval_scores(train, b_vectors, id_oos, embed_texts(id_oos), b_bm25)
    b_ood = retrieval_scores(train, b_vectors, ood_oos, embed_texts(ood_oos), b_bm25)
    kept, rejected_id = evaluate(current, b_in, b_id)
    _, rejected_ood = evaluate(current, b_in, b_ood)
    print(
        f"\nBANKING77-OOS with UTTERANCE_THRESHOLDS (no re-tuning): in-scope kept={kept:.3f}"
        f"  ID-OOS rejected={rejected_id:.3f}  OOD-OOS rejected={rejected_ood:.3f}"
        f"  (n={len(valid)}/{len(id_oos)}/{len(ood_oos)})"
    )
    cross_dataset_report(in_scores, out_scores, b_in, b_id, b_ood, args.target_recall)


def cross_dataset_report(clinc_in, clinc_out, bank_in, bank_id, bank_ood, target):
    """Thresholds chosen on one dataset, reported on the other (both directions), OOS = out-of-domain.

    BANKING77's in-domain OOS (banking questions outside the 77 intents) is reported beside it: retrieval
    scores cannot tell those apart, as the table shows.
    """
    print(f"\nCross-dataset (target in-scope kept {target:.2f} on the tuning set):")
    print(f"{'tuned on -> reported on':<34} {'thresholds':<22} {'in-scope kept':>13} {'OOS rejected':>12}")
    directions = (
        ("CLINC150 -> BANKING77 OOD-OOS", (clinc_in, clinc_out), (bank_in, bank_ood)),
        ("CLINC150 -> BANKING77 ID-OOS", (clinc_in, clinc_out), (bank_in, bank_id)),
        ("BANKING77 OOD-OOS -> CLINC150", (bank_in, bank_ood), (clinc_in, clinc_out)),
    )
    for name, (tune_in, tune_out), (test_in, test_out) in directions:
        found = search(tune_in, tune_out, target)
        if not found:
            print(f"{name:<34} no thresholds reach the target")
            continue
        thresholds, ranks, _, _ = found
        kept, rejected = evaluate(thresholds, test_in, test_out)
        label = f"{thresholds.min_top_cosine:.2f}/{thresholds.confident_top_cosine:.2f} @{ranks}"
        print(f"{name:<34} {label:<22} {kept:>13.3f} {rejected:>12.3f}")


if __name__ == "__main__":
    main()
