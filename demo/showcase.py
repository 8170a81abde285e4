"""Showcase part of `manage.py load_demo`, run last: what a desk looks like this very minute.

- The help center is indexed now (retrieval, portal suggestions and drafts work before the task
  worker has run).
- The triage model retrained on the agents' topic labels (as the scheduled retraining does).
- A few requests that arrived in the last hour and still wait for a first answer: two close to their
  SLA target ("SLA breach soon"), one that triage could not place (the unrouted queue), one an agent
  took on the phone. Each goes through the services at its moment and is triaged on arrival.
- AI summaries of the longest open threads and reply drafts for the open tickets waiting on an agent.

Registered in DemoConfig.ready() after the AI history. Runs once (skipped when its first request exists).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from ai.models import AIDraft
from ai.services.drafts import draft_create
from ai.services.summaries import ticket_summary_refresh
from ai.services.triage import ticket_triage_run, triage_model_train
from demo.data import DemoData
from demo.data.loader import _clock_at
from helpdesk.models import Message, Ticket, TicketStatus
from helpdesk.services.conversation import conversation_receive
from knowledge.indexing.index import articles_index_bulk
from knowledge.models import Article, ArticleStatus

SUMMARIES = 6
DRAFTS = 5
WAITING = (TicketStatus.NEW, TicketStatus.OPEN)


@dataclass(frozen=True)
class Arrival:
    minutes_ago: int
    customer: int  # index into DemoData.customers
    channel: str
    subject: str
    body: str
    team: str = ""  # the mailbox or phone line it came in on ("" = the web form, unrouted)
    priority: str = "normal"
    taken_by: str = ""  # the agent who logged a phone call


ARRIVALS = (
    # Urgent phone call, first response due 30 minutes after it came in (Customer Care, 24/7).
    Arrival(18, 3, "phone", "Cannot unlock the bike in the Ride app",
            "Called in: the Ride app logs her out and she cannot unlock the bike to ride to work. "
            "Needs it before 9 tomorrow. Reinstalling the app did not help.",
            team="customer-care", priority="urgent", taken_by="alice"),
    # Damaged parcel: the routing rule makes it high priority, first response due after 2 hours.
    Arrival(75, 5, "email", "Frame scratched and box crushed on delivery",
            "Hello,\n\nmy new bike arrived an hour ago. The box was crushed at one corner and the top tube "
            "has a deep scratch. I took photos. What should I do now?\n\nThanks,\nSophie",
            team="customer-care", priority="high"),
    # Too vague for triage: lands in the unrouted queue.
    Arrival(34, 11, "web", "Please call me back",
            "Hi, I have a question about the thing I got from you last week. Could someone call me back?"),
    Arrival(52, 25, "email", "Rechnung mit USt-IdNr.",
            "Guten Tag,\n\nbitte stellen Sie die Rechnung für unsere Bestellung mit unserer USt-IdNr. "
            "DE812345678 neu aus.\n\nViele Grüße\nJonas", team="customer-care"),
)  # fmt: skip


def load_showcase_demo(data: DemoData, *, now: dt.datetime | None = None) -> dict[str, int]:
    if not data.customers or Ticket.objects.filter(subject=ARRIVALS[0].subject).exists():
        return {"arrivals": 0, "summaries": 0, "drafts": 0, "triage_model": False}
    now = now or timezone.now()
    published = list(Article.objects.filter(status=ArticleStatus.PUBLISHED).values_list("pk", flat=True))
    articles_index_bulk(published)
    pending = len(connection.run_on_commit)  # live AI hooks must not answer these again after commit
    # The nightly retraining ran on the agents' topic labels: triage now learns from history too.
    with _clock_at(now - dt.timedelta(hours=8)):
        model = triage_model_train()
    arrivals = [_arrive(spec, data, now) for spec in ARRIVALS]
    summaries = _summaries(now)
    drafts = _drafts()
    del connection.run_on_commit[pending:]
    return {"arrivals": len(arrivals), "summaries": summaries, "drafts": drafts, "triage_model": bool(model)}


def _arrive(spec: Arrival, data: DemoData, now: dt.datetime) -> Ticket:
    customer = data.customers[spec.customer % len(data.customers)]
    agent = data.agents.get(spec.taken_by)
    with _clock_at(now - dt.timedelta(minutes=spec.minutes_ago)):
        received = conversation_receive(
            channel=spec.channel,
            sender=customer,
            subject=spec.subject,
            body_text=spec.body,
            team=data.teams.get(spec.team),
            priority=spec.priority,
            actor=agent,
        )
        ticket_triage_run(ticket=received.ticket)
    return received.ticket


def _summaries(now: dt.datetime) -> int:
    """Summaries of the longest open threads, as the summary hook keeps them after each message."""
    longest = (
        Ticket.objects.filter(status__in=[*WAITING, TicketStatus.PENDING], merged_into__isnull=True)
        .annotate(n=Count("messages"))
        .filter(n__gte=4)
        .order_by("-n", "-updated_at")[:SUMMARIES]
    )
    done = 0
    for ticket in longest:
        last = ticket.messages.aggregate(at=Max("created_at"))["at"] or now
        with _clock_at(min(now, last + dt.timedelta(seconds=20))):
            done += bool(ticket_summary_refresh(ticket=ticket))
    return done


def _drafts() -> int:
    """Drafts for assigned open tickets whose latest message is the customer's (the agent's next move)."""
    latest_kind = Message.objects.filter(ticket=OuterRef("pk"), is_internal=False).order_by("-seq")
    waiting = (
        Ticket.objects.filter(status__in=WAITING, assignee__isnull=False, merged_into__isnull=True)
        .annotate(last_kind=Subquery(latest_kind.values("author_kind")[:1]))
        .filter(last_kind=Message.AuthorKind.CUSTOMER)
        .order_by("-updated_at")[:DRAFTS]
    )
    for ticket in waiting:
        last = ticket.messages.filter(author_kind=Message.AuthorKind.CUSTOMER).order_by("-seq").first()
        with _clock_at(last.created_at + dt.timedelta(seconds=30)):
            draft_create(ticket=ticket, message=last)
    return AIDraft.objects.count()
