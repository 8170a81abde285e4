"""A <script> in anything a customer or agent can type is never rendered live in the desk."""

import pytest
from django.urls import reverse

from helpdesk.models import Customer, Macro, Ticket
from helpdesk.services.messages import message_post
from helpdesk.services.tickets import ticket_create, ticket_update

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script>'
IMG_PAYLOAD = '<img src=x onerror="alert(1)">'


@pytest.fixture
def evil_ticket(team):
    customer = Customer.objects.create(
        email="evil@example.com", name=f"Mallory {PAYLOAD}", organization=IMG_PAYLOAD
    )
    ticket = ticket_create(
        requester=customer,
        subject=f"Help {PAYLOAD}",
        body_html=f'<p>Hello</p>{PAYLOAD}{IMG_PAYLOAD}<a href="javascript:alert(1)">click</a>',
        team=team,
        tags=[f"tag{PAYLOAD}"],
    )
    message_post(
        ticket=ticket, author_kind="customer", author_customer=customer, body_text=f"plain {PAYLOAD}"
    )
    Ticket.objects.filter(pk=ticket.pk).update(ai_summary=f"summary {PAYLOAD}")
    return ticket


def assert_inert(html: str):
    assert "<script>alert" not in html
    assert "onerror=" not in html.replace("onerror=&quot;", "")  # only ever as escaped text
    assert 'href="javascript:' not in html


def test_ticket_page_escapes_everything(client_agent, evil_ticket):
    html = client_agent.get(reverse("desk:ticket", args=[evil_ticket.pk])).content.decode()
    assert_inert(html)
    assert "Help &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # the subject, escaped
    assert "plain &lt;script&gt;" in html  # a text message, escaped
    assert "summary &lt;script&gt;" in html


def test_ticket_regions_escape_everything(client_agent, evil_ticket):
    for region in ("header", "thread", "sidebar", "reply"):
        html = client_agent.get(
            reverse("desk:ticket", args=[evil_ticket.pk]), {"region": region}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert_inert(html)


def test_inbox_escapes_subject_preview_and_names(client_agent, evil_ticket):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = client_agent.get(reverse("desk:inbox"), **headers).content.decode()
        assert_inert(html)
        assert "Help &lt;script&gt;" in html


def test_agent_reply_with_markup_is_text(client_agent, ticket):
    client_agent.post(reverse("desk:ticket_reply", args=[ticket.pk]), {"kind": "reply", "body": PAYLOAD})
    html = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert_inert(html)
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_macro_placeholders_do_not_inject(client_agent, team, agent):
    customer = Customer.objects.create(email="m@example.com", name=f"Eve {PAYLOAD}")
    ticket = ticket_create(requester=customer, subject="s", body_text="x", team=team)
    macro = Macro.objects.create(name=f"M {PAYLOAD}", body="Hi {{ customer.name }}</textarea>" + PAYLOAD)
    html = client_agent.get(
        reverse("desk:ticket", args=[ticket.pk]),
        {"region": "reply", "macro": macro.pk},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert_inert(html)
    assert "&lt;/textarea&gt;" in html


def test_search_query_is_escaped(client_agent, ticket):
    html = client_agent.get(
        reverse("desk:inbox"), {"q": f'"><svg onload=alert(1)>{PAYLOAD}'}
    ).content.decode()
    assert_inert(html)
    assert "<svg onload" not in html


def test_team_and_agent_names_escaped_in_sidebar(client_agent, ticket, agent):
    agent.display_name = f"Al {PAYLOAD}"
    agent.save()
    ticket_update(ticket=ticket, assignee=agent)
    html = client_agent.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert_inert(html)
