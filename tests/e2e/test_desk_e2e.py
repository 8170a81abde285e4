"""End to end in headless Chromium against a live server: log in, open the inbox, open a ticket,
reply, and see the reply in the thread (htmx swaps it in without a page load).

Set HELMDESK_E2E_SCREENSHOTS=<dir> to keep screenshots of the inbox and the ticket page."""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.models import Customer, Macro, Ticket
from helpdesk.services.messages import message_post
from helpdesk.services.tickets import ticket_create, ticket_update
from tests.conftest import make_agent

CHROMIUM = os.environ.get("HELMDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (Path(CHROMIUM).exists() or shutil.which("chromium")),
        reason="Chromium is not installed (apt-get install -y chromium, or `make browser`)",
    ),
]

THREADS = [
    ("Invoice shows the wrong VAT number", "urgent", ["billing", "vat"], "Hi, our March invoice lists an old VAT number. Can you reissue it?"),
    ("Cannot log in after password reset", "high", ["login"], "I reset my password but the login page keeps saying it is invalid."),
    ("How do I export my contacts to CSV?", "normal", ["how-to"], "Is there a way to get all my contacts out as a spreadsheet?"),
    ("Shipment 4471 delayed?", "normal", ["shipping"], "Tracking has not moved for four days. Any news?"),
    ("Feature request: dark mode", "low", ["feedback"], "Would love a dark mode for the mobile app!"),
    ("Refund for duplicate charge", "high", ["billing", "refund"], "I was charged twice for order 2231."),
    ("API rate limit too low", "normal", ["api"], "We hit 429 errors at around 50 requests per minute."),
]  # fmt: skip


@contextmanager
def chromium(monkeypatch):
    """Start the browser only after the test data exists: Playwright's sync API runs an event loop
    in this thread, and the services' on-commit broadcasts cannot run inside one."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM reads below stay synchronous
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _demo_desk(team, agent):
    colleague = make_agent("sam", teams=[team])
    colleague.display_name = "Sam Rivera"
    colleague.save()
    tickets = []
    for index, (subject, priority, tags, body) in enumerate(THREADS):
        customer = Customer.objects.create(
            email=f"customer{index}@example.com", name=["Priya Natarajan", "Tom Becker", "Ana Souza", "Lee Kim",
                                                         "Jonas Weber", "Maria Rossi", "Chen Wei"][index],
        )  # fmt: skip
        ticket = ticket_create(
            requester=customer, subject=subject, body_text=body, team=team, priority=priority, tags=tags
        )
        if index % 3 == 1:
            ticket = ticket_update(ticket=ticket, assignee=colleague, status="open")
        if index == 3:
            ticket = ticket_update(ticket=ticket, status="pending", assignee=agent)
        tickets.append(ticket)
    # Spread the activity over the last hours so the inbox reads like a real morning.
    now = timezone.now()
    for age, ticket in enumerate(reversed(tickets)):
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now - timedelta(minutes=7 + 41 * age))
    first = tickets[0]
    message_post(ticket=first, author_kind="agent", author_agent=agent, is_internal=True,
                 body_text="Finance changed the VAT id in February; check the customer record first.")  # fmt: skip
    Ticket.objects.filter(pk=first.pk).update(
        ai_summary="The customer needs the March invoice reissued with their current VAT number."
    )
    Macro.objects.create(
        name="Reissue invoice", body="Hi {{ customer.first_name }}, I have reissued the invoice."
    )
    return tickets


def test_login_inbox_open_ticket_reply(live_server, team, monkeypatch):
    agent = make_agent("alice", teams=[team], password="pw-123456")
    agent.display_name = "Alice Morgan"
    agent.save()
    tickets = _demo_desk(team, agent)
    with chromium(monkeypatch) as browser:
        _drive(browser, live_server.url, os.environ.get("HELMDESK_E2E_SCREENSHOTS", ""))
    replied = tickets[0].messages.latest("seq")
    assert replied.author_agent_id == agent.pk and replied.body_text.startswith("Thanks Priya")


def in_thread(work):
    """Run ORM writes outside Playwright's event-loop thread (their on-commit broadcasts need that)."""
    errors = []

    def run():
        try:
            work()
        except Exception as exc:  # surfaced below, in the test thread
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def _drive(browser, base_url: str, shots: str) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 860})
    page.goto(f"{base_url}/desk/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "pw-123456")
    if shots:
        page.screenshot(path=f"{shots}/login.png")
    page.click("button[type=submit]")
    page.wait_for_selector("#inbox-results")
    assert page.locator("[data-ticket-row]").count() == len(THREADS)
    if shots:
        page.screenshot(path=f"{shots}/inbox.png")

    # Search narrows the list in place (htmx swaps only the results).
    page.fill("#inbox-q", "VAT")
    # (a locator, not wait_for_function: Playwright evaluates strings, which the page's CSP forbids)
    page.locator("[data-ticket-row]").nth(1).wait_for(state="detached")
    assert "Invoice shows the wrong VAT number" in page.inner_text("#inbox-results")
    assert "q=VAT" in page.url

    page.click("[data-ticket-link]")
    page.wait_for_selector("#ticket-thread")
    assert page.locator(".msg").count() == 2
    if shots:
        page.screenshot(path=f"{shots}/ticket.png", full_page=True)

    page.wait_for_load_state("load")  # the shortcut handler is attached by a deferred script
    page.keyboard.press("r")  # shortcut focuses the reply box
    assert page.evaluate("document.activeElement.id") == "reply-body"
    page.keyboard.type("Thanks Priya, the corrected invoice is on its way.")
    page.select_option("#then-status", "pending")
    page.click("#reply-box button[type=submit]")
    page.wait_for_selector("#ticket-thread :text('the corrected invoice is on its way')")
    assert page.input_value("#reply-body") == ""
    assert "Pending" in page.inner_text("#ticket-header")
    if shots:
        page.screenshot(path=f"{shots}/ticket-replied.png", full_page=True)

    # Bulk action from the inbox: htmx posts, follows the redirect and swaps only the results.
    page.click("a.brand")
    page.wait_for_selector("[data-ticket-row]")
    page.evaluate("window.__samePage = true")
    boxes = page.locator("#inbox-results input[name=ticket_ids]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.select_option("#bulk-priority", "low")
    page.click("#bulk-bar button[type=submit]")
    page.wait_for_selector("#flash :text('Updated 2 tickets.')")
    assert page.evaluate("window.__samePage === true")  # no full page load
    assert page.locator("#inbox-results .prio-low").count() >= 2

    # Live refresh: what desk-live.js does when the socket delivers an event (live_server has no
    # WebSocket; the consumer side is covered in tests/helpdesk/test_consumers.py).
    in_thread(lambda: ticket_create(requester=Customer.objects.first(), subject="Brand new question",
                                    body_text="Hello?", team=Ticket.objects.first().team))  # fmt: skip
    page.evaluate("htmx.trigger(document.body, 'ticket-changed', {kind: 'ticket_created'})")
    page.wait_for_selector("#inbox-results :text('Brand new question')")
    assert page.evaluate("window.__samePage === true")
    if shots:
        page.set_viewport_size({"width": 400, "height": 860})
        page.screenshot(path=f"{shots}/inbox-narrow.png")
        page.click("[data-ticket-link]")
        page.wait_for_selector("#ticket-thread")
        page.screenshot(path=f"{shots}/ticket-narrow.png", full_page=True)
