"""The chat channel's delivery adapter, registered with helpdesk's back door in ChatConfig.ready().

The reply is already stored; delivering it means telling the conversation's open sockets (the
visitor's widget and the agents' chat pages), which read it from the database. A visitor who is
not connected gets it on their next connect, through resync. A conversation that started while the
chat was offline also gets agents' replies by email, when the visitor left one (chat.services.mail).
A channel layer or mail failure raises, so the back door marks the reply failed and retries it (the
sockets are told first: telling them twice is harmless, a second mail is not).
"""

from __future__ import annotations

from chat.groups import nudge
from chat.services.mail import offline_reply_mail
from chat.services.sessions import chat_ai_handed_off
from helpdesk.models import Message


def chat_deliver(message: Message) -> None:
    is_ai = message.author_kind == Message.AuthorKind.AI
    if is_ai and not message.ai_mode:  # the AI's handoff notice, not an answer
        chat_ai_handed_off(ticket_id=message.ticket_id)
    nudge(message.ticket_id)
    offline_reply_mail(message)
