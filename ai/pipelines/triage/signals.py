"""Language, sentiment and urgency of a customer message: small deterministic functions."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from core.text import keyword_in

_langid_lock = threading.Lock()


@lru_cache(maxsize=8)
def _language_identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, languages: list[str]) -> tuple[str, float]:
    """ISO code among the configured `languages` (all of py3langid's when empty) and its probability.
    Very short texts are unreliable, so they report a low probability rather than a confident guess."""
    text = text.strip()
    if not text:
        return "", 0.0
    with _langid_lock:
        code, probability = _language_identifier(tuple(sorted(languages))).classify(text)
    if len(text) < 12:
        probability = min(float(probability), 0.5)
    return str(code), float(probability)


# --- sentiment -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sentiment:
    score: float  # -1 (very negative) .. 1 (very positive)
    label: str  # negative / neutral / positive
    method: str  # "vader", "lexicon" or "llm"


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# A small hand-made lexicon for the other configured languages (VADER is English-only). Weights follow
# VADER's scale (-4..4); matched as whole words, with a preceding negation flipping the sign.
_LEXICON: dict[str, dict[str, float]] = {
    "de": {
        "danke": 1.5, "super": 2.5, "toll": 2.5, "gut": 1.5, "zufrieden": 2.0, "perfekt": 3.0,
        "hilfreich": 2.0, "freundlich": 1.8, "schnell": 1.0, "prima": 2.3, "großartig": 3.0,
        "schlecht": -2.5, "schlimm": -2.5, "furchtbar": -3.0, "schrecklich": -3.0, "ärgerlich": -2.5,
        "verärgert": -2.8, "wütend": -3.0, "enttäuscht": -2.5, "unzufrieden": -2.5, "frechheit": -3.0,
        "katastrophe": -3.2, "inakzeptabel": -3.0, "unverschämt": -3.0, "kaputt": -2.0, "fehler": -1.5,
        "problem": -1.2, "nervig": -2.0, "leider": -1.0, "betrug": -3.0, "kündigen": -1.5,
    },
    "fr": {
        "merci": 1.5, "super": 2.5, "parfait": 3.0, "excellent": 3.0, "content": 2.0, "satisfait": 2.0,
        "mauvais": -2.5, "terrible": -3.0, "horrible": -3.0, "furieux": -3.0, "déçu": -2.5,
        "inacceptable": -3.0, "problème": -1.2, "erreur": -1.5, "nul": -2.5, "arnaque": -3.0,
    },
    "es": {
        "gracias": 1.5, "genial": 2.5, "perfecto": 3.0, "excelente": 3.0, "contento": 2.0,
        "malo": -2.5, "terrible": -3.0, "horrible": -3.0, "furioso": -3.0, "decepcionado": -2.5,
        "inaceptable": -3.0, "problema": -1.2, "error": -1.5, "estafa": -3.0, "enfadado": -2.8,
    },
}  # fmt: skip
_NEGATIONS = {"nicht", "kein", "keine", "nie", "pas", "jamais", "no", "nunca", "ni"}
_WORD = re.compile(r"\w+", re.UNICODE)


def sentiment_label(score: float) -> str:
    if score >= 0.05:
        return "positive"
    if score <= -0.05:
        return "negative"
    return "neutral"


def _lexicon_score(text: str, lexicon: dict[str, float]) -> float:
    words = _WORD.findall(text.lower())
    total = 0.0
    for index, word in enumerate(words):
        weight = lexicon.get(word)
        if weight is None:
            continue
        if any(previous in _NEGATIONS for previous in words[max(0, index - 3) : index]):
            weight = -0.74 * weight  # VADER's damping for negated words
        total += weight
    # VADER's normalisation: maps an unbounded sum into (-1, 1).
    return total / (total * total + 15) ** 0.5


def analyse_sentiment(text: str, language: str) -> Sentiment:
    if language in _LEXICON:
        score = _lexicon_score(text, _LEXICON[language])
        return Sentiment(score=round(score, 4), label=sentiment_label(score), method="lexicon")
    score = _vader().polarity_scores(text)["compound"]
    return Sentiment(score=round(score, 4), label=sentiment_label(score), method="vader")


# --- urgency -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Urgency:
    priority: str  # low / normal / high / urgent
    reason: str


PRIORITY_ORDER = ["low", "normal", "high", "urgent"]


def raise_priority(priority: str, steps: int = 1) -> str:
    index = PRIORITY_ORDER.index(priority) if priority in PRIORITY_ORDER else 1
    return PRIORITY_ORDER[min(index + steps, len(PRIORITY_ORDER) - 1)]


def higher_priority(a: str, b: str) -> str:
    rank = {name: index for index, name in enumerate(PRIORITY_ORDER)}
    return a if rank.get(a, -1) >= rank.get(b, -1) else b


def assess_urgency(
    text: str,
    *,
    urgent_keywords: list[str],
    high_keywords: list[str],
    is_vip: bool = False,
    vip_raises: bool = True,
    sentiment_score: float = 0.0,
) -> Urgency:
    """Keywords from the admin (EN and DE by default) decide the level; an angry tone raises normal
    to high; a VIP customer raises the result by one level."""
    priority, reason = "normal", ""
    urgent_hit = next((word for word in urgent_keywords if keyword_in(text, word)), None)
    high_hit = next((word for word in high_keywords if keyword_in(text, word)), None)
    if urgent_hit:
        priority, reason = "urgent", f'"{urgent_hit}"'
    elif high_hit:
        priority, reason = "high", f'"{high_hit}"'
    elif sentiment_score <= -0.6:
        priority, reason = "high", "very negative tone"
    if is_vip and vip_raises:
        priority = raise_priority(priority)
        reason = f"{reason}, VIP customer" if reason else "VIP customer"
    return Urgency(priority=priority, reason=reason)
