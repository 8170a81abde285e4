from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketEvent(models.Model):
    """Audit row for every change to a ticket: who, what field, before, after, when."""

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        _("actor"), max_length=100, blank=True, help_text=_("e.g. customer, AI, system")
    )
    field = models.CharField(_("field"), max_length=50)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["ticket", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field}: {self.before!r} -> {self.after!r}"
