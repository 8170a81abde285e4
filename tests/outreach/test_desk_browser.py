"""An agent approves an outreach batch in a real browser (headless Chromium against the live server);
the mail reaches a real SMTP server; then the customer unsubscribes from the link in it."""

from __future__ import annotations

import re

import pytest

from outreach.models import OutreachMessage, Suppression
from outreach.services.events import event_receive
from tests.e2e.test_desk_e2e import chromium
from tests.outreach.conftest import event_body, make_rule

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agent_approves_in_the_desk_and_the_customer_unsubscribes(
    live_server, agent, smtp_server, monkeypatch, tmp_path
):
    make_rule()
    event_receive(raw=event_body())

    with chromium(monkeypatch) as browser:
        desk = browser.new_page(viewport={"width": 1366, "height": 900})
        desk.goto(f"{live_server.url}/desk/login/")
        desk.fill("#id_username", "alice")
        desk.fill("#id_password", "pw-123456")
        desk.click("button[type=submit]")
        desk.wait_for_url(f"{live_server.url}/desk/**")
        desk.goto(f"{live_server.url}/desk/outreach/")
        batch = desk.locator("#pending-batches article")
        assert batch.count() == 1
        assert "your order NW-1042 will arrive on 9 December" in batch.inner_text()
        desk.screenshot(path=str(tmp_path / "outreach-desk.png"), full_page=True)
        batch.get_by_role("button", name="Approve and send").click()
        desk.wait_for_load_state("networkidle")
        assert desk.locator("#pending-batches article").count() == 0
        assert "1" in desk.locator("#recent-batches tbody tr").first.inner_text()

        [mail] = smtp_server.messages
        link = re.search(r"http://\S+(/outreach/unsubscribe/\S+/)", mail.get_body(("plain",)).get_content())
        customer = browser.new_page()
        customer.goto(f"{live_server.url}{link.group(1)}")
        customer.get_by_role("button", name="Unsubscribe").click()
        customer.wait_for_selector("[data-unsubscribed]")

    assert OutreachMessage.objects.get().status == OutreachMessage.Status.SENT
    assert Suppression.objects.get().email == "casey@example.com"
