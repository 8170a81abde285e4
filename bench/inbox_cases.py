"""The desk pages bench/inbox.py measures, each through its selector and through a full request.

Inbox cases (first page, deep keyset page, filters, search) time helpdesk.selectors.inbox.inbox_page;
the ticket page (a 100-message thread) times the ticket page's reads (access check, thread, history,
sidebar choices); the reports page (the last 365 days) times the roll-up selector
(helpdesk.selectors.reports_rollup) and, as a second case, the direct computation from the tickets
(helpdesk.selectors.reports.report_build); its request runs with the cache cleared (a cache miss).
Every request goes through Django's test client with the whole middleware stack; the time spent in
template rendering is measured on its own (Template.render wrapped by a timer).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.template.backends.django import Template as DjangoTemplate
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from helpdesk.models import Agent, Team, Ticket
from helpdesk.selectors.access import ticket_access
from helpdesk.selectors.inbox import (
    DEFAULT_PAGE_SIZE,
    encode_cursor,
    inbox_page,
    inbox_query_from_params,
    inbox_queryset,
)
from helpdesk.selectors.reports import report_build, report_period
from helpdesk.selectors.reports_rollup import report_build_rollup
from helpdesk.selectors.thread import sidebar_choices, ticket_history, ticket_thread

DEEP_PAGE = 500
WARM_UPS = 3


class TemplateTimer:
    """Wall time spent inside Django template rendering (top-level renders only)."""

    def __init__(self) -> None:
        from django.template import engines

        self.seconds = 0.0
        self._depth = 0
        # The configured backend's template class (core/template_backend.py's, a DjangoTemplate).
        self._cls = type(engines["django"].from_string(""))
        assert issubclass(self._cls, DjangoTemplate)
        self._original = self._cls.render

    def __enter__(self) -> TemplateTimer:
        timer, original = self, self._original

        def render(template, context=None, request=None):
            timer._depth += 1
            started = time.perf_counter()
            try:
                return original(template, context, request)
            finally:
                timer._depth -= 1
                if timer._depth == 0:
                    timer.seconds += time.perf_counter() - started

        self._cls.render = render
        return self

    def __exit__(self, *exc) -> None:
        self._cls.render = self._original


def inbox_selector(params: dict) -> Callable:
    query = inbox_query_from_params(params)

    def run(user):
        page = inbox_page(user=user, query=query)
        for ticket in page.tickets:  # what the rows touch
            _ = (ticket.requester.email, ticket.team, ticket.assignee, list(ticket.tags.all()))
        return len(page.tickets)

    return run


def ticket_selector(ticket_id: int) -> Callable:
    def run(user):
        ticket = ticket_access(user=user, ticket_id=ticket_id)
        thread = list(ticket_thread(ticket=ticket))
        ticket_history(ticket=ticket)
        sidebar_choices()
        return len(thread)

    return run


def reports_selector(days: int, build=report_build_rollup) -> Callable:
    def run(user):
        today = timezone.localdate()
        period = report_period(
            start=today - dt.timedelta(days=days - 1), end=today, days=days, today=today,
            tz=timezone.get_current_timezone(),
        )  # fmt: skip
        return len(build(user=user, period=period).daily)

    return run


def build_cases(*, thread_ticket: int) -> list[dict]:
    admin = Agent.objects.get(user__username="bench-admin").user
    agent = Agent.objects.get(user__username="bench-agent-0").user
    team = Team.objects.order_by("id").first()
    # A ticket whose subject carries its order number, as a customer would paste it into the search.
    subject = (
        Ticket.objects.filter(subject__contains="NW-").order_by("id").values_list("subject", flat=True)[:500]
    )
    order_token = next(  # the last of these with the number as a word (a small fill may glue it to text)
        word.strip("()?.,")
        for line in reversed(list(subject))
        for word in line.split()
        if word.startswith("NW-")
    )
    inbox = [
        ("first page, admin, all", admin, {"view": "all"}, "page"),
        ("first page, agent, my teams", agent, {"view": "teams"}, "page"),
        ("deep page, admin, all (keyset)", admin, {"view": "all"}, "page"),
        ("deep page, agent, my teams (keyset)", agent, {"view": "teams"}, "page"),
        ("filter status=open + team, admin", admin, {"view": "all", "status": "open", "team": str(team.id)}, "page"),
        ("filter unsolved, agent, my teams", agent, {"view": "teams", "status": "unsolved"}, "page"),
        ("search 'battery' (common), admin", admin, {"view": "all", "q": "battery"}, "search"),
        ("search 'battery', agent, my teams", agent, {"view": "teams", "q": "battery"}, "search"),
        ("search 'derailleur hanger' (rare)", admin, {"view": "all", "q": "derailleur hanger"}, "search"),
        (f"search order number {order_token}", admin, {"view": "all", "q": order_token}, "search"),
    ]  # fmt: skip
    cases = []
    for name, user, params, kind in inbox:
        if name.startswith("deep page"):
            cursor, page_number = deep_cursor(user, params)
            params = {**params, "cursor": cursor}
            name = name.replace("deep page", f"page {page_number}")
        cases.append({
            "case": name, "user_id": user.pk, "kind": kind, "selector": inbox_selector(params),
            "url": "/desk/?" + urlencode(params),
        })  # fmt: skip
    messages = Ticket.objects.get(pk=thread_ticket).message_count
    today = timezone.localdate()
    year = {"from": (today - dt.timedelta(days=364)).isoformat(), "to": today.isoformat()}
    cases += [
        {"case": f"ticket page, {messages}-message thread", "user_id": admin.pk, "kind": "page",
         "selector": ticket_selector(thread_ticket), "url": f"/desk/tickets/{thread_ticket}/"},
        {"case": "reports, last 365 days, admin", "user_id": admin.pk, "kind": "page",
         "selector": reports_selector(365), "url": "/desk/reports/?" + urlencode(year), "clear_cache": True},
        {"case": "reports from the tickets (no roll-up), 365 days", "user_id": admin.pk, "kind": "page",
         "selector": reports_selector(365, report_build), "url": None},
        {"case": "inbox view counts (lazy), agent", "user_id": agent.pk, "kind": "page",
         "selector": None, "url": "/desk/inbox/counts/", "clear_cache": True},
    ]  # fmt: skip
    return cases


def deep_cursor(user, params: dict) -> tuple[str, int]:
    """The cursor a user would hold after paging ~500 times with the 'next' link (or halfway through
    a smaller fill), and the page number it opens."""
    query = inbox_query_from_params(params)
    tickets = inbox_queryset(user=user, query=query)
    position = min(DEEP_PAGE * DEFAULT_PAGE_SIZE, tickets.count() // 2)
    ticket = tickets.order_by("-updated_at", "-id").only("id", "updated_at")[max(position - 1, 0)]
    return encode_cursor(ticket=ticket, direction="n"), position // DEFAULT_PAGE_SIZE + 1


def run_cases(*, repeat: int, thread_ticket: int, only: str = "", progress=print) -> list[dict]:
    rows = []
    for case in build_cases(thread_ticket=thread_ticket):
        if only and only not in case["case"]:
            continue
        progress(f"  measuring: {case['case']}")
        row = {"case": case["case"], "kind": case["kind"]}
        row.update(measure_selector(case, repeat))
        row.update(measure_request(case, repeat))
        rows.append(row)
    return rows


def backend_cpu_reader():
    """CPU time of this connection's PostgreSQL backend (ns), when the server runs on this machine.
    With the Python process's own CPU time it tells what a run costs on an idle machine, whatever
    else is competing for the cores while the bench runs."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        path = f"/proc/{cursor.fetchone()[0]}/schedstat"
    try:
        open(path).close()
    except OSError:
        return lambda: 0
    return lambda: int(open(path).read().split()[0])


def measure_selector(case: dict, repeat: int) -> dict:
    if case["selector"] is None:
        return {"selector_ms": [], "selector_cpu_ms": [], "selector_queries": None, "rows": None}
    user_model = get_user_model()
    times, cpu, queries, rows = [], [], 0, 0
    backend_ns = backend_cpu_reader()
    for run in range(WARM_UPS + repeat):
        user = user_model.objects.get(pk=case["user_id"])  # fresh, as each request loads it anew
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started, backend_started = time.perf_counter(), time.process_time(), backend_ns()
            result = case["selector"](user)
            elapsed = time.perf_counter() - started
            used = time.process_time() - cpu_started + (backend_ns() - backend_started) / 1e9
        if run >= WARM_UPS:
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
            queries, rows = len(captured.captured_queries), result
    return {"selector_ms": times, "selector_cpu_ms": cpu, "selector_queries": queries, "rows": rows}


def measure_request(case: dict, repeat: int) -> dict:
    if case["url"] is None:
        return {"request_ms": [], "request_cpu_ms": [], "template_ms": [], "request_queries": None}
    client = Client()
    client.force_login(get_user_model().objects.get(pk=case["user_id"]))
    times, cpu, template, queries = [], [], [], 0
    for run in range(WARM_UPS + repeat):
        if case.get("clear_cache"):
            cache.clear()  # measure the uncached work, not a cache hit
        with CaptureQueriesContext(connection) as captured, TemplateTimer() as rendering:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(case["url"])
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu_started
        if response.status_code != 200:
            raise RuntimeError(f"{case['url']} answered {response.status_code}")
        if run >= WARM_UPS:
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
            template.append(rendering.seconds * 1000)
            queries = len(captured.captured_queries)
    return {"request_ms": times, "request_cpu_ms": cpu, "template_ms": template, "request_queries": queries}
