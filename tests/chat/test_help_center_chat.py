"""The help center and portal offer the chat widget an admin marked "offer on the help center": a
"Chat with us" button and the one script tag; the widget then accepts our own pages as its origin."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from chat.selectors.widgets import origin_allowed
from chat.services.demo import ensure_demo_widget
from tests.chat.helpers import hello, make_widget, visitor_socket

pytestmark = pytest.mark.django_db


def test_the_help_center_offers_no_chat_until_a_widget_is_marked_for_it(client):
    make_widget()
    page = client.get(reverse("help:home")).content.decode()
    assert "data-helmdesk-chat-open" not in page
    assert "/chat/widget.js" not in page


def test_a_widget_marked_for_the_help_center_is_embedded_with_its_key(client):
    widget = make_widget(on_help_center=True)
    make_widget(name="Inactive", on_help_center=True, is_active=False)
    page = client.get(reverse("help:home")).content.decode()
    assert "Chat with us" in page
    assert f'<script src="/chat/widget.js" data-widget="{widget.key}" async></script>' in page
    portal = client.get(reverse("portal:submit")).content.decode()
    assert f'data-widget="{widget.key}"' in portal


def test_our_own_host_is_an_allowed_origin_only_for_a_help_center_widget():
    offered = make_widget(on_help_center=True)
    elsewhere = make_widget(name="Shop only")
    assert origin_allowed(widget=offered, origin="https://desk.example.com", host="desk.example.com")
    assert not origin_allowed(widget=elsewhere, origin="https://desk.example.com", host="desk.example.com")
    assert not origin_allowed(widget=offered, origin="https://evil.example.net", host="desk.example.com")
    assert not origin_allowed(widget=offered, origin="", host="desk.example.com")


def test_the_demo_widget_is_offered_on_the_help_center():
    assert ensure_demo_widget().on_help_center


@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_our_help_center_connects_to_the_offered_widget():
    offered = make_widget(on_help_center=True)
    shop_only = make_widget(name="Shop only")

    async def scenario():
        ws = visitor_socket(offered, origin="https://desk.example.com")
        connected, _ = await ws.connect()
        assert connected
        await hello(ws)
        await ws.disconnect()
        refused = visitor_socket(shop_only, origin="https://desk.example.com")
        connected, _ = await refused.connect()
        assert not connected

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_without_a_shared_layer_the_visitor_is_told_to_poll():
    """No REDIS_URL: the in-memory layer cannot carry the worker's messages (AI answers), so the
    welcome says "live": false and the widget sends a resync frame every few seconds instead (the
    resync itself is covered in test_consumers)."""
    widget = make_widget()

    async def scenario():
        ws = visitor_socket(widget)
        assert (await ws.connect())[0]
        welcome = await hello(ws)
        assert welcome["live"] is False
        await ws.disconnect()

    async_to_sync(scenario)()
