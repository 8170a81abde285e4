"""Structured outputs: request formats, parsing and validation against a JSON Schema.

Servers differ: OpenAI and vLLM accept ``json_schema``; some only ``json_object``; some neither.
We try them in that order, remember per (server, model) what was rejected, and always validate
the returned JSON ourselves, whatever the server promised.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import jsonschema
import openai

from gateway.llm.errors import LLMBadResponse

STRUCTURED_MODES = ("json_schema", "json_object", "prompt")

_unsupported_lock = threading.Lock()
_unsupported: dict[tuple[str | None, str], set[str]] = {}
_FENCED_JSON = re.compile(r"```(?:json)?\s*(?P<body>.*?)```", re.DOTALL)


def modes_to_try(base_url: str | None, model: str) -> list[str]:
    with _unsupported_lock:
        rejected = _unsupported.get((base_url, model), set())
    return [mode for mode in STRUCTURED_MODES if mode not in rejected]


def mark_unsupported(base_url: str | None, model: str, mode: str) -> None:
    with _unsupported_lock:
        _unsupported.setdefault((base_url, model), set()).add(mode)


def forget_unsupported() -> None:
    """Clear what servers were found not to support (e.g. after changing OPENAI_BASE_URL)."""
    with _unsupported_lock:
        _unsupported.clear()


def rejects_response_format(error: openai.APIStatusError) -> bool:
    """A 400 that blames response_format: the server lacks this structured-output mode."""
    if error.status_code not in (400, 422):
        return False
    text = f"{error.param or ''} {error.message or ''}".lower()
    return any(
        word in text for word in ("response_format", "json_schema", "json_object", "structured output")
    )


def response_format_for(mode: str, *, schema: dict, schema_name: str, strict: bool) -> dict | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": schema_name, "schema": schema, "strict": strict},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def schema_instruction(schema: dict) -> str:
    """Appended as a system message when the server does not enforce the schema itself."""
    return (
        "Reply with exactly one JSON object and nothing else: no prose, no code fences. "
        "The JSON must validate against this JSON Schema:\n" + json.dumps(schema, ensure_ascii=False)
    )


def parse_json(text: str) -> Any:
    """The JSON value in a reply; tolerates code fences and prose around one object."""
    candidates = [text.strip()]
    fenced = _FENCED_JSON.search(text)
    if fenced:
        candidates.append(fenced["body"].strip())
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise LLMBadResponse(f"the model's reply is not JSON: {text[:200]!r}")


def validate(value: Any, schema: dict) -> None:
    try:
        jsonschema.validate(value, schema, cls=jsonschema.Draft202012Validator)
    except jsonschema.ValidationError as error:
        path = "/".join(str(part) for part in error.absolute_path) or "(root)"
        raise LLMBadResponse(f"the model's JSON does not match the schema at {path}: {error.message}")
    except jsonschema.SchemaError as error:  # a programming error in the caller, not the model's fault
        raise ValueError(f"invalid JSON Schema passed to complete(): {error.message}")
