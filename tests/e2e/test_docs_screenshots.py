"""The README and docs screenshots, taken from the demo at 1366x850 (bin/docs-screenshots runs this).

Only runs when HELMDESK_DOCS_SCREENSHOTS names the folder to write to (docs/screenshots); it then
walks the desk, a ticket, the help center, the portal and the weekly AI report like the journeys do,
and fails if one of them does not show what the screenshot is meant to show."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_TIMEOUT, DESKTOP, needs_chromium

TARGET = os.environ.get("HELMDESK_DOCS_SCREENSHOTS", "")
pytestmark = [
    needs_chromium,
    DEMO_TIMEOUT,
    pytest.mark.skipif(not TARGET, reason="set HELMDESK_DOCS_SCREENSHOTS=docs/screenshots to regenerate"),
]


def test_docs_screenshots(site, main_pages, open_as, demo_db):
    from ai.models import WeeklyReport

    out = Path(TARGET)
    out.mkdir(parents=True, exist_ok=True)

    def shoot(page, name: str, ready: str) -> None:
        page.wait_for_selector(ready)
        page.screenshot(path=str(out / f"{name}.png"))

    shoot(open_as("agent", f"{site}/desk/", viewport=DESKTOP), "desk", "[data-ticket-row]")
    shoot(open_as("agent", f"{site}{main_pages['ticket'][0]}", viewport=DESKTOP), "ticket", "#ticket-thread")
    help_page = open_as(None, f"{site}/help/", viewport=DESKTOP)
    help_page.fill("#help-q", "battery range")
    shoot(help_page, "help-center", "#help-search-results .help-results li")
    portal = open_as(None, f"{site}/portal/", viewport=DESKTOP)
    portal.fill("#id_email", "maya.fischer@example.org")
    portal.fill("#id_name", "Maya Fischer")
    portal.fill("#id_subject", "Battery range in winter")
    portal.locator("#id_body").press_sequentially("My battery range dropped in the cold, is that normal?")
    shoot(portal, "portal", "#suggestions a[data-suggestion]")
    report = WeeklyReport.objects.order_by("-week_start").first()
    weekly = open_as("admin", f"{site}/admin/ai/weeklyreport/{report.pk}/change/", viewport=DESKTOP)
    shoot(weekly, "weekly-report", "svg.trend-chart")
    shutil.copyfile(out / "desk.png", out.parent / "screenshot.png")
