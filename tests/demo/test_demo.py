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

from ai.models import AIDraft, TicketTriage, TriageLabel, TriageModel
from demo.data import DEMO_EXTENSIONS
from demo.data.company import DEMO_PASSWORD
from demo.data.desk_config import POLICIES, RULES, TOPICS
from demo.data.scenarios import all_scenarios
from demo.showcase import ARRIVALS
from helpdesk.models import (
    Agent,
    Attachment,
    CsatSurvey,
    Customer,
    Holiday,
    Macro,
    Message,
    RoutingRule,
    SLAPolicy,
    Team,
    Ticket,
    TicketEvent,
    TicketSLA,
    TicketStatus,
    Topic,
)
from helpdesk.selectors.inbox import breaching_soon_q
from helpdesk.services.sla import sla_remaining
from helpdesk.services.tickets import ALLOWED_TRANSITIONS

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def extension_calls():
    """The registered extensions run (the showcase is checked here, as `make run` loads it), followed
    by a recorder of what they are handed."""
    calls = []
    registered = list(DEMO_EXTENSIONS)
    DEMO_EXTENSIONS[:] = [*registered, calls.append]
    yield calls
    DEMO_EXTENSIONS[:] = registered


@pytest.mark.timeout(1200)  # a full load, on a machine shared with the rest of the suite
def test_demo_loads_the_company_once(extension_calls):
    """One full load (it is the slow part), then every property of it, then the second run."""
    first = load_demo()

    assert "Loaded the Northwind Bikes demo" in first
    assert_advertised_counts()
    assert_history_is_backdated_and_consistent(extension_calls[0].tickets)
    assert_logins_work()
    assert_every_screen_has_something_true_to_show()

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
    assert Ticket.objects.filter(subject__in=[spec.subject for spec in ARRIVALS]).count() == len(ARRIVALS)
    # 300 history tickets, the last hour's arrivals, and the AI history's conversations
    assert Ticket.objects.count() > 300 + len(ARRIVALS)
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
    assert Ticket.objects.filter(follow_up_of__isnull=False).count() >= 6
    assert Ticket.objects.filter(tags__isnull=False).distinct().count() > 250
    assert Ticket.objects.values("priority").distinct().count() == 4


def assert_history_is_backdated_and_consistent(history_tickets):
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
    # Ticket numbers follow creation dates, as they would have in real life (the helpdesk history;
    # the AI history and the last hour's arrivals are loaded after it).
    history = Ticket.objects.filter(pk__in=[ticket.pk for ticket in history_tickets])
    numbers = list(history.order_by("created_at").values_list("number", flat=True))
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


def assert_every_screen_has_something_true_to_show():
    """Topics, rules and SLA policies exist before the tickets, so the services filled SLA clocks,
    triage, routing and CSAT as they would have at each moment."""
    now = timezone.now()
    assert Topic.objects.count() == len(TOPICS) and RoutingRule.objects.count() == len(RULES)
    assert SLAPolicy.objects.count() == len(POLICIES) and Holiday.objects.exists()
    history = Ticket.objects.filter(created_at__gte=now - timedelta(days=30), merged_into__isnull=True)
    # SLA: every history ticket has a clock; some were met, some breached; some open ones are overdue
    # and some are about to breach (the inbox's "SLA breach soon" view and the SLA column).
    assert TicketSLA.objects.count() >= Ticket.objects.filter(merged_into__isnull=True).count() - 10
    responded = TicketSLA.objects.filter(ticket__first_response_at__isnull=False)
    assert responded.filter(first_response_breached=False).count() > responded.count() // 2
    assert responded.filter(first_response_breached=True).exists()
    open_states = TicketSLA.objects.filter(ticket__status__in=["new", "open"], paused_at__isnull=True)
    remaining = [sla_remaining(state, now)["seconds"] for state in open_states.select_related("ticket")]
    assert any(s is not None and s < 0 for s in remaining)  # overdue
    soon = [s for s in remaining if s is not None and 0 < s <= 3600]
    assert soon, "no open ticket is close to its SLA target"
    assert Ticket.objects.filter(breaching_soon_q()).count() >= len(soon)
    # Triage: AI triage on the last two weeks, topics set by agents before; corrections are labels.
    topics = history.values("triage__topic").distinct()
    assert topics.count() >= len(TOPICS) - 2
    assert history.filter(triage__topic__isnull=False).count() > history.count() * 0.7
    assert TriageLabel.objects.filter(source=TriageLabel.Source.AGENT_CORRECTION).exists()
    assert TicketTriage.objects.filter(needs_triage=True, ticket__status="new").exists()
    assert TriageModel.objects.filter(is_active=True).exists()  # retrained on the agents' labels
    assert (
        TicketEvent.objects.filter(actor_label="Routing").exists()
        or TicketTriage.objects.exclude(routed_by_rule="").exists()
    )
    # The German invoice request came in on the Customer Care mailbox; the rule sent it to Billing.
    invoice = Ticket.objects.get(subject="Rechnung mit USt-IdNr.")
    assert invoice.team.slug == "billing"
    # CSAT answers, across ratings, in the report window.
    answered = CsatSurvey.objects.filter(rating__isnull=False, answered_at__gte=now - timedelta(days=30))
    assert answered.count() >= 20 and answered.values("rating").distinct().count() >= 4
    # AI: cited answers, summaries of long open threads, drafts that quote the help center.
    assert Message.objects.filter(author_kind="ai").exclude(citations=[]).exists()
    assert Ticket.objects.exclude(ai_summary="").filter(status__in=["new", "open", "pending"]).count() >= 3
    drafts = AIDraft.objects.all()
    assert drafts.count() >= 3
    assert any(draft.citations for draft in drafts)
    # The parts other apps add: a chat widget offered on the help center, voice-of-customer themes and
    # a knowledge gap with its draft, an outreach rule with a sent batch and an open incident.
    from ai.models import KnowledgeGap, ThemeRun
    from chat.models import ChatWidget
    from outreach.models import Incident, OutreachRule

    assert ChatWidget.objects.filter(on_help_center=True, is_active=True, ai_first_answer=True).exists()
    assert ThemeRun.objects.count() >= 2 and KnowledgeGap.objects.exists()
    assert OutreachRule.objects.exists() and Incident.objects.exists()
