"""The LLM provider: the ``openai`` client against any OpenAI-compatible server, or nothing.

Pipelines ask ``generation_mode(feature)`` first; when it is not generative they run extractive
mode and show ``mode.reason``. ``complete``/``stream`` enforce the same checks and raise.
"""

from ai.prompt_files import Prompt, load_prompt
from gateway.llm.budget import (
    GenerationMode,
    budget_remaining,
    feature_enabled,
    generation_mode,
    record_usage,
    tokens_used_this_month,
)
from gateway.llm.client import complete, embed, list_models
from gateway.llm.config import FEATURES, is_configured, model_for
from gateway.llm.errors import (
    LLMBadResponse,
    LLMBudgetExceeded,
    LLMError,
    LLMFeatureDisabled,
    LLMNotConfigured,
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
    "LLMNotConfigured",
    "LLMResult",
    "LLMUnavailable",
    "Prompt",
    "TextStream",
    "budget_remaining",
    "complete",
    "embed",
    "feature_enabled",
    "generation_mode",
    "is_configured",
    "list_models",
    "load_prompt",
    "model_for",
    "record_usage",
    "stream",
    "tokens_used_this_month",
]
