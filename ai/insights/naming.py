"""Naming themes offline (class-based TF-IDF key phrases) and telling complaints, feature requests
and questions apart (rules). The model-written label lives in ai/insights/labels.py.

c-TF-IDF (as popularised by BERTopic): all members of a theme form one document; a phrase scores
tf(phrase, theme) * log(1 + average words per theme / frequency of the phrase over all themes), so
a phrase ranks high when it is frequent in this theme and rare in the others. scikit-learn's
CountVectorizer does the tokenising (uni- to tri-grams); stop words are spaCy's lists for the languages
the product speaks (no model needed) plus the greetings and filler of support messages.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from ai.models.insights import ThemeKind
from gateway.pii import RedactionError, redact
from gateway.pii.spans import PLACEHOLDER_RE

# Greetings, courtesy and time filler that every support message carries: never a theme's name.
SUPPORT_FILLER = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "dear",
        "thanks",
        "thank",
        "regards",
        "cheers",
        "please",
        "ago",
        "week",
        "weeks",
        "day",
        "days",
        "yesterday",
        "today",
        "hallo",
        "danke",
        "bitte",
        "grüße",
        "gruss",
        "bonjour",
        "merci",
        "salut",
        "hola",
        "gracias",
        "saludos",
        "hoi",
        "bedankt",
        "groeten",
        "ciao",
        "grazie",
        "saluti",
        "olá",
        "obrigado",
        "obrigada",
    ]
)


@lru_cache(maxsize=1)
def stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lang.de.stop_words import STOP_WORDS as DE
    from spacy.lang.es.stop_words import STOP_WORDS as ES
    from spacy.lang.fr.stop_words import STOP_WORDS as FR
    from spacy.lang.it.stop_words import STOP_WORDS as IT
    from spacy.lang.nl.stop_words import STOP_WORDS as NL
    from spacy.lang.pt.stop_words import STOP_WORDS as PT

    words = set(ENGLISH_STOP_WORDS) | DE | ES | FR | IT | NL | PT | SUPPORT_FILLER
    # only whole tokens the vectorizer can produce (spaCy's lists hold "l'", "c'est", ...)
    return sorted(word for word in words if re.fullmatch(r"[^\W\d_]{2,}", word))


# A multi-word phrase wins over a single word when it scores at least this share of the best word.
PHRASE_PREFERENCE = 0.5


def key_phrases(texts_by_theme: list[list[str]], *, top: int = 5) -> list[list[str]]:
    """Top phrases per theme, best first (empty lists when the texts share no words)."""
    docs = [" ".join(texts) for texts in texts_by_theme]
    if not docs:
        return []
    try:
        vectorizer = CountVectorizer(
            ngram_range=(1, 3), stop_words=stop_words(), token_pattern=r"(?u)\b[^\W\d_]{2,}\b"
        )
        counts = vectorizer.fit_transform(docs).toarray().astype(float)
    except ValueError:
        return [[] for _ in docs]
    vocab = vectorizer.get_feature_names_out()
    words = np.array([len(d.split()) for d in docs], dtype=float)
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    idf = np.log(1.0 + words.mean() / np.maximum(counts.sum(axis=0), 1.0))
    scores = tf * idf
    result = []
    for row, raw in zip(scores, counts, strict=True):
        order = [i for i in np.argsort(-row, kind="stable") if raw[i] > 0]
        phrases = [str(vocab[i]) for i in order[: top * 4]]
        result.append(_dedupe(phrases, row, vocab, order)[:top])
    return result


def _dedupe(phrases: list[str], row, vocab, order) -> list[str]:
    """Prefer a multi-word phrase to its own words; drop phrases contained in a kept one."""
    score = {str(vocab[i]): float(row[i]) for i in order}
    best_word = max((score[p] for p in phrases if " " not in p), default=0.0)
    multi = [p for p in phrases if " " in p and score[p] >= PHRASE_PREFERENCE * best_word]
    kept: list[str] = []
    for phrase in multi + phrases:
        if any(phrase in k or k in phrase for k in kept):
            continue
        kept.append(phrase)
    return kept


def redacted_texts(texts: list[str]) -> list[str]:
    """Customers' words with personal data taken out before key phrases are drawn from them (a name
    that recurs in one theme must not become its label); a text that cannot be redacted is left
    out (fail closed). Placeholders are dropped, so they never become a phrase."""
    out = []
    for text in texts:
        try:
            out.append(PLACEHOLDER_RE.sub(" ", redact(text)))
        except RedactionError:
            out.append("")
    return out


def label_from_phrases(phrases: list[str]) -> str:
    if not phrases:
        return "Miscellaneous"
    label = phrases[0]
    return label[:1].upper() + label[1:]


FEATURE_REQUEST = re.compile(
    r"\b(feature request|would be (nice|great|good|helpful)|it would help|please add|could you add|can you add|"
    r"wish (you|there|i could)|suggest(ion)?|allow (me|us|users) to|option to|support for|add (an? )?option|"
    r"integrat(e|ion) with|is there any plan|roadmap)\b",
    re.IGNORECASE,
)
COMPLAINT = re.compile(
    r"\b(unacceptable|terrible|awful|disappointed|frustrat\w*|angry|ridiculous|worst|complain\w*|"
    r"still (not|no|hasn't|haven't)|never (arrived|received|came)|charged twice|broken|damaged|"
    r"waiting for (weeks|days|ages)|no one (replied|answered)|refund)\b",
    re.IGNORECASE,
)
QUESTION = re.compile(
    r"(\?|^\s*(how|what|where|when|why|which|who|can|could|do|does|is|are|will|should)\b)", re.IGNORECASE
)


def message_kind(text: str, sentiment: str = "") -> str:
    """Rules, in order: a feature request, a complaint (words or negative sentiment), a question."""
    if FEATURE_REQUEST.search(text):
        return ThemeKind.FEATURE_REQUEST
    if COMPLAINT.search(text) or sentiment == "negative":
        return ThemeKind.COMPLAINT
    if QUESTION.search(text):
        return ThemeKind.QUESTION
    return ThemeKind.OTHER


def theme_kind(kinds: dict[str, int]) -> str:
    """The theme's kind: the most common message kind other than 'other' when it covers a third."""
    total = sum(kinds.values()) or 1
    named = {k: v for k, v in kinds.items() if k != ThemeKind.OTHER}
    if not named:
        return ThemeKind.OTHER
    kind, count = max(sorted(named.items()), key=lambda item: item[1])
    return kind if count / total >= 1 / 3 else ThemeKind.OTHER
