"""Help-center searches no one clicked (or that found nothing) are a knowledge-gap signal: grouped
with the other signals, counted, shown with their queries, and listed on the gaps page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ai.insights.gaps import gaps_detect
from ai.models import KnowledgeGap
from knowledge.models import HelpSearch
from knowledge.services.searches import search_record

pytestmark = pytest.mark.django_db


def period():
    now = timezone.now()
    return now - dt.timedelta(days=1), now + dt.timedelta(minutes=5)


def searched(query: str, *, reader: str, results: int = 0, minutes_ago: int = 60, clicked: bool = False):
    row = search_record(query=query, results_count=results, language="en", session_key=reader)
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    HelpSearch.objects.filter(pk=row.pk).update(
        created_at=at, updated_at=at, clicked_at=at if clicked else None
    )
    return row


def test_unanswered_searches_of_several_readers_become_a_gap_with_their_queries(help_center):
    searched("bike frame number theft insurance", reader="a")
    searched("bike frame number theft insurance", reader="b")
    searched("register frame number for theft insurance", reader="c", results=3)
    searched("register frame number for theft insurance", reader="d", results=3)
    # not a gap: clicked, too recent to judge, or asked by one reader only
    searched("register frame number for theft insurance", reader="e", results=3, clicked=True)
    searched("register frame number for theft insurance", reader="f", results=3, minutes_ago=5)
    searched("gift card balance", reader="g")

    gaps = gaps_detect(period_start=period()[0], period_end=period()[1])
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.signals == {"search_no_results": 2, "search_no_click": 2}
    assert gap.volume == 4 and gap.agent_minutes == 0
    texts = {q["text"]: q["count"] for q in gap.questions}
    assert texts == {"bike frame number theft insurance": 2, "register frame number for theft insurance": 2}

    searched("bike frame number theft insurance", reader="h")  # seen again in the same period
    gaps_detect(period_start=period()[0], period_end=period()[1])
    gap = KnowledgeGap.objects.get()
    assert gap.volume == 5 and gap.signals["search_no_results"] == 3 and len(gap.questions) == 2


def test_the_gaps_page_lists_the_top_searches_without_a_click(client_agent):
    for reader in "abc":
        searched("warranty for a used bike", reader=reader, results=2)
    searched("opening hours", reader="z", results=2, clicked=True)
    body = client_agent.get("/desk/ai/insights/gaps/").content.decode()
    section = body.split('class="report-block help-searches"')[1]
    assert "warranty for a used bike" in section and "opening hours" not in section
    assert "<td>warranty for a used bike</td><td>3</td><td>3</td><td>0</td>" in section
