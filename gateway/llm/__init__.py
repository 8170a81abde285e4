"""The one way to a model: the ``openai`` client against any OpenAI-compatible server, or nothing.

Every function here redacts what it sends (fail closed), asks the registered policy (feature
switches, monthly budget) before generating, and records the call. Pipelines ask
``generation_mode(feature)`` first; when it is not generative they run extractive mode and show
``mode.reason``. ``complete``/``stream`` enforce the same checks and raise. The only entry point
that sends text unredacted is ``embed_published_content`` (published knowledge-base articles).
"""

from gateway.llm.budget import (
    GenerationMode,
    budget_remaining,
    feature_enabled,
    generation_mode,
    record_usage,
    tokens_used_this_month,
)
from gateway.llm.client import complete, embed, embed_published_content, list_models
from gateway.llm.config import FEATURES, is_configured, model_for
from gateway.llm.errors import (
    LLMBadResponse,
    LLMBudgetExceeded,
    LLMError,
    LLMFeatureDisabled,
    LLMNoPolicy,
    LLMNotConfigured,
    LLMRedactionFailed,
    LLMUnavailable,
)
from gateway.llm.results import EmbeddingResult, LLMResult
from gateway.llm.streaming import TextStream, stream

__all__ = [
    "FEATURES",
    "EmbeddingResult",
    "GenerationMode",
    "LLMBadResponse",
    "LLMBudgetExceeded",
    "LLMError",
    "LLMFeatureDisabled",
    "LLMNoPolicy",
    "LLMNotConfigured",
    "LLMRedactionFailed",
    "LLMResult",
    "LLMUnavailable",
    "TextStream",
    "budget_remaining",
    "complete",
    "embed",
    "embed_published_content",
    "feature_enabled",
    "generation_mode",
    "is_configured",
    "list_models",
    "model_for",
    "record_usage",
    "stream",
    "tokens_used_this_month",
]
