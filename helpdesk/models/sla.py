from django.db import models
from django.utils.translation import gettext_lazy as _


def default_business_hours() -> dict:
    day = [["09:00", "17:00"]]
    return {"mon": day, "tue": day, "wed": day, "thu": day, "fri": day, "sat": [], "sun": []}


def default_first_response_minutes() -> dict:
    return {"urgent": 60, "high": 240, "normal": 480, "low": 1440}


def default_resolution_minutes() -> dict:
    return {"urgent": 480, "high": 1440, "normal": 2880, "low": 7200}


class SLAPolicy(models.Model):
    """Targets in business minutes by priority, with business hours and holidays in a time zone."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    teams = models.ManyToManyField(
        "helpdesk.Team", blank=True, related_name="sla_policies", verbose_name=_("teams"),
        help_text=_("Teams this policy applies to. A policy with no team is the default."),
    )  # fmt: skip
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    business_hours = models.JSONField(
        _("business hours"),
        default=default_business_hours,
        help_text=_(
            'Per weekday a list of ["HH:MM", "HH:MM"] intervals; empty = closed. 24/7: ["00:00", "24:00"].'
        ),
    )
    first_response_minutes = models.JSONField(
        _("first response targets (business minutes)"), default=default_first_response_minutes
    )
    resolution_minutes = models.JSONField(
        _("resolution targets (business minutes)"), default=default_resolution_minutes
    )
    breach_soon_minutes = models.PositiveIntegerField(
        _("breach soon window (minutes)"), default=60, help_text=_("Escalate when a target is this close.")
    )
    escalate_raise_priority = models.BooleanField(_("raise priority on escalation"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["policy", "date"], name="holiday_policy_date_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class TicketSLA(models.Model):
    """SLA state of one ticket. Due times move when the clock pauses (pending on the customer)."""

    ticket = models.OneToOneField("helpdesk.Ticket", on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    first_response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_business_seconds = models.PositiveIntegerField(default=0)
    first_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket SLA")
        verbose_name_plural = _("ticket SLAs")

    def __str__(self) -> str:
        return f"SLA for ticket {self.ticket_id}"
