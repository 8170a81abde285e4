"""Extractive answers: quote the best-supported whole sentences of the retrieved passages, with [n].

Used when no model may generate (not configured, switched off, over budget, provider down) and as the
safer answer when a generated one fails its checks. Sentences are scored by how much of the question
they cover (content stems, the same stemming the support check uses), by embedding similarity to
the question (mixed with the customer's earlier turns, so a follow-up "how long is it valid?" is
read as being about the reset link), and by whether they hold the kind of answer asked for (a
duration for "how long", an amount for "how much"). The quote is the minimal span: the best
sentence, plus a runner-up only when it scores close to it and adds question words the best one
lacks (or directly continues it); in original order, never cut mid-sentence. Every quoted sentence
cites its passage, so the output passes the citation and support checks by construction.
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
HISTORY_WEIGHT = 0.3  # weight of the earlier user turns in the sentence's query (question = 1)
TYPE_BONUS = 0.08  # added to a sentence holding the asked-for kind of answer, taken from one that lacks it

# What kind of answer a question asks for, and how a sentence that holds one looks (EN/DE/FR/ES).
_DURATION_Q = re.compile(
    r"\b(how long|how soon|how many (?:days|hours|weeks|minutes)|when|until when|by when|wie lange|wann|"
    r"bis wann|combien de temps|quand|cuánto tiempo|cuándo)\b",
    re.IGNORECASE,
)
_AMOUNT_Q = re.compile(
    r"\b(how much|cost|costs|price|fee|fees|charge|wie viel|kostet|kosten|gebühr|combien|prix|cuánto|precio)\b",
    re.IGNORECASE,
)
_COUNT_Q = re.compile(r"\b(how many|wie viele|combien de|cuántos|cuántas)\b", re.IGNORECASE)
_TIME_UNIT = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|ten|a|an)[\s-]*(second|minute|hour|day|business day|"
    r"working day|week|month|year|min|h|sekunde|minute|stunde|tag|werktag|woche|monat|jahr|jour|semaine|"
    r"mois|an|día|semana|mes|año)s?\b|\b(immediately|instantly|same day|next day|sofort|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|\d{1,2}[:.]\d{2}|\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"([$€£¥]\s?\d|\d\s?(?:[$€£¥%]|eur|euro|usd|gbp|dollars?|pounds?)\b|\bfree\b|kostenlos|gratis)",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class QuotedSentence:
    text: str
    source: int  # 1-based passage number, as cited
    position: int  # index of the sentence inside its passage
    overlap: float  # share of the question's content stems the sentence contains
    similarity: float  # embedding cosine to the question (0 when no embedder)
    score: float
    type_match: float = 0.5  # 1: holds the asked-for kind of answer, 0: lacks it, 0.5: no kind asked


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

    @property
    def best_similarity(self) -> float:
        return max((sentence.similarity for sentence in self.sentences), default=0.0)

    @property
    def type_match(self) -> float:
        return max((sentence.type_match for sentence in self.sentences), default=0.0)


def answer_type(question: str) -> str | None:
    """The kind of answer a question asks for: "duration", "amount", "count", or None (any)."""
    if _AMOUNT_Q.search(question):
        return "amount"
    if _DURATION_Q.search(question):
        return "duration"
    if _COUNT_Q.search(question):
        return "count"
    return None


def type_match(kind: str | None, sentence: str) -> float:
    if kind is None:
        return 0.5
    if kind == "duration":
        return 1.0 if _TIME_UNIT.search(sentence) else 0.0
    if kind == "amount":
        return 1.0 if _AMOUNT.search(sentence) or _NUMBER.search(sentence) else 0.0
    return 1.0 if _NUMBER.search(sentence) or _TIME_UNIT.search(sentence) else 0.0


_TABLE_ROW = re.compile(r"^\s*\|")
_QUOTE_MARKER = re.compile(r"^\s*>\s?")
_TABLE_SEPARATOR = re.compile(r"^[\s|:-]+$")
_SENTENCE_ENDS = (".", "!", "?")
_SENTENCE_PUNCTUATION = (*_SENTENCE_ENDS, ":", ";", ",", ")", '"', "'", "»", "…")
HEADING_MAX_WORDS = 12
PARAGRAPH, ITEM, ROW = "paragraph", "item", "row"


def _blocks(text: str) -> list[tuple[str, str]]:
    """Markdown paragraphs, list items and table rows as (kind, text). A wrapped line continues its
    paragraph or item (a soft line break is a space); a blank line or a heading ends it; a list marker
    starts an item; a table row is one block, its cells joined ("Card: 3-5 working days", "E07 – Motor
    overheating – Stop for 10 minutes."), the header row left out."""
    blocks: list[tuple[str, list[str]]] = []
    open_block = False
    for line in text.splitlines():
        line = _QUOTE_MARKER.sub("", line)  # a block quote's lines read like any others
        if not line.strip() or _HEADING.match(line):
            open_block = False
            continue
        if _TABLE_ROW.match(line):
            if _TABLE_SEPARATOR.match(line):
                if blocks and blocks[-1][0] == ROW:
                    blocks.pop()  # the row above the separator is the table's header
            else:
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                blocks.append((ROW, [(": " if len(cells) == 2 else " – ").join(c for c in cells if c)]))
            open_block = False
            continue
        item = bool(_LIST_MARKER.match(line))
        if item or not open_block:
            blocks.append((ITEM if item else PARAGRAPH, []))
            open_block = True
        blocks[-1][1].append(_LIST_MARKER.sub("", line) if item else line)
    cleaned = []
    for kind, lines in blocks:
        joined = _LINK.sub(r"\1", " ".join(line.strip() for line in lines))
        cleaned.append((kind, " ".join(_MARKDOWN_NOISE.sub("", joined).split())))
    return cleaned


def _is_heading(kind: str, body: str) -> bool:
    """A short paragraph without sentence punctuation is a heading (chunk text keeps them as lines)."""
    return (
        kind == PARAGRAPH
        and not body.endswith(_SENTENCE_PUNCTUATION)
        and len(body.split()) <= HEADING_MAX_WORDS
    )


def _with_lead_ins(blocks: list[tuple[str, str]]) -> list[str]:
    """A paragraph ending in ':' and the list it introduces become one sentence ("Contact us within 7
    days with: your order number, photos of the damage, ..."), as a person would quote it. Headings
    are left out."""
    merged: list[str] = []
    index = 0
    while index < len(blocks):
        kind, body = blocks[index]
        end = index + 1
        while end < len(blocks) and blocks[end][0] == ITEM:
            end += 1
        items = [text for _kind, text in blocks[index + 1 : end] if text]
        if kind == PARAGRAPH and body.endswith(":") and items:
            parts = [text if text.endswith((*_SENTENCE_ENDS, ",", ";")) else f"{text};" for text in items]
            sentence = f"{body} {' '.join(parts)}".rstrip(",;")
            sentence = sentence if sentence.endswith(_SENTENCE_ENDS) else f"{sentence}."
            if len(sentence) <= MAX_SENTENCE_CHARS:
                merged.append(sentence)
                index = end
                continue
        if body and not _is_heading(kind, body):
            merged.append(body)
        index += 1
    return merged


def passage_sentences(text: str) -> list[str]:
    """Whole sentences of a passage, markdown markup removed; headings and fragments skipped. Wrapped
    lines are joined first, so a sentence broken over two lines is quoted whole."""
    sentences = []
    for block in _with_lead_ins(_blocks(text)):
        for piece in _SENTENCE_END.split(block):
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
    history: Sequence[str] = (),
) -> list[QuotedSentence]:
    """Every candidate sentence of the top passages, best first. ``history``: earlier user turns."""
    question_stems = content_stems(question)
    history_stems = content_stems(" ".join(history)) - question_stems
    kind = answer_type(question)
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
        earlier = [" ".join(history)] if history else []
        vectors = embed([question, *earlier, *(sentence for _n, _p, sentence in candidates)])
        query = vectors[0]
        if earlier:
            query = vectors[0] + HISTORY_WEIGHT * vectors[1]
            query = query / (np.linalg.norm(query) or 1.0)
        similarities = [float(value) for value in vectors[1 + len(earlier) :] @ query]
    lexical_weight = LEXICAL_WEIGHT if embed is not None else 1.0
    scored = []
    for (number, position, sentence), similarity in zip(candidates, similarities, strict=True):
        overlap = _overlap(question_stems, sentence)
        if history_stems:  # words of the earlier turns count a little (the topic of a follow-up)
            overlap = min(1.0, overlap + HISTORY_WEIGHT * _overlap(history_stems, sentence) / 2)
        matched = type_match(kind, sentence)
        # A slight preference for the passage retrieval ranked higher breaks near-ties.
        rank_bonus = 0.02 * (max_passages - number)
        score = (
            lexical_weight * overlap
            + (1 - lexical_weight) * max(similarity, 0.0)
            + rank_bonus
            + TYPE_BONUS * (matched - 0.5) * 2
        )
        scored.append(
            QuotedSentence(
                sentence,
                number,
                position,
                round(overlap, 4),
                round(similarity, 4),
                round(score, 4),
                type_match=matched,
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
    covered = content_stems(best.text)
    for candidate in scored[1:]:
        if len(chosen) >= max_sentences:
            break
        same_passage = candidate.source == best.source
        threshold = RUNNER_UP_RATIO * best.score * (0.9 if same_passage else 1.0)
        # The sentence right after the best one usually continues it (the steps after "To reset...").
        follows_best = same_passage and candidate.position == best.position + 1
        if candidate.score < threshold and not (follows_best and candidate.score >= 0.5 * best.score):
            continue
        # Minimal span: a runner-up must add something (new words, or the answer the best one lacks).
        adds = bool(content_stems(candidate.text) - covered) or candidate.type_match > best.type_match
        if not (adds or follows_best):
            continue
        if length + len(candidate.text) > MAX_ANSWER_CHARS:
            continue
        chosen.append(candidate)
        covered |= content_stems(candidate.text)
        length += len(candidate.text)
    return sorted(chosen, key=lambda sentence: (sentence.source, sentence.position))


def extract_answer(
    question: str,
    passages: Sequence[str],
    *,
    embed: Callable[[list[str]], np.ndarray] | None = None,
    max_sentences: int = 3,
    history: Sequence[str] = (),
) -> ExtractiveAnswer:
    """Quote the passages' best sentences for ``question``; an empty answer when nothing fits."""
    scored = score_sentences(question, passages, embed=embed, history=history)
    chosen = select_sentences(scored, max_sentences=max_sentences)
    lines = [f"{sentence.text} [{sentence.source}]" for sentence in chosen]
    return ExtractiveAnswer(text="\n".join(lines), sentences=chosen)


def quoted_intro(language: str) -> str:
    """The line that tells the customer the answer is quoted, in their language."""
    with translation.override(language or None):
        return _("From our help center:")


def with_intro(body: str, language: str) -> str:
    return f"{quoted_intro(language)}\n{body}" if body else ""
