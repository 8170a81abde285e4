"""End to end in headless Chromium: an admin opens the weekly AI report in the admin, sees the
12-week trend chart (server-drawn SVG), follows the review queue and grades a sampled answer."""

from __future__ import annotations

import os

from ai.models import ReviewItem, WeeklyReport
from demo.ai_history import WEEKS, load_ai_history_demo
from demo.data import DemoData
from demo.knowledge import load_knowledge_demo
from helpdesk.models import Agent
from tests.conftest import make_agent, make_customer
from tests.e2e.test_desk_e2e import chromium, pytestmark  # noqa: F401  (same browser, same skip rule)


def _history():
    admin = make_agent("ada", role=Agent.Role.ADMIN, password="pw-123456")
    admin.user.is_staff = admin.user.is_superuser = True
    admin.user.save()
    agents = {name: make_agent(name) for name in ("alice", "bruno")}
    customers = [make_customer(f"rider{i}@example.org", f"Rider {i}") for i in range(6)]
    data = DemoData(company_name="Northwind Bikes", agents=agents, customers=customers)
    load_knowledge_demo(data)
    load_ai_history_demo(data)
    latest = WeeklyReport.objects.order_by("-week_start").first()
    item = ReviewItem.objects.filter(week_start=latest.week_start).first()
    ReviewItem.objects.filter(pk=item.pk).update(
        grade="", graded_by=None, graded_at=None
    )  # one left to grade
    return latest, item


def test_admin_sees_the_trend_and_grades_a_sampled_answer(live_server, monkeypatch):
    latest, item = _history()
    shots = os.environ.get("HELMDESK_E2E_SCREENSHOTS", "")
    with chromium(monkeypatch) as browser:
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{live_server.url}/desk/login/")
        page.fill("#id_username", "ada")
        page.fill("#id_password", "pw-123456")
        page.click("button[type=submit]")
        page.wait_for_selector("#inbox-results")

        page.goto(f"{live_server.url}/admin/ai/weeklyreport/")
        page.click(f"text={latest.week}")
        page.wait_for_selector("svg.trend-chart")
        assert page.locator("svg.trend-chart circle.trend-confirmed").count() == WEEKS
        assert page.locator("svg.trend-chart").is_visible()
        if shots:
            page.screenshot(path=f"{shots}/weekly-report.png", full_page=True)

        page.click("a[href*='/desk/ai/review/']")
        page.wait_for_selector(".review-queue")
        page.click(f"a[href$='/desk/ai/review/{item.pk}/']")
        page.wait_for_selector(".review-grid")
        assert page.locator(".review-sources").is_visible() and page.locator(".review-thread").is_visible()
        page.check("input[name=grade][value=wrong]")
        page.click("button.review-submit")
        page.wait_for_selector("text=Graded.")
        if shots:
            page.screenshot(path=f"{shots}/review.png", full_page=True)
    item.refresh_from_db()
    assert item.grade == "wrong" and item.graded_by.user.username == "ada"
    assert WeeklyReport.objects.get(pk=latest.pk).data["review"]["grades"]["wrong"] >= 1
