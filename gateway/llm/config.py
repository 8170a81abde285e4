"""Provider settings read from Django settings on every call (tests override them per test)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Features that may call a chat model, each with the setting naming its model. Whether a feature is
# switched on is the registered policy's business (gateway.policy), not the gateway's.
FEATURES: dict[str, str] = {
    "answer": "OPENAI_MODEL_ANSWER",
    "draft": "OPENAI_MODEL_DRAFT",
    "summary": "OPENAI_MODEL_SUMMARY",
    "triage": "OPENAI_MODEL_TRIAGE",
}
EMBEDDING_FEATURE = "embedding"

DEFAULT_CHAT_MODEL = "gpt-4o-mini"
DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small"


@dataclass(frozen=True)
class ProviderConfig:
    api_key: str
    base_url: str | None
    timeout_s: float
    connect_timeout_s: float
    max_retries: int
    retry_backoff_s: float
    retry_max_delay_s: float
    stream_deadline_s: float

    @property
    def client_key(self) -> tuple:
        return (self.api_key, self.base_url, self.timeout_s, self.connect_timeout_s)


def _setting(name: str, default):
    value = getattr(settings, name, None)
    return default if value in (None, "") else value


def provider_config() -> ProviderConfig:
    return ProviderConfig(
        api_key=_setting("OPENAI_API_KEY", ""),
        base_url=_setting("OPENAI_BASE_URL", None),
        timeout_s=float(_setting("OPENAI_TIMEOUT_S", 30.0)),
        connect_timeout_s=float(_setting("OPENAI_CONNECT_TIMEOUT_S", 5.0)),
        max_retries=int(_setting("OPENAI_MAX_RETRIES", 2)),
        retry_backoff_s=float(_setting("OPENAI_RETRY_BACKOFF_S", 0.5)),
        retry_max_delay_s=float(_setting("OPENAI_RETRY_MAX_DELAY_S", 8.0)),
        stream_deadline_s=float(_setting("OPENAI_STREAM_DEADLINE_S", 60.0)),
    )


def is_configured() -> bool:
    """True when an API key is set; without one every AI feature runs in extractive mode."""
    return bool(_setting("OPENAI_API_KEY", ""))


def check_feature(feature: str) -> None:
    if feature not in FEATURES:
        raise ValueError(f"unknown LLM feature {feature!r}; known: {', '.join(FEATURES)}")


def model_for(feature: str) -> str:
    """The chat model configured for a feature (OPENAI_MODEL_<FEATURE>)."""
    check_feature(feature)
    return str(_setting(FEATURES[feature], DEFAULT_CHAT_MODEL))


def embedding_model() -> str:
    return str(_setting("OPENAI_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL))
