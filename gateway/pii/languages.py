"""Which findings of the English name models to trust in text written in another UI language.

The shipped spaCy model (en_core_web_sm) and the unknown-proper-noun heuristic are English. On German,
French, Spanish, Dutch, Italian or Portuguese text they tag ordinary capitalised words as people or
places ("Meine Bestellung 104425", "Merci", "Mijn BSN"), which hides order numbers and words the model
needs. No spaCy small model for those languages installs from PyPI with a pinned hash today (see
docs/guardrails.md), so in such text a name finding of the English models is kept only when it looks
like a name in any of these languages: two to four capitalised words (name particles such as "de",
"van", "von", "da" allowed), letters only, not starting with a common function word. Pattern entities
(email, phone, IBAN, card, national IDs) and the context-based name recognizer are unaffected.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

OTHER_UI_LANGUAGES = ("de", "fr", "es", "nl", "it", "pt")
# Recognizers whose PERSON/LOCATION findings come from English models or English word lists.
ENGLISH_NAME_RECOGNIZERS = ("SpacyRecognizer", "UnknownProperNounRecognizer")
NAME_PARTICLES = frozenset(
    [
        "de",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "te",
        "la",
        "le",
        "del",
        "della",
        "di",
        "degli",
        "zu",
        "y",
        "e",
        "el",
    ]
)
# Capitalised words that start sentences or greet, in the six languages: never a name on their own.
FUNCTION_WORDS = frozenset(
    [
        "ich",
        "mein",
        "meine",
        "meinen",
        "meinem",
        "meiner",
        "sie",
        "ihr",
        "ihre",
        "wir",
        "uns",
        "der",
        "die",
        "das",
        "dem",
        "den",
        "ein",
        "eine",
        "einen",
        "bitte",
        "hallo",
        "danke",
        "guten",
        "grüße",
        "grüßen",
        "liebe",
        "lieber",
        "sehr",
        "mit",
        "für",
        "und",
        "aber",
        "leider",
        "je",
        "mon",
        "ma",
        "mes",
        "votre",
        "vos",
        "nous",
        "vous",
        "le",
        "la",
        "les",
        "un",
        "une",
        "merci",
        "bonjour",
        "bonsoir",
        "cher",
        "chère",
        "cordialement",
        "madame",
        "monsieur",
        "salut",
        "yo",
        "mi",
        "mis",
        "su",
        "sus",
        "usted",
        "el",
        "los",
        "las",
        "una",
        "hola",
        "gracias",
        "buenos",
        "buenas",
        "estimado",
        "estimada",
        "saludos",
        "por",
        "favor",
        "para",
        "pero",
        "ik",
        "mijn",
        "u",
        "uw",
        "wij",
        "we",
        "het",
        "een",
        "graag",
        "bedankt",
        "hallo",
        "beste",
        "geachte",
        "groeten",
        "vriendelijke",
        "io",
        "il",
        "lo",
        "gli",
        "mio",
        "mia",
        "miei",
        "suo",
        "sua",
        "buongiorno",
        "ciao",
        "grazie",
        "gentile",
        "cordiali",
        "saluti",
        "eu",
        "meu",
        "minha",
        "meus",
        "seu",
        "sua",
        "nós",
        "os",
        "as",
        "um",
        "uma",
        "olá",
        "obrigado",
        "obrigada",
        "cumprimentos",
    ]
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["en", *OTHER_UI_LANGUAGES])
    return identifier


def load_language_identifier() -> None:
    """Load py3langid's model now (about a second), not inside the first analysis and its timeout."""
    _identifier()


def other_ui_language(text: str, min_probability: float = 0.8) -> str | None:
    """The UI language (not English) the text is written in, or None (English, unsure, too short)."""
    stripped = text.strip()
    if len(stripped) < 20:
        return None
    with _lock:
        code, probability = _identifier().classify(stripped)
    return code if code != "en" and probability >= min_probability else None


def looks_like_name(span: str) -> bool:
    """Two to four capitalised words (particles allowed), letters only, no leading function word."""
    tokens = span.split()
    if not 2 <= len(tokens) <= 4 or any(not _WORD.fullmatch(token) for token in tokens):
        return False
    if tokens[0].lower() in FUNCTION_WORDS or tokens[0].lower() in NAME_PARTICLES:
        return False
    capitalised = [token for token in tokens if token.lower() not in NAME_PARTICLES]
    return len(capitalised) >= 2 and all(token[0].isupper() for token in capitalised)
