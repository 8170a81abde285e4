from __future__ import annotations

from django.db import transaction

from core.errors import ApplicationError
from helpdesk.models import Customer


def customer_get_or_create(*, email: str, name: str = "", language: str = "") -> Customer:
    """Find a customer by address (case-insensitive) or create one; never overwrite a known name."""
    email = (email or "").strip()
    if "@" not in email:
        raise ApplicationError("A valid email address is needed.", {"email": email})
    customer = Customer.objects.filter(email__iexact=email).first()
    if customer is None:
        customer = Customer.objects.create(email=email, name=name.strip()[:200], language=language[:10])
    elif name and not customer.name:
        customer.name = name.strip()[:200]
        customer.save(update_fields=["name"])
    return customer


@transaction.atomic
def customer_create(
    *, email: str, name: str = "", language: str = "", tier: str = "", organization: str = ""
):
    if Customer.objects.filter(email__iexact=email).exists():
        raise ApplicationError("A customer with this email already exists.", {"email": email})
    return Customer.objects.create(
        email=email.strip(), name=name.strip(), language=language, organization=organization,
        tier=tier or Customer.Tier.STANDARD,
    )  # fmt: skip


@transaction.atomic
def customer_update(*, customer: Customer, **changes) -> Customer:
    allowed = {"name", "language", "tier", "organization", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError("These fields cannot be changed.", {"fields": sorted(unknown)})
    if "tier" in changes and changes["tier"] not in Customer.Tier.values:
        raise ApplicationError("Unknown tier.", {"tier": changes["tier"]})
    for name, value in changes.items():
        setattr(customer, name, value)
    if changes:
        customer.save(update_fields=sorted(changes))
    return customer
