"""The pre-chat form never covers a conversation that has begun: in headless Chromium, a visitor whose
message is still waiting to be sent when the server's welcome arrives (they typed before the widget's
settings came) gets the conversation, not the name/email form; a new visitor gets the form."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.chat.helpers import make_widget
from tests.chat.servers import CHROMIUM, chromium, daphne, static_site, widget_page

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() or shutil.which("chromium")), reason="Chromium is not installed"
    ),
]


def test_prechat_form_only_before_the_conversation(team, tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    with daphne(tmp_path) as desk, static_site(site) as site_url:
        widget = make_widget(team=team, ask_name=True, email_rule="optional", allowed_origins=site_url)
        widget_page(site, desk.url, widget.key)
        with chromium(monkeypatch, desk) as browser:
            new_visitor = browser.new_context().new_page()
            new_visitor.goto(f"{site_url}/index.html")
            new_visitor.locator("button.launcher").click()
            new_visitor.locator("form.prechat input[name=name]").wait_for()  # asked first
            assert new_visitor.locator("form.prechat").is_visible()

            typed_early = browser.new_context().new_page()
            pending = [{"client_id": "early-1", "text": "Where is my order?"}]
            store = f"helmdesk-chat:{widget.key}:"
            typed_early.add_init_script(
                f"localStorage.setItem({json.dumps(store + 'outbox')}, {json.dumps(json.dumps(pending))});"
                f"localStorage.setItem({json.dumps(store + 'open')}, 'true');"
            )
            typed_early.goto(f"{site_url}/index.html")
            typed_early.locator(".msg.customer", has_text="Where is my order?").wait_for()
            assert not typed_early.locator("form.prechat").is_visible()
            assert typed_early.locator("section.panel textarea").is_visible()
