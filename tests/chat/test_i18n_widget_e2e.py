"""In headless Chromium against a real daphne: a Spanish widget replaces its built-in English labels
with the Spanish ones from the welcome frame (launcher, text box, send button, tools)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.utils import translation

from tests.chat.helpers import make_widget
from tests.chat.servers import CHROMIUM, chromium, daphne, static_site, widget_page

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() or shutil.which("chromium")), reason="Chromium is not installed"
    ),
]


def spanish(text: str) -> str:
    with translation.override("es"):
        result = translation.gettext(text)
    assert result != text, f"{text!r} is not translated into Spanish"
    return result


def test_spanish_widget_shows_spanish_labels(tmp_path, monkeypatch):
    want = {key: spanish(text) for key, text in {"send": "Send", "close": "Close chat"}.items()}
    site = tmp_path / "site"
    site.mkdir()
    with daphne(tmp_path) as desk, static_site(site) as site_url:
        widget = make_widget(language="es", ask_name=False, email_rule="hidden", allowed_origins=site_url)
        widget_page(site, desk.url, widget.key, title="Tienda")
        with chromium(monkeypatch, desk) as browser:
            page = browser.new_context().new_page()
            page.goto(f"{site_url}/index.html")
            page.locator("button.launcher").click()
            send = page.locator("section.panel form.compose button.send")
            send.filter(has_text=want["send"]).wait_for(timeout=30_000)  # after the welcome frame
            assert page.locator("section.panel").get_attribute("lang") == "es"
            assert page.locator("button.launcher").get_attribute("aria-label") == want["close"]
            placeholder = page.locator("section.panel textarea").get_attribute("placeholder")
            assert placeholder == spanish("Write a message…")
