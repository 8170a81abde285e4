"""The inbox: views, filters, search, keyset pages, bulk actions. htmx gets only the results."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from core.errors import ApplicationError
from core.views import agent_required, is_htmx
from helpdesk.selectors.inbox import (
    INBOX_VIEWS,
    UNSOLVED,
    choice_labels,
    inbox_default_view,
    inbox_filter_choices,
    inbox_page,
    inbox_query_from_params,
)
from helpdesk.selectors.inbox_counts import inbox_view_counts
from helpdesk.services.tickets import tickets_bulk_update
from helpdesk.views.desk.forms import BulkForm

RESULTS_TEMPLATE = "desk/partials/inbox_results.html"
COUNTS_TEMPLATE = "desk/partials/inbox_counts.html"
COUNTS_CACHE_SECONDS = 30


@require_GET
@agent_required
@vary_on_headers("HX-Request")
def inbox(request):
    # The default view costs a query: only ask for it when the address names no valid view.
    default_view = "teams" if request.GET.get("view") in INBOX_VIEWS else inbox_default_view(request.user)
    query = inbox_query_from_params(request.GET, default_view=default_view)
    page = inbox_page(user=request.user, query=query)
    base = reverse("desk:inbox")  # reversed once: the page links to the inbox ~15 times
    context = {
        "page": page,
        "query": query,
        "next_url": _inbox_url(query.params(cursor=page.next_cursor), base) if page.has_next else "",
        "previous_url": (
            _inbox_url(query.params(cursor=page.previous_cursor), base) if page.has_previous else ""
        ),
        "refresh_url": request.get_full_path(),
    }
    if is_htmx(request) and not request.htmx.history_restore_request:
        # A history restore (Back after an htmx navigation, cache miss) needs the whole page.
        return render(request, RESULTS_TEMPLATE, context)
    labels = choice_labels(get_language())  # translated once per language and process
    statuses = [(UNSOLVED, labels["unsolved"]), *labels["status"].items()]
    context.update(
        views=[
            (key, label, _inbox_url(query.params(view=key, status="", assignee=""), base))
            for key, label in labels["views"].items()
        ],
        status_links=[
            (value, label, _inbox_url(query.params(status=value), base)) for value, label in statuses
        ],
        # (value, label) pairs for the filter and bulk selects, rendered by the select_options tag
        status_choices=statuses,
        priorities=list(labels["priority"].items()),
        **inbox_filter_choices(),  # team_choices, agent_choices, tag_choices
    )
    return render(request, "desk/inbox.html", context)


@require_GET
@agent_required
def inbox_counts(request):
    """Unsolved tickets per view, loaded by the inbox after the page (out-of-band swaps into the nav):
    counting is slower than listing a page, so it never holds the inbox up. Cached briefly per agent."""
    key = f"desk:inbox-counts:{request.user.pk}:{get_language()}"
    html = cache.get(key)
    if html is None:
        counts = inbox_view_counts(user=request.user)
        html = render_to_string(COUNTS_TEMPLATE, {"counts": counts}, request=request)
        cache.set(key, html, COUNTS_CACHE_SECONDS)
    return HttpResponse(html)


@require_POST
@agent_required
def bulk_update(request):
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = ""  # only a path on this site; anything else would be taken for a view name
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one ticket."))
    else:
        changes = form.changes(me=request.agent)
        if not changes:
            messages.warning(request, _("Choose what to change first."))
        else:
            try:
                updated = tickets_bulk_update(
                    user=request.user, ticket_ids=form.cleaned_data["ticket_ids"], **changes
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            except (PermissionDenied, Http404):
                messages.error(
                    request, _("Some of the selected tickets are not yours to change; nothing was changed.")
                )
            else:
                count = len(updated)
                messages.success(
                    request, ngettext("Updated %(n)d ticket.", "Updated %(n)d tickets.", count) % {"n": count}
                )
    # Post/redirect/get; htmx follows the redirect with its headers and receives the results partial.
    return redirect(back or "desk:inbox")


def _inbox_url(params: dict, base: str) -> str:
    return f"{base}?{urlencode(params)}" if params else base
