"""Evaluate a second, independent model over the product's search candidates: as a re-ranker, and as
an answer-confidence signal. Runs outside the product's virtualenv.

    python -m venv /tmp/rerank && /tmp/rerank/bin/pip install numpy wordllama==0.4.0.post1
    /tmp/rerank/bin/python bench/rerank_static.py var/eval/candidates/{mtrag,bitext,demo_kb}.json \
        [--depth 20] [--dumps var/eval/dumps --out var/eval/dumps_rerank]

The model is WordLlama ``l2_supercat`` (256 dimensions; static token embeddings, mean-pooled), the
one re-ranking-capable model found whose weights ship inside its pip wheel (cross-encoders such as
FlashRank's download their weights at run time). Loaded from the wheel's own files: its loader looks
for the bundled tokenizer under the wrong folder name and would try Hugging Face.

Per candidates file (``bench/retrieval_candidates.py``): document hit@1 / hit@5 / MRR@10 of the
product's order, of the model alone over the top ``--depth`` hits, and of the two fused by RRF (k 60,
equal weights; fixed before any figure was looked at). With ``--dumps``, each ``eval_answers --dump``
file of the same name gets two signals over the top ``--depth`` hits, ``wl_agree`` (the model ranks
the product's first document first) and ``wl_margin`` (the model's best cosine for the product's
first document minus its best for any other), written to ``--out`` for
``python -m ai.evaluation.answer_calibration --signals ...,wl_margin``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

RRF_K = 60


def load_model():
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    package = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(package / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(package / "weights" / "l2_supercat_256.safetensors"), framework="np") as weights:
        embedding = weights.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer)


def documents_in_order(hits: list[dict]) -> list[str]:
    seen: list[str] = []
    for hit in hits:
        if hit["doc"] not in seen:
            seen.append(hit["doc"])
    return seen


def metrics(rankings: list[list[str]], golds: list[list[str]]) -> dict[str, float]:
    hit1 = hit5 = mrr = 0.0
    scored = 0
    for ranking, gold in zip(rankings, golds, strict=True):
        if not gold:
            continue  # unanswerable: no document is right
        scored += 1
        rank = next((i for i, doc in enumerate(ranking, start=1) if doc in set(gold)), None)
        hit1 += rank == 1
        hit5 += bool(rank and rank <= 5)
        mrr += 1 / rank if rank and rank <= 10 else 0.0
    n = max(scored, 1)
    return {"hit@1": hit1 / n, "hit@5": hit5 / n, "mrr": mrr / n, "n": scored}


def model_scores(model, question: dict, hits: list[dict]) -> np.ndarray:
    query = model.embed([question["question"]])[0]
    chunks = model.embed([f"{hit['title']}\n{hit['text']}" for hit in hits])
    return chunks @ query


def rerank(hits: list[dict], scores: np.ndarray, *, fuse: bool) -> list[dict]:
    by_model = np.argsort(-scores)
    if not fuse:
        return [hits[int(i)] for i in by_model]
    model_rank = {int(i): rank for rank, i in enumerate(by_model, start=1)}
    fused = sorted(
        range(len(hits)), key=lambda i: -(1 / (RRF_K + i + 1) + 1 / (RRF_K + model_rank[i]))
    )  # fmt: skip
    return [hits[i] for i in fused]


def signals(hits: list[dict], scores: np.ndarray) -> dict[str, float]:
    first = hits[0]["doc"]
    best_first = max(float(s) for hit, s in zip(hits, scores, strict=True) if hit["doc"] == first)
    others = [float(s) for hit, s in zip(hits, scores, strict=True) if hit["doc"] != first]
    return {
        "wl_agree": 1.0 if hits[int(np.argmax(scores))]["doc"] == first else 0.0,
        "wl_margin": round(best_first - (max(others) if others else 0.0), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("candidates", nargs="+", type=Path)
    parser.add_argument("--depth", type=int, default=20, help="hits the model re-scores")
    parser.add_argument("--dumps", type=Path, help="folder of eval_answers --dump files (<name>.jsonl)")
    parser.add_argument("--out", type=Path, help="where the dumps with the model's signals go")
    args = parser.parse_args()
    model = load_model()
    table = {}
    print(f"{'set':<10}{'order':<12}{'hit@1':>7}{'hit@5':>7}{'MRR':>7}{'n':>5}{'ms/q':>7}")
    for path in args.candidates:
        questions = json.loads(path.read_text())
        golds = [q["gold"] for q in questions]
        rankings: dict[str, list[list[str]]] = {"product": [], "model": [], "fused": []}
        per_question: dict[str, dict[str, float]] = {}
        started = time.perf_counter()
        for question in questions:
            hits, rest = question["hits"][: args.depth], question["hits"][args.depth :]
            rankings["product"].append(documents_in_order(question["hits"]))
            if not hits:
                rankings["model"].append([])
                rankings["fused"].append([])
                continue
            scores = model_scores(model, question, hits)
            rankings["model"].append(documents_in_order(rerank(hits, scores, fuse=False) + rest))
            rankings["fused"].append(documents_in_order(rerank(hits, scores, fuse=True) + rest))
            per_question[question["id"]] = signals(hits, scores)
        per_query_ms = (time.perf_counter() - started) / max(len(questions), 1) * 1000
        for order, ranked in rankings.items():
            m = metrics(ranked, golds)
            table[f"{path.stem}/{order}"] = m
            print(
                f"{path.stem:<10}{order:<12}{m['hit@1']:>7.3f}{m['hit@5']:>7.3f}{m['mrr']:>7.3f}{m['n']:>5}"
                f"{per_query_ms if order != 'product' else 0:>7.1f}"
            )
        if args.dumps and args.out:
            dump = args.dumps / f"{path.stem}.jsonl"
            lines = []
            for line in dump.read_text().splitlines():
                outcome = json.loads(line)
                if outcome.get("signals") and outcome["question_id"] in per_question:
                    outcome["signals"].update(per_question[outcome["question_id"]])
                lines.append(json.dumps(outcome))
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / dump.name).write_text("\n".join(lines) + "\n")
    print(json.dumps({"depth": args.depth, "sets": table}))


if __name__ == "__main__":
    main()
