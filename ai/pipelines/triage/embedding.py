"""Sentence embeddings for triage through the knowledge app's embedder (one per process: the
model is big), plus an on-disk cache for evaluation runs over whole CSV files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from gateway.embeddings import get_embedder

EMBEDDING_DIM = 512


def _embedder():
    # Customer text: the local model runs in-process; a remote one gets it only redacted (gateway).
    return get_embedder()


def embedder_name() -> str:
    return _embedder().name


def embed_texts(texts: list[str]) -> np.ndarray:
    """L2-normalised float32 embeddings, shape (len(texts), 512)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    return np.asarray(_embedder().embed_queries(list(texts)), dtype=np.float32)


def embed_one(text: str) -> np.ndarray:
    return embed_texts([text])[0]


def embed_texts_cached(texts: list[str], *, cache_dir: Path) -> np.ndarray:
    """Embeddings of a whole list, cached on disk under a hash of the embedder and the texts."""
    name = embedder_name()
    digest = hashlib.sha256((name + "\x1d" + "\x1e".join(texts)).encode()).hexdigest()[:32]
    path = Path(cache_dir) / f"triage-{digest}.npy"
    if path.exists():
        cached = np.load(path)
        if cached.shape == (len(texts), EMBEDDING_DIM):
            return cached
    vectors = embed_texts(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.npy")
    np.save(partial, vectors)
    partial.replace(path)
    return vectors
