"""Outreach rules: what starts a message (trigger), who gets it (audience), how (channel), what it says
(template), and the guards (approval, rate limit, quiet hours)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TriggerKind(models.TextChoices):
    EVENT = "event", _("Event posted to the API")
    SLA_RISK = "sla_risk", _("SLA breach risk on an open ticket")
    THEME_SPIKE = "theme_spike", _("Theme spike (voice of the customer)")


class AudienceKind(models.TextChoices):
    EVENT_CUSTOMER = "event_customer", _("The event's customer")
    FILTER = "filter", _("Customers matching the filters")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat message on next visit")
    PORTAL = "portal", _("Portal banner")


class OutreachRule(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    trigger = models.CharField(
        _("trigger"), max_length=20, choices=TriggerKind.choices, default=TriggerKind.EVENT
    )
    event_type = models.CharField(
        _("event type"),
        max_length=100,
        blank=True,
        help_text=_(
            'For event triggers: the type posted to the API, e.g. "order.delayed". For theme '
            "spikes: a word the theme's name must contain (empty: any theme)."
        ),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=AudienceKind.choices, default=AudienceKind.EVENT_CUSTOMER
    )
    audience_topic = models.ForeignKey(
        "helpdesk.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("filter: open ticket in topic"),
    )
    audience_tier = models.CharField(_("filter: customer tier"), max_length=20, blank=True)
    audience_open_ticket = models.BooleanField(
        _("filter: has an open ticket"),
        default=False,
        help_text=_("Only customers with a ticket that is not solved or closed."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    subject_template = models.CharField(_("subject template"), max_length=250, blank=True)
    body_template = models.TextField(
        _("message template"),
        help_text=_(
            "Django template syntax with {{ customer.name }}, {{ customer.email }}, "
            "{{ data.order_id }} ...; allowed tags: if, for, firstof; a short list of filters."
        ),
    )
    ai_personalise = models.BooleanField(
        _("personalise with AI"),
        default=False,
        help_text=_(
            "When a model is configured, the message is rewritten for the customer (facts kept); "
            "without one the template is sent as written."
        ),
    )
    requires_approval = models.BooleanField(
        _("requires approval"), default=True, help_text=_("An agent approves each batch in the desk.")
    )
    max_per_customer_per_day = models.PositiveSmallIntegerField(
        _("max messages per customer per day (this rule)"), default=1
    )
    respect_quiet_hours = models.BooleanField(
        _("only in business hours"),
        default=True,
        help_text=_(
            "Outside the company's business hours messages wait for the next opening (never dropped)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("outreach rule")
        verbose_name_plural = _("outreach rules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutreachEvent(models.Model):
    """What started outreach: an API event (stored raw before parsing), an SLA risk, a theme spike or
    an incident. Kept also when no rule matched: they are the baseline of "tickets avoided"."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not parsed yet")
        PROCESSED = "processed", _("Processed")
        INVALID = "invalid", _("Invalid")

    source = models.CharField(_("source"), max_length=20, default="api")
    raw = models.TextField(_("raw payload"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(_("error"), blank=True)
    event_type = models.CharField(_("type"), max_length=100, blank=True, db_index=True)
    key = models.CharField(
        _("event key"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("The caller's event id (or a hash of the payload): the same event twice sends once."),
    )
    customer = models.ForeignKey(
        "helpdesk.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField(_("customer external id"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_type or self.source} #{self.pk} ({self.status})"
