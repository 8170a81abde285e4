"""Northwind Bikes' desk configuration: the topic taxonomy, routing rules and SLA policies with business
hours. Plain data here; loader.py creates the rows before any ticket exists, so every demo ticket gets
its SLA clock, triage and routing from the same services a live desk uses.

Customer Care runs around the clock (an online shop with a late shift), so the demo's SLA clocks run
whatever the hour `make run` is started at; Billing and the workshop keep office hours in Berlin."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpdesk.models import Holiday, RoutingRule, SLAPolicy, Team, Topic


@dataclass(frozen=True)
class TopicSpec:
    name: str
    team: str  # team slug
    scenarios: tuple[str, ...]  # demo scenario keys this topic covers (the truth an agent corrects to)
    description: str
    examples: tuple[str, ...]
    default_priority: str = ""


TOPICS = (
    TopicSpec("Order & delivery", "customer-care", ("where_is_order", "carrier_exception", "change_address"),
              "Where an order is, tracking, late deliveries, carrier problems and changing the delivery address.",
              ("Where is my order? The tracking has not moved for days.",
               "Can you deliver to my office instead of my home address?")),
    TopicSpec("Damaged delivery", "customer-care", ("damaged_delivery",),
              "A bike or part that arrived damaged: crushed box, scratches, bent parts after shipping.",
              ("The box arrived crushed and the frame has a deep scratch.",), default_priority="high"),
    TopicSpec("Returns & exchanges", "customer-care", ("return_request",),
              "Sending a bike or accessory back within 30 days, or exchanging it for another size.",
              ("I would like to return my bike, how does that work?",
               "Can I exchange the frame size M for an L?")),
    TopicSpec("Buying advice", "customer-care", ("size_advice",),
              "Questions before buying: which frame size, test rides, differences between models.",
              ("Which frame size fits me at 178 cm?", "Where can I test ride a bike near me?")),
    TopicSpec("Ride app & account", "customer-care", ("app_login",),
              "The Northwind Ride app: login, password reset, two-factor, pairing the bike over Bluetooth.",
              ("The app says invalid credentials after the update.", "Pairing the bike with the app fails.")),
    TopicSpec("Invoices", "billing", ("invoice",),
              "Invoices and corrections: company name, VAT ID, invoices for the employer.",
              ("Please re-issue the invoice with our VAT ID.",)),
    TopicSpec("Payments & refunds", "billing", ("double_charge", "refund_status"),
              "Payments at checkout, double charges, when a refund arrives after a return.",
              ("I was charged twice for one order.", "When do I get my refund?"), default_priority="high"),
    TopicSpec("Financing & leasing", "billing", ("financing",),
              "0% financing, instalments, leasing a bike through an employer.",
              ("Do you offer 0% financing over 24 months?",)),
    TopicSpec("Battery & charging", "workshop", ("battery",),
              "Battery range, charging problems, the battery in cold weather.",
              ("The battery range dropped a lot.", "The battery does not charge anymore.")),
    TopicSpec("Motor & error codes", "workshop", ("motor_error",),
              "Motor noise, the motor cutting out, error codes on the display.",
              ("The display shows an error code and the motor gives no support.",)),
    TopicSpec("Warranty claims", "workshop", ("warranty",),
              "Frame cracks, broken spokes and other defects covered by the warranty.",
              ("I found a crack in the frame, is that covered by the warranty?",)),
    TopicSpec("Service & spare parts", "workshop", ("service", "spare_parts"),
              "Inspections, brakes and gears, repair appointments, spare keys, chargers and other parts.",
              ("How do I book the first inspection?", "Can I order a second charger?")),
)  # fmt: skip


@dataclass(frozen=True)
class RuleSpec:
    name: str
    set_team: str = ""
    set_priority: str = ""
    keywords: str = ""
    topic: str = ""
    stop: bool = True
    is_active: bool = True


RULES = (
    RuleSpec("Damaged parcels are high priority", set_team="customer-care", set_priority="high",
             topic="Damaged delivery"),
    RuleSpec("Warranty claims go to the workshop", set_team="workshop",
             keywords="warranty, guarantee, garantie, gewährleistung"),
    RuleSpec("Invoices and VAT go to Billing", set_team="billing",
             keywords="invoice, rechnung, vat id, ust-id"),
    RuleSpec("Leasing requests go to Billing", set_team="billing", keywords="leasing, jobrad, dienstrad"),
)  # fmt: skip

ALWAYS = [["00:00", "24:00"]]
OFFICE = [["08:00", "18:00"]]
POLICIES = (
    {
        "name": "Customer Care (24/7)",
        "teams": ("customer-care",),
        "time_zone": "Europe/London",
        "business_hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), ALWAYS),
        "first_response_minutes": {"urgent": 30, "high": 120, "normal": 480, "low": 1440},
        "resolution_minutes": {"urgent": 480, "high": 1440, "normal": 2880, "low": 7200},
        "breach_soon_minutes": 60,
    },
    {
        "name": "Billing & Workshop office hours",
        "teams": ("billing", "workshop"),
        "time_zone": "Europe/Berlin",
        "business_hours": {
            "mon": OFFICE,
            "tue": OFFICE,
            "wed": OFFICE,
            "thu": OFFICE,
            "fri": OFFICE,
            "sat": [["09:00", "13:00"]],
            "sun": [],
        },  # fmt: skip
        "first_response_minutes": {"urgent": 60, "high": 240, "normal": 600, "low": 1440},
        "resolution_minutes": {"urgent": 600, "high": 1440, "normal": 3000, "low": 7200},
        "breach_soon_minutes": 120,
    },
    {
        "name": "Standard (unrouted tickets)",
        "teams": (),
        "time_zone": "Europe/London",
        "business_hours": {day: [["09:00", "17:30"]] for day in ("mon", "tue", "wed", "thu", "fri")}
        | {"sat": [], "sun": []},
        "first_response_minutes": {"urgent": 60, "high": 240, "normal": 480, "low": 1440},
        "resolution_minutes": {"urgent": 480, "high": 1440, "normal": 2880, "low": 7200},
        "breach_soon_minutes": 60,
    },
)
# Public holidays in Berlin the office policy skips (fixed dates; the demo spans two months).
BERLIN_HOLIDAYS = ((1, 1, "New Year's Day"), (5, 1, "Labour Day"), (10, 3, "German Unity Day"),
                   (12, 25, "Christmas Day"), (12, 26, "Boxing Day"))  # fmt: skip


def desk_config_create(teams: dict[str, Team], *, today: dt.date) -> dict[str, Topic]:
    """Topics, routing rules and SLA policies (configuration rows an admin would enter; there are no
    services for them). Returns the topics by name."""
    topics = {
        spec.name: Topic.objects.create(
            name=spec.name,
            team=teams[spec.team],
            description=spec.description,
            examples="\n".join(spec.examples),
            default_priority=spec.default_priority,
        )
        for spec in TOPICS
    }
    for position, spec in enumerate(RULES, start=1):
        RoutingRule.objects.create(
            position=position * 10,
            name=spec.name,
            is_active=spec.is_active,
            topic=topics[spec.topic] if spec.topic else None,
            keywords=spec.keywords,
            set_team=teams[spec.set_team] if spec.set_team else None,
            set_priority=spec.set_priority,
            stop=spec.stop,
        )
    for spec in POLICIES:
        fields = {key: value for key, value in spec.items() if key != "teams"}
        policy = SLAPolicy.objects.create(**fields)
        policy.teams.set([teams[slug] for slug in spec["teams"]])
        if spec["time_zone"] == "Europe/Berlin":
            for year in (today.year - 1, today.year, today.year + 1):
                Holiday.objects.bulk_create(
                    [
                        Holiday(policy=policy, date=dt.date(year, m, d), name=name)
                        for m, d, name in BERLIN_HOLIDAYS
                    ]
                )
    return topics


def truth_topic(topics: dict[str, Topic], scenario_key: str) -> Topic | None:
    """The topic an agent would pick for a ticket of this demo scenario."""
    for spec in TOPICS:
        if scenario_key in spec.scenarios:
            return topics[spec.name]
    return None
