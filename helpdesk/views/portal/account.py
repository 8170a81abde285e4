"""Portal sign-in: magic link by email (default) or an optional password account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import ApplicationError
from helpdesk.models import Customer
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.portal import RateLimited, magic_link_consume, magic_link_request
from helpdesk.views.portal.common import client_ip


def _safe_next(request, default="portal:tickets"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _sign_in(request, customer: Customer):
    request.session.cycle_key()
    request.session[SESSION_KEY] = customer.pk


@require_http_methods(["GET", "POST"])
def login(request):
    sent = False
    error = ""
    if request.method == "POST" and request.POST.get("mode") == "password":
        user = authenticate(
            request, username=request.POST.get("email", ""), password=request.POST.get("password", "")
        )
        customer = Customer.objects.filter(user=user).first() if user else None
        if customer is None:
            error = _("That email and password do not match an account.")
        else:
            _sign_in(request, customer)
            return redirect(_safe_next(request))
    elif request.method == "POST":
        try:
            magic_link_request(email=request.POST.get("email", ""), ip=client_ip(request))
            sent = True
        except RateLimited as exc:
            error = exc.message
    return render(
        request, "portal/login.html", {"sent": sent, "error": error, "next": _safe_next(request, "")}
    )


def login_with_token(request, token: str):
    """GET shows a button (mail scanners that prefetch links must not burn the single-use token)."""
    if request.method != "POST":
        return render(request, "portal/login_confirm.html", {"token": token})
    try:
        customer = magic_link_consume(token=token)
    except ApplicationError as exc:
        return render(request, "portal/login.html", {"error": exc.message}, status=400)
    _sign_in(request, customer)
    messages.success(request, _("You are signed in."))
    return redirect("portal:tickets")


@require_POST
def logout(request):
    request.session.flush()
    return redirect("portal:login")
