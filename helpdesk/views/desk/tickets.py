"""The ticket page: thread, reply box, property sidebar, history, merge.

Every region of the page is a partial with a stable id (see templates/desk/partials/). A GET with
`?region=<name>` returns one region (the live-update refresh); htmx POSTs return the refreshed
regions (the thread, plus the others out of band); plain POSTs redirect back to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from core.errors import ApplicationError
from core.views import agent_required, htmx_or_redirect, is_htmx
from helpdesk.models import Ticket, TicketPriority
from helpdesk.selectors.access import ticket_access, ticket_access_by_number
from helpdesk.selectors.thread import (
    sidebar_choices,
    ticket_history,
    ticket_status_choices,
    ticket_tag_names,
    ticket_thread_page,
)
from helpdesk.services.agents import agent_reply
from helpdesk.services.delivery import delivery_retry
from helpdesk.services.macros import macro_fill, macro_for_ticket, macros_available
from helpdesk.services.tickets import ticket_merge, ticket_update
from helpdesk.views.desk.forms import THEN_STATUS_CHOICES, MergeForm, PropertiesForm, ReplyForm

REGIONS = {
    "header": "desk/partials/ticket_header.html",
    "thread": "desk/partials/ticket_thread.html",
    "reply": "desk/partials/reply_box.html",
    "sidebar": "desk/partials/ticket_sidebar.html",
    "ai": "desk/partials/ai_panel.html",
}


def _context(request, ticket: Ticket, **extra) -> dict:
    reply = {"kind": "reply", "body": "", "then_status": "", "errors": []}
    reply.update(extra.pop("reply", {}))
    return {
        "ticket": ticket,
        "messages_thread": ticket_thread_page(ticket=ticket),
        "history": ticket_history(ticket=ticket),
        "status_choices": ticket_status_choices(ticket=ticket),
        "then_status_choices": THEN_STATUS_CHOICES,
        "priority_choices": TicketPriority.choices,
        "macros": macros_available(agent=request.agent, ticket=ticket),
        "tags_text": ", ".join(ticket_tag_names(ticket=ticket)),
        "reply": reply,
        **sidebar_choices(),
        **extra,
    }


@require_GET
@agent_required
@vary_on_headers("HX-Request")
def ticket_detail(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    then_status = request.GET.get("then_status", "")
    reply = {
        "body": request.GET.get("body", ""),
        "kind": request.GET.get("kind", "reply"),
        "then_status": then_status if then_status in dict(THEN_STATUS_CHOICES) else "",
    }
    macro = macro_for_ticket(macro_id=request.GET.get("macro"), agent=request.agent, ticket=ticket)
    if macro is not None:
        # The macro picker: append the filled-in macro to whatever the agent already typed.
        filled = macro_fill(text=macro.body, ticket=ticket, agent=request.agent)
        reply["body"] = f"{reply['body'].rstrip()}\n\n{filled}".strip() if reply["body"].strip() else filled
        # A macro may suggest a status for after sending; it never overrides the agent's own choice
        # and the reply box says what changed, so "Then" is never switched silently.
        if macro.set_status in ("pending", "solved") and not reply["then_status"]:
            reply["then_status"] = macro.set_status
            reply["then_from_macro"] = macro.name
    region = request.GET.get("region", "")
    if region and region not in REGIONS:
        return HttpResponseBadRequest("unknown region")
    context = _context(request, ticket, reply=reply)
    if is_htmx(request) or region:
        return render(request, REGIONS.get(region, REGIONS["thread"]), context)
    return render(request, "desk/ticket.html", context)


@require_POST
@agent_required
def ticket_reply(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    form = ReplyForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = agent_reply(
                agent=request.agent,
                ticket=ticket,
                body_text=data["body"],
                internal=data["kind"] == "note",
                then_status=data["then_status"],
                attachments=request.FILES.getlist("attachments"),
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            text = _("Internal note added.") if message.is_internal else _("Reply sent.")
            return _after_write(request, ticket, text, anchor=f"message-{message.seq}", reset_reply=True)
    else:
        error = " ".join(form.non_field_errors()) or _("Check the reply form.")
    reply = {
        "kind": request.POST.get("kind", "reply"),
        "body": request.POST.get("body", ""),
        "then_status": request.POST.get("then_status", ""),
        "errors": [error],
    }
    # Nothing was stored: show the form again with the agent's text so nothing is lost.
    if is_htmx(request):
        response = render(request, REGIONS["reply"], _context(request, ticket, reply=reply))
        response["HX-Retarget"] = "#reply-box"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "desk/ticket.html", _context(request, ticket, reply=reply), status=400)


@require_POST
@agent_required
def ticket_properties(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    form = PropertiesForm(request.POST)
    if not form.is_valid():
        return _after_error(request, ticket, _("Check the ticket properties."))
    data = form.cleaned_data
    try:
        ticket_update(
            ticket=ticket,
            actor=request.user,
            status=data["status"],
            priority=data["priority"],
            assignee=data["assignee"],
            team=data["team"],
            tags=data["tags"],
        )
    except ApplicationError as exc:
        return _after_error(request, ticket, exc.message)
    return _after_write(request, ticket, _("Ticket updated."))


@require_POST
@agent_required
def ticket_assign_me(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    ticket_update(ticket=ticket, actor=request.user, assignee=request.agent)
    return _after_write(request, ticket, _("Assigned to you."))


@require_POST
@agent_required
def ticket_merge_into(request, ticket_id: int):
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _after_error(request, ticket, _("Enter the number of the ticket to merge into."))
    try:
        target = ticket_access_by_number(user=request.user, number=form.cleaned_data["target_number"])
        survivor = ticket_merge(
            source=ticket,
            target=target,
            actor=request.user,
            allow_other_requester=form.cleaned_data["allow_other_requester"],
        )
    except Http404:
        return _after_error(request, ticket, _("There is no ticket with that number."))
    except PermissionDenied:
        return _after_error(request, ticket, _("That ticket belongs to a team you are not in."))
    except ApplicationError as exc:
        return _after_error(request, ticket, exc.message)
    messages.success(request, _("Merged into #%(n)s.") % {"n": survivor.number})
    url = reverse("desk:ticket", args=[survivor.pk])
    return htmx_or_redirect(request, url)


@require_POST
@agent_required
def ticket_message_retry(request, ticket_id: int, message_id: int):
    """The "Retry" button on a reply whose delivery failed."""
    ticket = ticket_access(user=request.user, ticket_id=ticket_id)
    try:
        result = delivery_retry(ticket=ticket, message_id=message_id, actor=request.user)
    except ApplicationError as exc:
        return _after_error(request, ticket, exc.message)
    if result != "sent":
        return _after_error(request, ticket, _("Delivery failed again; the error is shown on the reply."))
    return _after_write(request, ticket, _("Reply delivered."))


def _after_write(request, ticket: Ticket, text: str, anchor: str = "", reset_reply: bool = False):
    """htmx: the refreshed regions (thread in place, the others out of band). Otherwise redirect."""
    try:
        ticket = ticket_access(user=request.user, ticket_id=ticket.pk)
    except PermissionDenied:
        # The agent moved the ticket to a team they are not in: it is no longer theirs to see.
        messages.info(request, _("The ticket moved out of your teams."))
        inbox = reverse("desk:inbox")
        return htmx_or_redirect(request, inbox)
    if is_htmx(request):
        context = _context(request, ticket, flash=text, reset_reply=reset_reply)
        return render(request, "desk/partials/ticket_refresh.html", context)
    messages.success(request, text)
    url = reverse("desk:ticket", args=[ticket.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _after_error(request, ticket: Ticket, text: str):
    if is_htmx(request):
        return render(
            request, "desk/partials/ticket_refresh.html", _context(request, ticket, flash_error=text)
        )
    messages.error(request, text)
    return redirect("desk:ticket", ticket.pk)
