from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryStatus(models.TextChoices):
    """Where a public reply stands with its channel's delivery adapter (the outbound port)."""

    NONE = "", _("Not delivered (customer message or note)")
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    class AuthorKind(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        AI = "ai", _("AI")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField(_("sequence"))
    author_kind = models.CharField(_("author kind"), max_length=10, choices=AuthorKind.choices)
    author_agent = models.ForeignKey(
        "helpdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    author_customer = models.ForeignKey(
        "helpdesk.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    body_html = models.TextField(_("body (sanitised HTML)"), blank=True)
    body_text = models.TextField(_("body (text)"), blank=True)
    raw = models.TextField(
        _("raw input"), blank=True, help_text=_("Exactly what arrived, kept before parsing.")
    )
    is_internal = models.BooleanField(_("internal note"), default=False)
    email_message_id = models.CharField(max_length=300, blank=True, db_index=True)
    email_in_reply_to = models.CharField(max_length=300, blank=True)
    citations = models.JSONField(_("citations"), default=list, blank=True)
    ai_mode = models.CharField(
        _("AI mode"), max_length=20, blank=True, help_text=_("extractive or generative, for AI messages.")
    )
    client_id = models.CharField(
        _("client id"), max_length=64, blank=True,
        help_text=_("The sender's own id for this message (chat): a resend with the same id is the same message."),
    )  # fmt: skip
    raw_input = models.ForeignKey(
        "helpdesk.RawInput", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    delivery_channel = models.CharField(_("delivered by"), max_length=10, blank=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=10, blank=True, choices=DeliveryStatus.choices, default=DeliveryStatus.NONE
    )
    delivery_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    delivery_error = models.TextField(_("last delivery error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="message_ticket_seq_unique"),
            models.UniqueConstraint(
                fields=["ticket", "client_id"],
                name="message_ticket_client_id_unique",
                condition=~models.Q(client_id=""),
            ),
        ]
        indexes = [
            models.Index(
                fields=["delivery_status", "id"],
                name="message_delivery_pending",
                condition=models.Q(delivery_status__in=["queued", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.seq} ({self.author_kind})"

    @property
    def author_name(self) -> str:
        if self.author_kind == self.AuthorKind.AGENT and self.author_agent:
            return self.author_agent.name
        if self.author_kind == self.AuthorKind.CUSTOMER and self.author_customer:
            return self.author_customer.display_name
        return self.get_author_kind_display()


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.ticket_id}/{instance.sha256[:16]}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        "helpdesk.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
