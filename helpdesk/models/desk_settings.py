from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskSettings(models.Model):
    """Install-wide settings edited in the admin (a single row)."""

    company_name = models.CharField(_("company name"), max_length=200, default="Helmdesk")
    agents_see_all_tickets = models.BooleanField(
        _("agents see all tickets"),
        default=False,
        help_text=_(
            "Off: agents see only their teams' tickets and those assigned to them. Admins always see all."
        ),
    )
    support_email = models.EmailField(_("support address"), blank=True)

    class Meta:
        verbose_name = _("desk settings")
        verbose_name_plural = _("desk settings")

    def __str__(self) -> str:
        return str(_("Desk settings"))

    @classmethod
    def load(cls) -> "DeskSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj
