"""Sentence embeddings for the guardrails: always USE multilingual v3 (512 dimensions, pure numpy).

The injection classifier's weights live in the USE vector space, so it needs USE vectors even when
the knowledge base is configured to embed with an OpenAI-compatible endpoint. When the knowledge base
uses the local USE model too, its process-wide instance is shared (one copy of the weights in memory)
and a caller that already embedded the text may pass that vector to ``detect_injection``.
"""

from __future__ import annotations

import threading

import numpy as np

from gateway.embeddings import LocalUSEEmbedder, configured_backend, get_embedder

EMBEDDING_DIMENSIONS = 512
_own_embedder = None
_lock = threading.Lock()


def _shared_local_embedder():
    """The knowledge app's embedder if it is the local USE one (Django configured), else None."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        if not settings.configured:
            return None
        if configured_backend() == "local":
            embedder = get_embedder()
            return embedder if isinstance(embedder, LocalUSEEmbedder) else None
    except ImproperlyConfigured:
        return None
    return None


def guardrail_embedder():
    global _own_embedder
    shared = _shared_local_embedder()
    if shared is not None:
        return shared
    with _lock:
        if _own_embedder is None:
            _own_embedder = LocalUSEEmbedder()
        return _own_embedder


def embed_texts(texts: list[str]) -> np.ndarray:
    """(len(texts), 512) L2-normalised float32 rows in the USE space."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIMENSIONS), dtype=np.float32)
    return guardrail_embedder().embed_documents(list(texts))


def embed_text(text: str) -> np.ndarray:
    return embed_texts([text])[0]
