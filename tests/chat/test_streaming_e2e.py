"""Token streaming as deployed: daphne and a separate task worker (django-q) on a Redis channel layer,
a real OpenAI-compatible test server, and the widget in headless Chromium on another origin. The AI
task runs in the worker; the model's words reach the visitor's page before the checked answer, which
then replaces them (no "writing" bubble left, the cited answer with its buttons)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ai.models import AISettings
from tests.chat.helpers import make_widget
from tests.chat.servers import ROOT, daphne, server_env, static_site
from tests.llm_peer import Fault, Reply
from tests.llm_peer.scripting import error_body

CHROMIUM = os.environ.get("HELMDESK_CHROMIUM", "/usr/bin/chromium")
QUESTION = "How long is the password reset link valid? I requested one this morning."
PIECES = ["The", " reset", " link", " is", " valid", " for", " 24", " hours", " [1]."]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() or shutil.which("chromium")), reason="Chromium is not installed"
    ),
]


def test_model_words_stream_into_the_widget_from_the_worker(
    help_center, team, tmp_path, monkeypatch, redis_url, llm_peer
):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()

    def respond(request):
        if '<source n="1">' in request.prompt_text:
            return Reply(content="".join(PIECES), chunks=PIECES)
        return Fault("status", status=400, body=error_body("not scripted"))  # triage: tolerated

    llm_peer.set_default(respond)
    env = {
        "REDIS_URL": redis_url, "HELMDESK_CHANNELS_PREFIX": f"t{os.getpid()}", "HELMDESK_TASKS_SYNC": "0",
        "HELMDESK_AI_INBOUND": "1", "OPENAI_API_KEY": "test-key-llm-peer", "OPENAI_BASE_URL": llm_peer.base_url,
        "OPENAI_STREAM_DEADLINE_S": "30", "HELMDESK_WORKERS": "1",
    }  # fmt: skip
    site = tmp_path / "site"
    site.mkdir()
    worker_log = tmp_path / "worker.log"
    with daphne(tmp_path, **env) as desk, static_site(site) as site_url:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=server_env(**env),
            stdout=worker_log.open("ab"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            widget = make_widget(team=team, ai_first_answer=True, ask_name=False, email_rule="hidden",
                                 allowed_origins=site_url)  # fmt: skip
            (site / "index.html").write_text(
                "<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>"
                f'<script src="{desk.url}/chat/widget.js" data-widget="{widget.key}" async></script></body></html>'
            )
            monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
            frames = _ask(site_url, desk, worker_log)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
    live = [i for i, f in enumerate(frames) if f.get("type") == "stream" and "after" in f]
    answer = next(i for i, f in enumerate(frames) if f.get("type") == "message" and f.get("author") == "ai")
    assert live and max(live) < answer, "the model's words did not arrive before the checked answer"
    assert "".join(frames[i]["delta"] for i in live) == "The reset link is valid for 24 hours "


def _ask(site_url, desk, worker_log) -> list[dict]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    frames: list[dict] = []
    with playwright_api.sync_playwright() as playwright:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=["--headless", "--no-sandbox"])
        try:
            page = browser.new_context().new_page()
            page.on(
                "websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(json.loads(data)))
            )
            page.goto(f"{site_url}/index.html")
            page.locator("button.launcher").click()
            box = page.locator("section.panel textarea")
            box.fill(QUESTION)
            box.press("Enter")
            answer = page.locator(".msg.ai:not([aria-busy])").filter(has_text="24 hours")
            answer.wait_for(timeout=180_000)
            assert answer.locator(".cites a").first.inner_text() == "Reset your password"
            assert answer.get_by_role("button", name="Talk to a person").count() == 1
            time.sleep(0.5)
            assert page.locator(".msg.ai[aria-busy]").count() == 0  # the live bubble was replaced
        except Exception:
            print(desk.log.read_text()[-4000:], worker_log.read_text()[-6000:])
            raise
        finally:
            browser.close()
    return frames
