"""Agent profile writes: the desk settings page saves through here."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from helpdesk.models import Agent
from helpdesk.services.delivery import reply_send
from helpdesk.services.messages import note_add
from helpdesk.services.tickets import ticket_transition

# The regions of the IANA "Area/Location" names; aliases such as "ROC", "W-SU", "US/Eastern",
# "Etc/GMT+3" or "localtime" are valid but confusing in a list people pick from.
TIME_ZONE_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
                   "Indian", "Pacific")  # fmt: skip


@lru_cache(maxsize=1)
def time_zone_names() -> list[str]:
    """Every time zone the agent may save (all IANA names, aliases included)."""
    return sorted(name for name in zoneinfo.available_timezones() if name != "localtime")


@lru_cache(maxsize=1)
def time_zone_choices() -> list[str]:
    """The time zones offered in the settings list: UTC and the Area/City names only."""
    return ["UTC"] + [name for name in time_zone_names() if name.split("/", 1)[0] in TIME_ZONE_AREAS]


def signature_present(body_text: str, agent: Agent) -> bool:
    """Whether the text already ends with the agent's sign-off: their signature, or their name in the
    last lines (a macro ending "Best regards, {{ agent.name }}"). Then no signature is added again."""
    signature = " ".join(agent.signature.split()).casefold()
    text = " ".join(body_text.split()).casefold()
    if signature and signature in text:
        return True
    tail = [line.strip().casefold() for line in body_text.strip().splitlines() if line.strip()][-3:]
    names = {name.casefold() for name in (agent.name, agent.user.get_full_name()) if name and name.strip()}
    return any(name in line for line in tail for name in names)


@transaction.atomic
def agent_profile_update(
    *, agent: Agent, display_name: str, signature: str, language: str, time_zone: str
) -> Agent:
    """Validate and save the agent's own preferences. Empty language/time zone = the install default."""
    language = (language or "").strip()
    time_zone = (time_zone or "").strip()
    if language and language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Unknown language: %(l)s") % {"l": language}, {"field": "language"})
    if time_zone and time_zone not in time_zone_names():
        raise ApplicationError(_("Unknown time zone: %(t)s") % {"t": time_zone}, {"field": "time_zone"})
    agent.display_name = (display_name or "").strip()[:150]
    agent.signature = (signature or "").strip()[:2000]
    agent.language = language
    agent.time_zone = time_zone
    agent.save(update_fields=["display_name", "signature", "language", "time_zone"])
    return agent


@transaction.atomic
def agent_reply(
    *,
    agent: Agent,
    ticket,
    body_text: str,
    internal: bool = False,
    then_status: str = "",
    attachments=(),
):
    """What the reply box does: post a reply (with the agent's signature) or an internal note, then
    optionally move the ticket to pending or solved. One transaction: a refused status change or a
    rejected attachment loses nothing because nothing is stored."""
    body_text = (body_text or "").strip()
    if internal:
        message = note_add(ticket=ticket, author_agent=agent, body_text=body_text, attachments=attachments)
    else:
        if body_text and agent.signature.strip() and not signature_present(body_text, agent):
            body_text = f"{body_text}\n\n{agent.signature.strip()}"
        message = reply_send(
            ticket=ticket,
            author_kind="agent",
            author_agent=agent,
            body_text=body_text,
            attachments=attachments,
        )
    if then_status:
        ticket_transition(ticket=ticket, to_status=then_status, actor=agent)
    return message
