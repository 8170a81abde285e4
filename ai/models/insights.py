"""Voice of the customer and knowledge gaps.

Theme: a lasting identity ("delivery delays") that each period's clustering is matched to, so it
keeps its name, the agents' edits (rename, merge, hide) and its history. ThemeRun: one clustering of
one period; ThemeSnapshot: one theme's figures in one run; ThemeTicket: which tickets it holds
(drill-down). InsightVector caches the embedding of a ticket's opening message. KnowledgeGap: what
the help center is missing, from handoffs and negative article feedback, with the draft article
written from it and, once published, the article it produced.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThemeKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    FEATURE_REQUEST = "feature_request", _("Feature request")
    QUESTION = "question", _("Question")
    OTHER = "other", _("Other")


class Theme(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        RISING = "rising", _("Rising")
        STEADY = "steady", _("Steady")
        FADING = "fading", _("Fading")
        GONE = "gone", _("Not seen this period")

    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    name_source = models.CharField(_("named by"), max_length=10, default="phrase")  # phrase | model | agent
    key_phrases = models.JSONField(_("key phrases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ThemeKind.choices, default=ThemeKind.OTHER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    hidden = models.BooleanField(_("hidden"), default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_themes"
    )
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="split_themes"
    )
    centroid = models.BinaryField(editable=False)  # float32 (512,), L2-normalised
    first_seen = models.DateField(_("first seen"), null=True, blank=True)
    last_seen = models.DateField(_("last seen"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ThemeRun(models.Model):
    period_start = models.DateTimeField(_("period start"))
    period_end = models.DateTimeField(_("period end"))
    messages = models.PositiveIntegerField(_("messages"), default=0)
    themes = models.PositiveIntegerField(_("themes"), default=0)
    noise = models.PositiveIntegerField(_("noise"), default=0)
    seconds = models.FloatField(_("seconds"), default=0.0)
    seed = models.IntegerField(default=0)
    named_by_model = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theme run")
        verbose_name_plural = _("theme runs")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end"], name="ai_theme_run_one_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} .. {self.period_end:%Y-%m-%d}"


class ThemeSnapshot(models.Model):
    run = models.ForeignKey(ThemeRun, on_delete=models.CASCADE, related_name="snapshots")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="snapshots")
    size = models.PositiveIntegerField(_("tickets"))
    previous_size = models.PositiveIntegerField(_("tickets, previous period"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Theme.Status.choices)
    similarity = models.FloatField(_("match to the theme"), default=1.0)
    sentiment = models.JSONField(_("sentiment mix"), default=dict, blank=True)
    channels = models.JSONField(_("channels"), default=dict, blank=True)
    csat = models.JSONField(_("CSAT"), default=dict, blank=True)  # {"answers": n, "average": x}
    kinds = models.JSONField(_("kinds"), default=dict, blank=True)
    key_phrases = models.JSONField(_("key phrases"), default=list, blank=True)
    examples = models.JSONField(_("example tickets"), default=list, blank=True)  # ticket ids

    class Meta:
        verbose_name = _("theme snapshot")
        verbose_name_plural = _("theme snapshots")
        ordering = ["-size", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "theme"], name="ai_theme_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.theme_id}@{self.run_id}: {self.size}"


class ThemeTicket(models.Model):
    run = models.ForeignKey(ThemeRun, on_delete=models.CASCADE, related_name="members")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="members")
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ThemeKind.choices, default=ThemeKind.OTHER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "ticket"], name="ai_theme_ticket_once_per_run")]
        indexes = [models.Index(fields=["theme", "run"], name="ai_theme_ticket_theme_run")]

    def __str__(self) -> str:
        return f"{self.ticket_id} -> {self.theme_id}"


class InsightVector(models.Model):
    """The embedding of a ticket's opening customer message (computed once, reused every period)."""

    ticket = models.OneToOneField("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    embedder = models.CharField(max_length=200)
    vector = models.BinaryField()  # float32 (512,)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.ticket_id} ({self.embedder})"


class KnowledgeGap(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DRAFTED = "drafted", _("Draft written")
        PUBLISHED = "published", _("Article published")
        DISMISSED = "dismissed", _("Dismissed")

    class Action(models.TextChoices):
        NEW = "new", _("New article")
        UPDATE = "update", _("Update an article")

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.NEW)
    volume = models.PositiveIntegerField(_("questions"), default=0)
    agent_minutes = models.FloatField(_("agent minutes (estimate)"), default=0.0)
    signals = models.JSONField(_("signals"), default=dict, blank=True)  # {"no_sources": 3, ...}
    questions = models.JSONField(_("questions"), default=list, blank=True)  # [{ticket, text}] (redacted)
    answers = models.JSONField(_("agents' answers"), default=list, blank=True)  # [{ticket, message, text}]
    ticket_ids = models.JSONField(_("tickets"), default=list, blank=True)
    centroid = models.BinaryField(editable=False)
    nearest_article = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nearest_score = models.FloatField(_("nearest article similarity"), null=True, blank=True)
    article = models.ForeignKey(
        "knowledge.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The article drafted (and later published) for this gap."),
    )  # fmt: skip
    draft_mode = models.CharField(_("draft written"), max_length=12, blank=True)  # extractive | generative
    # "update" gaps: the section proposed for the nearest article, until the editor saves it
    proposal_md = models.TextField(_("proposed section"), blank=True)
    published_at = models.DateTimeField(_("article published"), null=True, blank=True)
    detected_at = models.DateTimeField(_("detected"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("knowledge gap")
        verbose_name_plural = _("knowledge gaps")
        ordering = ["-agent_minutes", "-volume", "id"]

    def __str__(self) -> str:
        return self.title
