"""A live demo desk for the browser journeys: `manage.py load_demo` into the test database, a real
daphne process serving it (WebSockets for live updates, tasks inline so AI answers and triage run as
in production), a real SMTP server catching its mail, and one headless Chromium.

Loading the demo is the slow part, so one demo serves every journey module of the session (each
journey creates its own tickets, customers and articles and never depends on another's changes); the
database is emptied afterwards so later tests start clean. Tests using these fixtures carry no
django_db mark: they reach the database through `demo_db`."""

from __future__ import annotations

import contextlib
import email
import os
import re
import shutil
import time
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import global_settings
from django.core.management import call_command
from django.test import override_settings

from tests.fixtures.database import end_other_sessions

CHROMIUM = os.environ.get("HELMDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip
DEMO_PASSWORD = "helmdesk-demo"
DESKTOP = {"width": 1366, "height": 850}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


# The first journey of a session waits for the demo to load (a minute on an idle machine, several on
# one that runs the rest of the suite beside it).
DEMO_TIMEOUT = pytest.mark.timeout(900)
needs_chromium = pytest.mark.skipif(
    chromium_path() is None,
    reason="Chromium is not installed (`make browser` installs Debian's chromium); browser journeys skipped",
)


class Mailbox:
    """Everything the desk sends, as parsed messages (a real SMTP server on 127.0.0.1)."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages_to(self, address: str) -> list[email.message.EmailMessage]:
        found = []
        for envelope in self.envelopes:
            if address.lower() in [rcpt.lower() for rcpt in envelope.rcpt_tos]:
                found.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return found

    def links_to(self, address: str, pattern: str) -> list[str]:
        links = []
        for message in self.messages_to(address):
            body = message.get_body(("plain", "html"))
            text = body.get_content() if body is not None else ""
            links += re.findall(pattern, text)
        return links


@pytest.fixture(scope="package")
def e2e_database(django_db_setup, django_db_blocker):
    """The test database. pytest-django creates it only for tests marked django_db; these journeys
    are not (a mark would wrap each one in a transaction or flush the shared demo after it)."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.settings_dict["NAME"] == connection.creation._get_test_db_name():
        yield  # another test of this session asked for it already
        return
    with django_db_blocker.unblock():
        created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(created, verbosity=0)


@pytest.fixture(scope="package")
def demo_site(e2e_database, django_db_blocker, tmp_path_factory):
    """(base URL, mailbox): the demo desk served by daphne on the test database."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed (`make browser`); browser journeys skipped")
    from tests.chat.servers import Daphne, ensure_cache_table, free_port, server_env

    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    log_dir = Path(os.environ.get("HELMDESK_E2E_LOGS") or tmp_path_factory.mktemp("demo-site"))
    log_dir.mkdir(parents=True, exist_ok=True)
    # The server is not a test process: it knows only the real password hashers, not the fast test one.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        call_command("load_demo", verbosity=0)
        ensure_cache_table()
        port = free_port()
        env = server_env(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port), HELMDESK_AI_INBOUND="1", HELMDESK_SITE_URL=f"http://localhost:{port}",
        )  # fmt: skip
        server = Daphne(port, env, log_dir / "daphne.log")
    try:
        server.start()
        yield server.url, mailbox
    finally:
        server.stop()
        smtp.stop()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            end_other_sessions()


@pytest.fixture
def demo_db(demo_site, django_db_blocker, monkeypatch):
    """Database reads and writes from the test itself (Playwright's loop runs in this thread)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="package")
def browser(demo_site):
    """Package-scoped: Playwright's sync API keeps an event loop running in this thread until it
    stops, which would break later packages' tests that start their own loop."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright_api = pytest.importorskip("playwright.sync_api")
    try:
        with playwright_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(demo_site):
    return demo_site[0]


@pytest.fixture
def mailbox(demo_site):
    return demo_site[1]


def new_page(browser, *, viewport=None, **options):
    context = browser.new_context(viewport=viewport or DESKTOP, **options)
    context.set_default_timeout(45_000)  # generous: the suite shares small machines
    return context.new_page()


def desk_login(page, site: str, username: str) -> None:
    page.goto(f"{site}/desk/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    if "/desk/login/" in page.url:
        raise AssertionError(f"{username} could not sign in: {page.inner_text('body')[:500]}")


def submit_portal_form(page, opened_at: float) -> None:
    """Send the portal form, no sooner than a person could have filled it (the spam check turns
    away forms sent within 3 seconds of loading; up to 5 requests an hour come from one address)."""
    time.sleep(max(0.0, opened_at + 3.5 - time.monotonic()))
    page.click("#portal-submit-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/portal/thanks/"))


PORTAL_CUSTOMER = "oliver.bennett@example.co.uk"  # a demo customer with a long history


@pytest.fixture(scope="package")
def agent_state(browser, demo_site):
    """A signed-in desk session of the demo agent alice, reused by every page that needs one."""
    page = new_page(browser)
    desk_login(page, demo_site[0], "alice")
    state = page.context.storage_state()
    page.context.close()
    return state


@pytest.fixture(scope="package")
def admin_state(browser, demo_site):
    page = new_page(browser)
    desk_login(page, demo_site[0], "admin")
    state = page.context.storage_state()
    page.context.close()
    return state


@pytest.fixture(scope="package")
def customer_state(browser, demo_site):
    """A portal session of a demo customer, signed in with the magic link from the mailbox."""
    site, mailbox = demo_site
    page = new_page(browser)
    page.goto(f"{site}/portal/login/")
    page.fill("#id_email", PORTAL_CUSTOMER)
    page.locator("form:has(#id_email) button[type=submit]").first.click()
    page.wait_for_selector(".flash.success")
    page.goto(mailbox.links_to(PORTAL_CUSTOMER, r"https?://[^\s\"'<>]+/portal/login/[^\s\"'<>]+")[-1])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r".*/portal/tickets/"))
    state = page.context.storage_state()
    page.context.close()
    return state


@pytest.fixture(scope="package")
def main_pages(demo_site, django_db_blocker):
    """name -> (path, who): the pages every check walks (who: agent, admin, customer or None)."""
    from helpdesk.models import Ticket
    from knowledge.models import Article

    with django_db_blocker.unblock():
        ticket = Ticket.objects.get(subject="Frame scratched and box crushed on delivery")
        article = Article.objects.get(slug="battery-range")
        portal_ticket = (
            Ticket.objects.filter(requester__email=PORTAL_CUSTOMER, merged_into__isnull=True)
            .order_by("-message_count", "-created_at")
            .first()
        )
    return {
        "inbox": ("/desk/", "agent"),
        "ticket": (f"/desk/tickets/{ticket.pk}/", "agent"),
        "reports": ("/desk/reports/", "agent"),
        "knowledge editor": ("/desk/kb/", "agent"),
        "agent settings": ("/desk/settings/", "agent"),
        "help center": ("/help/", None),
        "help search": ("/help/search/?q=battery", None),
        "article": (f"/help/{article.slug}/", None),
        "portal form": ("/portal/", None),
        "portal login": ("/portal/login/", None),
        "portal tickets": ("/portal/tickets/", "customer"),
        "portal ticket": (f"/portal/tickets/{portal_ticket.number}/", "customer"),
        "admin index": ("/admin/", "admin"),
    }


@pytest.fixture
def open_as(browser, agent_state, admin_state, customer_state):
    """open_as(who, url, **context options) -> a page showing url, signed in as who."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    states = {"agent": agent_state, "admin": admin_state, "customer": customer_state, None: None}
    pages = []

    def _open(who, url, **options):
        page = new_page(browser, storage_state=states[who], **options)
        pages.append(page)
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '-'}"
        # Lazy parts (htmx "load" triggers) settle; a page that keeps polling is fine too.
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_load_state("networkidle", timeout=5_000)
        return page

    yield _open
    for page in pages:
        page.context.close()


@pytest.fixture(autouse=True)
def _close_pages(request):
    """Pages a journey opened close after it (they poll and hold WebSockets otherwise)."""
    yield
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()
