"""The suppression list and the unsubscribe link (a signed token carrying the address)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.errors import ApplicationError
from outreach.models import Suppression
from outreach.services.audit import audit_record

SALT = "helmdesk.outreach.unsubscribe"


def unsubscribe_token(email: str) -> str:
    return signing.dumps({"e": email.strip().lower()}, salt=SALT, compress=True)


def unsubscribe_url(email: str) -> str:
    return settings.SITE_URL + reverse("outreach:unsubscribe", args=[unsubscribe_token(email)])


def one_click_url(email: str) -> str:
    """The RFC 8058 one-click address: a mail client POSTs "List-Unsubscribe=One-Click" to it."""
    return settings.SITE_URL + reverse("outreach:unsubscribe_one_click", args=[unsubscribe_token(email)])


def list_unsubscribe_headers(email: str) -> dict[str, str]:
    """List-Unsubscribe (the one-click https URL, and a mailto: when OUTREACH_UNSUBSCRIBE_MAILTO is set)
    and List-Unsubscribe-Post, so mail clients offer their own unsubscribe button (RFC 2369, RFC 8058)."""
    targets = [f"<{one_click_url(email)}>"]
    mailto = getattr(settings, "OUTREACH_UNSUBSCRIBE_MAILTO", "")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def email_from_token(token: str) -> str:
    """The address a token was made for; ApplicationError when it was not made here (or was altered)."""
    try:
        return str(signing.loads(token, salt=SALT)["e"])
    except (signing.BadSignature, KeyError, TypeError):
        raise ApplicationError("This unsubscribe link is not valid.") from None


@transaction.atomic
def suppression_add(*, email: str, reason: str = Suppression.Reason.MANUAL, actor=None) -> Suppression:
    """Add an address (idempotent: an address already on the list keeps its first reason)."""
    email = (email or "").strip()
    if "@" not in email:
        raise ApplicationError("A valid email address is needed.", {"email": email})
    existing = Suppression.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            row = Suppression.objects.create(email=email, reason=reason)
    except IntegrityError:  # added at the same moment by another request
        return Suppression.objects.get(email__iexact=email)
    audit_record(action="suppressed", actor=actor, detail=f"{email} ({reason})")
    return row


def unsubscribe(*, token: str) -> Suppression:
    return suppression_add(email=email_from_token(token), reason=Suppression.Reason.UNSUBSCRIBED)
