"""Customer journeys on the demo, in headless Chromium against daphne:

(a) a customer searches the help center and reads an article;
(b) a customer submits a portal request, sees suggestions while typing, signs in with the magic link
    from her mailbox, sees the AI answer with its source, opens the source and replies.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from ai.models import AIInteraction
from helpdesk.models import Message, Ticket
from tests.e2e.conftest import DEMO_TIMEOUT, needs_chromium, new_page, submit_portal_form

pytestmark = [needs_chromium, DEMO_TIMEOUT]

# A common question the demo help center answers (battery-care), asked plainly. Known gaps
# (issue 13): the password-reset question the issue quotes is still handed off at the shipped
# threshold (tests/ai/test_pipeline_answer_demo.py, strict xfail), and so is this one with an extra
# sentence of context ("I won't ride the bike until March." scores 0.87 < 0.89).
QUESTION = "How should I store the battery over the winter?"


def test_customer_searches_the_help_center_and_reads_an_article(site, browser):
    page = new_page(browser)
    page.goto(f"{site}/help/")
    page.fill("#help-q", "return my bike")
    results = page.locator("#help-search-results .help-results li a")
    results.first.wait_for()
    # Result links may carry the search's id (?sid=) so a click can be recorded.
    paths = [urlsplit(link.get_attribute("href")).path for link in results.all()]
    assert any(path.rstrip("/").endswith("/return-a-bike") for path in paths), paths
    # The snippets are plain text, not Markdown source.
    for snippet in page.locator("#help-search-results .snippet").all_inner_texts():
        assert "**" not in snippet and "| " not in snippet, snippet
    page.locator("#help-search-results a[href*='/return-a-bike/']").first.click()
    page.wait_for_selector("article.help-article h1")
    assert "return" in page.inner_text("article.help-article h1").lower()
    assert len(page.inner_text("article.help-article")) > 400


def test_help_center_search_finds_nothing_for_nonsense(site, browser):
    page = new_page(browser)
    page.goto(f"{site}/help/search/?q=xqzv+plorbt+wuggle")
    page.wait_for_selector("#help-search-results")
    assert page.locator(".help-results li").count() == 0


def test_customer_portal_request_magic_link_ai_answer_and_reply(site, browser, mailbox, demo_db):
    address = "maya.fischer@example.org"
    page = new_page(browser)
    page.goto(f"{site}/portal/")
    opened_at = time.monotonic()
    page.fill("#id_email", address)
    page.fill("#id_name", "Maya Fischer")
    page.fill("#id_subject", "Battery over the winter")
    page.locator("#id_body").press_sequentially(QUESTION, delay=5)
    suggestion = page.locator("#suggestions a[data-suggestion]").first
    suggestion.wait_for()
    assert suggestion.inner_text().strip(), "a suggestion without a title"
    submit_portal_form(page, opened_at)
    ticket = Ticket.objects.get(requester__email=address)

    # Sign in with the link from the mailbox (a fresh browser, as from the mail app).
    page.goto(f"{site}/portal/login/")
    page.fill("#id_email", address)
    page.locator("form:has(#id_email) button[type=submit]").first.click()
    page.wait_for_selector(".flash.success")
    links = mailbox.links_to(address, r"https?://[^\s\"'<>]+/portal/login/[^\s\"'<>]+")
    assert links, [m["Subject"] for m in mailbox.messages_to(address)]
    customer_page = new_page(browser)
    customer_page.goto(links[-1])
    customer_page.get_by_role("button", name="Continue").click()
    customer_page.wait_for_url(re.compile(r".*/portal/tickets/"))
    customer_page.click(f"a[href$='/portal/tickets/{ticket.number}/']")

    # The AI took the request first (an answer, or a handoff to a person).
    customer_page.locator(".msg-ai").first.wait_for()
    customer_page.fill("form.portal-reply textarea[name=body]", "Thanks, that is what I needed.")
    customer_page.click("form.portal-reply button[type=submit]")
    customer_page.wait_for_selector(".portal-thread :text('that is what I needed')")
    assert ticket.messages.filter(author_kind="customer").count() == 2

    # The AI answered from the help center; its source is a link the customer can open.
    assert Message.objects.filter(ticket=ticket, author_kind="ai").exclude(citations=[]).exists(), list(
        AIInteraction.objects.filter(ticket=ticket).values_list("decision", "reason", "confidence")
    )
    source = customer_page.locator(".msg-ai a[href*='/help/']").first
    source.wait_for()
    source.click()
    customer_page.wait_for_selector("article.help-article h1")
    assert "/help/battery-care/" in customer_page.url
