"""The AI app's policy for the model gateway: AISettings switches, the monthly budget and the
TokenUsage ledger. Registered in AiConfig.ready(); the gateway itself imports nothing from ai."""

from __future__ import annotations

from django.db.models import F, Sum

from ai.models import AISettings, TokenUsage
from ai.pipelines.prompting import company_name
from gateway.policy import current_month

# The AISettings switch that turns each feature's generative mode on or off.
FEATURE_SWITCHES: dict[str, str] = {
    "answer": "answers_enabled",
    "draft": "drafts_enabled",
    "summary": "summaries_enabled",
    "triage": "triage_llm_enabled",
}


class AISettingsPolicy:
    def allowed_terms(self) -> tuple[str, ...]:
        """The company's own name is not personal data: the gateway leaves it in prompts."""
        return (company_name(),)

    def feature_enabled(self, feature: str) -> bool:
        switch = FEATURE_SWITCHES.get(feature)
        return switch is not None and bool(getattr(AISettings.load(), switch))

    def tokens_used_this_month(self) -> int:
        totals = TokenUsage.objects.filter(month=current_month()).aggregate(
            prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens")
        )
        return (totals["prompt"] or 0) + (totals["completion"] or 0)

    def budget_remaining(self) -> int | None:
        budget = AISettings.load().monthly_token_budget
        if not budget:
            return None
        return max(budget - self.tokens_used_this_month(), 0)

    def record_usage(self, *, feature: str, prompt_tokens: int, completion_tokens: int) -> None:
        """Add one call's tokens to this month's ledger row; safe under concurrent workers."""
        month = current_month()
        # ignore_conflicts makes creating the row race-free; the F() update makes adding race-free.
        TokenUsage.objects.bulk_create([TokenUsage(month=month, feature=feature)], ignore_conflicts=True)
        TokenUsage.objects.filter(month=month, feature=feature).update(
            prompt_tokens=F("prompt_tokens") + max(prompt_tokens, 0),
            completion_tokens=F("completion_tokens") + max(completion_tokens, 0),
            calls=F("calls") + 1,
        )
