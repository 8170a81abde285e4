"""AI personalisation of a rendered message, through the gateway (redacted, budgeted, recorded).

Only when a model is configured and the "draft" feature may generate; otherwise, or when the model
fails or drops a fact (any value of the event data that the template put in the text, and the
customer's name), the template's text is kept. An agent sees the final text before approving.
"""

from __future__ import annotations

import logging

from gateway.llm import LLMError, complete, generation_mode
from outreach.services.templating import plain_data

logger = logging.getLogger(__name__)
FEATURE = "draft"
SYSTEM_PROMPT = (
    "You rewrite a short proactive customer-support message so it reads naturally for this customer. "
    "Keep every fact, number, identifier, date and link exactly as written; add no promise, price or "
    "fact that is not in the message; keep the same language; at most 120 words; plain text only, no "
    "subject line. Reply with the rewritten message only."
)


def _facts(text: str, data: dict) -> list[str]:
    """The scalar data values that appear in the rendered text: the rewrite must keep them."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None and not isinstance(value, bool):
            s = str(value).strip()
            if len(s) >= 2 and s in text:
                found.append(s)

    walk(plain_data(data))
    return found


def personalise(*, text: str, customer_name: str, data: dict) -> tuple[str, bool]:
    """(text, personalised?)."""
    if not generation_mode(FEATURE).generative:
        return text, False
    try:
        result = complete(
            feature=FEATURE,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": text},
            ],
            max_tokens=400,
        )
    except LLMError as error:
        logger.warning("outreach personalisation failed, the template's text is kept: %s", error)
        return text, False
    rewritten = result.prompt_map.restore(result.text).strip() if result.prompt_map else result.text.strip()
    required = _facts(text, data) + ([customer_name] if customer_name and customer_name in text else [])
    if not rewritten or any(fact not in rewritten for fact in required):
        logger.info("outreach personalisation dropped a fact; the template's text is kept")
        return text, False
    return rewritten, True
