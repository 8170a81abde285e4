"""Admin-editable AI settings (a singleton) and the monthly token ledger."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

SINGLETON_PK = 1


class AISettings(models.Model):
    """One row (pk=1): which features may call the model, the token budget, the handoff threshold."""

    answers_enabled = models.BooleanField(
        _("generated answers"), default=True, help_text=_("Off: answers quote knowledge-base passages only.")
    )
    drafts_enabled = models.BooleanField(
        _("generated drafts"), default=True, help_text=_("Off: agent drafts are extractive.")
    )
    summaries_enabled = models.BooleanField(
        _("generated summaries"),
        default=True,
        help_text=_("Off: summaries pick key sentences of the thread."),
    )
    triage_llm_enabled = models.BooleanField(
        _("model-based triage"),
        default=True,
        help_text=_("Off: triage uses nearest neighbours over history."),
    )
    monthly_token_budget = models.PositiveBigIntegerField(
        _("monthly token budget"),
        default=0,
        help_text=_("Prompt plus completion tokens per calendar month (UTC). 0 means unlimited."),
    )
    confidence_threshold = models.FloatField(
        _("confidence threshold"),
        # Tuned with eval_answers on MTRAG: the lowest value that keeps wrong answers under 5%
        # (docs/ai-answers.md). A wrong confident answer costs more than a handoff.
        default=0.89,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "Answers below this confidence are handed off to a person. Lower it to answer more often "
            "at the price of more wrong answers (see docs/ai-answers.md)."
        ),
    )

    answer_email = models.BooleanField(
        _("answer emails automatically"),
        default=False,
        help_text=_("Off: email tickets get a draft for the agent; chat and portal are answered directly."),
    )

    # The weekly evaluation (docs/ai-evaluation.md): outcomes are computed from what happened next.
    outcome_assume_days = models.PositiveSmallIntegerField(
        _("assume resolved after (days)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("No customer reply this many days after an AI answer: 'assumed resolved' (never 'confirmed')."),
    )  # fmt: skip
    outcome_reopen_days = models.PositiveSmallIntegerField(
        _("reopen window (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("The customer coming back on the same matter within this many days counts as 'reopened'."),
    )  # fmt: skip
    review_sample_size = models.PositiveSmallIntegerField(
        _("weekly review sample"), default=50, validators=[MaxValueValidator(1000)],
        help_text=_("AI answers sampled each week for agents to grade (accuracy review)."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("AI settings")
        verbose_name_plural = _("AI settings")

    def __str__(self) -> str:
        return str(_("AI settings"))

    def save(self, *args, **kwargs) -> None:
        self.pk = SINGLETON_PK  # there is only ever one row
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> AISettings:
        settings_row, _created = cls.objects.get_or_create(pk=SINGLETON_PK)
        return settings_row


class TokenUsage(models.Model):
    """Tokens spent per calendar month (first day, UTC) and feature; updated with F() expressions."""

    month = models.DateField(_("month"))
    feature = models.CharField(_("feature"), max_length=32)
    prompt_tokens = models.PositiveBigIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveBigIntegerField(_("completion tokens"), default=0)
    calls = models.PositiveIntegerField(_("calls"), default=0)

    class Meta:
        verbose_name = _("token usage")
        verbose_name_plural = _("token usage")
        ordering = ["-month", "feature"]
        constraints = [
            models.UniqueConstraint(fields=["month", "feature"], name="ai_tokenusage_month_feature")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.feature}: {self.total_tokens}"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
