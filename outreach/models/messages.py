"""Batches (what an agent approves), messages (one per customer, idempotent), the suppression list
and the audit trail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from outreach.models.rules import Channel


class OutreachBatch(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    rule = models.ForeignKey(
        "outreach.OutreachRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )
    event = models.ForeignKey(
        "outreach.OutreachEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="batches"
    )
    incident = models.ForeignKey(
        "outreach.Incident", null=True, blank=True, on_delete=models.CASCADE, related_name="batches"
    )
    title = models.CharField(_("title"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("outreach batch")
        verbose_name_plural = _("outreach batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"


class OutreachMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        SCHEDULED = "scheduled", _("Approved, scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Interrupted while sending (not retried)")

    batch = models.ForeignKey(OutreachBatch, on_delete=models.CASCADE, related_name="messages")
    rule = models.ForeignKey(
        "outreach.OutreachRule", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey("helpdesk.Customer", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=300, unique=True)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body = models.TextField(_("body"))
    ai_personalised = models.BooleanField(_("personalised by AI"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(_("skip reason"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    send_after = models.DateTimeField(_("not before"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed for sending"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, db_index=True)
    # chat notices: when the customer's chat widget received it (once; shown on the next visit)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # chat and portal notices: when the customer's page showed it (email: not measured, text mail)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("outreach message")
        verbose_name_plural = _("outreach messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "status", "sent_at"], name="outreach_msg_customer_sent")]

    def __str__(self) -> str:
        return f"{self.channel} to {self.customer_id} ({self.status})"


class Suppression(models.Model):
    """Addresses that get no outreach (unsubscribed, added by an agent, bounced)."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        MANUAL = "manual", _("Added by an agent")
        BOUNCED = "bounced", _("Bounced")

    email = models.EmailField(_("email"), max_length=254)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.MANUAL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppression list")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(Lower("email"), name="outreach_suppression_email_ci")]

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"


class OutreachAudit(models.Model):
    """Every decision and every message that left (or did not), append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, db_index=True)
    batch = models.ForeignKey(
        OutreachBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        OutreachMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit"
    )
    incident = models.ForeignKey(
        "outreach.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("outreach audit entry")
        verbose_name_plural = _("outreach audit")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
