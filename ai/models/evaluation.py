"""The weekly evaluation loop: the stored weekly report, the accuracy review queue, the per-channel
rollout of AI answering (and which group each conversation fell in), and sandboxed AI test runs."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class WeeklyReport(models.Model):
    """One ISO week's AI evaluation, rebuilt idempotently (same week, same row)."""

    week_start = models.DateField(_("week (Monday)"), unique=True)
    week = models.CharField(_("ISO week"), max_length=10, unique=True, help_text=_("e.g. 2026-W48"))
    data = models.JSONField(_("figures"), default=dict, blank=True)
    built_at = models.DateTimeField(_("built"), auto_now=True)
    mailed_at = models.DateTimeField(_("summary mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly AI report")
        verbose_name_plural = _("weekly AI reports")
        ordering = ["-week_start"]

    def __str__(self) -> str:
        return self.week


class ReviewItem(models.Model):
    """One sampled AI answer waiting for (or carrying) an agent's grade."""

    class Grade(models.TextChoices):
        CORRECT = "correct", _("Correct")
        PARTLY = "partly", _("Partly correct")
        WRONG = "wrong", _("Wrong")
        SHOULD_NOT = "should_not", _("Should not have answered")

    interaction = models.OneToOneField(
        "ai.AIInteraction", on_delete=models.CASCADE, related_name="review_item"
    )
    week_start = models.DateField(_("week (Monday)"), db_index=True)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    graded_by = models.ForeignKey(
        "helpdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    graded_at = models.DateTimeField(_("graded"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("AI answer review")
        verbose_name_plural = _("AI answer reviews")
        ordering = ["-week_start", "id"]

    def __str__(self) -> str:
        return f"review {self.interaction_id} {self.grade or 'open'}"


class RolloutMode(models.TextChoices):
    OFF = "off", _("Off (no AI)")
    DRAFT = "draft", _("Draft only (agents see and send)")
    SHADOW = "shadow", _("Shadow (AI answers privately, measured against agents)")
    PERCENT = "percent", _("Live for a share of new conversations")
    LIVE = "live", _("Live")


class ChannelRollout(models.Model):
    """How far AI answering is rolled out on one channel. No row: the built-in channel policy."""

    channel = models.CharField(_("channel"), max_length=10, unique=True)
    mode = models.CharField(_("mode"), max_length=10, choices=RolloutMode.choices, default=RolloutMode.DRAFT)
    percent = models.PositiveSmallIntegerField(
        _("live share (%)"), default=10, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Mode 'share': this percentage of customers (sticky, by a stable hash) get live answers."),
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("AI rollout per channel")
        verbose_name_plural = _("AI rollout per channel")
        ordering = ["channel"]

    def __str__(self) -> str:
        return f"{self.channel}: {self.mode}"


class RolloutAssignment(models.Model):
    """Which rollout group a conversation fell in when the AI first saw it (for live vs control)."""

    class Group(models.TextChoices):
        LIVE = "live", _("Live")
        CONTROL = "control", _("Control")
        SHADOW = "shadow", _("Shadow")
        DRAFT = "draft", _("Draft")
        OFF = "off", _("Off")

    ticket = models.OneToOneField("helpdesk.Ticket", on_delete=models.CASCADE, related_name="ai_rollout")
    channel = models.CharField(_("channel"), max_length=10)
    mode = models.CharField(_("mode"), max_length=10, choices=RolloutMode.choices)
    group = models.CharField(_("group"), max_length=10, choices=Group.choices, db_index=True)
    bucket = models.FloatField(_("hash bucket (0-100)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("AI rollout assignment")
        verbose_name_plural = _("AI rollout assignments")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.group}"


class TestRun(models.Model):
    """The AI answering solved tickets in a sandbox: nothing is sent, nothing changes on the ticket."""

    __test__ = False  # not a pytest class

    name = models.CharField(_("name"), max_length=120)
    ticket_ids = models.JSONField(_("tickets"), default=list)
    created_by = models.ForeignKey(
        "helpdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("AI test run")
        verbose_name_plural = _("AI test runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class TestRunItem(models.Model):
    __test__ = False

    run = models.ForeignKey(TestRun, on_delete=models.CASCADE, related_name="items")
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    question = models.TextField(_("question (redacted)"), blank=True)
    answer = models.TextField(_("AI answer"), blank=True)
    citations = models.JSONField(default=list, blank=True)
    decision = models.CharField(_("would-be decision"), max_length=12, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    agent_reply = models.TextField(_("agent's actual reply"), blank=True)
    similarity = models.FloatField(_("similarity to the agent's reply"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=12, choices=ReviewItem.Grade.choices, blank=True)

    class Meta:
        verbose_name = _("AI test run item")
        verbose_name_plural = _("AI test run items")
        ordering = ["run", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "ticket"], name="ai_testrun_one_item_per_ticket")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.ticket_id}"
