"""Visitor identity: anonymous tokens, typed (unverified) emails that never open another customer's
tickets, and the host website's signed identity that does link the customer. Offline mode's flag."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from asgiref.sync import async_to_sync

from chat.services.sessions import agent_presence_touch
from chat.services.visitors import PLACEHOLDER_DOMAIN, visitor_identify
from helpdesk.models import Customer
from tests.chat.helpers import connect, hello, make_widget
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db(transaction=True)


def sign(widget, email: str) -> str:
    return hmac.new(widget.identity_secret.encode(), email.lower().encode(), hashlib.sha256).hexdigest()


def test_anonymous_visitor_gets_own_placeholder_customer_and_token_is_stored_hashed():
    widget = make_widget()
    first = visitor_identify(widget=widget)
    again = visitor_identify(widget=widget, token=first.token)
    other = visitor_identify(widget=widget, token="guessed-token")
    assert again.visitor.pk == first.visitor.pk and not again.created
    assert other.created and other.visitor.customer_id != first.visitor.customer_id
    assert first.visitor.customer.email.endswith(PLACEHOLDER_DOMAIN)
    assert first.token not in first.visitor.token_hash


def test_typed_email_is_unverified_and_never_links_an_existing_customer():
    widget = make_widget()
    victim = make_customer("ana@example.com", "Ana")
    typed = visitor_identify(widget=widget, name="Mallory", email="ana@example.com").visitor
    assert typed.customer_id != victim.pk and not typed.verified and typed.email == "ana@example.com"
    wrong = visitor_identify(widget=widget, email="ana@example.com", signature="00" * 32).visitor
    assert wrong.customer_id != victim.pk and not wrong.verified


def test_signed_identity_links_the_customer():
    widget = make_widget()
    known = make_customer("ana@example.com", "Ana")
    visitor = visitor_identify(
        widget=widget, email="Ana@Example.com", signature=sign(widget, "ana@example.com")
    ).visitor
    assert visitor.verified and visitor.customer_id == known.pk
    newcomer = visitor_identify(
        widget=widget, email="new@example.com", signature=sign(widget, "new@example.com")
    )
    assert (
        newcomer.visitor.verified
        and Customer.objects.get(email="new@example.com") == newcomer.visitor.customer
    )
    other_widget = make_widget(name="Other")
    foreign = visitor_identify(
        widget=other_widget, email="ana@example.com", signature=sign(widget, "ana@example.com")
    )
    assert not foreign.visitor.verified  # a signature is only valid for its own widget's secret


def test_welcome_says_offline_until_an_agent_of_the_team_has_the_queue_open(team, agent, other_agent):
    widget = make_widget(team=team)

    async def online() -> bool:
        ws = await connect(widget)
        welcome = await hello(ws)
        await ws.disconnect()
        return welcome["widget"]["online"]

    assert async_to_sync(online)() is False
    agent_presence_touch(agent=other_agent)  # another team's agent does not count
    assert async_to_sync(online)() is False
    agent_presence_touch(agent=agent)
    assert async_to_sync(online)() is True
