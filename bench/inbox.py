"""Inbox speed at scale: 100,000 tickets with 1,000,000 messages in a throwaway database.

    .venv/bin/python bench/inbox.py                      # full size (make bench)
    .venv/bin/python bench/inbox.py --tickets 1000       # smoke test
    .venv/bin/python bench/inbox.py --keep --json        # keep the data; last line: the figures as JSON
    .venv/bin/python bench/inbox.py --reuse --keep --only ticket   # measure a kept database again

Creates the database `bench_helmdesk` on the same server (embedded, or DATABASE_URL's), migrates it,
fills it in bulk, then measures each desk page (inbox pages, filters, search, a ticket with a
100-message thread, the reports page over a year, the inbox view counts) through its selector and as
a full request through Django's test client. Prints p50/p95, the template rendering time and query
counts per case; with --json the last line is {"cases": {"<case>": {"request_p95_ms": .., ...}}}.
Targets on the 2-core reference machine: p95 < 50 ms for pages, < 150 ms for search.
The database is dropped at the end unless --keep; --reuse measures a kept database again.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

TARGETS_MS = {"page": 50.0, "search": 150.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages-per-ticket", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per case (after 3 warm-ups)")
    parser.add_argument("--db-name", default="bench_helmdesk")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure an existing (kept) database, no fill")
    parser.add_argument(
        "--thread-messages", type=int, default=100, help="messages on the ticket page's thread"
    )
    parser.add_argument("--only", default="", help="measure only the cases whose name contains this")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    return parser.parse_args()


def setup_django(db_name: str) -> None:
    """Point Django at the bench database `db_name` and set it up (bench/request_profile.py too)."""
    os.environ["HELMDESK_DB_NAME"] = db_name
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # one login line per request otherwise


def main() -> int:
    args = parse_args()
    setup_django(args.db_name)
    from django.core.management import call_command
    from django.db import connection

    print(f"bench/inbox.py: database {args.db_name!r} on {connection.settings_dict['HOST'] or 'localhost'}")
    if args.reuse:
        call_command("migrate", verbosity=0, interactive=False)  # a kept database, newer code
    else:
        recreate_database(args.db_name)
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"  migrated in {time.monotonic() - started:.1f} s")
        from inbox_fill import fill

        started = time.monotonic()
        fill(tickets=args.tickets, messages_per_ticket=args.messages_per_ticket)
        print(f"  filled in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        call_command("report_rollup_backfill")  # the fill writes with SQL, past the model signals
        print(f"  report roll-up built in {time.monotonic() - started:.1f} s")
    try:
        from inbox_cases import run_cases
        from inbox_fill import long_thread_ticket

        thread_ticket = long_thread_ticket(args.thread_messages)
        rows = run_cases(repeat=args.repeat, thread_ticket=thread_ticket, only=args.only)
        print_table(rows, tickets=count("helpdesk_ticket"), messages=count("helpdesk_message"))
        if args.json:
            print(json.dumps(figures(rows, tickets=count("helpdesk_ticket"))))
    finally:
        if not args.keep:
            drop_database(args.db_name)
            print(f"  dropped {args.db_name!r} (use --keep to keep it)")
    return 0


def count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return cursor.fetchone()[0]


def recreate_database(name: str) -> None:
    """A clean database: drop whatever an interrupted run left, create it empty."""
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def p50(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def p95(values: list[float]) -> float | None:
    return percentile(values, 0.95) if values else None


def fmt(value: float | None, width: int) -> str:
    return f"{value:>{width}.1f}" if value is not None else f"{'-':>{width}}"


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def print_table(rows: list[dict], *, tickets: int, messages: int) -> None:
    print()
    print(
        f"Desk pages at {tickets:,} tickets / {messages:,} messages (times in ms; target p95: pages "
        f"< {TARGETS_MS['page']:.0f}, search < {TARGETS_MS['search']:.0f}); {os.cpu_count()} CPUs, "
        f"load average {load_average()}"
    )
    header = (
        f"{'case':<38} | {'selector p50':>12} {'p95':>6} {'cpu':>6} {'q':>2} "
        f"| {'request p50':>11} {'p95':>6} {'py cpu':>6} {'tmpl':>5} {'q':>2} | ok"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        target = TARGETS_MS[row["kind"]]
        sel, req = row["selector_ms"], row["request_ms"]
        ok = "yes" if (not req or p95(req) < target) and (not sel or p95(sel) < target) else "NO"
        print(
            f"{row['case']:<38} | {fmt(p50(sel), 12)} {fmt(p95(sel), 6)} {fmt(p50(row['selector_cpu_ms']), 6)} "
            f"{row['selector_queries'] if row['selector_queries'] is not None else '-':>2} "
            f"| {fmt(p50(req), 11)} {fmt(p95(req), 6)} {fmt(p50(row['request_cpu_ms']), 6)} "
            f"{fmt(p50(row['template_ms']), 5)} {row['request_queries'] if row['request_queries'] is not None else '-':>2} | {ok}"
        )
    print(
        "cpu: median CPU time of one selector call, Python plus its PostgreSQL backend (what it costs on an\n"
        "idle machine); py cpu: the request's Python CPU only; tmpl: median wall time in template rendering\n"
        "(part of the request). p50/p95 are wall-clock times on this machine as loaded; 'ok' compares the\n"
        "wall-clock p95 with the target."
    )
    print()


def figures(rows: list[dict], *, tickets: int) -> dict:
    def rounded(value):
        return round(value, 2) if value is not None else None

    return {
        "tickets": tickets,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cases": {
            row["case"]: {
                "request_p95_ms": rounded(p95(row["request_ms"])),
                "request_p50_ms": rounded(p50(row["request_ms"])),
                "selector_p95_ms": rounded(p95(row["selector_ms"])),
                "template_p50_ms": rounded(p50(row["template_ms"])),
                "request_cpu_p50_ms": rounded(p50(row["request_cpu_ms"])),
                "queries": row["request_queries"],
                "selector_queries": row["selector_queries"],
                "target_ms": TARGETS_MS[row["kind"]],
            }
            for row in rows
        },
    }


if __name__ == "__main__":
    sys.exit(main())
