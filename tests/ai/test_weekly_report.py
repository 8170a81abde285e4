"""The weekly AI evaluation report: built through the real pipeline and services, idempotent, PII-free,
scheduled once, shown in the admin (list, detail with SVG charts, CSV, Run now), mailed to admins."""

from __future__ import annotations

import importlib
import json
import math
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from ai.evaluation.weekly.stats import Week, last_complete_week, week_of, week_parse, wilson
from ai.models import AIInteraction, AISettings, ReviewItem, WeeklyReport
from ai.services.weekly import review_grade, review_sample_create, weekly_report_build, weekly_report_mail
from ai.tasks.inbound import handle_inbound
from ai.tasks.weekly import weekly_report_run
from helpdesk.models import TicketChannel
from helpdesk.services.conversation import conversation_receive
from tests.conftest import make_customer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("patient_pii")]
ANSWERABLE = "How long is the password reset link valid? I requested one this morning."
PII_NAME, PII_EMAIL = "Hannelore Quacksalber", "hannelore.q@example.org"
UNANSWERABLE = f"Hi, this is {PII_NAME} ({PII_EMAIL}). Can I pay my invoice with gold coins from my garden?"


@pytest.fixture(autouse=True)
def _low_threshold(db):
    row = AISettings.load()
    row.confidence_threshold = 0.3
    row.save()


def receive(customer, text, ticket=None):
    return conversation_receive(
        channel=TicketChannel.WEB, sender=customer, subject="Question", body_text=text, thread_hint=ticket
    )


@pytest.fixture
def week_with_ai(help_center, team):
    """Three conversations this week: confirmed by the customer's words, handed off (with PII in the
    question), and one with no AI at all (email: a draft only)."""
    pii_customer = make_customer(PII_EMAIL, PII_NAME)
    other = make_customer("other@example.org", "Olga Other")
    confirmed = receive(other, ANSWERABLE)
    assert handle_inbound(confirmed.ticket.pk, confirmed.message.pk) == "answered"
    receive(other, "Thanks, that helped!", ticket=confirmed.ticket)
    handed = receive(pii_customer, UNANSWERABLE)
    assert handle_inbound(handed.ticket.pk, handed.message.pk) == "handed_off"
    emailed = conversation_receive(
        channel=TicketChannel.EMAIL, sender=other, subject="Mail", body_text=ANSWERABLE
    )
    assert handle_inbound(emailed.ticket.pk, emailed.message.pk) == "drafted"
    return week_of(timezone.localdate())


def test_command_prints_the_report_and_one_json_line(week_with_ai, capsys):
    call_command("ai_weekly_report", "--week", week_with_ai.label, "--json")
    out = capsys.readouterr().out.strip().splitlines()
    data = json.loads(out[-1])
    for key in ("conversations", "ai_answered", "confirmed", "assumed", "reopened", "escalated", "blocked",
                "deflected", "csat_ai", "csat_human", "handoff_reasons", "graded_accuracy"):  # fmt: skip
        assert key in data, key
    assert data["conversations"] == 3 and data["ai_answered"] == 1 and data["ai_touched"] == 2
    assert data["confirmed"] == 1 and data["escalated"] == 1 and data["assumed"] == 0
    assert data["rates"]["confirmed"] == 0.5
    assert data["volume_by_channel"] == {"web": 2, "email": 1}
    assert data["handoff_reasons"] and data["handoff_reasons"][0]["n"] == 1
    assert data["drafts"]["n"] >= 1
    assert any("Conversations: 3" in line for line in out)


def test_the_report_holds_no_customer_pii(week_with_ai, capsys, mailoutbox, admin_agent):
    report = weekly_report_build(week=week_with_ai)
    handed = AIInteraction.objects.get(decision="handed_off")
    assert PII_EMAIL not in handed.redacted_input  # the source of the knowledge gaps is redacted
    assert report.data["knowledge_gaps"], "the unanswerable question is a knowledge gap"
    blob = json.dumps(report.data)
    weekly_report_mail(report=report)
    call_command("ai_weekly_report", "--week", week_with_ai.label, "--json")
    texts = [blob, mailoutbox[0].body, capsys.readouterr().out]
    for text in texts:
        for secret in (PII_EMAIL, "Quacksalber", "Hannelore", "Olga", "other@example.org"):
            assert secret not in text


def test_building_twice_keeps_one_row_and_the_same_figures(week_with_ai):
    first = weekly_report_build(week=week_with_ai)
    second = weekly_report_build(week=week_with_ai)
    assert WeeklyReport.objects.count() == 1 and first.pk == second.pk
    strip = lambda d: {k: v for k, v in d.items() if k != "built_at"}  # noqa: E731
    assert strip(first.data) == strip(second.data)


def test_bad_week_is_a_clear_error():
    with pytest.raises(CommandError, match="Not an ISO week"):
        call_command("ai_weekly_report", "--week", "2026-48")
    with pytest.raises(ValueError, match="Not an ISO week"):
        week_parse("2026-W60")
    assert week_parse("2026-W48").start.isoformat() == "2026-11-23"


def test_the_schedule_is_registered_once():
    assert Schedule.objects.filter(name="helmdesk-ai-weekly-report").count() == 1
    schedule = Schedule.objects.get(name="helmdesk-ai-weekly-report")
    assert schedule.func == "ai.tasks.weekly.weekly_report_run" and schedule.schedule_type == Schedule.WEEKLY
    assert timezone.localtime(schedule.next_run, timezone.get_default_timezone()).weekday() == 0  # Monday
    migration = importlib.import_module("ai.migrations.0008_weekly_schedule")
    migration.Migration.operations[0].code(django_apps, None)  # running it again adds nothing
    assert Schedule.objects.filter(name="helmdesk-ai-weekly-report").count() == 1


def test_the_weekly_task_builds_the_last_complete_week_and_mails_once(mailoutbox, admin_agent):
    assert weekly_report_run() == last_complete_week().label
    assert weekly_report_run() == last_complete_week().label
    assert WeeklyReport.objects.count() == 1 and len(mailoutbox) == 1
    assert mailoutbox[0].to == [admin_agent.user.email]


def test_wilson_interval():
    low, high = wilson(45, 50)
    assert math.isclose(low, 0.7864, abs_tol=1e-3) and math.isclose(high, 0.9565, abs_tol=1e-3)
    assert wilson(0, 0) is None
    assert wilson(10, 10)[1] == 1.0


def test_review_sample_grading_and_accuracy(week_with_ai, agent, client):
    assert review_sample_create(week=week_with_ai, size=5) == 1  # one AI answer this week
    assert review_sample_create(week=week_with_ai, size=5) == 0  # topped up already
    item = ReviewItem.objects.get()
    weekly_report_build(week=week_with_ai)
    review_grade(item=item, agent=agent, grade="correct")
    data = WeeklyReport.objects.get().data
    assert data["graded_accuracy"] == 1.0 and data["review"]["graded"] == 1
    assert data["review"]["ci95"][0] < 1.0  # one grade is a wide interval
    with pytest.raises(Exception, match="Choose one"):
        review_grade(item=item, agent=agent, grade="great")


def test_admin_pages_render(week_with_ai, admin_agent, client):
    client.force_login(admin_agent.user)
    for back in (1, 2):
        weekly_report_build(week=week_with_ai.previous(back))
    report = weekly_report_build(week=week_with_ai)
    listing = client.get(reverse("admin:ai_weeklyreport_changelist"))
    assert listing.status_code == 200 and week_with_ai.label in listing.content.decode()
    detail = client.get(reverse("admin:ai_weeklyreport_change", args=[report.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "trend-chart" in html and "<svg" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script (CSP)
    csv_response = client.get(reverse("admin:ai_weeklyreport_csv", args=[report.pk]))
    assert csv_response.status_code == 200 and b"conversations,3" in csv_response.content
    run = client.post(reverse("admin:ai_weeklyreport_run_now"))
    assert run.status_code == 302
    assert WeeklyReport.objects.filter(week_start=last_complete_week().start).exists()


def test_review_pages_render_and_grade(week_with_ai, admin_agent, client):
    review_sample_create(week=week_with_ai, size=5)
    item = ReviewItem.objects.get()
    client.force_login(admin_agent.user)
    queue = client.get(reverse("ai:review_queue"))
    assert queue.status_code == 200 and f"#{item.interaction.ticket.number}" in queue.content.decode()
    page = client.get(reverse("ai:review_grade", args=[item.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Reset your password" in html and "24 hours" in html
    for body in (html, queue.content.decode()):
        assert "<script>" not in body and 'style="' not in body  # strict CSP: no inline script or style
    response = client.post(reverse("ai:review_grade", args=[item.pk]), {"grade": "partly"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.grade == "partly" and item.graded_by == admin_agent


def test_week_labels():
    assert Week(week_parse("2026-W01").start).label == "2026-W01"
    assert week_parse("2026-W49").previous().label == "2026-W48"


def test_ai_metrics_page_from_the_desk_reports(week_with_ai, admin_agent, client):
    client.force_login(admin_agent.user)
    reports = client.get("/desk/reports/").content.decode()
    assert 'href="/desk/ai/metrics/"' in reports
    page = client.get(reverse("ai:metrics"))
    html = page.content.decode()
    assert page.status_code == 200 and "Reset your password" in html  # the cited article's row
    assert "50%" in html  # one of two AI-touched conversations confirmed (the other handed off)
