"""Outreach part of the demo (called from load_demo): one rule ("Order delayed"), two earlier
delay events without outreach (the "tickets avoided" baseline), one batch approved by the admin and
sent in business hours, one batch still waiting for approval, and one open incident.

Idempotent: does nothing when the rule exists. Mail goes through the configured system mail
(the console backend unless EMAIL_HOST is set)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.data.loader import _clock_at
from helpdesk.models import Customer
from helpdesk.services.customers import customer_get_or_create
from outreach.models import Channel, OutreachBatch, OutreachRule
from outreach.services.batches import batch_approve
from outreach.services.calendar import next_open_moment
from outreach.services.events import event_receive
from outreach.services.incidents import incident_declare
from outreach.services.rules import rule_save
from outreach.services.sending import batch_send

RULE_NAME = "Order delayed"
BODY = (
    "Hi {{ customer.first_name }},\n\n"
    "your order {{ data.order_id }} is running late: the new delivery date is {{ data.new_date }}. "
    "{% if data.reason %}The reason: {{ data.reason }}. {% endif %}"
    "There is nothing you need to do; we will write again if anything changes.\n\n"
    "Northwind Bikes customer care"
)


def _event(customer: Customer, order: str, new_date: str, reason: str = ""):
    payload = {
        "type": "order.delayed",
        "id": f"demo-{order}",
        "customer": {"email": customer.email, "name": customer.name, "external_id": f"shop-{customer.pk}"},
        "data": {"order_id": order, "new_date": new_date, "reason": reason},
    }
    return event_receive(raw=json.dumps(payload))


def load(now: dt.datetime | None = None) -> dict[str, int]:
    if OutreachRule.objects.filter(name=RULE_NAME).exists():
        return {}
    now = now or timezone.now()
    customers = list(Customer.objects.order_by("pk")[:4])
    while len(customers) < 4:
        customers.append(
            customer_get_or_create(email=f"rider{len(customers)}@example.com", name="Demo Rider")
        )
    approver = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()

    for days, customer, order in ((30, customers[2], "NW-0981"), (16, customers[3], "NW-1007")):
        with _clock_at(now - dt.timedelta(days=days)):
            _event(customer, order, "in a week")  # no rule yet: the baseline for "tickets avoided"

    rule = rule_save(
        rule=OutreachRule(
            name=RULE_NAME,
            event_type="order.delayed",
            channel=Channel.EMAIL,
            subject_template="Your order {{ data.order_id }} is running late",
            body_template=BODY,
            requires_approval=True,
            respect_quiet_hours=True,
            max_per_customer_per_day=1,
        )
    )
    sent_at = next_open_moment(now - dt.timedelta(days=2))
    sent_at = sent_at if sent_at < now else now - dt.timedelta(hours=1)
    with _clock_at(sent_at - dt.timedelta(minutes=40)):
        _event(customers[0], "NW-1042", "Tuesday", "a supplier sent the wrong frame size")
    batch = OutreachBatch.objects.get(rule=rule)
    with _clock_at(sent_at):
        batch_approve(batch=batch, actor=approver, actor_label="" if approver else "demo")
        batch_send(batch_id=batch.pk, now=sent_at)
    with _clock_at(now - dt.timedelta(minutes=20)):
        _event(customers[1], "NW-1077", "Friday")  # waits for an agent in /desk/outreach/

    with _clock_at(now - dt.timedelta(hours=3)):
        incident_declare(
            title="Shipping delays in the north",
            customer_note=(
                "Storms in the north delay parcels by 2-3 days. Your order is safe and on its way; there is "
                "no need to reorder. We will let you know when deliveries are back to normal."
            ),
            description="Parcels to northern regions arrive late because of storms; tracking has not moved.",
            keywords="storm, shipping delay, late delivery",
            follow_up_note="Deliveries to the north are back on schedule. Thank you for your patience!",
            actor=approver,
        )
    return {"outreach_rules": 1, "outreach_batches": OutreachBatch.objects.count(), "incidents": 1}
