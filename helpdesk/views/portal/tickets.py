from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from helpdesk.models import CsatSurvey
from helpdesk.selectors.portal import portal_attachment, portal_messages, portal_ticket, portal_tickets
from helpdesk.services.portal import portal_close, portal_reply
from helpdesk.services.reply_feedback import reply_feedback_record
from helpdesk.views.downloads import attachment_response
from helpdesk.views.portal.common import customer_required


@customer_required
def ticket_list(request):
    tickets = portal_tickets(request.customer)[:200]
    return render(request, "portal/tickets.html", {"tickets": tickets, "customer": request.customer})


@customer_required
def ticket_detail(request, number: int):
    ticket = portal_ticket(request.customer, number)
    error, body = "", ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            portal_reply(customer=request.customer, ticket=ticket, body=body,
                         attachments=request.FILES.getlist("attachments"))  # fmt: skip
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("portal:ticket", number=number)
    if request.method == "GET" and request.GET.get("region") == "thread":
        # The open page polls this, so agents' replies appear without a reload.
        return render(
            request, "portal/partials/thread.html", {"ticket": ticket, "thread": portal_messages(ticket)}
        )
    survey = CsatSurvey.objects.filter(ticket=ticket, answered_at__isnull=True).first()
    context = {
        "ticket": ticket,
        "thread": portal_messages(ticket),
        "error": error,
        "survey": survey,
        "body": body if error else "",  # a refused reply keeps what they typed
    }
    return render(request, "portal/ticket.html", context, status=400 if error else 200)


@customer_required
@require_POST
def reply_helpful(request, number: int, seq: int):
    """The "Was this helpful?" buttons under an AI answer."""
    ticket = portal_ticket(request.customer, number)
    try:
        reply_feedback_record(
            customer=request.customer, ticket=ticket, seq=seq, helpful=request.POST.get("helpful") == "yes"
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thanks for telling us."))
    return redirect(f"{reverse('portal:ticket', kwargs={'number': number})}#message-{seq}")


@customer_required
@require_POST
def ticket_close(request, number: int):
    ticket = portal_ticket(request.customer, number)
    portal_close(customer=request.customer, ticket=ticket)
    messages.success(request, _("Thanks! We marked your request as solved."))
    return redirect("portal:ticket", number=number)


@customer_required
def attachment(request, attachment_id: int):
    return attachment_response(portal_attachment(request.customer, attachment_id))
