"""The record of every call the gateway makes: what was sent (redacted), model, tokens, latency,
outcome. Recording never breaks the call it records, and never the caller's transaction."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.apps import apps
from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)
MAX_SENT_CHARS = 50_000
MAX_RECEIVED_CHARS = 20_000


def sent_summary(payload: Any) -> str:
    """What was sent, as JSON, capped in size."""
    text = json.dumps(payload, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_SENT_CHARS else text[:MAX_SENT_CHARS] + "…"


def model_call_record(
    *,
    kind: str,
    feature: str = "",
    model: str = "",
    sent: Any = None,
    received: str = "",
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    latency_ms: int = 0,
    outcome: str = "ok",
    error: str = "",
) -> Any:
    """Write one ModelCall row (looked up through the app registry, so the gateway's client stays
    importable outside a configured Django project, e.g. by evaluation scripts)."""
    model_call = apps.get_model("gateway", "ModelCall")
    try:
        with transaction.atomic():  # a savepoint: a failed insert leaves the caller's transaction usable
            return model_call.objects.create(
                kind=kind,
                feature=feature[:32],
                model=(model or "")[:200],
                sent=sent_summary(sent) if sent is not None else "",
                received=(received or "")[:MAX_RECEIVED_CHARS],
                prompt_tokens=max(int(prompt_tokens or 0), 0),
                completion_tokens=max(int(completion_tokens or 0), 0),
                latency_ms=max(int(latency_ms or 0), 0),
                outcome=outcome[:32],
                error=(error or "")[:500],
            )
    except DatabaseError:
        logger.exception("could not record a model call (%s/%s)", kind, feature)
        return None
