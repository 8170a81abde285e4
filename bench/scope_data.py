"""Datasets and simulated hybrid retrieval for the scope detector (bench/train_scope.py, calibrate_scope.py).

Every dataset is cut into a knowledge base, a *development* query set (fit the model and its threshold)
and a *held-out* query set (reported once), using only the shared/ splits (the official CLINC150 and
BANKING77-OOS test splits are withheld from this checkout, see their SOURCE.md):

- clinc150 (utterance KB): KB = train utterances 1-80 of each intent (12,000); dev = train utterances
  81-100 (3,000 in scope) + oos_train (100); held-out = val (3,000) + oos_val (100).
- banking77 (utterance KB): KB = train minus every 5th line (4,724); dev = every 5th train line (1,181)
  + id-oos/train (2,062, in-domain OOS); held-out = valid (1,506) + id-oos/valid (530) + ood-oos/valid
  (200; these texts are CLINC150 oos_train + oos_val, against the banking KB).
- mtrag (passage KB, 350 passages): last user turn of the 159 tasks, even task index = dev, odd =
  held-out; in scope = ANSWERABLE/PARTIAL. Off-topic side: its few UNANSWERABLE/CONVERSATIONAL tasks
  plus CLINC150 oos_train (dev) / oos_val (held-out) asked against the passages.

For each query the retrieval the product does is simulated (knowledge.selectors.search): vector top-40
by cosine, BM25 top-40, reciprocal-rank fusion k=60, weights 1.0 / 1.0, then the top 6 by fused score
are the "hits" the pipeline sees (RetrievalScores.from_hits).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calibrate_scope import BM25, cached_embeddings  # noqa: E402

from ai.guardrails.offtopic import RetrievalScores  # noqa: E402

DATASETS = REPO.parent / "shared" / "datasets"
DEPTH = 40  # candidates per side before fusion (SearchTuning.depth)
HITS = 6  # hits the pipeline keeps (ai.pipelines.sources.RETRIEVE_K)
TEXT_WEIGHT = 1.0  # SearchTuning.text_weight (vector_weight 1.0, rrf_k 60)
CACHE: Path | None = None


def embed(texts: list[str]) -> np.ndarray:
    return cached_embeddings(texts, CACHE)


def _fused(vector_rank: int | None, text_rank: int | None) -> float:
    return (1 / (60 + vector_rank) if vector_rank else 0.0) + (
        TEXT_WEIGHT / (60 + text_rank) if text_rank else 0.0
    )


@dataclass
class _Hit:  # the fields of knowledge.selectors.search.SearchHit that RetrievalScores.from_hits reads
    score: float
    vector_score: float | None
    text_score: float | None
    vector_rank: int | None
    text_rank: int | None
    article_id: object = None


def retrieve(
    kb_vectors, bm25: BM25, queries: list[str], query_vectors, kb_articles: list | None = None
) -> list[RetrievalScores]:
    """``kb_articles``: the article (intent, page) each knowledge-base entry belongs to."""
    similarities = query_vectors @ kb_vectors.T
    results = []
    for row, query in enumerate(queries):
        order = np.argsort(-similarities[row])[:DEPTH]
        vector_rank = {int(i): rank for rank, i in enumerate(order, start=1)}
        text = bm25.scored(query, DEPTH)
        text_rank = {i: rank for rank, (i, _) in enumerate(text, start=1)}
        text_score = dict(text)
        hits = []
        for i in set(vector_rank) | set(text_rank):
            fused = _fused(vector_rank.get(i), text_rank.get(i))
            cosine = float(similarities[row, i]) if i in vector_rank else None
            article = kb_articles[i] if kb_articles is not None else None
            hits.append(_Hit(fused, cosine, text_score.get(i), vector_rank.get(i), text_rank.get(i), article))
        hits.sort(key=lambda h: -h.score)
        results.append(RetrievalScores.from_hits(hits[:HITS]))
    return results


@dataclass
class Split:
    questions: list[str]
    scores: list[RetrievalScores]
    labels: np.ndarray  # 1 = in scope
    groups: np.ndarray  # "in", "oos", "id_oos", "ood_oos"


def _split(kb_vectors, bm25, parts: list[tuple[str, list[str]]], kb_articles: list | None = None) -> Split:
    questions, scores, groups = [], [], []
    for group, texts in parts:
        if not texts:
            continue
        questions += texts
        scores += retrieve(kb_vectors, bm25, texts, embed(texts), kb_articles)
        groups += [group] * len(texts)
    groups = np.array(groups)
    return Split(questions, scores, (groups == "in").astype(float), groups)


def _clinc_raw():
    return json.loads((DATASETS / "clinc150" / "data_full_trainval.json").read_text())


def load_clinc150() -> tuple[Split, Split]:
    data = _clinc_raw()
    seen: Counter[str] = Counter()
    kb, intents, dev_in = [], [], []
    for text, label in data["train"]:
        seen[label] += 1
        if seen[label] <= 80:
            kb.append(text)
            intents.append(label)
        else:
            dev_in.append(text)
    kb_vectors, bm25 = embed(kb), BM25(kb)
    dev = _split(kb_vectors, bm25, [("in", dev_in), ("oos", [t for t, _ in data["oos_train"]])], intents)
    held = _split(
        kb_vectors,
        bm25,
        [("in", [t for t, _ in data["val"]]), ("oos", [t for t, _ in data["oos_val"]])],
        intents,
    )
    return dev, held


def load_banking77() -> tuple[Split, Split]:
    root = DATASETS / "banking77_oos"

    def lines(*parts):
        return (root.joinpath(*parts) / "seq.in").read_text().splitlines()

    train = lines("train")
    labels = (root / "train" / "label").read_text().splitlines()
    kb = [t for i, t in enumerate(train) if i % 5 != 4]
    intents = [label for i, label in enumerate(labels) if i % 5 != 4]
    dev_in = [t for i, t in enumerate(train) if i % 5 == 4]
    kb_vectors, bm25 = embed(kb), BM25(kb)
    dev = _split(kb_vectors, bm25, [("in", dev_in), ("id_oos", lines("id-oos", "train"))], intents)
    held = _split(
        kb_vectors,
        bm25,
        [
            ("in", lines("valid")),
            ("id_oos", lines("id-oos", "valid")),
            ("ood_oos", lines("ood-oos", "valid")),
        ],
        intents,
    )
    return dev, held


def load_mtrag() -> tuple[Split, Split]:
    data = json.loads(
        (DATASETS / "mtrag" / "reference_subset_with_human_evaluations.json").read_text(encoding="utf-8")
    )
    passages = [doc["text"] for doc in data["documents"]]
    pages = [_page_of(doc["document_id"]) for doc in data["documents"]]
    tasks = [json.loads(line) for line in (DATASETS / "mtrag" / "tasks_flat.jsonl").read_text().splitlines()]
    kb_vectors, bm25 = embed(passages), BM25(passages)
    clinc = _clinc_raw()
    splits = []
    for parity, off_topic_key in ((0, "oos_train"), (1, "oos_val")):
        chosen = [task for index, task in enumerate(tasks) if index % 2 == parity]
        answerable, other = [], []
        for task in chosen:
            question = [turn["text"] for turn in task["input"] if turn["speaker"] == "user"][-1]
            ok = {"ANSWERABLE", "PARTIAL"} & set(task["answerability"])
            (answerable if ok else other).append(question)
        off_topic = other + [t for t, _ in clinc[off_topic_key]]
        splits.append(_split(kb_vectors, bm25, [("in", answerable), ("oos", off_topic)], pages))
    return splits[0], splits[1]


def _page_of(document_id: str) -> str:
    """The page an MTRAG passage was cut from: its id without the passage offsets
    ("ibmcld_09715-1298-2911" -> "ibmcld_09715", "818532751_24559-25351-0-792" -> "818532751",
    "6f5daa4c0a667c15-4455-6523" -> "6f5daa4c0a667c15")."""
    if "_" in document_id and not document_id.startswith("ibmcld_"):
        return document_id.split("_")[0]
    return document_id.rsplit("-", 2)[0]


LOADERS = {"clinc150": load_clinc150, "banking77": load_banking77, "mtrag": load_mtrag}
KB_KIND = {"clinc150": "utterances", "banking77": "utterances", "mtrag": "passages"}
