"""The ticket page's per-message HTML cache never shows stale content: what a message looks like is its
cache key, so an edited body or a new delivery state renders afresh."""

import pytest

from helpdesk.models import Message
from helpdesk.selectors.thread import ticket_thread_page
from helpdesk.services.messages import message_post
from helpdesk.templatetags.thread_render import thread_messages

pytestmark = pytest.mark.django_db


def _render(ticket) -> str:
    return str(thread_messages({"csrf_token": "token"}, ticket_thread_page(ticket=ticket)))


def test_an_edited_message_is_rendered_again(ticket, agent):
    message = message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text="first words")
    assert "first words" in _render(ticket)
    Message.objects.filter(pk=message.pk).update(body_html="<p>second words</p>")
    page = _render(ticket)
    assert "second words" in page and "first words" not in page


def test_a_delivery_state_change_is_rendered_again(ticket, agent):
    message = message_post(ticket=ticket, author_kind="agent", author_agent=agent, body_text="hello")
    Message.objects.filter(pk=message.pk).update(delivery_status="queued")
    assert 'data-delivery="queued"' in _render(ticket)
    Message.objects.filter(pk=message.pk).update(delivery_status="failed", delivery_attempts=2)
    page = _render(ticket)
    assert 'data-delivery="failed"' in page and 'name="csrfmiddlewaretoken" value="token"' in page
