"""Chat conversations: a visitor's message through the front door, handoff to a person, and the
agents' accept / transfer / close. A conversation is a helpdesk ticket with channel "chat"."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chat.groups import nudge, queue_changed
from chat.i18n import supported_language
from chat.models import AgentChatCapacity, ChatSession, Visitor
from chat.selectors.widgets import latest_sessions, recent_availability, session_hint, widget_availability
from core.errors import ApplicationError
from helpdesk.models import Agent, Message, TicketChannel, TicketStatus
from helpdesk.services.attachments import attachments_precheck
from helpdesk.services.conversation import Outcome, conversation_receive
from helpdesk.services.delivery import reply_send
from helpdesk.services.tickets import ticket_transition, ticket_update

DEFAULT_CAPACITY = 3
Status = ChatSession.Status


def chat_message_receive(
    *, visitor: Visitor, text: str, client_id: str, attachments=(), offline: bool | None = None
) -> Message:
    """The visitor's words (and files: (name, bytes, content type) tuples, checked against the desk's
    attachment limits before anything is stored), through the front door. A resend (same client id)
    returns the stored message. A visitor without an open conversation starts one (a new ticket),
    marked offline when the widget is offline (`offline`: what the caller knows already, else looked
    up). Not atomic: the front door commits the raw input first."""
    text = text.strip()
    attachments = list(attachments)
    if not text and not attachments:
        raise ApplicationError(_("A message needs some text."))
    if attachments:
        if not visitor.widget.allow_attachments:
            raise ApplicationError(_("Files cannot be sent in this chat."))
        attachments_precheck(attachments)
        text = text or ", ".join(name for name, _data, _type in attachments)
    if not client_id or len(client_id) > 64:
        raise ApplicationError(_("Every chat message needs a client id (at most 64 characters)."))
    session = session_hint(visitor=visitor)  # the thread's ticket only as the front door's hint
    if session is not None and session.ticket_id and session.status == Status.CLOSED:
        # a resend of the closed conversation's last words (the front door checks open threads itself)
        duplicate = (
            Message.objects.filter(ticket_id=session.ticket_id, client_id=client_id).order_by().first()
        )
        if duplicate is not None:
            return duplicate
    starts = session is None or session.status == Status.CLOSED or session.ticket is None
    if starts and (session is None or session.ticket is not None):
        session = ChatSession.objects.create(
            widget=visitor.widget, visitor=visitor, waiting_since=timezone.now(),
            status=Status.BOT if visitor.widget.ai_first_answer else Status.WAITING,
            offline=_offline(visitor, offline),
        )  # fmt: skip
    opening = _Opening(session_id=session.pk, customer_id=visitor.customer_id) if starts else None
    token = _opening.set(opening)
    try:
        received = conversation_receive(
            channel=TicketChannel.CHAT, sender=visitor.customer, subject=text.splitlines()[0][:120] if starts else "",
            body_text=text, raw_payload=text, thread_hint=None if starts else session.ticket, client_id=client_id,
            team=visitor.widget.team, language=visitor.widget.language, attachments=attachments,
        )  # fmt: skip
    finally:
        _opening.reset(token)
    if received.outcome == Outcome.FOLLOW_UP and not starts:  # the thread was closed meanwhile
        session = ChatSession.objects.create(
            widget=visitor.widget, visitor=visitor, waiting_since=timezone.now(), status=Status.WAITING,
            offline=_offline(visitor, offline),
        )  # fmt: skip
    attached = opening is not None and opening.ticket_id == received.ticket.pk  # by the hook below
    if received.outcome in (Outcome.CREATED, Outcome.FOLLOW_UP) and not attached:
        session_attach(session_id=session.pk, ticket_id=received.ticket.pk)
    return received.message


@dataclass
class _Opening:
    """The session a visitor's first words open, while the front door creates its ticket: the hook
    below attaches it without looking for it."""

    session_id: int
    customer_id: int
    ticket_id: int | None = None  # once attached


_opening: ContextVar[_Opening | None] = ContextVar("chat_session_opening", default=None)


def _offline(visitor: Visitor, known: bool | None) -> bool:
    return (not widget_availability(widget=visitor.widget).online) if known is None else known


def session_attach(*, session_id: int, ticket_id: int) -> None:
    """Tie a new conversation's ticket to its session (once), and tell the queue."""
    if _attach_unless_taken(session_id=session_id, ticket_id=ticket_id):
        transaction.on_commit(queue_changed)


def _attach_unless_taken(*, session_id: int, ticket_id: int) -> int:
    """One statement: attached unless this or another session has the ticket already. Every new
    conversation runs it: in plain SQL (the ORM's UPDATE with an EXISTS cost ~2 ms of Python to
    build), as ChatSession.objects.filter(pk=session_id, ticket__isnull=True)
    .exclude(Exists(ChatSession.objects.filter(ticket_id=ticket_id))).update(ticket_id=ticket_id)."""
    table = ChatSession._meta.db_table
    sql = (
        f'UPDATE "{table}" SET ticket_id = %s WHERE id = %s AND ticket_id IS NULL '  # noqa: S608
        f'AND NOT EXISTS (SELECT 1 FROM "{table}" taken WHERE taken.ticket_id = %s)'
    )  # the model's table; values are bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [ticket_id, session_id, ticket_id])
        return cursor.rowcount


def chat_session_on_message(*, ticket, message) -> None:
    """Hook "customer_message_posted", registered before the AI's: a new chat ticket gets its
    session before the AI's channel policy looks for it."""
    if ticket.channel != TicketChannel.CHAT or message.seq != 1:
        return
    opening = _opening.get()
    if opening is not None and opening.customer_id == ticket.requester_id and opening.ticket_id is None:
        session_attach(session_id=opening.session_id, ticket_id=ticket.pk)  # chat_message_receive's own
        opening.ticket_id = ticket.pk
        return
    pending = (
        ChatSession.objects.filter(visitor__customer_id=ticket.requester_id, ticket__isnull=True)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    if pending is not None:
        session_attach(session_id=pending, ticket_id=ticket.pk)


def _notify(session: ChatSession) -> None:
    ticket_id = session.ticket_id
    transaction.on_commit(lambda: (nudge(ticket_id, session=True), queue_changed()))


@transaction.atomic
def chat_handoff_request(*, visitor: Visitor) -> ChatSession:
    """ "Talk to a person": the conversation joins the agents' queue (once)."""
    session = latest_sessions(visitor).select_for_update().first()
    if session is None or session.status == Status.CLOSED:
        raise ApplicationError(_("There is no open conversation."))
    if session.status == Status.BOT:
        session.status = Status.WAITING
        session.waiting_since = timezone.now()
        session.save(update_fields=["status", "waiting_since"])
        with translation.override(supported_language(session.ticket.language)):  # the customer's words
            notice = _("We are finding a person to help you. Please stay here.")
        reply_send(ticket=session.ticket, author_kind=Message.AuthorKind.SYSTEM, body_text=notice)
        _notify(session)
    return session


def chat_ai_handed_off(*, ticket_id: int) -> None:
    """The AI handed the conversation off (its notice was delivered): a person is needed."""
    updated = ChatSession.objects.filter(ticket_id=ticket_id, status=Status.BOT).update(
        status=Status.WAITING, waiting_since=timezone.now()
    )
    if updated:
        queue_changed()


def agent_presence_touch(*, agent: Agent) -> None:
    """The agent has the chat queue open: they count as online (see selectors.widgets.agents_last_seen);
    the widgets' availability read in this process is forgotten once this is committed."""
    updated = AgentChatCapacity.objects.filter(agent=agent).update(last_seen_at=timezone.now())
    if not updated:
        AgentChatCapacity.objects.get_or_create(agent=agent, defaults={"max_chats": DEFAULT_CAPACITY,
                                                                        "last_seen_at": timezone.now()})  # fmt: skip
    transaction.on_commit(recent_availability.forget)


def agent_capacity(agent: Agent) -> int:
    capacity = AgentChatCapacity.objects.filter(agent=agent).values_list("max_chats", flat=True).first()
    return DEFAULT_CAPACITY if capacity is None else capacity


@transaction.atomic
def chat_accept(*, session: ChatSession, agent: Agent) -> ChatSession:
    """An agent takes the conversation: assigned to them, within their concurrent chat limit."""
    session = ChatSession.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=session.pk)
    if session.status == Status.CLOSED:
        raise ApplicationError(_("This chat is closed."))
    if session.agent_id and session.agent_id != agent.pk:
        raise ApplicationError(_("Another agent has this chat already."))
    _check_capacity(agent, session)
    session.status, session.agent, session.accepted_at = Status.ACTIVE, agent, timezone.now()
    session.save(update_fields=["status", "agent", "accepted_at"])
    ticket = ticket_update(ticket=session.ticket, assignee=agent, actor=agent.user)
    if ticket.status == TicketStatus.NEW:
        ticket_transition(ticket=ticket, to_status=TicketStatus.OPEN, actor=agent.user)
    _notify(session)
    return session


def _check_capacity(agent: Agent, session: ChatSession) -> None:
    active = ChatSession.objects.filter(agent=agent, status=Status.ACTIVE).exclude(pk=session.pk).count()
    if active >= agent_capacity(agent):
        raise ApplicationError(_("%(name)s has reached their chat limit.") % {"name": agent.name})


@transaction.atomic
def chat_transfer(*, session: ChatSession, to_agent: Agent, actor: Agent) -> ChatSession:
    session = ChatSession.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=session.pk)
    if session.status == Status.CLOSED:
        raise ApplicationError(_("This chat is closed."))
    _check_capacity(to_agent, session)
    session.status, session.agent, session.accepted_at = Status.ACTIVE, to_agent, timezone.now()
    session.save(update_fields=["status", "agent", "accepted_at"])
    ticket_update(ticket=session.ticket, assignee=to_agent, actor=actor.user)
    _notify(session)
    return session


@transaction.atomic
def chat_close(*, session: ChatSession, actor: Agent | None = None) -> ChatSession:
    """The conversation ends; its ticket is solved (the transcript is the ticket thread)."""
    session = ChatSession.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=session.pk)
    if session.status == Status.CLOSED:
        return session
    session.status, session.closed_at = Status.CLOSED, timezone.now()
    session.save(update_fields=["status", "closed_at"])
    ticket = session.ticket
    if ticket is not None and ticket.status not in (TicketStatus.SOLVED, TicketStatus.CLOSED):
        ticket_transition(ticket=ticket, to_status=TicketStatus.SOLVED, actor=actor.user if actor else None,
                          actor_label="" if actor else "chat")  # fmt: skip
    _notify(session)
    return session


@transaction.atomic
def chat_rate(*, visitor: Visitor, rating: int) -> ChatSession:
    """CSAT at the end of a chat: 1 to 5, the visitor's latest conversation."""
    if rating not in range(1, 6):
        raise ApplicationError(_("A rating is 1 to 5."))
    session = ChatSession.objects.select_for_update().filter(visitor=visitor).order_by("-created_at").first()
    if session is None:
        raise ApplicationError(_("There is no conversation to rate."))
    session.csat_rating = rating
    session.save(update_fields=["csat_rating"])
    return session


def chat_agent_reply(*, session: ChatSession, agent: Agent, text: str, client_id: str = "") -> Message:
    """An agent's reply in the live conversation, through the back door (idempotent by client id)."""
    if session.ticket_id is None:
        raise ApplicationError(_("This chat has no conversation yet."))
    if client_id:
        duplicate = Message.objects.filter(ticket_id=session.ticket_id, client_id=client_id[:64]).first()
        if duplicate is not None:
            return duplicate
    if session.status != Status.ACTIVE or session.agent_id != agent.pk:
        session = chat_accept(session=session, agent=agent)
    return reply_send(
        ticket=session.ticket, author_kind=Message.AuthorKind.AGENT, author_agent=agent, body_text=text,
        client_id=client_id[:64],
    )  # fmt: skip
