"""Plans the demo tickets in memory: who writes what, when, and where each thread ends.

Nothing here touches the database; loader.py plays the plans through the real services. A fixed seed
makes every install get the same demo, with dates relative to the moment it is loaded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from demo.data.company import AGENTS, CUSTOMERS
from demo.data.files import files_for
from demo.data.scenarios import Scenario, Story, all_scenarios
from demo.data.writing import (
    COMEBACKS,
    NUDGES,
    THANKS,
    agent_message,
    customer_message,
    fill,
    make_slots,
)

SEED = 20261127
HISTORY_DAYS = 60
TOTAL_TICKETS = 300
DUPLICATES = 5  # tickets a customer opened twice; merged into the first one
FOLLOW_UPS = 6  # customers writing again to a closed ticket, which opens a follow-up ticket
HOUR = timedelta(hours=1)

# Final status by age of the ticket: recent tickets are still being worked on, old ones are closed.
STATUS_BY_AGE = (
    (1.5, {"new": 45, "open": 30, "pending": 10, "on_hold": 3, "solved": 12}),
    (5, {"new": 8, "open": 30, "pending": 25, "on_hold": 10, "solved": 27}),
    (14, {"open": 12, "pending": 12, "on_hold": 8, "solved": 33, "closed": 35}),
    (HISTORY_DAYS + 1, {"open": 3, "pending": 2, "on_hold": 3, "solved": 7, "closed": 85}),
)
AUTO_CLOSE_AFTER = timedelta(days=4)


@dataclass
class Step:
    at: datetime
    kind: str  # customer | agent | note | assign | status | priority | team | merge
    agent: str | None = None  # username of the acting agent
    text: str = ""
    value: str = ""
    files: list = field(default_factory=list)


@dataclass
class TicketPlan:
    scenario: Scenario
    story: Story
    customer: int  # index into CUSTOMERS
    lang: str
    channel: str
    priority: str
    team: str | None  # team slug at creation
    tags: list[str]
    subject: str
    created: datetime
    opening: str
    steps: list[Step] = field(default_factory=list)
    final_status: str = "new"
    assignee: str | None = None
    relation: str = ""  # "" | "duplicate" | "follow_up"
    parent: TicketPlan | None = None

    @property
    def last_at(self) -> datetime:
        return self.steps[-1].at if self.steps else self.created


def team_members() -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for spec in AGENTS:
        for slug in spec.teams:
            members.setdefault(slug, []).append(spec.username)
    return members


def weighted(rng: random.Random, pairs) -> str:
    items = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


class Planner:
    def __init__(self, now: datetime, total: int = TOTAL_TICKETS):
        self.rng = random.Random(SEED)
        self.now = now
        self.total = total
        self.scenarios = all_scenarios()
        self.members = team_members()
        self.names = {spec.username: f"{spec.first_name} {spec.last_name}" for spec in AGENTS}
        # A few customers write a lot; VIP fleets write more than most.
        self.customer_weights = [
            6 if tier == "vip" else self.rng.choice((1, 1, 2, 3, 4)) for *_, tier, _org in CUSTOMERS
        ]

    def plan(self) -> list[TicketPlan]:
        """Exactly `total` tickets, oldest first (so ticket numbers follow the creation dates)."""
        related_wanted = min(DUPLICATES + FOLLOW_UPS, self.total // 10)
        base = [self._base_plan() for _ in range(self.total - related_wanted)]
        base.sort(key=lambda p: p.created)
        related = self._duplicates(base, min(DUPLICATES, related_wanted))
        related += self._follow_ups(base, related_wanted - len(related))
        base += [self._base_plan() for _ in range(self.total - len(base) - len(related))]
        return sorted(base + related, key=lambda p: p.created)

    # --- one ticket -------------------------------------------------------------------------------
    def _base_plan(self) -> TicketPlan:
        rng = self.rng
        # Skewed towards recent days, so the inbox has a realistic amount of open work.
        age_days = HISTORY_DAYS * rng.random() ** 1.5
        created = self.now - timedelta(days=age_days)
        created = created.replace(hour=rng.choice((7, 8, 9, 9, 10, 11, 13, 14, 15, 16, 19, 21)))
        if created > self.now - timedelta(minutes=30):
            created = self.now - timedelta(minutes=rng.randint(30, 300))
        scenario = rng.choices(self.scenarios, weights=[s.weight for s in self.scenarios])[0]
        story = rng.choice(scenario.stories)
        customer = rng.choices(range(len(CUSTOMERS)), weights=self.customer_weights)[0]
        name, _email, lang, tier, _org = CUSTOMERS[customer]
        channel = weighted(rng, scenario.channels)
        priority = weighted(rng, scenario.priorities)
        if tier == "vip" and priority in ("low", "normal"):
            priority = "high"
        slots = make_slots(rng, lang=lang, when=created)
        plan = TicketPlan(
            scenario=scenario,
            story=story,
            customer=customer,
            lang=lang,
            channel=channel,
            priority=priority,
            team=scenario.team,
            tags=list(scenario.tags) + (["vip"] if tier == "vip" else []),
            subject=fill(story.subject[lang], slots),
            created=created,
            opening=self._customer_text(
                story.opening[lang], slots, plan_lang=lang, channel=channel, name=name
            ),
            final_status=weighted(rng, next(w for limit, w in STATUS_BY_AGE if age_days < limit)),
        )
        if plan.final_status == "new" and rng.random() < 0.4:
            plan.team = None  # not routed yet
        self._write_thread(plan, slots)
        return plan

    def _write_thread(self, plan: TicketPlan, slots: dict[str, str]) -> None:
        rng, story, lang, status = self.rng, plan.story, plan.lang, plan.final_status
        if status == "new":
            return
        name = CUSTOMERS[plan.customer][0]
        team = plan.scenario.team
        agent = rng.choice(self.members[team])
        plan.assignee = agent
        chat = plan.channel == "chat"
        steps: list[tuple[float, Step]] = []  # (hours after the previous step, step)

        def add(gap_hours: float, kind: str, **kwargs) -> None:
            steps.append((gap_hours, Step(at=plan.created, kind=kind, **kwargs)))

        def agent_gap() -> float:
            return rng.uniform(0.02, 0.15) if chat else rng.uniform(0.3, 20)

        def customer_gap() -> float:
            return rng.uniform(0.01, 0.1) if chat else rng.uniform(0.5, 30)

        def files(turn: str) -> list:
            kinds = [kind for t, kind in story.files if t == turn]
            return files_for(kinds[0], index=rng.randint(1, 999), slots=slots) if kinds else []

        if rng.random() < 0.07:  # routed to the wrong team first; its agent moves it on
            wrong = rng.choice([slug for slug in self.members if slug != team])
            plan.team = wrong
            add(agent_gap(), "team", agent=rng.choice(self.members[wrong]), value=team)
        add(agent_gap(), "assign", agent=agent)
        if rng.random() < 0.08:
            add(0.05, "priority", agent=agent, value="urgent" if plan.priority == "high" else "high")
        if rng.random() < 0.25:
            add(0.1, "note", agent=agent, text=fill(story.note, slots))
        if status == "open" and rng.random() < 0.2:
            add(0.05, "status", agent=agent, value="open")  # picked up, no reply yet
            return self._place(plan, steps)
        add(0.1, "agent", agent=agent, text=self._agent_text(story.reply[lang], slots, plan, agent))
        if status == "pending":
            add(0.01, "status", agent=agent, value="pending")
            return self._place(plan, steps)
        if status == "open" and rng.random() < 0.4:
            add(0.01, "status", agent=agent, value="pending")  # the customer's answer reopens it
        followup = self._customer_text(
            story.followup[lang], slots, plan_lang=lang, channel=plan.channel, name=name
        )
        add(customer_gap(), "customer", text=followup, files=files("followup"))
        if status == "open":
            return self._place(plan, steps)
        if status == "on_hold":
            add(agent_gap(), "note", agent=agent, text=fill(story.hold_note, slots))
            add(0.02, "status", agent=agent, value="on_hold")
            return self._place(plan, steps)
        resolution = self._agent_text(story.resolution[lang], slots, plan, agent)
        add(agent_gap(), "agent", agent=agent, text=resolution, files=files("resolution"))
        if rng.random() < 0.4:
            thanks = rng.choice(THANKS[lang])
            add(
                customer_gap(),
                "customer",
                text=self._customer_text(thanks, {}, plan_lang=lang, channel=plan.channel, name=name),
            )
        add(0.05, "status", agent=agent, value="solved")
        if status == "closed":
            add(AUTO_CLOSE_AFTER / HOUR, "status", value="closed")  # closed by the system, no agent
        self._place(plan, steps)

    def _place(self, plan: TicketPlan, steps: list[tuple[float, Step]]) -> None:
        """Give the steps real times; squeeze them if the thread would run into the future, and
        leave a solved ticket solved (not closed) if the auto-close would be in the future."""
        deadline = self.now - timedelta(minutes=5)
        if plan.final_status == "closed" and plan.created + sum(g for g, _ in steps) * HOUR > deadline:
            steps = steps[:-1]
            plan.final_status = "solved"
        total = sum(gap for gap, _ in steps)
        room = (deadline - plan.created) / HOUR
        scale = min(1.0, 0.95 * room / total) if total else 1.0
        at = plan.created
        for gap, step in steps:
            at += gap * scale * HOUR
            step.at = at
        plan.steps = [step for _, step in steps]

    # --- related tickets --------------------------------------------------------------------------
    def _duplicates(self, base: list[TicketPlan], count: int) -> list[TicketPlan]:
        """The customer writes again through the web form; an agent merges the new ticket into the first."""
        candidates = [
            p
            for p in base
            if p.final_status == "open" and p.channel == "email" and self.now - p.last_at > 4 * HOUR
        ]
        plans = []
        for parent in self.rng.sample(candidates, min(count, len(candidates))):
            created = parent.last_at + self.rng.uniform(0.3, 0.6) * (self.now - parent.last_at)
            merge_at = created + self.rng.uniform(0.1, 0.3) * (self.now - created)
            agent = parent.assignee or self.rng.choice(self.members[parent.scenario.team])
            name = CUSTOMERS[parent.customer][0]
            nudge = self.rng.choice(NUDGES[parent.lang])
            plans.append(
                TicketPlan(
                    scenario=parent.scenario,
                    story=parent.story,
                    customer=parent.customer,
                    lang=parent.lang,
                    channel="web",
                    priority=parent.priority,
                    team=None,
                    tags=[],
                    subject=parent.subject,
                    created=created,
                    opening=self._customer_text(nudge, {}, plan_lang=parent.lang, channel="web", name=name),
                    steps=[Step(at=merge_at, kind="merge", agent=agent)],
                    final_status="closed",
                    relation="duplicate",
                    parent=parent,
                )
            )
        return plans

    def _follow_ups(self, base: list[TicketPlan], count: int) -> list[TicketPlan]:
        """The customer answers a closed ticket: the services open a follow-up ticket linked to it."""
        candidates = [p for p in base if p.final_status == "closed" and (self.now - p.last_at).days >= 3]
        plans = []
        for parent in self.rng.sample(candidates, min(count, len(candidates))):
            created = parent.last_at + self.rng.uniform(0.2, 0.7) * (self.now - parent.last_at)
            lang, name = parent.lang, CUSTOMERS[parent.customer][0]
            comeback = self.rng.choice(COMEBACKS[lang])
            plan = TicketPlan(
                scenario=parent.scenario,
                story=parent.story,
                customer=parent.customer,
                lang=lang,
                channel=parent.channel,
                priority=parent.priority,
                team=parent.scenario.team,
                tags=list(parent.tags),
                subject=parent.subject,
                created=created,
                opening=self._customer_text(comeback, {}, plan_lang=lang, channel=parent.channel, name=name),
                final_status=self.rng.choice(("open", "pending")),
                relation="follow_up",
                parent=parent,
            )
            agent = parent.assignee or self.rng.choice(self.members[parent.scenario.team])
            plan.assignee = agent
            slots = make_slots(self.rng, lang=lang, when=created)
            reply = self._agent_text(parent.story.reply[lang], slots, plan, agent)
            steps = [
                (self.rng.uniform(0.5, 6), Step(at=created, kind="assign", agent=agent)),
                (0.1, Step(at=created, kind="agent", agent=agent, text=reply)),
            ]
            if plan.final_status == "pending":
                steps.append((0.01, Step(at=created, kind="status", agent=agent, value="pending")))
            self._place(plan, steps)
            plans.append(plan)
        return plans

    # --- wording ----------------------------------------------------------------------------------
    def _customer_text(self, wording: str, slots, *, plan_lang: str, channel: str, name: str) -> str:
        return customer_message(self.rng, fill(wording, slots), lang=plan_lang, channel=channel, name=name)

    def _agent_text(self, wording: str, slots, plan: TicketPlan, agent: str) -> str:
        return agent_message(
            self.rng,
            fill(wording, slots),
            lang=plan.lang,
            channel=plan.channel,
            customer_name=CUSTOMERS[plan.customer][0],
            agent_name=self.names[agent],
        )
