"""Themes over real tickets, two weeks running: identity kept across weeks, agents' edits stick, the
Insights page and the drill-down show them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ai.insights import edits
from ai.insights.themes import themes_run
from ai.models import Theme, ThemeRun, ThemeTicket
from helpdesk.services.tickets import ticket_create
from tests.ai.test_insights_clustering import THEMES

pytestmark = pytest.mark.django_db
WEEK1 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
WEEK2 = WEEK1 + dt.timedelta(days=7)


def open_tickets(customer, team, when, texts):
    with time_machine.travel(when, tick=False):
        return [
            ticket_create(requester=customer, subject="Help", body_text=t, channel="web", team=team)
            for t in texts
        ]


def run_week(start):
    return themes_run(
        period_start=start - dt.timedelta(hours=9),
        period_end=start + dt.timedelta(days=7) - dt.timedelta(hours=9),
    )


@pytest.fixture
def two_weeks(customer, team):
    open_tickets(customer, team, WEEK1, THEMES["delivery"] + THEMES["password"] + THEMES["invoice"])
    # week 2: delivery doubles (rising), invoices fall away
    open_tickets(
        customer,
        team,
        WEEK2,
        THEMES["delivery"] + [t.lower() + "!" for t in THEMES["delivery"]] + THEMES["password"],
    )


def theme_of(run, text_start):
    member = ThemeTicket.objects.filter(run=run).select_related("ticket").order_by("ticket_id")
    return next(
        m.theme for m in member if m.ticket.messages.first().body_text.lower().startswith(text_start.lower())
    )


def test_a_theme_keeps_its_identity_and_history_across_weeks(two_weeks):
    first = run_week(WEEK1)
    assert first.themes == 3 and first.messages == 24
    delivery = theme_of(first, THEMES["delivery"][0])
    second = run_week(WEEK2)
    assert theme_of(second, THEMES["delivery"][0]).pk == delivery.pk
    snap = second.snapshots.get(theme=delivery)
    assert snap.previous_size == 8 and snap.size >= 12 and snap.status == Theme.Status.RISING
    assert snap.channels == {"web": snap.size}
    invoice = theme_of(first, THEMES["invoice"][0])
    invoice.refresh_from_db()
    assert invoice.status in {Theme.Status.FADING, Theme.Status.GONE}
    assert not second.snapshots.filter(theme=invoice).exists()


def test_running_a_period_again_replaces_its_run_and_creates_no_new_themes(two_weeks):
    run_week(WEEK1)
    themes = Theme.objects.count()
    run_week(WEEK1)
    assert ThemeRun.objects.count() == 1 and Theme.objects.count() == themes


def test_rename_hide_and_merge_stick_next_week(two_weeks):
    first = run_week(WEEK1)
    delivery, password = theme_of(first, THEMES["delivery"][0]), theme_of(first, THEMES["password"][0])
    edits.theme_rename(theme=delivery, name="Late parcels")
    edits.theme_set_hidden(theme=password, hidden=True)
    second = run_week(WEEK2)
    delivery.refresh_from_db()
    password.refresh_from_db()
    assert delivery.name == "Late parcels" and delivery.name_source == "agent"
    assert password.hidden and second.snapshots.filter(theme=password).exists()
    # merge password into delivery: next runs attribute password tickets to delivery
    edits.theme_merge(source=password, target=delivery)
    third = run_week(WEEK2)
    assert not third.snapshots.filter(theme=password).exists()
    assert third.snapshots.get(theme=delivery).size == 24


def test_split_makes_two_themes_that_both_come_back(customer, team):
    open_tickets(customer, team, WEEK1, THEMES["delivery"] + THEMES["password"])
    open_tickets(customer, team, WEEK2, THEMES["delivery"] + THEMES["password"])
    first = run_week(WEEK1)
    # an agent merged two themes, then splits the merged one again
    delivery, password = theme_of(first, THEMES["delivery"][0]), theme_of(first, THEMES["password"][0])
    edits.theme_merge(source=password, target=delivery)
    delivery.merged_themes.update(merged_into=None)  # the agent undoes the link, keeping the tickets
    new = edits.theme_split(theme=delivery, run=first)
    sizes = dict(first.snapshots.values_list("theme_id", "size"))
    assert sizes[delivery.pk] == 8 and sizes[new.pk] == 8
    second = run_week(WEEK2)
    assert {delivery.pk, new.pk} <= set(second.snapshots.values_list("theme_id", flat=True))


def test_insights_page_lists_themes_with_trend_and_drill_down(two_weeks, client, agent):
    run_week(WEEK1)
    second = run_week(WEEK2)
    client.force_login(agent.user)
    page = client.get("/desk/ai/insights/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Insights" in html and "<polyline" in html and "Escalation reasons" in html
    delivery = theme_of(second, THEMES["delivery"][0])
    assert delivery.name in html
    detail = client.get(f"/desk/ai/insights/themes/{delivery.pk}/?run={second.pk}").content.decode()
    ticket = ThemeTicket.objects.filter(run=second, theme=delivery).first().ticket
    assert f"/desk/tickets/{ticket.pk}/" in detail
    renamed = client.post(
        f"/desk/ai/insights/themes/{delivery.pk}/edit/", {"action": "rename", "name": "Parcels late"}
    )
    assert renamed.status_code == 302
    delivery.refresh_from_db()
    assert delivery.name == "Parcels late"


def test_weekly_report_lists_the_top_themes_with_movement(two_weeks):
    from ai.evaluation.weekly.stats import Week
    from ai.services.weekly import weekly_report_build

    run_week(WEEK1)
    second = run_week(WEEK2)
    report = weekly_report_build(week=Week(WEEK2.date()))
    themes = report.data["themes"]
    assert 1 <= len(themes) <= 10
    top = themes[0]
    delivery = theme_of(second, THEMES["delivery"][0])
    assert top["theme_id"] == delivery.pk and top["previous"] == 8 and top["change"] == top["size"] - 8
    assert top["status"] == "rising"


def test_a_name_repeated_in_a_theme_never_becomes_its_label(customer, team):
    texts = [f"Hannah Schneider here: {t}" for t in THEMES["invoice"]]
    open_tickets(customer, team, WEEK1, texts + THEMES["delivery"])
    run = run_week(WEEK1)
    names = " ".join(
        s.theme.name + " " + " ".join(s.key_phrases) for s in run.snapshots.select_related("theme")
    )
    assert run.themes == 2
    assert "hannah" not in names.lower() and "schneider" not in names.lower()
