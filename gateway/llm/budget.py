"""Feature switches and the monthly token budget, asked of the registered policy.

``generation_mode(feature)`` is the one question a pipeline asks before generating: may this feature
use the model right now, and if not, why (so the UI can say which mode answered and why). The
gateway asks it again itself before every request, so a pipeline cannot skip it.
"""

from __future__ import annotations

from gateway.llm.config import check_feature, is_configured
from gateway.llm.errors import LLMBudgetExceeded, LLMFeatureDisabled, LLMNoPolicy, LLMNotConfigured
from gateway.policy import GenerationMode, current_month, current_policy

__all__ = [
    "GenerationMode",
    "budget_remaining",
    "current_month",
    "ensure_generation_allowed",
    "feature_enabled",
    "generation_mode",
    "record_usage",
    "tokens_used_this_month",
]


def tokens_used_this_month() -> int:
    policy = current_policy()
    return policy.tokens_used_this_month() if policy is not None else 0


def budget_remaining() -> int | None:
    """Tokens left this month; None when the budget is unlimited. 0 without a policy (fail closed)."""
    policy = current_policy()
    if policy is None:
        return 0
    remaining = policy.budget_remaining()
    return None if remaining is None else max(remaining, 0)


def feature_enabled(feature: str) -> bool:
    check_feature(feature)
    policy = current_policy()
    return policy is not None and bool(policy.feature_enabled(feature))


def generation_mode(feature: str) -> GenerationMode:
    """Whether ``feature`` may call the model now; the reason when it may not."""
    check_feature(feature)
    if not is_configured():
        return GenerationMode(False, LLMNotConfigured.reason)
    policy = current_policy()
    if policy is None:
        return GenerationMode(False, LLMNoPolicy.reason)
    if not policy.feature_enabled(feature):
        return GenerationMode(False, LLMFeatureDisabled.reason)
    if budget_remaining() == 0:
        return GenerationMode(False, LLMBudgetExceeded.reason)
    return GenerationMode(True)


def ensure_generation_allowed(feature: str) -> None:
    """Raise the matching LLMError instead of returning a non-generative mode."""
    mode = generation_mode(feature)
    if mode.generative:
        return
    raise {
        LLMNotConfigured.reason: LLMNotConfigured("no OPENAI_API_KEY configured"),
        LLMNoPolicy.reason: LLMNoPolicy("no model policy is registered; generation is refused"),
        LLMFeatureDisabled.reason: LLMFeatureDisabled(f"generative {feature} is switched off in AI settings"),
        LLMBudgetExceeded.reason: LLMBudgetExceeded("the monthly token budget is spent"),
    }[mode.reason]


def record_usage(*, feature: str, prompt_tokens: int, completion_tokens: int) -> None:
    """Hand one call's tokens to the policy's ledger (nothing to do without a policy)."""
    policy = current_policy()
    if policy is not None:
        policy.record_usage(
            feature=feature, prompt_tokens=max(prompt_tokens, 0), completion_tokens=max(completion_tokens, 0)
        )
