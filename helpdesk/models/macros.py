from django.db import models
from django.utils.translation import gettext_lazy as _


class Macro(models.Model):
    """A canned reply. Placeholders: {{ customer.name }}, {{ customer.first_name }}, {{ agent.name }},
    {{ ticket.number }}, {{ ticket.subject }}."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    body = models.TextField(_("body"))
    team = models.ForeignKey(
        "helpdesk.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty = available to all."),
    )
    set_status = models.CharField(_("set status"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
