from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse

from helpdesk.selectors.portal import portal_customer


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def customer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        customer = portal_customer(request)
        if customer is None:
            return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
        request.customer = customer
        return view(request, *args, **kwargs)

    return wrapper
