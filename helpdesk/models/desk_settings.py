from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskSettings(models.Model):
    """Install-wide settings edited in the admin (a single row)."""

    class UnroutedVisibility(models.TextChoices):
        ALL_AGENTS = "all_agents", _("Every agent")
        TRIAGE_TEAM = "triage_team", _("Members of the triage team (and admins)")
        ADMINS = "admins", _("Admins only")

    company_name = models.CharField(_("company name"), max_length=200, default="Helmdesk")
    agents_see_all_tickets = models.BooleanField(
        _("agents see all tickets"),
        default=False,
        help_text=_(
            "Off: agents see only their teams' tickets and those assigned to them. Admins always see all."
        ),
    )
    support_email = models.EmailField(_("support address"), blank=True)
    unrouted_visible_to = models.CharField(
        _("who sees tickets with no team"),
        max_length=20,
        choices=UnroutedVisibility.choices,
        default=UnroutedVisibility.ALL_AGENTS,
        help_text=_(
            'A ticket that routing could not give to a team waits in the "No team" queue. '
            "Choose who can see and pick up those tickets."
        ),
    )
    triage_team = models.ForeignKey(
        "helpdesk.Team",
        verbose_name=_("triage team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used when tickets with no team are shown to the triage team only."),
    )

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return str(_("Desk settings"))

    @classmethod
    def load(cls) -> "DeskSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
