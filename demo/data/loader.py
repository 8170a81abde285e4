"""Loads the Northwind Bikes demo through the real services, once.

People and configuration rows (teams, agents, customers, macros, topics, routing rules, SLA policies)
are created directly: there are no services for them, and they exist before the first ticket. Every
ticket, message, status change, assignment and merge goes through the same services the desk uses, so
the audit trail, message sequences, SLA clocks and search vectors are real. AI triage runs on arrival
for the last two weeks (routing rules apply), the first agent on a ticket corrects a wrong or missing
topic (a training label), and solved tickets send their CSAT survey, about half of them answered.
History is back-dated by running each service call with the clock set to its planned moment
(see _clock_at), not by rewriting rows afterwards.
"""

from __future__ import annotations

import random
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from ai.models import TicketTriage
from ai.services.triage import ticket_triage_run, triage_correct
from demo.data import DEMO_EXTENSIONS, DemoData
from demo.data.company import (
    AGENTS,
    COMPANY_NAME,
    CUSTOMERS,
    DEMO_PASSWORD,
    MACROS,
    MARKER_USERNAME,
    SUPPORT_EMAIL,
    TEAMS,
)
from demo.data.desk_config import desk_config_create, truth_topic
from demo.data.plan import SEED, Planner, Step, TicketPlan
from helpdesk.models import (
    Agent,
    Customer,
    DeskSettings,
    Macro,
    Message,
    Team,
    TeamMembership,
    Ticket,
)
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.csat import csat_record, csat_send
from helpdesk.services.delivery import message_deliver, reply_send
from helpdesk.services.messages import note_add
from helpdesk.services.tickets import ticket_create, ticket_merge, ticket_transition, ticket_update

AI_TRIAGE_SINCE = timedelta(days=14)
CSAT_COMMENTS = {
    5: ("Super fast and friendly, thank you!", "Problem solved on the first try.", "Great service."),
    4: ("Good help, took a day longer than I hoped.", "Thanks, all sorted."),
    3: ("OK in the end, but I had to explain it twice.",),
    2: ("Took far too long to get an answer.",),
    1: ("Nobody really read my message.",),
}


@dataclass
class DemoResult:
    loaded: bool
    message: str
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def demo_load(*, stdout=None) -> DemoResult:
    """Load the demo into an empty desk. Returns without changing anything when the demo is already
    there (the demo agent `alice` exists) or when the desk already holds real agents or tickets."""
    user_model = get_user_model()
    if user_model.objects.filter(username=MARKER_USERNAME).exists():
        return DemoResult(False, "Demo data is already loaded (user 'alice' exists); nothing changed.")
    demo_usernames = [spec.username for spec in AGENTS]
    if (
        Ticket.objects.exists()
        or Agent.objects.exists()
        or user_model.objects.filter(username__in=demo_usernames).exists()
    ):
        return DemoResult(
            False, "This desk already has agents or tickets; the demo only loads into an empty desk."
        )

    started = time.monotonic()
    with transaction.atomic():
        # The demo's on-commit side effects are dropped: live broadcasts would reach nobody, and
        # hooks (AI triage and drafts, CSAT mails) would queue work for two months of back-dated history.
        pending_callbacks = len(connection.run_on_commit)
        data = _load_helpdesk_demo()
        del connection.run_on_commit[pending_callbacks:]
        for extension in DEMO_EXTENSIONS:
            extension(data)
    counts = {
        "teams": Team.objects.count(),
        "agents": Agent.objects.count(),
        "customers": Customer.objects.count(),
        "tickets": Ticket.objects.count(),
        "messages": Message.objects.count(),
        "macros": Macro.objects.count(),
    }
    seconds = time.monotonic() - started
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    return DemoResult(True, f"Loaded the {COMPANY_NAME} demo: {summary} in {seconds:.1f} s.", counts, seconds)


def _load_helpdesk_demo() -> DemoData:
    teams = _create_teams()
    agents = _create_agents(teams)
    customers = _create_customers()
    _create_macros(teams)
    topics = desk_config_create(teams, today=timezone.localdate())
    settings_row = DeskSettings.load()
    if settings_row.company_name == DeskSettings._meta.get_field("company_name").default:
        settings_row.company_name = COMPANY_NAME
        settings_row.support_email = settings_row.support_email or SUPPORT_EMAIL
        settings_row.save(update_fields=["company_name", "support_email"])
    now = timezone.now()
    plans = Planner(now=now).plan()
    player = _Player(agents=agents, teams=teams, customers=customers, topics=topics, now=now)
    tickets = [player.play(plan) for plan in plans]
    return DemoData(
        company_name=COMPANY_NAME, teams=teams, agents=agents, customers=customers, tickets=tickets
    )


def _create_teams() -> dict[str, Team]:
    return {
        spec.slug: Team.objects.create(name=spec.name, slug=spec.slug, description=spec.description)
        for spec in TEAMS
    }


def _create_agents(teams: dict[str, Team]) -> dict[str, Agent]:
    user_model = get_user_model()
    # One hash for the shared demo password: hashing is slow on purpose, and the password is public.
    password_hash = make_password(DEMO_PASSWORD)
    agents = {}
    for spec in AGENTS:
        is_admin = spec.role == Agent.Role.ADMIN
        user = user_model.objects.create(
            username=spec.username,
            password=password_hash,
            email=f"{spec.username}@northwind-bikes.example",
            first_name=spec.first_name,
            last_name=spec.last_name,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        agents[spec.username] = Agent.objects.create(
            user=user,
            role=spec.role,
            language=spec.language,
            time_zone=spec.time_zone,
            capacity=spec.capacity,
            signature=f"{spec.first_name} {spec.last_name}\n{COMPANY_NAME}",
        )
        for slug in spec.teams:
            TeamMembership.objects.create(team=teams[slug], agent=agents[spec.username])
    for spec in TEAMS:
        teams[spec.slug].lead = agents[spec.lead]
        teams[spec.slug].save(update_fields=["lead"])
    return agents


def _create_customers() -> list[Customer]:
    return [
        Customer.objects.create(name=name, email=email, language=lang, tier=tier, organization=org)
        for name, email, lang, tier, org in CUSTOMERS
    ]


def _create_macros(teams: dict[str, Team]) -> None:
    for name, team_slug, set_status, body in MACROS:
        Macro.objects.create(
            name=name, body=body, team=teams[team_slug] if team_slug else None, set_status=set_status
        )


def _deliver(message: Message) -> None:
    """Demo history is delivered at its planned moment (the delivery task's on-commit enqueue is
    dropped with the other side effects of the load)."""
    message_deliver(message_id=message.pk)


@contextmanager
def _clock_at(moment: datetime):
    """Run services as if it were `moment`. Every timestamp (auto_now fields, first response, solved,
    SLA due times, audit rows) comes from django.utils.timezone.now(), so freezing it there gives the
    demo two months of consistent history with no row updated behind the services' back."""
    real_now = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real_now


class _Player:
    """Plays one ticket plan through the services, each step at its planned moment."""

    def __init__(self, *, agents, teams, customers, topics, now: datetime):
        self.agents = agents
        self.teams = teams
        self.customers = customers
        self.topics = topics
        self.now = now
        self.rng = random.Random(SEED + 1)  # CSAT answers; the planner's generator stays untouched
        self.tickets: dict[int, Ticket] = {}  # id(plan) -> ticket

    def play(self, plan: TicketPlan) -> Ticket:
        customer = self.customers[plan.customer]
        with _clock_at(plan.created):
            ticket = self._open(plan, customer)
            # AI triage was switched on two weeks ago: since then it runs on arrival, as the
            # customer_message_posted hook does; before that, agents set the topic by hand.
            if plan.relation != "follow_up" and self.now - plan.created < AI_TRIAGE_SINCE:
                ticket_triage_run(ticket=ticket)
                ticket.refresh_from_db()
        corrected = False
        for step in plan.steps:
            with _clock_at(step.at):
                if not corrected and step.agent and step.kind in ("assign", "agent", "team"):
                    corrected = True
                    self._correct_triage(ticket, plan, self.agents[step.agent])
                ticket = self._run(step, ticket, customer, plan)
            if step.kind == "status" and step.value == "solved":
                self._satisfaction(ticket, step.at)
        self.tickets[id(plan)] = ticket
        return ticket

    def _correct_triage(self, ticket: Ticket, plan: TicketPlan, agent: Agent) -> None:
        """The first agent on a ticket sets its topic when triage got it wrong, was unsure, or had
        not run (a training label either way)."""
        truth = truth_topic(self.topics, plan.scenario.key)
        triage = TicketTriage.objects.filter(ticket=ticket).first()
        if truth is None or (triage is not None and triage.topic_id == truth.pk and not triage.needs_triage):
            return
        triage_correct(ticket=ticket, actor=agent, topic=truth)
        ticket.refresh_from_db()

    def _satisfaction(self, ticket: Ticket, solved_at: datetime) -> None:
        """The survey goes out when a ticket is solved; about half the customers answer it."""
        with _clock_at(solved_at):
            survey = csat_send(ticket=ticket)
        if survey is None or self.rng.random() > 0.55:
            return
        answered = solved_at + timedelta(hours=self.rng.uniform(0.5, 30))
        if answered >= self.now:
            return
        rating = self.rng.choices((5, 4, 3, 2, 1), weights=(52, 26, 10, 7, 5))[0]
        comment = self.rng.choice(CSAT_COMMENTS[rating]) if self.rng.random() < 0.4 else ""
        with _clock_at(answered):
            csat_record(token=survey.token, rating=rating, comment=comment)

    def _open(self, plan: TicketPlan, customer: Customer) -> Ticket:
        if plan.relation == "follow_up":  # the customer writes to a closed ticket
            parent = self.tickets[id(plan.parent)]
            received = conversation_receive(
                channel=parent.channel, sender=customer, body_text=plan.opening, thread_hint=parent
            )
            ticket = received.ticket
            ticket_update(ticket=ticket, tags=plan.tags, actor_label="system")
            return ticket
        common = {
            "subject": plan.subject,
            "channel": plan.channel,
            "priority": plan.priority,
            "team": self.teams[plan.team] if plan.team else None,
            "tags": plan.tags,
            "language": plan.lang,
        }
        if plan.channel == "api":  # written by the shop system, not the customer
            ticket = ticket_create(requester=customer, **common)
            _deliver(reply_send(ticket=ticket, author_kind="system", body_text=plan.opening))
            return ticket
        domain = customer.email.rsplit("@", 1)[1]
        message_id = f"<{uuid.uuid5(uuid.NAMESPACE_URL, plan.subject + plan.created.isoformat())}@{domain}>"
        received = conversation_receive(
            sender=customer,
            body_text=plan.opening,
            email_message_id=message_id if plan.channel == "email" else "",
            **common,
        )
        return received.ticket

    def _run(self, step: Step, ticket: Ticket, customer: Customer, plan: TicketPlan) -> Ticket:
        agent = self.agents[step.agent] if step.agent else None
        if step.kind == "customer":
            conversation_receive(
                channel=ticket.channel,
                sender=customer,
                body_text=step.text,
                attachments=step.files,
                thread_hint=ticket,
            )
        elif step.kind == "note":
            note_add(ticket=ticket, author_agent=agent, body_text=step.text, attachments=step.files)
        elif step.kind == "agent":
            reply = reply_send(
                ticket=ticket,
                author_kind="agent",
                author_agent=agent,
                body_text=step.text,
                attachments=step.files,
            )
            _deliver(reply)
        elif step.kind == "assign":
            ticket = ticket_update(
                ticket=ticket, assignee=agent, team=self.teams[plan.scenario.team], actor=agent
            )
        elif step.kind == "team":
            ticket = ticket_update(ticket=ticket, team=self.teams[step.value], actor=agent)
        elif step.kind == "priority":
            ticket = ticket_update(ticket=ticket, priority=step.value, actor=agent)
        elif step.kind == "status":
            ticket = ticket_transition(
                ticket=ticket, to_status=step.value, actor=agent, actor_label="" if agent else "system"
            )
        elif step.kind == "merge":
            ticket_merge(source=ticket, target=self.tickets[id(plan.parent)], actor=agent)
        else:
            raise ValueError(f"Unknown demo step: {step.kind}")
        return ticket
