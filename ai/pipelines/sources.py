"""What a reply draws on: the retrieved passages, the quote from them, and the citations.

Shared by the answer pipeline (ai.pipelines.answer) and agent drafts (ai.pipelines.draft): the same
search call, the same sentence vectors for retrieval and the quote (``reply_embeddings``), the same
numbering of sources, so a ``[n]`` always names the n-th hit.
"""

from __future__ import annotations

from collections.abc import Sequence

from ai.pipelines.embedding_memo import EmbeddingMemo, MemoEmbedder
from ai.pipelines.extractive import ExtractiveAnswer, extract_answer
from ai.pipelines.verify import cited_numbers
from gateway.embeddings import get_embedder
from knowledge.selectors.search import AUTO, history_user_turns, search

RETRIEVE_K = 6
PROMPT_PASSAGES = 5


def retrieve_stage(
    question: str,
    history: Sequence[dict],
    *,
    audience: str = "public",
    k: int = RETRIEVE_K,
    language: str | None = None,
    embedder=None,
) -> list:
    """The top chunks; articles in the customer's ``language`` first, then cross-lingual matches."""
    return search(
        question, k=k, audience=audience, history=list(history) or None, prefer_language=language or AUTO,
        embedder=embedder, snippets=False,
    )  # fmt: skip


def passages_of(hits: Sequence) -> list[tuple[str, str]]:
    return [(hit.article_title, hit.text) for hit in hits[:PROMPT_PASSAGES]]


def extract_stage(question: str, hits: Sequence, embed, history: Sequence[dict] = ()) -> ExtractiveAnswer:
    earlier = history_user_turns(history, limit=2)
    return extract_answer(
        question, [hit.text for hit in hits[:PROMPT_PASSAGES]], embed=embed, history=earlier
    )


def citations_for(text: str, hits: Sequence) -> list[dict]:
    citations = []
    for number in cited_numbers(text):
        if 1 <= number <= len(hits):
            hit = hits[number - 1]
            citations.append(
                {"n": number, "article_id": hit.article_id, "chunk_id": hit.chunk_id,
                 "title": hit.article_title, "url": hit.url}
            )  # fmt: skip
    return citations


def reply_embeddings(embed) -> tuple[EmbeddingMemo, MemoEmbedder | None]:
    """One memo of sentence vectors for a reply (an answer or a draft); retrieval shares it when it uses
    the same model."""
    if embed is not None:  # the caller's function: retrieval keeps the configured embedder
        return EmbeddingMemo(embed), None
    embedder = get_embedder()
    memo = EmbeddingMemo(lambda texts: embedder.embed_queries(list(texts)))
    return memo, MemoEmbedder(embedder, memo)
