"""Live chat: widgets (one per website), visitors, chat sessions and agents' chat capacity.

A chat conversation IS a helpdesk ticket with channel "chat": `ChatSession.ticket` is that ticket and
its messages are the transcript. A session only adds what chat needs on top: who the visitor is,
whether a person is wanted, which agent holds the conversation.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_widget_key() -> str:
    return secrets.token_urlsafe(12)


def new_identity_secret() -> str:
    return secrets.token_urlsafe(32)


class ChatWidget(models.Model):
    class Position(models.TextChoices):
        RIGHT = "right", _("Bottom right")
        LEFT = "left", _("Bottom left")

    class EmailRule(models.TextChoices):
        HIDDEN = "hidden", _("Not asked")
        OPTIONAL = "optional", _("Optional")
        REQUIRED = "required", _("Required")

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(_("public key"), max_length=32, unique=True, default=new_widget_key)
    is_active = models.BooleanField(_("active"), default=True)
    allowed_origins = models.TextField(
        _("allowed website origins"), blank=True,
        help_text=_("One origin a line, e.g. https://www.example.com. Other websites cannot open the chat."),
    )  # fmt: skip
    colour = models.CharField(_("colour"), max_length=7, default="#2454d6")
    greeting = models.CharField(_("greeting"), max_length=300, default=_("Hi! How can we help?"))
    offline_text = models.CharField(
        _("offline text"), max_length=300,
        default=_("We are offline right now. Leave a message and we will answer by email."),
    )  # fmt: skip
    position = models.CharField(_("position"), max_length=5, choices=Position.choices, default=Position.RIGHT)
    language = models.CharField(_("language"), max_length=10, default="en")
    ask_name = models.BooleanField(_("ask for a name"), default=True)
    email_rule = models.CharField(
        _("email in the pre-chat form"), max_length=8, choices=EmailRule.choices, default=EmailRule.OPTIONAL
    )
    identity_secret = models.CharField(
        _("identity secret"), max_length=64, default=new_identity_secret,
        help_text=_("The host website signs a logged-in customer's email with HMAC-SHA256 and this secret."),
    )  # fmt: skip
    ai_first_answer = models.BooleanField(_("AI answers first"), default=True)
    stream_tokens = models.BooleanField(
        _("stream the AI's words as they are written"), default=True,
        help_text=_("The model's text appears while it is generated and is replaced by the checked answer "
                    "(or withdrawn when the checks fail). Off: the checked answer appears at once."),
    )  # fmt: skip
    use_business_hours = models.BooleanField(
        _("offline outside business hours"), default=True,
        help_text=_("Uses the business hours of the team's SLA policy (or the default policy)."),
    )  # fmt: skip
    allow_attachments = models.BooleanField(_("visitors may attach files"), default=True)
    on_help_center = models.BooleanField(
        _("offer on the help center"), default=False,
        help_text=_("Adds this widget and a “Chat with us” button to the help center and the portal."),
    )  # fmt: skip
    max_message_chars = models.PositiveIntegerField(_("longest message (characters)"), default=4000)
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat widget")
        verbose_name_plural = _("chat widgets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def origins(self) -> list[str]:
        return [
            line.strip().rstrip("/").lower() for line in self.allowed_origins.splitlines() if line.strip()
        ]


class Visitor(models.Model):
    """Someone chatting through a widget, known by the token kept in their browser (stored hashed).
    `customer` is the helpdesk customer their tickets belong to: a placeholder for an anonymous
    visitor, the real record only when the host website signed their identity."""

    widget = models.ForeignKey(ChatWidget, on_delete=models.CASCADE, related_name="visitors")
    token_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey("helpdesk.Customer", on_delete=models.CASCADE, related_name="chat_visitors")
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email (as typed)"), blank=True)
    verified = models.BooleanField(_("identity verified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat visitor")
        verbose_name_plural = _("chat visitors")

    def __str__(self) -> str:
        return self.name or self.email or f"visitor {self.pk}"


class ChatSession(models.Model):
    class Status(models.TextChoices):
        BOT = "bot", _("With the AI")
        WAITING = "waiting", _("Waiting for a person")
        ACTIVE = "active", _("With an agent")
        CLOSED = "closed", _("Closed")

    widget = models.ForeignKey(ChatWidget, on_delete=models.CASCADE, related_name="sessions")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="sessions")
    ticket = models.OneToOneField(
        "helpdesk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_session"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.WAITING)
    agent = models.ForeignKey(
        "helpdesk.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_sessions"
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    csat_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    offline = models.BooleanField(
        _("started while offline"), default=False,
        help_text=_("Replies are also emailed to the visitor's email, when they left one."),
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "waiting_since"], name="chat_session_queue")]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.status})"


class AgentChatCapacity(models.Model):
    agent = models.OneToOneField("helpdesk.Agent", on_delete=models.CASCADE, related_name="chat_capacity")
    max_chats = models.PositiveSmallIntegerField(_("concurrent chats"), default=3)
    last_seen_at = models.DateTimeField(
        _("last seen in the chat queue"), null=True, blank=True, editable=False,
        help_text=_("Agents seen in the last minutes count as online for the widget's offline mode."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("agent chat capacity")
        verbose_name_plural = _("agent chat capacities")

    def __str__(self) -> str:
        return f"{self.agent}: {self.max_chats}"
