"""Who is chatting: a visitor is known by a random token kept in their browser (stored hashed).

Anonymous visitors get their own placeholder customer, so their tickets belong to nobody else. An
email a visitor types is kept as typed and unverified: it never links them to an existing customer
(that would open another person's tickets). Only an identity the host website signed with the
widget's secret links the visitor to the customer with that email.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from chat.models import ChatWidget, Visitor
from chat.selectors.widgets import identity_valid, token_digest, visitor_by_token
from helpdesk.models import Customer
from helpdesk.services.customers import customer_get_or_create

PLACEHOLDER_DOMAIN = "chat-visitors.invalid"


@dataclass(frozen=True)
class Identified:
    visitor: Visitor
    token: str  # the token the browser keeps (new, or the one it sent)
    created: bool


@transaction.atomic
def visitor_identify(
    *, widget: ChatWidget, token: str = "", name: str = "", email: str = "", signature: str = ""
) -> Identified:
    """The visitor behind `token`, or a new one with a new token. A valid `signature` of `email`
    links the visitor to that customer; otherwise the email is stored as typed, unverified."""
    visitor = visitor_by_token(widget=widget, token=token)
    verified = identity_valid(widget=widget, email=email, signature=signature)
    created = visitor is None
    if created:
        token = secrets.token_urlsafe(24)
        handle = secrets.token_hex(8)
        customer = Customer.objects.create(
            email=f"visitor-{handle}@{PLACEHOLDER_DOMAIN}", name=name.strip()[:200] or f"Visitor {handle[:4]}"
        )
        visitor = Visitor(widget=widget, token_hash=token_digest(token), customer=customer)  # saved below
    if verified and not visitor.verified:
        visitor.customer = customer_get_or_create(email=email, name=name)
        visitor.verified = True
    if name.strip():
        visitor.name = name.strip()[:200]
    if email.strip() and (verified or not visitor.verified):  # a typed email never replaces a signed one
        visitor.email = email.strip()[:254]
    visitor.last_seen_at = timezone.now()
    visitor.save()
    if name.strip() and not visitor.verified and visitor.customer.email.endswith(PLACEHOLDER_DOMAIN):
        Customer.objects.filter(pk=visitor.customer_id).update(name=name.strip()[:200])
    return Identified(visitor=visitor, token=token, created=created)
