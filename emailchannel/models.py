"""Email channel data: mailboxes, what each inbound mail became, what each outbound mail did."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """One support address: polled over IMAP (when a host is set) and used as the sender of replies.
    Only these addresses are ever used as From (no open relay)."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    address = models.EmailField(_("address"), unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_tls = models.BooleanField(_("IMAP over TLS"), default=True)
    imap_user = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=255, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    processed_folder = models.CharField(
        _("move processed mail to"), max_length=255, blank=True,
        help_text=_("Empty: processed mail stays in the folder, marked as seen."),
    )  # fmt: skip
    default_team = models.ForeignKey(
        "helpdesk.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread_by_subject_days = models.PositiveSmallIntegerField(
        _("thread by sender and subject within days"), default=0,
        help_text=_("0: off. Otherwise a mail without thread headers or ticket token joins the sender's "
                    "open ticket with the same subject, written within this many days."),
    )  # fmt: skip
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address

    def __repr__(self) -> str:  # never the password
        return f"<Mailbox {self.address}>"


class InboundEmail(models.Model):
    """What one inbound mail became. The exact bytes are in its RawInput (stored before parsing)."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Received, not processed")
        TICKET = "ticket", _("New ticket")
        REPLY = "reply", _("Reply to a ticket")
        BOUNCE = "bounce", _("Bounce attached to a ticket")
        QUARANTINED = "quarantined", _("Quarantined")
        IGNORED = "ignored", _("Ignored")
        SPAM = "spam", _("Spam")
        DISCARDED = "discarded", _("Discarded")

    raw_input = models.OneToOneField("helpdesk.RawInput", on_delete=models.CASCADE, related_name="email")
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    header_message_id = models.CharField(_("Message-ID"), max_length=300, blank=True, db_index=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True, db_index=True)
    from_name = models.CharField(_("from name"), max_length=200, blank=True)
    to = models.TextField(_("to"), blank=True)
    cc = models.TextField(_("cc"), blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    full_text = models.TextField(_("full text (with quoted history)"), blank=True)
    is_automatic = models.BooleanField(_("automatic (auto-reply, list, bulk)"), default=False)
    ticket = models.ForeignKey(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.OneToOneField(
        "helpdesk.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_email"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["outcome", "-created_at"], name="inboundemail_outcome")]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject[:60]} ({self.outcome})"


class OutboundEmail(models.Model):
    """The delivery log: one row per message mailed (or suppressed), keyed by the reply's id, so a
    retried task never sends the same reply twice."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SUPPRESSED = "suppressed", _("Suppressed (loop protection)")
        BOUNCED = "bounced", _("Bounced")

    message = models.OneToOneField(
        "helpdesk.Message", on_delete=models.CASCADE, related_name="outbound_email"
    )
    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="+")
    header_message_id = models.CharField(_("Message-ID"), max_length=300, unique=True)
    sender = models.CharField(_("from"), max_length=320)
    recipients = models.TextField(_("to and cc"))
    subject = models.CharField(_("subject"), max_length=500)
    is_automatic = models.BooleanField(_("automatic"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    detail = models.TextField(_("detail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("delivery log")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipients", "is_automatic", "-created_at"], name="outbound_rate")]

    def __str__(self) -> str:
        return f"{self.header_message_id} -> {self.recipients} ({self.status})"


class TicketCc(models.Model):
    """Extra recipients of a ticket's replies (from the customer's Cc or added by an agent)."""

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="email_ccs")
    address = models.EmailField(_("address"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cc")
        verbose_name_plural = _("cc's")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["ticket", "address"], name="ticketcc_unique")]

    def __str__(self) -> str:
        return self.address
