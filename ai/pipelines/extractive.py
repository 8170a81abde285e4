"""Extractive answers: quote the best-supported whole sentences of the retrieved passages, with [n].

Used when no model may generate (not configured, switched off, over budget, provider down) and as the
safer answer when a generated one fails its checks. Sentences are scored by how much of the question
they cover (content stems, the same stemming the support check uses) and by embedding similarity to
the question; the best one is kept with up to two close runners-up from the top passages, in their
original order, never cut mid-sentence. Every quoted sentence cites its passage, so the output passes
the citation and support checks by construction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils import translation
from django.utils.translation import gettext as _

from ai.guardrails.support import content_stems

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(«„¿¡]?[A-ZÄÖÜÉÈÀ0-9])")
_MARKDOWN_NOISE = re.compile(r"(\*\*|__|`|^\s*>\s*)")
_LIST_MARKER = re.compile(r"^\s*(?:[-*•+]|\d+[.)])\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HEADING = re.compile(r"^\s*#{1,6}\s")
MIN_WORDS = 4
MAX_SENTENCE_CHARS = 500
MAX_ANSWER_CHARS = 700
MAX_PASSAGES = 3  # sentences come from the top passages only: lower ones are rarely on topic
RUNNER_UP_RATIO = 0.75  # a second sentence must score at least this share of the best one
LEXICAL_WEIGHT = 0.5
MAX_EMBEDDED = 16


@dataclass(frozen=True)
class QuotedSentence:
    text: str
    source: int  # 1-based passage number, as cited
    position: int  # index of the sentence inside its passage
    overlap: float  # share of the question's content stems the sentence contains
    similarity: float  # embedding cosine to the question (0 when no embedder)
    score: float


@dataclass(frozen=True)
class ExtractiveAnswer:
    text: str  # the quoted body with [n] markers (no intro line)
    sentences: list[QuotedSentence] = field(default_factory=list)

    @property
    def citations(self) -> list[int]:
        return sorted({sentence.source for sentence in self.sentences})

    @property
    def best_score(self) -> float:
        return max((sentence.score for sentence in self.sentences), default=0.0)

    @property
    def best_overlap(self) -> float:
        return max((sentence.overlap for sentence in self.sentences), default=0.0)


def passage_sentences(text: str) -> list[str]:
    """Whole sentences of a passage, markdown markup removed; headings and fragments skipped."""
    sentences = []
    for line in text.splitlines():
        if _HEADING.match(line):
            continue
        line = _LINK.sub(r"\1", _LIST_MARKER.sub("", line))
        line = " ".join(_MARKDOWN_NOISE.sub("", line).split())
        if not line:
            continue
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip()
            if len(piece.split()) >= MIN_WORDS and len(piece) <= MAX_SENTENCE_CHARS:
                sentences.append(piece)
    return sentences


def _overlap(question_stems: set[str], sentence: str) -> float:
    if not question_stems:
        return 0.0
    return len(question_stems & content_stems(sentence)) / len(question_stems)


def score_sentences(
    question: str,
    passages: Sequence[str],
    *,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    max_passages: int = MAX_PASSAGES,
) -> list[QuotedSentence]:
    """Every candidate sentence of the top passages, best first."""
    question_stems = content_stems(question)
    candidates: list[tuple[int, int, str]] = []
    for number, passage in enumerate(passages[:max_passages], start=1):
        for position, sentence in enumerate(passage_sentences(passage)):
            candidates.append((number, position, sentence))
    if not candidates:
        return []
    if embed is not None and len(candidates) > MAX_EMBEDDED:
        # Embedding every sentence of long passages is the slow part; the sentences sharing the most
        # words with the question (and each passage's opening sentence) are the only real contenders.
        ranked = sorted(candidates, key=lambda c: (-_overlap(question_stems, c[2]), c[0], c[1]))
        keep = set(ranked[:MAX_EMBEDDED]) | {c for c in candidates if c[1] == 0}
        candidates = [c for c in candidates if c in keep]
    similarities = [0.0] * len(candidates)
    if embed is not None:
        vectors = embed([question, *(sentence for _n, _p, sentence in candidates)])
        similarities = [float(value) for value in vectors[1:] @ vectors[0]]
    lexical_weight = LEXICAL_WEIGHT if embed is not None else 1.0
    scored = []
    for (number, position, sentence), similarity in zip(candidates, similarities, strict=True):
        overlap = _overlap(question_stems, sentence)
        # A slight preference for the passage retrieval ranked higher breaks near-ties.
        rank_bonus = 0.02 * (max_passages - number)
        score = lexical_weight * overlap + (1 - lexical_weight) * max(similarity, 0.0) + rank_bonus
        scored.append(
            QuotedSentence(
                sentence, number, position, round(overlap, 4), round(similarity, 4), round(score, 4)
            )
        )
    return sorted(scored, key=lambda sentence: (-sentence.score, sentence.source, sentence.position))


def select_sentences(scored: Sequence[QuotedSentence], *, max_sentences: int = 3) -> list[QuotedSentence]:
    """The best sentence, its close runners-up (same passage preferred), within the length budget."""
    if not scored:
        return []
    best = scored[0]
    chosen = [best]
    length = len(best.text)
    for candidate in scored[1:]:
        if len(chosen) >= max_sentences:
            break
        same_passage = candidate.source == best.source
        threshold = RUNNER_UP_RATIO * best.score * (0.9 if same_passage else 1.0)
        # The sentence right after the best one usually continues it (the steps after "To reset...").
        follows_best = same_passage and candidate.position == best.position + 1
        if candidate.score < threshold and not (follows_best and candidate.score >= 0.5 * best.score):
            continue
        if length + len(candidate.text) > MAX_ANSWER_CHARS:
            continue
        chosen.append(candidate)
        length += len(candidate.text)
    return sorted(chosen, key=lambda sentence: (sentence.source, sentence.position))


def extract_answer(
    question: str,
    passages: Sequence[str],
    *,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    max_sentences: int = 3,
) -> ExtractiveAnswer:
    """Quote the passages' best sentences for ``question``; an empty answer when nothing fits."""
    chosen = select_sentences(score_sentences(question, passages, embed=embed), max_sentences=max_sentences)
    lines = [f"{sentence.text} [{sentence.source}]" for sentence in chosen]
    return ExtractiveAnswer(text="\n".join(lines), sentences=chosen)


def quoted_intro(language: str) -> str:
    """The line that tells the customer the answer is quoted, in their language."""
    with translation.override(language or None):
        return _("From our help center:")


def with_intro(body: str, language: str) -> str:
    return f"{quoted_intro(language)}\n{body}" if body else ""
