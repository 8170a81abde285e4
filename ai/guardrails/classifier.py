"""The shipped prompt-injection classifier: logistic regression over hashed word and character n-grams,
the structural cues of ``structure.py`` (and their pairs), and the sentence embedding of the text.

Weights live in ``data/injection_model.json`` (written by bench/train_injection.py, trained offline on
several sources at once: deepset/prompt-injections train, BIPIA emails with inserted attacks, LLMail
benign emails, support text, and hand-written attacks in DE/FR/ES/NL/IT/PT). Inference is a sparse dot
product, a lookup per structural cue and one 512-wide dot product; no ML library needed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ai.guardrails.embedding import embed_text
from ai.guardrails.features import feature_counts, tfidf_vector
from ai.guardrails.structure import cue_features, structural_cues

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "injection_model.json"


@dataclass(frozen=True)
class InjectionClassifier:
    bias: float
    default_idf: float
    idf: dict[int, float]
    weights: dict[int, float]
    threshold: float
    meta: dict
    embedding_weights: np.ndarray | None = None
    embedding_scale: float = 0.0
    # Largest contribution (in logits) the embedding part may add. Unbounded, it extrapolated wildly on
    # text unlike the training data (internal business emails scored as attacks); bounded, it can only
    # confirm what the n-grams or the heuristics also see. Chosen in bench/train_injection.py.
    embedding_margin_cap: float = float("inf")
    # Weight per structural cue feature ("cue:role_assignment", "cue:format_demand+role_assignment").
    cue_weights: dict[str, float] | None = None

    @classmethod
    def from_dict(cls, payload: dict) -> InjectionClassifier:
        ids = payload["ids"]
        embedding_weights = payload.get("embedding_weights")
        return cls(
            bias=float(payload["bias"]),
            default_idf=float(payload["default_idf"]),
            idf=dict(zip(ids, payload["idf"], strict=True)),
            weights=dict(zip(ids, payload["weights"], strict=True)),
            threshold=float(payload["threshold"]),
            meta=payload.get("meta", {}),
            embedding_weights=None
            if embedding_weights is None
            else np.asarray(embedding_weights, dtype=np.float64),
            embedding_scale=float(payload.get("embedding_scale", 0.0)),
            embedding_margin_cap=float(payload.get("embedding_margin_cap", float("inf"))),
            cue_weights=payload.get("cue_weights"),
        )

    @classmethod
    def load(cls, path: Path | str) -> InjectionClassifier:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def uses_embedding(self) -> bool:
        return self.embedding_weights is not None

    def probability(
        self, text: str, embedding: np.ndarray | None = None, cues: tuple[str, ...] | None = None
    ) -> float:
        """P(injection | text) in [0, 1]; ``embedding`` is the text's USE vector (computed if omitted),
        ``cues`` its structural cues (computed if omitted)."""
        vector = tfidf_vector(feature_counts(text), self.idf, self.default_idf)
        margin = self.bias + sum(value * self.weights.get(fid, 0.0) for fid, value in vector.items())
        if self.cue_weights:
            cues = structural_cues(text) if cues is None else cues
            margin += sum(self.cue_weights.get(name, 0.0) for name in cue_features(cues))
        if self.embedding_weights is not None:
            if embedding is None:
                embedding = embed_text(text)
            embedding_margin = self.embedding_scale * float(
                np.dot(np.asarray(embedding, dtype=np.float64), self.embedding_weights)
            )
            margin += min(embedding_margin, self.embedding_margin_cap)
        if margin >= 0:
            return 1.0 / (1.0 + math.exp(-margin))
        exp_margin = math.exp(margin)
        return exp_margin / (1.0 + exp_margin)


@lru_cache(maxsize=1)
def default_classifier() -> InjectionClassifier:
    return InjectionClassifier.load(DEFAULT_MODEL_PATH)
