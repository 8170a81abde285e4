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
