"""The quarantine's actions: retry processing, discard, release as a new ticket. Audited by the
InboundEmail row itself (outcome and reason) and the RawInput status."""

from __future__ import annotations

from core.errors import ApplicationError
from emailchannel.models import InboundEmail
from emailchannel.selectors import HELD
from emailchannel.services.inbound import email_process, inbound_finish


def _held(inbound_id: int) -> InboundEmail:
    inbound = InboundEmail.objects.select_related("raw_input", "mailbox").filter(pk=inbound_id).first()
    if inbound is None or inbound.outcome not in HELD:
        raise ApplicationError("Only a quarantined or spam email can be retried, released or discarded.")
    return inbound


def quarantine_retry(*, inbound_id: int) -> InboundEmail:
    """Process again (after a fix, or a temporary failure): the normal rules apply."""
    return email_process(inbound=_held(inbound_id))


def quarantine_release(*, inbound_id: int) -> InboundEmail:
    """Make a new ticket of it whatever the noise rules said (spam that is not, an auto-reply)."""
    return email_process(inbound=_held(inbound_id), as_new_ticket=True)


def quarantine_discard(*, inbound_id: int, actor_label: str = "") -> InboundEmail:
    """Drop it from the list; the raw bytes stay stored (status discarded)."""
    inbound = _held(inbound_id)
    return inbound_finish(
        inbound, InboundEmail.Outcome.DISCARDED, f"Discarded by {actor_label or 'an agent'}"
    )
