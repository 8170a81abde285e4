"""Language of a customer message, among the languages the AI is configured to answer in.

py3langid is restricted to ``HELMDESK_AI_LANGUAGES`` (default: the codes of ``LANGUAGES``), so a
German message is never labelled Luxembourgish. Short messages ("ok, thanks", "Hallo?") are too
short to tell, so they keep the customer's known language when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from ai.pipelines.triage.signals import detect_language as _classify

# Below this many letters, or below this probability, the customer's known language wins.
SHORT_MESSAGE_LETTERS = 25
MIN_PROBABILITY = 0.8


@dataclass(frozen=True)
class LanguageGuess:
    code: str
    probability: float
    source: str  # "detected", "customer" (fallback to the known language) or "default"


def configured_languages() -> list[str]:
    configured = getattr(settings, "HELMDESK_AI_LANGUAGES", None)
    if configured:
        if isinstance(configured, str):
            configured = configured.split(",")
        return [code.strip().lower() for code in configured if code.strip()]
    return [code for code, _name in settings.LANGUAGES]


def detect_language(
    text: str, *, known_language: str = "", languages: list[str] | None = None
) -> LanguageGuess:
    """The language to answer in: detected when the text is long and clear enough, else the known one."""
    languages = languages or configured_languages()
    known = (known_language or "").split("-")[0].lower()
    known = known if known in languages else ""
    letters = sum(char.isalpha() for char in text)
    code, probability = _classify(text, languages) if letters else ("", 0.0)
    if code and letters >= SHORT_MESSAGE_LETTERS and probability >= MIN_PROBABILITY:
        return LanguageGuess(code, probability, "detected")
    if known:
        return LanguageGuess(known, probability, "customer")
    if code and probability >= 0.5:
        return LanguageGuess(code, probability, "detected")
    default = settings.LANGUAGE_CODE.split("-")[0]
    return LanguageGuess(default if default in languages else languages[0], probability, "default")
