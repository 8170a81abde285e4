"""Web tickets answered by mail: an agent's public reply on a ticket that did not come by email is
also mailed to the customer (HELMDESK_EMAIL_WEB_REPLIES, on by default), which keeps the portal's
"we will reply by email". The mail threads like any other: the customer's answer joins the ticket."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_q.tasks import async_task

from emailchannel.services.outbound import email_deliver
from helpdesk.models import Message, Ticket

CHANNEL = "email"


def web_reply_notify_enqueue(*, ticket: Ticket, message: Message) -> None:
    """The "agent_message_posted" hook (runs after commit)."""
    if not settings.HELMDESK_EMAIL_WEB_REPLIES or message.is_internal:
        return
    if message.author_kind != Message.AuthorKind.AGENT or message.delivery_channel == CHANNEL:
        return  # email tickets are mailed by the delivery adapter itself
    if ticket.channel == "chat":
        return  # the chat adapter answers in the widget and mails an offline visitor itself
    if not ticket.requester.email:
        return
    async_task("emailchannel.tasks.web_reply_notify", message.pk, task_name=f"web-reply-mail-{message.pk}")


@transaction.atomic
def web_reply_notify(*, message_id: int) -> bool:
    """Mail one agent reply of a web ticket; idempotent (a mailed reply is not mailed again)."""
    message = Message.objects.select_related("ticket__requester").filter(pk=message_id).first()
    if message is None or message.is_internal or message.author_kind != Message.AuthorKind.AGENT:
        return False
    email_deliver(message)
    return True
