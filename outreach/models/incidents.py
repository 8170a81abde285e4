"""Incident mode: a declared incident, the tickets linked to it, the customers told about it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Incident(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    customer_note = models.TextField(
        _("note to customers"),
        help_text=_("Sent as the answer to matching tickets and to affected customers."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What customers would write; compared by meaning.")
    )
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("One per line or comma-separated."))
    similarity_threshold = models.FloatField(
        _("similarity threshold"),
        default=0.45,
        help_text=_("Cosine similarity (0-1) between a new ticket and the description that links it."),
    )
    audience_topic = models.ForeignKey(
        "helpdesk.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("notify customers with open tickets in topic"),
    )
    follow_up_note = models.TextField(_("follow-up when closed"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    vector = models.BinaryField(null=True, blank=True, editable=False)
    vector_model = models.CharField(max_length=200, blank=True, editable=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-declared_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def keyword_list(self) -> list[str]:
        parts = self.keywords.replace(",", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]


class IncidentLink(models.Model):
    """A ticket linked to an incident, and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("helpdesk.Customer", on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(null=True, blank=True)
    matched_keyword = models.CharField(max_length=100, blank=True)
    answered = models.BooleanField(default=False)
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incident ticket")
        verbose_name_plural = _("incident tickets")
        constraints = [models.UniqueConstraint(fields=["incident", "ticket"], name="incident_link_unique")]

    def __str__(self) -> str:
        return f"{self.incident_id} <- ticket {self.ticket_id}"


class IncidentNotice(models.Model):
    """One row per customer told about an incident (and one per follow-up): the "once" guarantee."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Incident note")
        FOLLOW_UP = "follow_up", _("Follow-up")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    customer = models.ForeignKey("helpdesk.Customer", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    via = models.CharField(max_length=20, blank=True)  # "ticket #123" or "outreach"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "customer", "kind"], name="incident_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.incident_id} to {self.customer_id}"
