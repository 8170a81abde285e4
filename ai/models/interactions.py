"""What the AI did and what people said about it: every AI call (AIInteraction), agents' flags on AI
messages (AIFlag), the admin's handoff rules (HandoffRule), reply drafts (AIDraft) and the per-ticket
redaction map that keeps PII placeholders consistent across a conversation (TicketRedaction)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AIInteraction(models.Model):
    """One run of an AI pipeline. Holds redacted input only: never raw customer text."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer")
        DRAFT = "draft", _("Draft")
        SUMMARY = "summary", _("Summary")
        TRIAGE = "triage", _("Triage")
        SHADOW = "shadow", _("Shadow answer (not sent)")

    class Decision(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        HANDED_OFF = "handed_off", _("Handed off")
        BLOCKED = "blocked", _("Blocked")
        DRAFTED = "drafted", _("Drafted")
        SUMMARISED = "summarised", _("Summarised")

    class Mode(models.TextChoices):
        EXTRACTIVE = "extractive", _("Extractive")
        GENERATIVE = "generative", _("Generative")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="ai_interactions"
    )
    message = models.ForeignKey(
        "helpdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="ai_interactions",
        help_text=_("The customer message this run answered."),
    )  # fmt: skip
    reply_message = models.ForeignKey(
        "helpdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="ai_sources",
        help_text=_("The message the AI posted, if any."),
    )  # fmt: skip
    redacted_input = models.TextField(_("input (redacted)"), blank=True)
    output = models.TextField(_("output"), blank=True)
    citations = models.JSONField(_("citations"), default=list, blank=True)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, db_index=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, blank=True)
    mode_reason = models.CharField(_("why this mode"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    model = models.CharField(_("model"), max_length=100, blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=60, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency (ms)"), default=0)
    stage_ms = models.JSONField(_("stage timings (ms)"), default=dict, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    problems = models.JSONField(_("guardrail findings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("AI interaction")
        verbose_name_plural = _("AI interactions")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One customer-facing answer per customer message: the inbound task may run twice.
            models.UniqueConstraint(
                fields=["message"], condition=models.Q(kind="answer"), name="ai_one_answer_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.decision} ({self.ticket_id}/{self.message_id})"


class AIFlag(models.Model):
    """An agent saying an AI message or interaction was wrong."""

    class Kind(models.TextChoices):
        INCORRECT = "incorrect", _("Incorrect")
        INCOMPLETE = "incomplete", _("Incomplete")
        OUTDATED = "outdated", _("Outdated")
        INAPPROPRIATE = "inappropriate", _("Inappropriate")

    interaction = models.ForeignKey(
        AIInteraction, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    message = models.ForeignKey(
        "helpdesk.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="ai_flags"
    )
    agent = models.ForeignKey("helpdesk.Agent", null=True, on_delete=models.SET_NULL, related_name="ai_flags")
    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("AI flag")
        verbose_name_plural = _("AI flags")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.message_id or self.interaction_id})"


class HandoffRule(models.Model):
    """When the AI must not answer a customer itself and hands the conversation to a person."""

    class Kind(models.TextChoices):
        KEYWORD = "keyword", _("Keywords")
        NEGATIVE_SENTIMENT = "negative_sentiment", _("Negative sentiment")
        LOW_CONFIDENCE = "low_confidence", _("Low retrieval score")
        REPEATED_QUESTION = "repeated_question", _("Same question asked again")
        BUSINESS_HOURS = "business_hours", _("Inside business hours")
        ASKS_FOR_HUMAN = "asks_for_human", _("Customer asks for a person")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    keywords = models.TextField(
        _("keywords / phrases"), blank=True, help_text=_("One per line or comma-separated; any one matches.")
    )
    params = models.JSONField(
        _("parameters"),
        default=dict,
        blank=True,
        help_text=_(
            'negative_sentiment: {"max_score": -0.5}; low_confidence: {"min_cosine": 0.35}; '
            'repeated_question: {"min_similarity": 0.85}; business_hours: {"time_zone": "Europe/Berlin", '
            '"hours": {"mon": [["09:00", "17:00"]], ...}} (hands off while agents are working).'
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    target_team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("hand to team"), help_text=_("Used when triage did not route the ticket."),
    )  # fmt: skip
    customer_message = models.TextField(
        _("message to the customer"),
        blank=True,
        help_text=_("Empty: the default note about what happens next."),
    )

    class Meta:
        verbose_name = _("handoff rule")
        verbose_name_plural = _("handoff rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        parts = [part.strip() for line in self.keywords.splitlines() for part in line.split(",")]
        return [part for part in parts if part]


class AIDraft(models.Model):
    """A reply the AI wrote for an agent; ``sent_text`` is what the agent finally sent."""

    class Variant(models.TextChoices):
        ORIGINAL = "original", _("Original")
        SHORTER = "shorter", _("Shorter")
        FRIENDLIER = "friendlier", _("Friendlier")
        MORE_FORMAL = "more_formal", _("More formal")

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="ai_drafts")
    source_message = models.ForeignKey(
        "helpdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="ai_drafts"
    )
    agent = models.ForeignKey(
        "helpdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("text"))
    citations = models.JSONField(_("citations"), default=list, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=AIInteraction.Mode.choices)
    mode_reason = models.CharField(_("why this mode"), max_length=40, blank=True)
    variant = models.CharField(_("variant"), max_length=12, choices=Variant.choices, default=Variant.ORIGINAL)
    interaction = models.ForeignKey(
        AIInteraction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_text = models.TextField(_("sent text"), blank=True)
    sent_message = models.ForeignKey(
        "helpdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edit_similarity = models.FloatField(
        _("similarity to sent text"), null=True, blank=True, help_text=_("1.0: sent unchanged.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("AI draft")
        verbose_name_plural = _("AI drafts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"draft {self.variant} for ticket {self.ticket_id}"


class TicketRedaction(models.Model):
    """The ticket's PII placeholder map (gateway.pii.RedactionMap.to_dict()); values stay in our database."""

    ticket = models.OneToOneField("helpdesk.Ticket", on_delete=models.CASCADE, related_name="ai_redaction")
    mapping = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket redaction map")
        verbose_name_plural = _("ticket redaction maps")

    def __str__(self) -> str:
        return f"redaction map of ticket {self.ticket_id}"
