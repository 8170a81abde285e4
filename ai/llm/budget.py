"""Feature switches and the monthly token budget.

``generation_mode(feature)`` is the one question a pipeline asks before generating: may this feature
use the model right now, and if not, why (so the UI can say which mode answered and why).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Sum
from django.utils import timezone

from ai.llm.config import FEATURES, check_feature, is_configured
from ai.llm.errors import LLMBudgetExceeded, LLMFeatureDisabled, LLMNotConfigured
from ai.models import AISettings, TokenUsage


@dataclass(frozen=True)
class GenerationMode:
    generative: bool
    reason: str = ""  # "", "not_configured", "feature_disabled" or "budget_exceeded"

    @property
    def label(self) -> str:
        return "generative" if self.generative else "extractive"


def current_month(now: datetime.datetime | None = None) -> datetime.date:
    now = now or timezone.now()
    return now.astimezone(datetime.UTC).date().replace(day=1)


def tokens_used_this_month() -> int:
    totals = TokenUsage.objects.filter(month=current_month()).aggregate(
        prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens")
    )
    return (totals["prompt"] or 0) + (totals["completion"] or 0)


def budget_remaining(ai_settings: AISettings | None = None) -> int | None:
    """Tokens left this month; None when the budget is unlimited (0). Never negative."""
    budget = (ai_settings or AISettings.load()).monthly_token_budget
    if not budget:
        return None
    return max(budget - tokens_used_this_month(), 0)


def feature_enabled(feature: str, ai_settings: AISettings | None = None) -> bool:
    check_feature(feature)
    switch = FEATURES[feature][1]
    return switch is None or bool(getattr(ai_settings or AISettings.load(), switch))


def generation_mode(feature: str) -> GenerationMode:
    """Whether ``feature`` may call the model now; the reason when it may not."""
    check_feature(feature)
    if not is_configured():
        return GenerationMode(False, LLMNotConfigured.reason)
    ai_settings = AISettings.load()
    if not feature_enabled(feature, ai_settings):
        return GenerationMode(False, LLMFeatureDisabled.reason)
    if budget_remaining(ai_settings) == 0:
        return GenerationMode(False, LLMBudgetExceeded.reason)
    return GenerationMode(True)


def ensure_generation_allowed(feature: str) -> None:
    """Raise the matching LLMError instead of returning a non-generative mode."""
    mode = generation_mode(feature)
    if mode.generative:
        return
    error = {
        LLMNotConfigured.reason: LLMNotConfigured("no OPENAI_API_KEY configured"),
        LLMFeatureDisabled.reason: LLMFeatureDisabled(f"generative {feature} is switched off in AI settings"),
        LLMBudgetExceeded.reason: LLMBudgetExceeded("the monthly token budget is spent"),
    }[mode.reason]
    raise error


def record_usage(*, feature: str, prompt_tokens: int, completion_tokens: int) -> None:
    """Add one call's tokens to this month's ledger row; safe under concurrent workers."""
    month = current_month()
    # ignore_conflicts makes creating the row race-free; the F() update makes adding race-free.
    TokenUsage.objects.bulk_create([TokenUsage(month=month, feature=feature)], ignore_conflicts=True)
    TokenUsage.objects.filter(month=month, feature=feature).update(
        prompt_tokens=F("prompt_tokens") + max(prompt_tokens, 0),
        completion_tokens=F("completion_tokens") + max(completion_tokens, 0),
        calls=F("calls") + 1,
    )
