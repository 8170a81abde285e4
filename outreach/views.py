"""Outreach pages: the desk's approval queue and results (/desk/outreach/), the public unsubscribe
page and the notices a signed-in portal customer's page (or chat widget) fetches. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import ApplicationError
from core.views import agent_required, htmx_or_redirect
from helpdesk.selectors.portal import portal_customer
from outreach.models import Channel, Incident, OutreachBatch
from outreach.selectors import batch_preview, open_incidents, pending_batches, recent_batches
from outreach.selectors.results import batch_results, rule_results
from outreach.services.batches import batch_approve, batch_reject
from outreach.services.incidents import incident_close
from outreach.services.notices import notices_take
from outreach.services.suppression import email_from_token, unsubscribe


@require_GET
@agent_required
def desk(request):
    pending = [(batch, batch_preview(batch)) for batch in pending_batches()]
    batches = list(recent_batches())
    results = batch_results(batches)
    return render(
        request,
        "outreach/desk.html",
        {
            "pending": pending,
            "recent": [(b, results[b.pk]) for b in batches],
            "rule_results": rule_results(),
            "incidents": open_incidents().prefetch_related("links"),
        },
    )


@require_POST
@agent_required
def batch_decide(request, batch_id: int, decision: str):
    batch = get_object_or_404(OutreachBatch, pk=batch_id)
    try:
        if decision == "approve":
            batch_approve(batch=batch, actor=request.user)
            messages.info(request, _("Batch approved: its messages are being sent."))
        elif decision == "reject":
            batch_reject(batch=batch, actor=request.user, note=request.POST.get("note", ""))
            messages.info(request, _("Batch rejected: nothing was sent."))
        else:
            raise Http404("No such decision.")
    except ApplicationError as error:
        messages.error(request, str(error))
    return htmx_or_redirect(request, reverse("outreach_desk:desk"))


@require_POST
@agent_required
def incident_close_view(request, incident_id: int):
    incident = get_object_or_404(Incident, pk=incident_id)
    try:
        sent = incident_close(
            incident=incident, send_follow_up=request.POST.get("follow_up") == "1", actor=request.user
        )
        messages.info(request, _("Incident closed; %(n)s follow-up(s) sent.") % {"n": sent})
    except ApplicationError as error:
        messages.error(request, str(error))
    return htmx_or_redirect(request, reverse("outreach_desk:desk"))


@require_http_methods(["GET", "POST"])
def unsubscribe_view(request, token: str):
    """GET shows the address and a button (link scanners must not unsubscribe anyone); POST unsubscribes."""
    try:
        email = email_from_token(token)
    except ApplicationError as error:
        return render(request, "outreach/unsubscribe.html", {"error": str(error)}, status=400)
    done = False
    if request.method == "POST":
        unsubscribe(token=token)
        done = True
    return render(request, "outreach/unsubscribe.html", {"email": email, "done": done})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token: str):
    """RFC 8058 one-click unsubscribe: the mail client POSTs "List-Unsubscribe=One-Click" here, with no
    cookie, session or CSRF token; the signed token in the address is the authority. A GET (a person
    following the link, or a scanner) shows the ordinary page with its button and unsubscribes nobody."""
    if request.method == "GET":
        return redirect("outreach:unsubscribe", token=token)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponse("List-Unsubscribe=One-Click expected\n", status=400, content_type="text/plain")
    try:
        unsubscribe(token=token)
    except ApplicationError as error:
        return HttpResponse(f"{error}\n", status=400, content_type="text/plain")
    return HttpResponse("unsubscribed\n", content_type="text/plain")


@require_GET
def notices(request):
    """JSON for the portal banner or the chat widget: the signed-in customer's unseen notices."""
    channel = request.GET.get("channel", Channel.PORTAL)
    if channel not in (Channel.PORTAL, Channel.CHAT):
        return JsonResponse({"error": "channel is portal or chat"}, status=400)
    customer = portal_customer(request)
    if customer is None:
        return JsonResponse({"notices": []})
    shown = notices_take(customer=customer, channel=channel)
    return JsonResponse({"notices": [{"id": n.pk, "subject": n.subject, "body": n.body} for n in shown]})
