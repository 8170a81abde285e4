"""What arrived, exactly as it arrived, stored before anything parses it (the front door's first step)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def raw_input_path(instance: "RawInput", filename: str) -> str:
    return f"raw/{instance.channel}/{instance.sha256[:2]}/{instance.sha256}"


class RawInput(models.Model):
    """One inbound item of any channel. Text channels keep the payload inline; byte channels (email)
    keep the exact bytes in storage, hash-named. Status says what the front door made of it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, not processed yet")
        PROCESSED = "processed", _("Processed")
        QUARANTINED = "quarantined", _("Quarantined")
        IGNORED = "ignored", _("Ignored")
        DISCARDED = "discarded", _("Discarded")

    channel = models.CharField(_("channel"), max_length=10)
    sender = models.CharField(_("sender"), max_length=320, blank=True)
    payload = models.TextField(_("payload (text channels)"), blank=True)
    file = models.FileField(_("raw bytes"), upload_to=raw_input_path, max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    error = models.TextField(_("error"), blank=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="raw_inputs"
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("raw input")
        verbose_name_plural = _("raw inputs")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "-received_at"], name="rawinput_status_received")]

    def __str__(self) -> str:
        return f"{self.channel} {self.sha256[:12]} ({self.status})"
