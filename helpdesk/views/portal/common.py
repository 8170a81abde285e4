from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse

from core.client_ip import client_ip  # noqa: F401  (re-exported for the portal views)
from helpdesk.selectors.portal import portal_customer


def customer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        customer = portal_customer(request)
        if customer is None:
            return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
        request.customer = customer
        return view(request, *args, **kwargs)

    return wrapper
