"""Outgoing text is redacted here, by the gateway, whatever the caller did before.

Every message content and every embedding input passes through ``gateway.pii.Redactor`` with the
caller's conversation map when one is given (so a name the pipeline already replaced by <PERSON_1>
keeps that placeholder, and the pipeline can restore values for the customer). Redacting redacted
text changes nothing: placeholders are never PII. If redaction fails for any text, nothing is sent.

Two things are never redacted, because they are not personal data and redacting them broke prompts
(a fence attribute read as a name, the company's own name read as a person):
- the prompt's own markup: fence markers ``<<<UNTRUSTED id=<16 consonants> kind="label">>>`` /
  ``<<<END_UNTRUSTED id=<16 consonants>>>``, bare lowercase tags such as ``<source n="2">`` or
  ``</customer_message>``, and the canary token ``HDC-<12 capital consonants>``. The patterns are
  narrow (ids without vowels or digits, a lowercase label, a number of at most three digits), so no
  e-mail, phone, card, IBAN or name fits inside one; the text between
  markers is redacted as usual. Pipelines neutralise fence-like text inside untrusted input anyway.
- the terms the registered policy names as the company's own (``allowed_terms()``, e.g. the company
  name), added to the operator's HELMDESK_PII_ALLOW_TERMS.
Every value the gateway finds is recorded in the map with the source ``PROMPT_SOURCE``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gateway.llm.errors import LLMRedactionFailed
from gateway.llm.results import PROMPT_SOURCE
from gateway.pii import RedactionError, RedactionMap, Redactor, placeholders_in
from gateway.pii import config as pii_config
from gateway.policy import current_policy

_ID = "[bcdfghjkmnpqrstvwxz]{16}"  # consonants only (ai.guardrails.spotlight): no name, no number
PROMPT_MARKUP = re.compile(
    rf"<<<UNTRUSTED id={_ID}(?: kind=\"[a-z_]{{1,24}}\"| \.\.\.)?>>>"
    rf"|<<<END_UNTRUSTED id={_ID}>>>"
    rf"|\bid={_ID}\b"
    r"|</?[a-z_]{1,24}(?: n=\"\d{1,3}\")?>"
    r"|\bHDC-[BCDFGHJKMNPQRSTVWXZ]{12}\b"  # the canary token, consonants only as well
)


def company_terms() -> tuple[str, ...]:
    """The company's own names, from the registered policy (never personal data)."""
    policy = current_policy()
    terms = getattr(policy, "allowed_terms", None) if policy is not None else None
    return tuple(term for term in (terms() if terms else ()) if term and term.strip())


def _redactor(mapping: RedactionMap | None, texts: Sequence[str]) -> Redactor:
    """A redactor over a COPY of the caller's map: known values keep their placeholders, and what the
    gateway finds on its own (in a knowledge-base passage, say) never enters the conversation's
    stored map, where it would be swept out of every later message of the conversation."""
    scratch = RedactionMap.from_dict(mapping.to_dict()) if mapping is not None else RedactionMap()
    # Placeholders the caller wrote with a map we were not given must not be handed out again.
    scratch.reserve(placeholder for text in texts for placeholder in placeholders_in(text))
    return Redactor(scratch, allow_terms=pii_config.allow_terms() + company_terms())


def redact_keeping_markup(redactor: Redactor, text: str) -> str:
    """Redact the text between the prompt's markup; the markup itself passes unchanged."""
    pieces, cursor = [], 0
    for match in PROMPT_MARKUP.finditer(text):
        pieces.append(redactor.redact(text[cursor : match.start()], source=PROMPT_SOURCE))
        pieces.append(match.group(0))
        cursor = match.end()
    pieces.append(redactor.redact(text[cursor:], source=PROMPT_SOURCE))
    return "".join(pieces)


def redact_texts(texts: Sequence[str], *, mapping: RedactionMap | None = None) -> list[str]:
    """Every text redacted, or LLMRedactionFailed (and the caller sends nothing)."""
    return redact_texts_with_map(texts, mapping=mapping)[0]


def redact_texts_with_map(
    texts: Sequence[str], *, mapping: RedactionMap | None = None
) -> tuple[list[str], RedactionMap]:
    """The redacted texts and the map that was used (the caller's entries plus what was found)."""
    texts = [str(text) for text in texts]
    try:
        redactor = _redactor(mapping, texts)
        return [redact_keeping_markup(redactor, text) for text in texts], redactor.mapping
    except RedactionError as error:
        raise LLMRedactionFailed(f"redaction failed, nothing was sent: {error}") from error
    except Exception as error:  # any other fault of the engine must fail closed as well
        raise LLMRedactionFailed(f"redaction failed, nothing was sent: {error!r}") from error


def _content_texts(content) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        return [str(part.get("text") or "") for part in content if isinstance(part, dict)]
    return [] if content is None else [str(content)]


def redact_messages(messages: Sequence[dict], *, mapping: RedactionMap | None = None) -> list[dict]:
    """Copies of chat ``messages`` with every text content redacted. Non-text parts are refused."""
    return redact_messages_with_map(messages, mapping=mapping)[0]


def redact_messages_with_map(
    messages: Sequence[dict], *, mapping: RedactionMap | None = None
) -> tuple[list[dict], RedactionMap]:
    """``redact_messages`` plus the map used, so values can be put back into the model's reply."""
    messages = [dict(message) for message in messages]
    texts: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list) and any(
            not isinstance(part, dict) or part.get("type", "text") != "text" for part in content
        ):
            raise LLMRedactionFailed("only text content can be redacted; nothing was sent")
        texts += _content_texts(content)
    redacted_texts, used_map = redact_texts_with_map(texts, mapping=mapping)
    redacted = iter(redacted_texts)
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            message["content"] = [{**part, "text": next(redacted)} for part in content]
        elif content is not None:
            message["content"] = next(redacted)
    return messages, used_map
