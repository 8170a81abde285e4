"""Each text embedded once per answer: the stages of one answer share their sentence vectors.

Retrieval embeds the question and the last user turns, the repeated-question rule embeds the
question and the customer's earlier messages, extraction the question, the joined last turns and
the candidate sentences, the confidence the joined turns and the quote. Without this the same texts
went through the model three or four times per answer. ``EmbeddingMemo`` wraps the answer's
``embed`` function: a call embeds only the texts it has not seen (in one batch, in order) and
returns every row from memory. It lives for one answer only, so nothing outlives the request.
The vectors are the model's own (a text's vector does not depend on what it was batched with,
beyond float32 rounding, ~1e-7).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np


class EmbeddingMemo:
    def __init__(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        self._embed = embed
        self._vectors: dict[str, np.ndarray] = {}
        self.calls = 0  # model calls made
        self.embedded = 0  # texts sent to the model

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
        if missing:
            vectors = np.asarray(self._embed(missing), dtype=np.float32)
            if vectors.shape[0] != len(missing):
                raise ValueError(f"the embedder returned {vectors.shape[0]} vectors for {len(missing)} texts")
            self.calls += 1
            self.embedded += len(missing)
            for text, vector in zip(missing, vectors, strict=True):
                self._vectors[text] = vector
        if not texts:
            return np.asarray(self._embed([]), dtype=np.float32)
        return np.stack([self._vectors[text] for text in texts])


class MemoEmbedder:
    """An ``Embedder`` for ``knowledge.selectors.search`` that asks the memo (queries only)."""

    def __init__(self, embedder, memo: EmbeddingMemo) -> None:
        self.name, self.dim = embedder.name, embedder.dim
        self._embedder, self._memo = embedder, memo

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._memo(texts)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._embedder.embed_documents(texts)

    def embed_published(self, texts: list[str]) -> np.ndarray:
        return self._embedder.embed_published(texts)
