"""Desk pages of the email channel (/desk/email/): the quarantine, raw downloads, a ticket's email
panel (sender, cc's, original messages, delivery log). Thin: one selector or service each."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import ApplicationError
from core.views import agent_required, htmx_or_redirect
from emailchannel.selectors import (
    inbound_for_ticket,
    outbound_for_ticket,
    quarantine_page,
    ticket_cc_addresses,
    visible_inbound,
)
from emailchannel.services.ccs import ticket_cc_add, ticket_cc_remove
from emailchannel.services.quarantine import quarantine_discard, quarantine_release, quarantine_retry
from helpdesk.selectors.access import ticket_access

ACTIONS = {"retry": quarantine_retry, "release": quarantine_release}


@require_GET
@agent_required
def quarantine(request):
    kind = request.GET.get("kind", "")
    emails = quarantine_page(user=request.user, kind=kind)
    return render(request, "emailchannel/quarantine.html", {"emails": emails, "kind": kind})


@require_POST
@agent_required
def quarantine_action(request, inbound_id: int, action: str):
    if not visible_inbound(user=request.user).filter(pk=inbound_id).exists():
        raise Http404("No such email.")
    try:
        if action == "discard":
            inbound = quarantine_discard(inbound_id=inbound_id, actor_label=request.user.get_username())
        elif action in ACTIONS:
            inbound = ACTIONS[action](inbound_id=inbound_id)
        else:
            raise Http404("No such action.")
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.info(
            request,
            _("Email %(id)s: %(outcome)s.") % {"id": inbound.pk, "outcome": inbound.get_outcome_display()},
        )
    return htmx_or_redirect(request, reverse("emailchannel:quarantine"))


@require_GET
@agent_required
def raw_download(request, inbound_id: int):
    """The original message exactly as it arrived, always as a download (.eml)."""
    inbound = visible_inbound(user=request.user).filter(pk=inbound_id).first()
    if inbound is None or not inbound.raw_input.file:
        raise Http404("No such email.")
    try:
        handle = inbound.raw_input.file.open("rb")
    except FileNotFoundError:
        raise Http404("The raw message is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"email-{inbound.pk}.eml", content_type="message/rfc822"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
@agent_required
def ticket_panel(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    return render(request, "emailchannel/ticket_panel.html", _panel_context(ticket))


def _panel_context(ticket) -> dict:
    inbound = inbound_for_ticket(ticket)
    return {
        "ticket": ticket,
        "inbound": [inbound[pk] for pk in sorted(inbound)],
        "outbound": outbound_for_ticket(ticket),
        "ccs": ticket_cc_addresses(ticket),
    }


@require_POST
@agent_required
def ticket_cc(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    address = request.POST.get("address", "")
    try:
        if request.POST.get("remove"):
            ticket_cc_remove(ticket=ticket, address=address, actor=request.agent)
        else:
            ticket_cc_add(ticket=ticket, address=address, actor=request.agent)
    except ApplicationError as error:
        context = _panel_context(ticket) | {"cc_error": str(error), "cc_value": address}
        status = 200 if request.htmx else 400  # htmx swaps only 2xx answers
        return render(request, "emailchannel/ticket_panel.html", context, status=status)
    if request.htmx:
        return render(request, "emailchannel/ticket_panel.html", _panel_context(ticket))
    return htmx_or_redirect(request, reverse("desk:ticket", args=[ticket.pk]))
