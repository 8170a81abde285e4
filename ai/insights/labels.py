"""With a model configured: a short label and a one-sentence description for a theme, written from a
few of its messages. Everything goes through the gateway (it redacts every text, fail closed, and
applies the "summary" feature switch and the budget); without a model the key phrase stays."""

from __future__ import annotations

import logging

from gateway.llm import LLMError, complete, generation_mode

logger = logging.getLogger(__name__)
FEATURE = "summary"
SCHEMA = {
    "type": "object",
    "properties": {
        "label": {"type": "string", "maxLength": 60},
        "description": {"type": "string", "maxLength": 240},
    },
    "required": ["label", "description"],
    "additionalProperties": False,
}
SYSTEM = (
    "You name recurring topics in customer support messages. Given example messages of one topic, "
    "reply with a short label (2 to 5 words, no quotes, no customer names) and one plain sentence "
    "describing what these customers want or report."
)


def model_available() -> bool:
    return generation_mode(FEATURE).generative


def model_label(examples: list[str], key_phrases: list[str]) -> tuple[str, str] | None:
    """(label, description), or None when no model may be used or its answer is unusable."""
    if not examples or not model_available():
        return None
    listing = "\n".join(f"- {text[:400]}" for text in examples[:6])
    user = f"Key phrases: {', '.join(key_phrases[:5])}\n\nExample messages:\n{listing}"
    try:
        result = complete(
            feature=FEATURE,
            messages=[{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
            schema=SCHEMA,
            schema_name="theme_label",
            temperature=0.0,
            max_tokens=200,
        )
    except LLMError:
        logger.warning("theme label: the model could not be used; the key phrase stays", exc_info=True)
        return None
    parsed = result.parsed or {}
    label = " ".join(str(parsed.get("label", "")).split())[:120]
    if not label:
        return None
    return label, " ".join(str(parsed.get("description", "")).split())[:300]
