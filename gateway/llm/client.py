"""Chat completions and embeddings through the official ``openai`` client.

Every outgoing text is redacted here first (gateway.llm.redaction); there is no parameter that
turns this off. The one exception, ``embed_published_content``, embeds published knowledge-base
articles (company content). Works against any OpenAI-compatible server (OPENAI_BASE_URL). The client's own retries are off:
retries live here so the backoff is bounded and configurable, and Retry-After is honoured up to
OPENAI_RETRY_MAX_DELAY_S. Every request sends ``store: false``.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import jsonschema
import openai

from gateway.llm import structured
from gateway.llm.budget import ensure_generation_allowed, record_usage
from gateway.llm.config import (
    EMBEDDING_FEATURE,
    ProviderConfig,
    embedding_model,
    model_for,
    provider_config,
)
from gateway.llm.errors import LLMBadResponse, LLMNotConfigured, LLMUnavailable
from gateway.llm.recorder import CallRecord
from gateway.llm.redaction import redact_messages_with_map, redact_texts
from gateway.llm.results import EmbeddingResult, LLMResult
from gateway.pii import RedactionMap

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({408, 409, 429})
EMBEDDING_BATCH = 256

_clients_lock = threading.Lock()
_clients: dict[tuple, openai.OpenAI] = {}


def openai_client(config: ProviderConfig | None = None) -> openai.OpenAI:
    """One pooled client per (key, base URL, timeouts)."""
    config = config or provider_config()
    if not config.api_key:
        raise LLMNotConfigured("no OPENAI_API_KEY configured")
    with _clients_lock:
        client = _clients.get(config.client_key)
        if client is None:
            client = openai.OpenAI(
                api_key=config.api_key,
                base_url=config.base_url,
                timeout=openai.Timeout(config.timeout_s, connect=config.connect_timeout_s),
                max_retries=0,
            )
            _clients[config.client_key] = client
        return client


def close_clients() -> None:
    """Close pooled connections (tests, or after the settings changed)."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        client.close()


def retry_delay(config: ProviderConfig, attempt: int, headers: Any = None) -> float:
    """Exponential backoff with jitter; the server's Retry-After wins when given. Always bounded."""
    hinted = _retry_after_seconds(headers)
    if hinted is not None:
        return min(max(hinted, 0.0), config.retry_max_delay_s)
    backoff = config.retry_backoff_s * (2**attempt)
    return min(backoff * (0.5 + random.random() / 2), config.retry_max_delay_s)


def _retry_after_seconds(headers: Any) -> float | None:
    if not headers:
        return None
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) / divisor
        except ValueError:
            continue  # HTTP-date form: fall back to our own backoff
    return None


def with_retries(config: ProviderConfig, send: Callable[[], T]) -> T:
    """Run ``send``; retry timeouts, connection errors, 408/409/429 and 5xx a bounded number of times."""
    attempt = 0
    while True:
        try:
            return send()
        except openai.APIConnectionError as error:  # includes APITimeoutError
            if attempt >= config.max_retries:
                kind = "timed out" if isinstance(error, openai.APITimeoutError) else "could not connect"
                raise LLMUnavailable(f"the model server {kind} after {attempt + 1} attempts")
            delay = retry_delay(config, attempt)
        except openai.APIStatusError as error:
            retryable = error.status_code in RETRYABLE_STATUS or error.status_code >= 500
            if not retryable:
                raise
            if attempt >= config.max_retries:
                raise LLMUnavailable(
                    f"the model server answered HTTP {error.status_code} after {attempt + 1} attempts"
                )
            delay = retry_delay(config, attempt, error.response.headers)
        except openai.APIResponseValidationError as error:
            raise LLMBadResponse(f"the model server's response is invalid: {error.message}")
        attempt += 1
        time.sleep(delay)


def unusable_status(error: openai.APIStatusError) -> LLMUnavailable:
    return LLMUnavailable(f"the model server refused the request (HTTP {error.status_code}): {error.message}")


def _create_completion(config: ProviderConfig, **request: Any) -> Any:
    """One chat completion with retries; JSON that is not a completion becomes LLMBadResponse."""
    client = openai_client(config)
    try:
        completion = with_retries(config, lambda: client.chat.completions.create(store=False, **request))
    except ValueError as error:  # the body was not JSON (json.JSONDecodeError is a ValueError)
        raise LLMBadResponse(f"the model server sent malformed JSON: {error}")
    if isinstance(completion, str) or not getattr(completion, "choices", None):
        raise LLMBadResponse("the model server's response has no choices")
    return completion


def _completion_text(completion: Any) -> tuple[str, str]:
    choice = completion.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        raise LLMBadResponse(f"the model refused: {message.refusal}")
    return (message.content or ""), (choice.finish_reason or "")


def complete(
    *,
    feature: str,
    messages: Sequence[dict],
    schema: dict | None = None,
    schema_name: str = "result",
    strict: bool = True,
    temperature: float | None = None,
    max_tokens: int | None = None,
    model: str | None = None,
    redaction: RedactionMap | None = None,
) -> LLMResult:
    """A chat completion for ``feature`` ("answer", "draft", "summary", "triage").

    Every message content is redacted here (with ``redaction``, the conversation's map, when given)
    before anything is sent; the reply may contain placeholders, which the caller restores. With
    ``schema`` the reply is JSON validated against it (``LLMResult.parsed``). Raises
    LLMNotConfigured / LLMNoPolicy / LLMFeatureDisabled / LLMBudgetExceeded / LLMRedactionFailed
    before any request is sent, LLMUnavailable when the server cannot answer, LLMBadResponse when
    the answer is unusable. Every call that got as far as redaction is recorded (ModelCall).
    """
    ensure_generation_allowed(feature)
    if schema is not None:
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            raise ValueError(f"invalid JSON Schema passed to complete(): {error.message}")
    config = provider_config()
    model = model or model_for(feature)
    call = CallRecord(kind="chat", feature=feature, model=model)
    with call:
        safe_messages, used_map = redact_messages_with_map(messages, mapping=redaction)
        call.sent = safe_messages
        result = _complete(config, call, safe_messages, schema, schema_name, strict, temperature, max_tokens)
        call.received = result.text
        return dataclasses.replace(result, prompt_map=used_map)


def _complete(
    config: ProviderConfig,
    call: CallRecord,
    messages: list[dict],
    schema: dict | None,
    schema_name: str,
    strict: bool,
    temperature: float | None,
    max_tokens: int | None,
) -> LLMResult:
    feature, model = call.feature, call.model
    options: dict[str, Any] = {}
    if temperature is not None:
        options["temperature"] = temperature
    if max_tokens is not None:
        options["max_tokens"] = max_tokens
    started = time.monotonic()
    if schema is None:
        completion = _create(config, model=model, messages=messages, **options)
        text, finish_reason = _completion_text(completion)
        parsed, mode = None, ""
        if not text.strip():
            _record(call, completion)
            raise LLMBadResponse("the model returned an empty reply")
    else:
        completion, parsed, mode = _structured(config, call, messages, schema, schema_name, strict, options)
        text, finish_reason = _completion_text(completion)
    prompt_tokens, completion_tokens = _record(call, completion)
    return LLMResult(
        text=text,
        parsed=parsed,
        model=getattr(completion, "model", None) or model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_ms=round((time.monotonic() - started) * 1000),
        feature=feature,
        finish_reason=finish_reason,
        structured_mode=mode,
    )


def _create(config: ProviderConfig, **request: Any) -> Any:
    try:
        return _create_completion(config, **request)
    except openai.APIStatusError as error:
        raise unusable_status(error)


def _structured(
    config: ProviderConfig,
    call: CallRecord,
    messages: list[dict],
    schema: dict,
    schema_name: str,
    strict: bool,
    options: dict,
) -> tuple[Any, Any, str]:
    model = call.model
    for mode in structured.modes_to_try(config.base_url, model):
        response_format = structured.response_format_for(
            mode, schema=schema, schema_name=schema_name, strict=strict
        )
        request: dict[str, Any] = {"model": model, **options}
        if response_format is None:
            request["messages"] = [
                *messages,
                {"role": "system", "content": structured.schema_instruction(schema)},
            ]
        else:
            request["response_format"] = response_format
            request["messages"] = messages
            if mode == "json_object":  # the server promises JSON, not this schema: describe it
                request["messages"] = [
                    *messages,
                    {"role": "system", "content": structured.schema_instruction(schema)},
                ]
        try:
            completion = _create_completion(config, **request)
        except openai.APIStatusError as error:
            if response_format is not None and structured.rejects_response_format(error):
                structured.mark_unsupported(config.base_url, model, mode)
                continue
            raise unusable_status(error)
        text, _finish = _completion_text(completion)
        try:
            parsed = structured.parse_json(text)
            structured.validate(parsed, schema)
        except LLMBadResponse:
            _record(call, completion)  # tokens spent on an unusable reply still count
            raise
        return completion, parsed, mode
    raise LLMUnavailable("the model server rejected every structured-output mode")  # pragma: no cover


def _usage(completion: Any) -> tuple[int, int]:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return 0, 0
    return int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0)


def _record(call: CallRecord, completion: Any) -> tuple[int, int]:
    prompt_tokens, completion_tokens = _usage(completion)
    record_usage(feature=call.feature, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
    call.prompt_tokens, call.completion_tokens = prompt_tokens, completion_tokens
    call.model = getattr(completion, "model", None) or call.model
    return prompt_tokens, completion_tokens


def embed(
    texts: Sequence[str],
    *,
    dimensions: int | None = None,
    model: str | None = None,
    redaction: RedactionMap | None = None,
) -> EmbeddingResult:
    """Embedding vectors for customer or agent ``texts``: each text is redacted first (with the
    conversation's ``redaction`` map when given); if one cannot be, nothing is sent.

    Not gated by feature switches or the budget (no generation), but needs an API key; tokens are
    recorded under the "embedding" feature and the call in ModelCall.
    """
    config = provider_config()
    openai_client(config)  # raises LLMNotConfigured before any work
    call = CallRecord(kind="embedding", feature=EMBEDDING_FEATURE, model=model or embedding_model())
    with call:
        safe_texts = redact_texts(texts, mapping=redaction)
        call.sent = safe_texts
        return _embed(config, call, safe_texts, dimensions)


def embed_published_content(
    texts: Sequence[str], *, dimensions: int | None = None, model: str | None = None
) -> EmbeddingResult:
    """THE ONE EXCEPTION to redaction: embeddings of PUBLISHED knowledge-base content.

    Published articles are the company's own public text (what the help center shows anyone), not
    customer data; redacting them would hide the support address or phone number a customer asks
    for from retrieval. Call this only with chunks of published articles (``knowledge.indexing``);
    customer, agent or draft text goes through ``embed``. Recorded as kind "published_embedding".
    See docs/security.md.
    """
    config = provider_config()
    openai_client(config)
    call = CallRecord(kind="published_embedding", feature=EMBEDDING_FEATURE, model=model or embedding_model())
    with call:
        call.sent = {"texts": len(texts)}
        return _embed(config, call, [str(text) for text in texts], dimensions)


def _embed(
    config: ProviderConfig, call: CallRecord, texts: list[str], dimensions: int | None
) -> EmbeddingResult:
    client = openai_client(config)
    started = time.monotonic()
    vectors: list[list[float]] = []
    prompt_tokens = 0
    for start in range(0, len(texts), EMBEDDING_BATCH):
        batch = texts[start : start + EMBEDDING_BATCH]
        request: dict[str, Any] = {"model": call.model, "input": batch, "encoding_format": "float"}
        if dimensions:
            request["dimensions"] = dimensions
        try:
            response = with_retries(config, lambda request=request: client.embeddings.create(**request))
        except openai.APIStatusError as error:
            raise unusable_status(error)
        except ValueError as error:
            raise LLMBadResponse(f"the model server sent malformed JSON: {error}")
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(batch):
            raise LLMBadResponse(f"asked for {len(batch)} embeddings, got {len(data)}")
        vectors.extend([list(item.embedding) for item in data])
        prompt_tokens += int(getattr(response.usage, "prompt_tokens", 0) or 0)
    if texts:
        record_usage(feature=EMBEDDING_FEATURE, prompt_tokens=prompt_tokens, completion_tokens=0)
    call.prompt_tokens = prompt_tokens
    return EmbeddingResult(
        vectors=vectors,
        model=call.model,
        prompt_tokens=prompt_tokens,
        latency_ms=round((time.monotonic() - started) * 1000),
    )


def list_models() -> list[str]:
    """Model ids the server offers (for an admin "test connection")."""
    config = provider_config()
    client = openai_client(config)
    try:
        page = with_retries(config, lambda: client.models.list())
    except openai.APIStatusError as error:
        raise unusable_status(error)
    return sorted(model.id for model in page)
