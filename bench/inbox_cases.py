"""The cases bench/inbox.py measures, each through the selector and through a full /desk/ request."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Agent, Team, Ticket
from helpdesk.selectors.inbox import (
    DEFAULT_PAGE_SIZE,
    encode_cursor,
    inbox_page,
    inbox_query_from_params,
    inbox_queryset,
)

DEEP_PAGE = 500
WARM_UPS = 3


def build_cases() -> list[dict]:
    admin = Agent.objects.get(user__username="bench-admin").user
    agent = Agent.objects.get(user__username="bench-agent-0").user
    team = Team.objects.order_by("id").first()
    # A ticket whose subject carries its order number, as a customer would paste it into the search.
    subject = (
        Ticket.objects.filter(subject__contains="NW-").order_by("id").values_list("subject", flat=True)[:500]
    )
    order_token = next(word for word in list(subject)[-1].split() if word.startswith("NW-")).strip("()?.,")
    cases = [
        ("first page, admin, all", admin, {"view": "all"}, "page"),
        ("first page, agent, my teams", agent, {"view": "teams"}, "page"),
        ("deep page, admin, all (keyset)", admin, {"view": "all"}, "page"),
        ("deep page, agent, my teams (keyset)", agent, {"view": "teams"}, "page"),
        (
            "filter status=open + team, admin",
            admin,
            {"view": "all", "status": "open", "team": str(team.id)},
            "page",
        ),
        ("filter unsolved, agent, my teams", agent, {"view": "teams", "status": "unsolved"}, "page"),
        ("search 'battery' (common), admin", admin, {"view": "all", "q": "battery"}, "search"),
        ("search 'battery', agent, my teams", agent, {"view": "teams", "q": "battery"}, "search"),
        ("search 'derailleur hanger' (rare)", admin, {"view": "all", "q": "derailleur hanger"}, "search"),
        (f"search order number {order_token}", admin, {"view": "all", "q": order_token}, "search"),
    ]
    result = []
    for name, user, params, kind in cases:
        if name.startswith("deep page"):
            cursor, page_number = deep_cursor(user, params)
            params = {**params, "cursor": cursor}
            name = name.replace("deep page", f"page {page_number}")
        result.append({"case": name, "user_id": user.pk, "params": params, "kind": kind})
    return result


def deep_cursor(user, params: dict) -> tuple[str, int]:
    """The cursor a user would hold after paging ~500 times with the 'next' link (or halfway through
    a smaller fill), and the page number it opens."""
    query = inbox_query_from_params(params)
    tickets = inbox_queryset(user=user, query=query)
    position = min(DEEP_PAGE * DEFAULT_PAGE_SIZE, tickets.count() // 2)
    ticket = tickets.order_by("-updated_at", "-id").only("id", "updated_at")[max(position - 1, 0)]
    return encode_cursor(ticket=ticket, direction="n"), position // DEFAULT_PAGE_SIZE + 1


def run_cases(*, repeat: int, explain: bool) -> list[dict]:
    rows = []
    for case in build_cases():
        print(f"  measuring: {case['case']}", flush=True)
        row = {"case": case["case"], "kind": case["kind"]}
        row.update(measure_selector(case, repeat, explain))
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


def measure_selector(case: dict, repeat: int, explain: bool) -> dict:
    user_model = get_user_model()
    query = inbox_query_from_params(case["params"])
    times, cpu, queries, rows = [], [], 0, 0
    backend_ns = backend_cpu_reader()
    for run in range(WARM_UPS + repeat):
        user = user_model.objects.get(pk=case["user_id"])  # fresh, as each request loads it anew
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started, backend_started = time.perf_counter(), time.process_time(), backend_ns()
            page = inbox_page(user=user, query=query)
            for ticket in page.tickets:  # what the template touches
                _ = (ticket.requester.email, ticket.team, ticket.assignee, list(ticket.tags.all()))
            elapsed = time.perf_counter() - started
            used = time.process_time() - cpu_started + (backend_ns() - backend_started) / 1e9
        if run >= WARM_UPS:
            times.append(elapsed * 1000)
            cpu.append(used * 1000)
            queries, rows = len(captured.captured_queries), len(page.tickets)
    if explain:
        print_explain(captured.captured_queries)
    return {"selector_ms": times, "selector_cpu_ms": cpu, "selector_queries": queries, "rows": rows}


def measure_request(case: dict, repeat: int) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=case["user_id"]))
    url = "/desk/?" + urlencode(case["params"])
    times, cpu, queries = [], [], 0
    for run in range(WARM_UPS + repeat):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed, used = time.perf_counter() - started, time.process_time() - cpu_started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if run >= WARM_UPS:
            times.append(elapsed * 1000)
            cpu.append(used * 1000)  # Python only: each request opens a new database connection
            queries = len(captured.captured_queries)
    return {"request_ms": times, "request_cpu_ms": cpu, "request_queries": queries}


def print_explain(captured: list[dict]) -> None:
    ticket_query = next(
        (q["sql"] for q in captured if 'FROM "helpdesk_ticket"' in q["sql"] and "LIMIT" in q["sql"]), None
    )
    if ticket_query is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + ticket_query)
        print("\n".join("      " + line for (line,) in cursor.fetchall()))
