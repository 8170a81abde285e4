"""The demo's eight weeks of AI-handled conversations: a filled weekly report and trend after load."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ai.models import AIInteraction, ReviewItem, WeeklyReport
from demo.ai_history import WEEKS, load_ai_history_demo
from demo.data import DEMO_EXTENSIONS, DemoData
from demo.knowledge import load_knowledge_demo
from tests.conftest import make_agent, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data(db):
    agents = {name: make_agent(name) for name in ("alice", "bruno", "chen")}
    customers = [make_customer(f"rider{i}@example.org", f"Rider {i}") for i in range(8)]
    return DemoData(company_name="Northwind Bikes", agents=agents, customers=customers)


def test_registered_after_the_help_center():
    assert DEMO_EXTENSIONS.index(load_ai_history_demo) > DEMO_EXTENSIONS.index(load_knowledge_demo)


def test_eight_weeks_of_reports_with_every_outcome(
    demo_data, admin_agent, client, django_capture_on_commit_callbacks
):
    load_knowledge_demo(demo_data)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = load_ai_history_demo(demo_data)
    assert callbacks == [], "the back-dated history must not wake the live AI hooks"
    assert counts["reports"] == WEEKS and counts["conversations"] > 80
    reports = list(WeeklyReport.objects.order_by("week_start"))
    assert len(reports) == WEEKS
    assert all(r.data["ai_touched"] > 5 for r in reports)
    totals = {
        k: sum(r.data[k] for r in reports)
        for k in ("confirmed", "assumed", "reopened", "escalated", "blocked")
    }
    assert all(n > 0 for n in totals.values()), totals
    assert any(r.data["graded_accuracy"] is not None for r in reports)
    assert any(r.data["deflected"] for r in reports) and any(r.data["csat_ai"] for r in reports)
    assert ReviewItem.objects.exclude(grade="").exists()
    assert AIInteraction.objects.filter(kind="answer").count() >= counts["conversations"] - 5
    client.force_login(admin_agent.user)
    page = client.get(reverse("admin:ai_weeklyreport_change", args=[reports[-1].pk])).content.decode()
    assert page.count("trend-dot trend-confirmed") == WEEKS  # one point per week in the trend
    assert load_ai_history_demo(demo_data) == {"conversations": 0, "reports": 0}  # once only
