"""The demo loads the advertised company once, through the real services, and never twice."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from demo.data import DEMO_EXTENSIONS
from demo.data.company import DEMO_PASSWORD
from demo.data.scenarios import all_scenarios
from helpdesk.models import (
    Agent,
    Attachment,
    Customer,
    Macro,
    Message,
    Team,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from helpdesk.services.tickets import ALLOWED_TRANSITIONS

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def extension_calls():
    """Only a recorder runs as an extension: other apps test their own demo content."""
    calls = []
    registered = list(DEMO_EXTENSIONS)
    DEMO_EXTENSIONS[:] = [calls.append]
    yield calls
    DEMO_EXTENSIONS[:] = registered


def test_demo_loads_the_company_once(extension_calls):
    """One full load (it is the slow part), then every property of it, then the second run."""
    first = load_demo()

    assert "Loaded the Northwind Bikes demo" in first
    assert_advertised_counts()
    assert_history_is_backdated_and_consistent()
    assert_logins_work()

    # One extension call, with what the demo created.
    assert len(extension_calls) == 1
    assert set(extension_calls[0].agents) == {"admin", "alice", "bruno", "chen", "dana"}
    assert len(extension_calls[0].tickets) == 300

    # Second run: nothing changes and it says so.
    counts = (Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count())
    second = load_demo()
    assert "already loaded" in second
    assert (Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count()) == counts
    assert len(extension_calls) == 1


def assert_advertised_counts():
    assert Team.objects.count() == 3
    assert Agent.objects.count() == 5
    assert Customer.objects.count() == 40
    assert Ticket.objects.count() == 300
    assert Macro.objects.count() == 8
    assert Customer.objects.filter(tier="vip").count() == 2
    assert Customer.objects.filter(language="de").count() >= 10
    assert Message.objects.count() > 1000
    assert Message.objects.filter(is_internal=True).exists()
    assert Attachment.objects.filter(content_type="image/png").exists()
    assert Attachment.objects.filter(content_type="application/pdf").exists()
    assert set(Ticket.objects.values_list("status", flat=True)) == set(TicketStatus.values)
    assert {"email", "web", "chat", "api", "phone"} <= set(Ticket.objects.values_list("channel", flat=True))
    assert Ticket.objects.filter(merged_into__isnull=False).count() == 5
    assert Ticket.objects.filter(follow_up_of__isnull=False).count() == 6
    assert Ticket.objects.filter(tags__isnull=False).distinct().count() > 250
    assert Ticket.objects.values("priority").distinct().count() == 4


def assert_history_is_backdated_and_consistent():
    now = timezone.now()
    span = Ticket.objects.aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    assert now - span["oldest"] > timedelta(days=40)
    assert now - span["newest"] < timedelta(days=2)
    recent = now - timedelta(minutes=1)
    assert not Ticket.objects.filter(updated_at__gt=recent).exists()
    assert not Message.objects.filter(created_at__gt=recent).exists()
    assert not TicketEvent.objects.filter(created_at__gt=recent).exists()
    for ticket in Ticket.objects.exclude(last_message_at=None):
        assert ticket.created_at <= ticket.last_message_at <= ticket.updated_at
    # Ticket numbers follow creation dates, as they would have in real life.
    numbers = list(Ticket.objects.order_by("created_at").values_list("number", flat=True))
    assert numbers == sorted(numbers)
    # Message sequences have no gaps; message_count matches the stored messages.
    for ticket in Ticket.objects.annotate(n=Count("messages"), top=Max("messages__seq")):
        assert ticket.message_count == ticket.n == (ticket.top or 0)
    # Every status change went through ticket_transition, so each one is allowed.
    for before, after in TicketEvent.objects.filter(field="status").values_list("before", "after"):
        assert after in ALLOWED_TRANSITIONS[before]
    # Threads are searchable: the services maintained the full-text vector.
    assert Ticket.objects.filter(search_vector=SearchQuery("battery", config="simple")).exists()
    assert Ticket.objects.filter(search_vector=SearchQuery("rechnung", config="simple")).exists()


def assert_logins_work():
    admin = authenticate(username="admin", password=DEMO_PASSWORD)
    assert admin is not None and admin.is_superuser and admin.is_staff and admin.agent.is_admin
    for username in ("alice", "bruno", "chen", "dana"):
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None and not user.is_staff
        assert user.agent.teams.exists()
    assert len({a.time_zone for a in Agent.objects.all()}) >= 4


def test_demo_refuses_a_desk_that_already_has_tickets(ticket):
    out = load_demo()
    assert "only loads into an empty desk" in out
    assert Ticket.objects.count() == 1
    assert not Agent.objects.filter(user__username="bruno").exists()


def test_every_story_fills_its_slots_in_both_languages():
    from demo.data.writing import fill, make_slots

    slots = make_slots(__import__("random").Random(1), lang="en", when=timezone.now())
    for scenario in all_scenarios():
        assert scenario.stories
        for story in scenario.stories:
            for turn in (story.subject, story.opening, story.reply, story.followup, story.resolution):
                assert set(turn) == {"en", "de"}
                for text in turn.values():
                    assert "{" not in fill(text, slots)
