"""New-ticket form with article suggestions while the customer types, and deflection tracking."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ApplicationError
from helpdesk.extensions import portal_suggestion_url, portal_suggestions
from helpdesk.selectors.portal import portal_customer, portal_topics
from helpdesk.services.portal import (
    RateLimited,
    SpamRejected,
    deflection_record,
    form_stamp,
    portal_ticket_submit,
)
from helpdesk.views.portal.common import client_ip

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
def submit(request):
    customer = portal_customer(request)
    values = {"email": customer.email if customer else "", "name": customer.name if customer else ""}
    errors: list[str] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("email", "name", "subject", "body", "topic")}
        try:
            ticket = portal_ticket_submit(
                **values,
                ip=client_ip(request),
                stamp=request.POST.get("stamp", ""),
                honeypot=request.POST.get("website", ""),
                attachments=request.FILES.getlist("attachments"),
                language=get_language() or "",
            )
        except SpamRejected as exc:
            logger.info("portal submission rejected as spam: %s", exc.message)
            return redirect("portal:thanks")
        except RateLimited as exc:
            errors.append(exc.message)
        except ApplicationError as exc:
            errors.append(exc.message)
        else:
            request.session.pop("portal_suggestion", None)
            request.session["portal_last_ticket"] = ticket.number
            return redirect("portal:thanks")
    context = {
        "values": values,
        "errors": errors,
        "stamp": form_stamp(),
        "topics": portal_topics(),
        "customer": customer,
    }
    return render(request, "portal/submit.html", context, status=400 if errors else 200)


def thanks(request):
    return render(request, "portal/thanks.html", {"number": request.session.get("portal_last_ticket")})


def suggestions(request):
    """htmx: help-center articles matching what the customer typed so far (from whichever app
    registered a portal suggester; none registered, no suggestions)."""
    query = " ".join(request.GET.get(k, "") for k in ("subject", "body")).strip()[:500]
    hits = portal_suggestions(query, limit=3) if len(query) >= 8 else []
    return render(request, "portal/partials/suggestions.html", {"hits": hits, "query": query})


def suggestion_open(request, article_id: int):
    """Remember which suggestion was read, then show the article."""
    url = portal_suggestion_url(article_id)
    if url is None:
        raise Http404(_("No such article."))
    request.session["portal_suggestion"] = {"article_id": article_id, "query": request.GET.get("q", "")[:300]}
    return redirect(url)


@require_POST
def deflected(request):
    """Sent by the form page (sendBeacon) when the visitor leaves after reading a suggestion, or by
    the "This answered my question" button. Counted once per session and article."""
    pending = request.session.get("portal_suggestion")
    if not pending:
        if request.POST.get("explicit"):  # the button, before any suggestion was opened: still say so
            messages.success(request, _("Glad it helped!"))
            return redirect("help:home")
        return HttpResponse(status=204)
    if not request.session.session_key:
        request.session.save()
    deflection_record(
        article_id=pending["article_id"],
        query=pending.get("query", ""),
        customer=portal_customer(request),
        session_key=request.session.session_key or "",
    )
    request.session.pop("portal_suggestion", None)
    if request.POST.get("explicit"):
        messages.success(request, _("Glad it helped!"))
        return redirect("help:home")
    return HttpResponse(status=204)
