"""End to end in headless Chromium against a real daphne process: a static page on another origin
embeds the widget with one script tag; the visitor's question is answered from the help center with
a streamed, cited answer; the visitor asks for a person; an agent (a second browser context) accepts
and replies; the visitor sees it live; after a reload the history is intact."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ai.models import AISettings
from chat.models import ChatSession
from tests.chat.helpers import make_widget
from tests.chat.servers import CHROMIUM, chromium, daphne, static_site, widget_page
from tests.conftest import make_agent

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
QUESTION = "How long is the password reset link valid? I requested one this morning."

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() or shutil.which("chromium")), reason="Chromium is not installed"
    ),
]


def test_visitor_ai_answer_handoff_agent_reply_and_reload(help_center, team, tmp_path, monkeypatch):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()
    agent = make_agent("alice", teams=[team])
    agent_client = Client()
    agent_client.force_login(agent.user)
    session_cookie = agent_client.cookies[settings.SESSION_COOKIE_NAME].value
    site = tmp_path / "site"
    site.mkdir()
    with daphne(tmp_path, HELMDESK_AI_INBOUND="1") as desk, static_site(site) as site_url:
        widget = make_widget(team=team, ai_first_answer=True, ask_name=False, email_rule="hidden",
                             allowed_origins=site_url, greeting="Hi from Northwind!")  # fmt: skip
        widget_page(site, desk.url, widget.key, body="<h1>Northwind shop</h1>")
        with chromium(monkeypatch, desk) as browser:
            _drive(
                browser,
                desk.url,
                site_url,
                session_cookie,
                os.environ.get("HELMDESK_E2E_SCREENSHOTS", ""),
            )
    session = ChatSession.objects.get(widget=widget)
    assert session.agent == agent and session.status == "active"
    texts = list(session.ticket.messages.filter(is_internal=False).values_list("author_kind", flat=True))
    assert texts[:2] == ["customer", "ai"] and texts[-2:] == ["agent", "customer"]
    last = session.ticket.messages.order_by("-seq").first()
    assert [(a.filename, a.content_type) for a in last.attachments.all()] == [
        ("receipt.pdf", "application/pdf")
    ]


def _drive(browser, desk_url: str, site_url: str, session_cookie: str, shots: str) -> None:
    visitor = browser.new_context().new_page()
    frames: list[str] = []
    visitor.on("console", lambda m: print("console:", m.text))
    visitor.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    visitor.goto(f"{site_url}/index.html")
    launcher = visitor.locator("button.launcher")
    launcher.wait_for()
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    visitor.locator("section.panel h2", has_text="Hi from Northwind!").wait_for()
    box = visitor.locator("section.panel textarea")
    box.fill(QUESTION)
    box.press("Enter")
    answer = visitor.locator(".msg.ai").filter(has_text="24 hours")
    answer.wait_for(timeout=120_000)
    assert answer.locator(".cites a").first.inner_text() == "Reset your password"
    assert any('"type": "stream"' in f or '"type":"stream"' in f for f in frames), (
        "the answer was not streamed"
    )
    if shots:
        visitor.screenshot(path=f"{shots}/chat-visitor-answer.png")

    visitor.get_by_role("button", name="Talk to a person").click()
    visitor.locator(".msg.system").wait_for()

    agent_context = browser.new_context()
    agent_context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": desk_url}]
    )
    desk = agent_context.new_page()
    desk.goto(f"{desk_url}/desk/chat/")
    desk.get_by_role("button", name="Accept").first.click()
    desk.locator("[data-chat-log] .chat-msg.customer").first.wait_for()
    assert QUESTION in desk.inner_text("[data-chat-log]")
    desk.fill("#chat-reply", "Hi, I am Alice. I have resent the link for you.")
    desk.press("#chat-reply", "Enter")
    desk.locator(".chat-msg.agent").wait_for()
    if shots:
        desk.screenshot(path=f"{shots}/chat-agent.png", full_page=True)

    visitor.locator(".msg.agent", has_text="I have resent the link").wait_for(timeout=20_000)
    before = visitor.locator(".log .msg").all_inner_texts()
    visitor.reload()
    visitor.locator(".msg.agent", has_text="I have resent the link").wait_for(timeout=20_000)
    after = visitor.locator(".log .msg").all_inner_texts()
    assert [t.split("\n")[0] for t in after] == [t.split("\n")[0] for t in before]
    assert len(after) == len(before) >= 4

    # a file from the widget (cross-origin upload through the desk's attachment checks) reaches the agent
    visitor.locator("section.panel input[type=file]").set_input_files(
        files=[{"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    visitor.locator(".msg.customer:not(.pending) .file", has_text="receipt.pdf").wait_for(timeout=20_000)
    desk.locator(".chat-msg.customer .files", has_text="receipt.pdf").wait_for(timeout=20_000)
