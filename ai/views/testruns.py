"""/desk/ai/test-runs/: test the AI on solved tickets before going live (admins). Nothing is sent and
nothing changes on the tickets; the run shows the AI's answer beside the agent's actual reply."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ai.models import ReviewItem, TestRun, TestRunItem
from ai.selectors.review import sandbox_candidates, sandbox_run_get
from ai.services.sandbox import sandbox_item_grade, sandbox_run_create, sandbox_run_repeat
from core.errors import ApplicationError
from core.views import agent_required
from helpdesk.models import Ticket, Topic


def _admin_only(request) -> None:
    if not (request.agent.is_admin or request.user.is_staff):
        raise PermissionDenied(_("Only admins run AI tests."))


def _int(value: str | None, *, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
@agent_required
def run_list(request):
    _admin_only(request)
    context = {"runs": TestRun.objects.select_related("created_by__user")[:50],
               "topics": Topic.objects.order_by("name"), "nav_active": "reports"}  # fmt: skip
    return render(request, "ai/testrun_list.html", context)


@require_POST
@agent_required
def run_create(request):
    _admin_only(request)
    numbers = [int(n) for n in request.POST.get("numbers", "").replace(",", " ").split() if n.isdigit()]
    if numbers:
        ids = list(Ticket.objects.filter(number__in=numbers).values_list("pk", flat=True))
    else:
        ids = sandbox_candidates(
            user=request.user, start=_date(request.POST.get("from")), end=_date(request.POST.get("to")),
            topic_id=_int(request.POST.get("topic"), default=0, low=0, high=2**31 - 1) or None,
            limit=_int(request.POST.get("n"), default=50, low=1, high=200),
        )  # fmt: skip
    try:
        run = sandbox_run_create(name=request.POST.get("name", ""), ticket_ids=ids, agent=request.agent)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("ai:testrun_list")
    return redirect("ai:testrun_detail", run_id=run.pk)


@require_GET
@agent_required
def run_detail(request, run_id: int):
    _admin_only(request)
    run = sandbox_run_get(run_id=run_id)
    items = list(run.items.select_related("ticket"))
    earlier = {}
    if run.repeat_of_id:
        earlier = {i.ticket_id: i for i in TestRunItem.objects.filter(run_id=run.repeat_of_id)}
    rows = [(item, earlier.get(item.ticket_id)) for item in items]
    answered = sum(1 for item in items if item.decision == "answered")
    context = {"run": run, "rows": rows, "answered": answered, "grades": ReviewItem.Grade.choices,
               "nav_active": "reports"}  # fmt: skip
    return render(request, "ai/testrun_detail.html", context)


@require_POST
@agent_required
def run_repeat(request, run_id: int):
    _admin_only(request)
    run = sandbox_run_repeat(run=sandbox_run_get(run_id=run_id), agent=request.agent)
    return redirect("ai:testrun_detail", run_id=run.pk)


@require_POST
@agent_required
def item_grade(request, run_id: int, item_id: int):
    _admin_only(request)
    item = get_object_or_404(TestRunItem, pk=item_id, run_id=run_id)
    try:
        sandbox_item_grade(item=item, grade=request.POST.get("grade", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("ai:testrun_detail", run_id=run_id)
