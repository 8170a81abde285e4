"""Inbox speed at scale: 100,000 tickets with 1,000,000 messages in a throwaway database.

    .venv/bin/python bench/inbox.py                      # full size (make bench)
    .venv/bin/python bench/inbox.py --tickets 1000       # smoke test
    .venv/bin/python bench/inbox.py --keep --explain     # keep the data, print EXPLAIN ANALYZE

Creates the database `bench_helmdesk` on the same server (embedded, or DATABASE_URL's), migrates it,
fills it in bulk, then measures the desk's inbox selector (helpdesk.selectors.inbox.inbox_page) and
the full request through Django's test client (/desk/). Prints p50/p95 and query counts per case.
Targets on the 2-core reference machine: p95 < 50 ms for inbox pages, < 150 ms for search.
The database is dropped at the end unless --keep; --reuse measures a kept database again.
"""

from __future__ import annotations

import argparse
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
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of each case's ticket query"
    )
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"bench/inbox.py: database {args.db_name!r} on {connection.settings_dict['HOST'] or 'localhost'}")
    if not args.reuse:
        recreate_database(args.db_name)
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        print(f"  migrated in {time.monotonic() - started:.1f} s")
        from inbox_fill import fill

        started = time.monotonic()
        fill(tickets=args.tickets, messages_per_ticket=args.messages_per_ticket)
        print(f"  filled in {time.monotonic() - started:.1f} s")
    try:
        from inbox_cases import run_cases

        rows = run_cases(repeat=args.repeat, explain=args.explain)
        print_table(rows, tickets=count("helpdesk_ticket"), messages=count("helpdesk_message"))
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


def print_table(rows: list[dict], *, tickets: int, messages: int) -> None:
    print()
    print(
        f"Inbox at {tickets:,} tickets / {messages:,} messages (times in ms; target p95: pages "
        f"< {TARGETS_MS['page']:.0f}, search < {TARGETS_MS['search']:.0f}); {os.cpu_count()} CPUs, "
        f"load average {', '.join(f'{value:.1f}' for value in os.getloadavg())}"
    )
    header = (
        f"{'case':<38} {'rows':>4} | {'selector p50':>12} {'p95':>6} {'cpu':>6} {'q':>2} "
        f"| {'request p50':>11} {'p95':>6} {'py cpu':>6} {'q':>2} | ok"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        target = TARGETS_MS[row["kind"]]
        sel, req = row["selector_ms"], row["request_ms"]
        ok = "yes" if percentile(sel, 0.95) < target and percentile(req, 0.95) < target else "NO"
        print(
            f"{row['case']:<38} {row['rows']:>4} | {statistics.median(sel):>12.1f} {percentile(sel, 0.95):>6.1f} "
            f"{statistics.median(row['selector_cpu_ms']):>6.1f} {row['selector_queries']:>2} "
            f"| {statistics.median(req):>11.1f} {percentile(req, 0.95):>6.1f} "
            f"{statistics.median(row['request_cpu_ms']):>6.1f} {row['request_queries']:>2} | {ok}"
        )
    print(
        "cpu: median CPU time of one selector call, Python plus its PostgreSQL backend (what it costs on an\n"
        "idle machine); py cpu: the request's Python CPU only. p50/p95 are wall-clock times on this machine\n"
        "as loaded; 'ok' compares the wall-clock p95 with the target."
    )
    print()


if __name__ == "__main__":
    sys.exit(main())
