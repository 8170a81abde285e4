"""The portal ticket page: AI answers with their sources and "Was this helpful?", live agent replies,
and its actions side by side."""

import pytest
from django.urls import reverse

from helpdesk.models import Message, ReplyFeedback
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.delivery import reply_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, customer):
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return client


@pytest.fixture
def ai_answer(ticket):
    return reply_send(
        ticket=ticket,
        author_kind="ai",
        body_text="Reset your password from the login page [1].",
        citations=[
            {"n": 1, "url": "/help/reset-password/", "title": "Resetting your password", "article_id": 1},
            {"n": 2, "url": "javascript:alert(1)", "title": "Evil"},
        ],  # fmt: skip
        ai_mode="generative",
    )


def test_ai_answer_shows_its_sources_as_links(signed_in, ticket, ai_answer):
    html = signed_in.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert '<a href="/help/reset-password/">Resetting your password</a>' in html
    assert "javascript:" not in html and "Evil" in html  # a source without a help-center URL is plain text
    assert "Was this helpful?" in html


def test_helpful_no_is_stored_once_and_tells_the_agents(signed_in, ticket, ai_answer):
    url = reverse("portal:reply_helpful", args=[ticket.number, ai_answer.seq])
    assert signed_in.post(url, {"helpful": "no"}).status_code == 302
    signed_in.post(url, {"helpful": "no"})
    assert ReplyFeedback.objects.get(message=ai_answer).helpful is False
    notes = Message.objects.filter(ticket=ticket, is_internal=True, body_text__contains="did not help")
    assert notes.count() == 1
    signed_in.post(url, {"helpful": "yes"})
    assert ReplyFeedback.objects.get(message=ai_answer).helpful is True
    html = signed_in.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "You found this helpful." in html


def test_feedback_on_someone_elses_ticket_is_404(client, ticket, ai_answer):
    from tests.conftest import make_customer

    other = make_customer("other@example.com", "Other")
    session = client.session
    session[SESSION_KEY] = other.pk
    session.save()
    response = client.post(
        reverse("portal:reply_helpful", args=[ticket.number, ai_answer.seq]), {"helpful": "no"}
    )
    assert response.status_code == 404
    assert not ReplyFeedback.objects.exists()


def test_thread_region_polls_and_shows_new_agent_replies(signed_in, ticket, agent):
    page = signed_in.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert 'hx-trigger="every 5s"' in page
    reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="We are on it.")
    region = signed_in.get(
        reverse("portal:ticket", args=[ticket.number]), {"region": "thread"}
    ).content.decode()
    assert region.startswith("<ol") or 'id="portal-thread"' in region
    assert "We are on it." in region and "<html" not in region


def test_reply_and_solved_buttons_share_one_row(signed_in, ticket):
    html = signed_in.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    actions = html[html.index('class="portal-actions"') :]
    actions = actions[: actions.index("</div>")]
    assert "Send reply" in actions and 'form="ticket-close-form"' in actions


def test_answered_button_always_answers(client):
    response = client.post(reverse("portal:deflected"), {"explicit": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("help:home")
    assert client.post(reverse("portal:deflected")).status_code == 204  # the page's beacon: nothing pending
