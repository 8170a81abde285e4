"""The ticket page's thread rows (selectors.thread.ticket_thread_page) carry what the page shows of a
Message: the same columns, the same author name, the attachments in place, in two queries."""

import pytest
from django.utils import translation

from helpdesk.models import Attachment, Message
from helpdesk.selectors.inbox import agent_choices
from helpdesk.selectors.thread import THREAD_COLUMNS, ticket_thread_page
from helpdesk.services.messages import message_post
from tests.conftest import make_agent, make_customer

pytestmark = pytest.mark.django_db


def test_rows_match_the_messages_and_their_author_names(ticket, agent, django_assert_num_queries):
    nameless = make_agent("nameless")  # no display name: the user's full name
    nameless.user.first_name, nameless.user.last_name = "Nia", "Lee"
    nameless.user.save()
    bare = make_agent("bare-login")  # no display name, no full name: the username
    bare.user.first_name = ""
    bare.user.save()
    anonymous = make_customer(email="someone@example.com", name="")
    posted = [
        message_post(ticket=ticket, author_kind="customer", author_customer=ticket.requester, body_text="hi"),
        message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text="hello"),
        message_post(ticket=ticket, author_kind="agent", author_agent=nameless, body_text="also"),
        message_post(ticket=ticket, author_kind="agent", author_agent=bare, body_text="me too"),
        message_post(ticket=ticket, author_kind="customer", author_customer=anonymous, body_text="cc"),
        message_post(ticket=ticket, author_kind="ai", body_text="an answer", ai_mode="extractive"),
        message_post(ticket=ticket, author_kind="system", body_text="merged", is_internal=True),
    ]
    Attachment.objects.create(
        ticket=ticket, message=posted[1], filename="a.txt", content_type="text/plain", size=3, sha256="0" * 64
    )
    with translation.override("de"), django_assert_num_queries(2):
        rows = ticket_thread_page(ticket=ticket)
    with translation.override("de"):
        messages = list(Message.objects.filter(ticket=ticket).order_by("seq"))
        expected_names = [m.author_name for m in messages]
    assert [row.author_name for row in rows] == expected_names
    assert expected_names[-5:-2] == ["Nia Lee", "bare-login", "someone"]
    assert expected_names[-2] != "ai"  # the translated label, as Message.get_author_kind_display gives it
    for row, message in zip(rows, messages, strict=True):
        for column in THREAD_COLUMNS:
            assert getattr(row, column) == getattr(message, column), column
    files = {row.pk: [f.filename for f in row._prefetched_objects_cache["attachments"]] for row in rows}
    assert files.pop(posted[1].pk) == ["a.txt"]
    assert not any(files.values())


def test_agent_choices_name_agents_like_agent_name(agent):
    nameless = make_agent("zed")
    nameless.user.first_name = "Zoe"
    nameless.user.save()
    choices = dict(agent_choices())
    assert choices == {a.pk: a.name for a in type(agent).objects.select_related("user")}
    assert choices[nameless.pk] == "Zoe"
    assert list(choices) == [a.pk for a in type(agent).objects.order_by("display_name", "user__username")]
    assert dict(agent_choices([agent.pk])) == {agent.pk: agent.name}


def test_compiled_once_statements_are_the_querysets_they_replace(
    ticket, agent, team, django_assert_num_queries
):
    """history, tag names, teams and agents come from statements compiled once per connection: the same
    SQL as the querysets they replace, and the same rows, for each ticket."""
    from core.compiled_statements import SENTINEL, compiled_once
    from helpdesk.models import Tag, Team, TicketEvent
    from helpdesk.selectors.thread import (
        HISTORY_LIMIT,
        history_rows,
        sidebar_choices,
        thread_attachments,
        thread_rows,
        ticket_history,
        ticket_tag_names,
    )
    from helpdesk.services.tickets import ticket_update

    ticket.tags.set([Tag.objects.create(name="zeta"), Tag.objects.create(name="alpha")])
    ticket_update(ticket=ticket, actor=agent.user, status="pending", assignee=agent)
    Team.objects.create(name="Another")

    def sql(queryset):
        return queryset.query.get_compiler(using="default").as_sql()

    def with_id(pair, pk):
        return pair[0], tuple(pk if p == SENTINEL else p for p in pair[1])

    (
        ticket_history(ticket=ticket),
        ticket_tag_names(ticket=ticket),
        sidebar_choices(),
        ticket_thread_page(ticket=ticket),
    )
    compiled = {key: compiled_once(key, lambda: None) for key in (
        "thread.history", "thread.tag_names", "thread.teams", "thread.messages", "thread.attachments",
        "inbox.agent_choices",
    )}  # fmt: skip
    original_history = (
        TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("-id")[:HISTORY_LIMIT]
    )
    assert with_id((compiled["thread.history"].sql, compiled["thread.history"].params), ticket.pk) == with_id(
        sql(original_history), ticket.pk
    )
    assert sql(history_rows(ticket.pk)) == sql(original_history)
    assert with_id(
        (compiled["thread.tag_names"].sql, compiled["thread.tag_names"].params), ticket.pk
    ) == with_id(sql(Tag.objects.filter(tickets=ticket).values_list("name")), ticket.pk)
    assert (compiled["thread.teams"].sql, compiled["thread.teams"].params) == sql(
        Team.objects.only("id", "name")
    )
    messages = Message.objects.filter(ticket=ticket).order_by("seq")
    assert sql(thread_rows(ticket.pk)) == sql(messages.values_list(*thread_rows(0)._fields))
    assert sql(thread_attachments(ticket.pk)) == sql(
        Attachment.objects.filter(ticket=ticket, message__isnull=False).order_by("id")
    )
    from helpdesk.services.tickets import ticket_create

    other = ticket_create(requester=ticket.requester, subject="other", body_text="x", team=team)
    other.tags.clear()
    with django_assert_num_queries(5):  # one each: history, two tag lists, agents, teams
        rows = [
            ticket_history(ticket=ticket),
            ticket_tag_names(ticket=ticket),
            ticket_tag_names(ticket=other),
        ]
        choices = sidebar_choices()
    history = rows[0]
    assert [(e.pk, e.actor, e.field) for e in history] == [(e.pk, e.actor, e.field) for e in original_history]
    assert [e.pk for e in ticket_history(ticket=other)] == list(
        TicketEvent.objects.filter(ticket=other).order_by("-id").values_list("pk", flat=True)
    )
    assert rows[1:] == [["alpha", "zeta"], []]
    assert rows[1] == list(ticket.tags.values_list("name", flat=True))  # what the page showed before
    assert [(t.pk, t.name) for t in choices["teams"]] == [
        (t.pk, t.name) for t in Team.objects.only("id", "name")
    ]
    assert (
        choices["teams"][0].get_deferred_fields() == Team.objects.only("id", "name")[0].get_deferred_fields()
    )
    assert choices["agents"] == agent_choices([a.pk for a in type(agent).objects.all()])
