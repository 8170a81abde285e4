"""Prompt-injection detection: shipped classifier + known phrasings + encoded and hidden text.

``detect_injection(text, html=None)`` scores the visible text and every hidden payload it can find
(base64/hex blobs that decode to language, rot13, Unicode tag characters, hidden HTML). Each signal is a
probability-like number; signals are combined with a noisy-or, so two weak signals can flag a message
that neither flags alone, and the verdict's ``reasons`` say which signals fired (safe to log: pattern
names and short excerpts of attacker text, never whole messages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ai.guardrails import hidden
from ai.guardrails.classifier import InjectionClassifier, default_classifier
from ai.guardrails.features import normalize_text
from ai.guardrails.patterns import PatternHit, find_patterns
from ai.guardrails.structure import structural_cues

# Score at or above which a text is treated as an injection. 0.5 is the classifier's own decision
# boundary; heuristics are weighted so that a weak one alone stays below it.
INJECTION_THRESHOLD = 0.5
# How suspicious it is that text is hidden at all, before looking at what it says. Unicode tag
# characters have no legitimate use outside flag emoji (removed before this), hidden HTML does
# (email preheaders), so its prior is small.
HIDDEN_PRIOR = {
    "unicode_tags": 0.6,
    "base64": 0.3,
    "hex": 0.3,
    "html_hidden": 0.1,
    "html_comment": 0.15,
}
WORD_SPLITTER_SIGNAL = 0.35
BIDI_SIGNAL = 0.3
MAX_PAYLOADS = 12
MAX_PAYLOAD_CHARS = 4000

_SPACED_LETTERS = re.compile(r"\b(?:\w[ .\-_*]){3,}\w\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})


@dataclass(frozen=True)
class InjectionVerdict:
    is_injection: bool
    score: float
    reasons: list[str] = field(default_factory=list)


def _noisy_or(signals: Sequence[float]) -> float:
    remaining = 1.0
    for signal in signals:
        remaining *= 1.0 - max(0.0, min(1.0, signal))
    return 1.0 - remaining


def _pattern_views(text: str) -> list[str]:
    """The text as patterns should see it: normalised, with spaced-out letters joined, de-leeted."""
    normalized = normalize_text(text, keep_lines=True)
    joined = _SPACED_LETTERS.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), normalized)
    views = [normalized]
    for view in (joined, normalized.translate(_LEET)):
        if view != normalized:
            views.append(view)
    return views


def _pattern_hits(text: str) -> list[PatternHit]:
    best: dict[str, PatternHit] = {}
    for view in _pattern_views(text):
        for hit in find_patterns(view):
            best.setdefault(hit.name, hit)
    return list(best.values())


def _score_segment(text, *, label, classifier, embedding, prior=0.0) -> tuple[float, list[str], set[str]]:
    hits = _pattern_hits(text)
    cues = structural_cues(text) if text.strip() else ()
    probability = classifier.probability(text, embedding, cues) if text.strip() else 0.0
    signals = [probability, prior, *(hit.weight for hit in hits)]
    reasons = [f"{label}:pattern:{hit.name} ({hit.excerpt!r})" for hit in hits]
    if probability >= 0.3:
        reasons.append(f"{label}:classifier:{probability:.2f}")
        # Structural cues explain a classifier verdict (and count as evidence beside it).
        reasons += [f"{label}:structure:{cue}" for cue in cues]
    if prior:
        reasons.append(f"{label}:hidden_text")
    return _noisy_or(signals), reasons, {hit.name for hit in hits}


def _hidden_payloads(text: str, html: str | None) -> list[hidden.HiddenPayload]:
    payloads = hidden.decode_base64_blobs(text) + hidden.decode_hex_blobs(text)
    tags = hidden.decode_unicode_tags(text)
    if tags:
        payloads.append(tags)
    if html:
        payloads += hidden.find_hidden_html(html)
        tags_in_html = hidden.decode_unicode_tags(html)
        if tags_in_html and not tags:
            payloads.append(tags_in_html)
    return payloads[:MAX_PAYLOADS]


def _rot13_signal(text: str, visible_hits: set[str]) -> tuple[float, list[str]]:
    decoded_hits = [
        hit for hit in _pattern_hits(hidden.rot13_view(text).text) if hit.name not in visible_hits
    ]
    strong = [hit for hit in decoded_hits if hit.weight >= 0.8]
    if not strong:
        return 0.0, []
    return max(hit.weight for hit in strong), [
        f"rot13:pattern:{hit.name} ({hit.excerpt!r})" for hit in strong
    ]


def _character_signals(text: str) -> tuple[list[float], list[str]]:
    signals, reasons = [], []
    splitters = hidden.count_word_splitters(text)
    if splitters >= 2:
        signals.append(WORD_SPLITTER_SIGNAL)
        reasons.append(f"invisible_characters_inside_words:{splitters}")
    bidi = hidden.count_bidi_controls(text)
    if bidi:
        signals.append(BIDI_SIGNAL)
        reasons.append(f"bidi_control_characters:{bidi}")
    return signals, reasons


def detect_injection(
    text: str,
    html: str | None = None,
    *,
    embedding: Sequence[float] | None = None,
    classifier: InjectionClassifier | None = None,
) -> InjectionVerdict:
    """Decide whether ``text`` (and the hidden parts of ``html``, if given) tries to instruct the AI.

    ``embedding`` is the USE vector of ``text`` if the caller already has it; ``classifier`` replaces the
    shipped model (used by the trainer to evaluate a held-out model through this same code path).
    """
    model = classifier or default_classifier()
    visible_score, reasons, visible_hits = _score_segment(
        text, label="text", classifier=model, embedding=embedding
    )
    segment_scores = [visible_score]

    rot13_score, rot13_reasons = _rot13_signal(text, visible_hits)
    character_signals, character_reasons = _character_signals(text)
    segment_scores.append(_noisy_or([rot13_score, *character_signals, visible_score]))
    reasons += rot13_reasons + character_reasons

    for payload in _hidden_payloads(text, html):
        score, payload_reasons, _ = _score_segment(
            payload.text[:MAX_PAYLOAD_CHARS],
            label=payload.kind,
            classifier=model,
            embedding=None,
            prior=HIDDEN_PRIOR[payload.kind],
        )
        segment_scores.append(score)
        if score >= INJECTION_THRESHOLD:
            reasons += payload_reasons

    score = round(max(segment_scores), 4)
    return InjectionVerdict(is_injection=score >= INJECTION_THRESHOLD, score=score, reasons=reasons)
