"""Agent and admin journeys on the demo, in headless Chromium against daphne:

(c) a customer's portal request lands unrouted; an agent triages it, inserts a macro and replies;
    the customer, with the ticket open in the portal, sees the reply without reloading;
(d) an agent edits a help-center article, publishes it, and the help-center search finds the new words;
(e) an admin changes a routing rule and the next request follows it;
(f) an agent works a ticket with the keyboard only.
"""

from __future__ import annotations

import re
import time
import uuid

from helpdesk.models import Message, RoutingRule, Team, Ticket
from knowledge.models import Article
from tests.e2e.conftest import DEMO_TIMEOUT, desk_login, needs_chromium, new_page, submit_portal_form

pytestmark = [needs_chromium, DEMO_TIMEOUT]


def _portal_request(page, site: str, *, email: str, subject: str, body: str) -> None:
    page.goto(f"{site}/portal/")
    opened_at = time.monotonic()
    page.fill("#id_email", email)
    page.fill("#id_name", email.split("@")[0].replace(".", " ").title())
    page.fill("#id_subject", subject)
    page.fill("#id_body", body)
    submit_portal_form(page, opened_at)


def _portal_sign_in(browser, site: str, mailbox, email: str):
    page = new_page(browser)
    page.goto(f"{site}/portal/login/")
    page.fill("#id_email", email)
    page.locator("form:has(#id_email) button[type=submit]").first.click()
    page.wait_for_selector(".flash.success")
    link = mailbox.links_to(email, r"https?://[^\s\"'<>]+/portal/login/[^\s\"'<>]+")[-1]
    page.goto(link)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/portal/tickets/"))
    return page


def test_agent_triages_uses_a_macro_and_the_customer_sees_the_reply_live(site, browser, mailbox, demo_db):
    email = f"ruth.{uuid.uuid4().hex[:6]}@example.org"
    customer_page = new_page(browser)
    _portal_request(customer_page, site, email=email, subject="Hello",
                    body="Hi, a question about something from last week. Please get back to me.")  # fmt: skip
    ticket = Ticket.objects.get(requester__email=email)
    customer_page = _portal_sign_in(browser, site, mailbox, email)
    customer_page.goto(f"{site}/portal/tickets/{ticket.number}/")
    customer_page.wait_for_selector(".portal-thread")

    agent_page = new_page(browser)
    # Bruno works in Customer Care and Billing: he sees the request wherever the AI sent it.
    desk_login(agent_page, site, "bruno")
    agent_page.goto(f"{site}/desk/tickets/{ticket.pk}/")
    agent_page.wait_for_selector("#ticket-thread")
    # Triage: the agent says what it is about; the ticket moves to the topic's team.
    agent_page.wait_for_selector("#triage-topic")
    agent_page.select_option("#triage-topic", label="Order & delivery")
    agent_page.locator("form.triage-correct button[type=submit]").click()
    agent_page.wait_for_selector("#triage-panel [role=status]")
    ticket.refresh_from_db()
    assert ticket.team == Team.objects.get(slug="customer-care")
    assert ticket.triage.topic.name == "Order & delivery"

    # Macro: its text lands in the reply box, the agent's signature only once.
    agent_page.select_option("#macro-picker", label="Order shipped: tracking")
    agent_page.locator("#reply-body").filter(has_text="left our warehouse").wait_for()
    body = agent_page.input_value("#reply-body")
    assert "Ruth" in body and "{{" not in body
    agent_page.click("#reply-box button.btn-primary[type=submit]")
    agent_page.wait_for_selector("#ticket-thread :text('left our warehouse')")
    sent = Message.objects.filter(ticket=ticket, author_kind="agent").latest("seq")
    assert sent.body_text.count("Bruno Keller") == 1, sent.body_text

    # The customer sees it without reloading.
    customer_page.wait_for_selector(".portal-thread :text('left our warehouse')", timeout=15_000)


def test_agent_edits_and_publishes_an_article_and_search_finds_it(site, browser, demo_db):
    article = Article.objects.get(slug="battery-care")
    page = new_page(browser)
    desk_login(page, site, "alice")
    page.goto(f"{site}/desk/kb/")
    page.get_by_role("link", name=article.title).first.click()
    page.wait_for_selector("textarea[name=body_md]")
    body = page.input_value("textarea[name=body_md]")
    addition = (
        "\n\n## Flying with your e-bike battery\n\nAirlines do not carry e-bike batteries on a plane, "
        "neither in the cabin nor in checked luggage. Ship the battery separately with a courier for "
        "dangerous goods, or rent a battery at your destination."
    )
    page.fill("textarea[name=body_md]", body + addition)
    page.get_by_role("button", name="Save and publish").click()
    page.wait_for_load_state()
    article = _eventually(
        lambda: Article.objects.filter(
            pk=article.pk, body_md__contains="Flying with your e-bike battery"
        ).first()
    )
    assert article.status == "published"

    # A reader searching for the new advice gets the article, quoted from the new paragraph.
    reader = new_page(browser)
    deadline = time.monotonic() + 30
    while True:
        reader.goto(f"{site}/help/search/?q=can+I+take+my+e-bike+battery+on+a+plane")
        snippets = " ".join(reader.locator("#help-search-results .snippet").all_inner_texts())
        if "Airlines" in snippets or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert "Airlines" in snippets, snippets
    assert article.title in reader.inner_text("#help-search-results")


def test_admin_changes_a_routing_rule_and_the_next_request_follows_it(site, browser, demo_db):
    rule = RoutingRule.objects.get(name="Leasing requests go to Billing")
    page = new_page(browser)
    desk_login(page, site, "admin")
    page.goto(f"{site}/admin/helpdesk/routingrule/{rule.pk}/change/")
    page.fill("textarea[name=keywords]", "leasing, jobrad, dienstrad, e-cargo")
    page.select_option("select[name=set_team]", label="Customer Care")
    page.locator("input[name=_save]").click()
    page.wait_for_selector(".messagelist, .success, [role=status]")
    rule.refresh_from_db()
    assert rule.set_team.slug == "customer-care"

    customer_page = new_page(browser)
    email = f"fleet.{uuid.uuid4().hex[:6]}@example.org"
    _portal_request(customer_page, site, email=email, subject="E-cargo bikes for our bakery",
                    body="Can we get three e-cargo bikes for our bakery deliveries? What would it cost?")  # fmt: skip
    ticket = _eventually(lambda: Ticket.objects.filter(requester__email=email, team__isnull=False).first())
    assert ticket.team.slug == "customer-care"
    assert rule.name in ticket.triage.routed_by_rule


def test_keyboard_only_agent_flow(site, browser, demo_db):
    email = "oliver.bennett@example.co.uk"
    customer_page = new_page(browser)
    _portal_request(customer_page, site, email=email, subject="Keyboard journey: bell missing",
                    body="The bell was not in the box of my new bike. Where is my order's bell?")  # fmt: skip
    ticket = Ticket.objects.filter(requester__email=email).latest("created_at")
    page = new_page(browser)
    desk_login(page, site, "alice")
    page.goto(f"{site}/desk/?q=bell+missing")
    page.wait_for_selector("[data-ticket-row]")
    # Tab to the first ticket link and open it with Enter.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-ticket-link]')"):
            break
    else:
        raise AssertionError("no ticket link is reachable with Tab")
    focus_visible = page.evaluate(
        "getComputedStyle(document.activeElement).outlineStyle !== 'none' "
        "|| getComputedStyle(document.activeElement).boxShadow !== 'none'"
    )
    assert focus_visible, "the focused ticket link shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_selector("#ticket-thread")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "reply-body"
    page.keyboard.type("Sorry about that, a bell is on its way to you.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#ticket-thread :text('a bell is on its way')")
    assert Message.objects.filter(
        ticket=ticket, author_kind="agent", body_text__contains="bell is on its way"
    ).exists()


def _eventually(read, seconds: float = 15.0):
    """The server finishes work after the response (on-commit tasks); poll the database briefly."""
    deadline = time.monotonic() + seconds
    while True:
        found = read()
        if found or time.monotonic() > deadline:
            assert found, "the server did not finish in time"
            return found
        time.sleep(0.2)
