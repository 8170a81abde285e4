"""Routing: the topic taxonomy, admin rules that place a ticket, and the round-robin cursor.

A ticket's topic is a ticketing concept (the portal offers the topics, rules route on them); the AI
only suggests one. These tables were created by the ai app (migration ai 0002) and moved here
without touching the database (helpdesk 0006, ai 0006): `db_table` keeps the original names.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.tickets import TicketPriority


class AssignmentStrategy(models.TextChoices):
    """How an agent inside the routed team is picked."""

    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")
    NONE = "none", _("Team only (no assignee)")


class Topic(models.Model):
    """One entry of the taxonomy; its description and examples are what zero-shot triage compares to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    examples = models.TextField(
        _("example messages"), blank=True, help_text=_("One customer message per line.")
    )
    team = models.ForeignKey(
        "helpdesk.Team",
        verbose_name=_("target team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
    )
    default_priority = models.CharField(
        _("default priority"), max_length=10, choices=TicketPriority.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "ai_topic"
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]


class RoutingRule(models.Model):
    """Evaluated in `position` order; every filled condition must match. The first match applies;
    with `stop` off, later rules may still fill what this one left empty."""

    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("topic")
    )
    customer_tier = models.CharField(_("customer tier"), max_length=20, blank=True)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("One per line or comma-separated; any one matches.")
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    set_team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("route to team"),
    )  # fmt: skip
    set_priority = models.CharField(
        _("set priority"), max_length=10, choices=TicketPriority.choices, blank=True
    )
    stop = models.BooleanField(_("stop here"), default=True)

    class Meta:
        db_table = "ai_routingrule"
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        raw = self.keywords.replace(",", "\n")
        return [word.strip().lower() for word in raw.splitlines() if word.strip()]


class TeamAssignmentCursor(models.Model):
    """Round-robin position per team: the agent who got the last auto-assigned ticket."""

    team = models.OneToOneField("helpdesk.Team", on_delete=models.CASCADE, related_name="+")
    last_agent = models.ForeignKey(
        "helpdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "ai_teamassignmentcursor"

    def __str__(self) -> str:
        return f"{self.team_id} -> {self.last_agent_id}"
