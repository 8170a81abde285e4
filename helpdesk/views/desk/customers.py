"""The customer page (profile, all their tickets and chats, notes), the customer search and the
desk's "New ticket" form (an agent opens a ticket for a customer, e.g. after a phone call)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ApplicationError
from core.views import agent_required
from helpdesk.models import Customer
from helpdesk.selectors.access import ticket_access
from helpdesk.selectors.customers import customer_profile, customer_search
from helpdesk.services.customers import customer_update
from helpdesk.services.desk_tickets import agent_ticket_open
from helpdesk.views.desk.forms import NewTicketForm


@agent_required
def customer_list(request):
    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "desk/customers.html",
        {"query": query, "customers": customer_search(query=query), "nav_active": "customers"},
    )


@agent_required
def customer_detail(request, customer_id: int):
    profile = customer_profile(user=request.user, customer_id=customer_id)
    return render(request, "desk/customer.html", {"profile": profile, "customer": profile.customer})


@require_POST
@agent_required
def customer_notes(request, customer_id: int):
    customer = get_object_or_404(Customer, pk=customer_id)
    customer_update(customer=customer, notes=request.POST.get("notes", "").strip()[:10_000])
    messages.success(request, _("Notes saved."))
    return redirect("desk:customer", customer.pk)


@require_http_methods(["GET", "POST"])
@agent_required
def ticket_new(request):
    initial = {}
    customer = Customer.objects.filter(pk=request.GET.get("customer") or 0).first()
    if customer is not None:
        initial = {"email": customer.email, "name": customer.name}
    form = NewTicketForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = agent_ticket_open(
                agent=request.agent,
                email=data["email"],
                name=data["name"],
                subject=data["subject"],
                body_text=data["body"],
                channel=data["channel"],
                priority=data["priority"],
                team=data["team"],
                assign_to_me=data["assign_to_me"],
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Ticket #%(n)s opened.") % {"n": ticket.number})
            try:
                ticket_access(user=request.user, ticket_id=ticket.pk)
            except PermissionDenied:
                # Routed to a team the agent is not in and not assigned to them: it is in good hands.
                return redirect("desk:inbox")
            return redirect("desk:ticket", ticket.pk)
    return render(request, "desk/ticket_new.html", {"form": form, "nav_active": "new"})
