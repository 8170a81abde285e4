"""Per-request Python cost of the desk pages: CPU time, Python calls and the top functions per page.

    .venv/bin/python bench/request_profile.py                    # fill a small database, profile, drop it
    .venv/bin/python bench/request_profile.py --keep             # keep the database for the next run
    .venv/bin/python bench/request_profile.py --reuse --keep     # profile the kept database again
    .venv/bin/python bench/request_profile.py --only ticket --top 40

The per-request overhead (middleware, session, user and agent loading, context processors,
templates, cache, i18n) does not depend on the table sizes, so a small fill (bench/inbox_fill.py,
2,000 tickets by default) is enough. Each page of bench/inbox_cases.py is requested through
Django's test client as a signed-in agent: warmed up, timed --repeat times (median CPU time of the
process, time.process_time, which excludes PostgreSQL's own work), then run --profiled times under
cProfile for the Python function calls per request and the top functions by cumulative time.
With --json the last line is {"<case>": {"cpu_ms": .., "calls": .., "queries": ..}}.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--messages-per-ticket", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page (after warm-ups)")
    parser.add_argument("--profiled", type=int, default=5, help="requests per page under cProfile")
    parser.add_argument("--top", type=int, default=0, help="print this many top functions per page")
    parser.add_argument("--db-name", default="bench_request_profile")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="profile an existing (kept) database")
    parser.add_argument("--only", default="", help="profile only the pages whose name contains this")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    from inbox import drop_database, recreate_database, setup_django

    setup_django(args.db_name)
    from django.core.management import call_command

    if not args.reuse:
        recreate_database(args.db_name)
        call_command("migrate", verbosity=0, interactive=False)
        from inbox_fill import fill

        fill(tickets=args.tickets, messages_per_ticket=args.messages_per_ticket)
        call_command("report_rollup_backfill")
    else:
        call_command("migrate", verbosity=0, interactive=False)
    try:
        from inbox_cases import build_cases
        from inbox_fill import long_thread_ticket

        figures = {}
        for case in build_cases(thread_ticket=long_thread_ticket(100)):
            if case["url"] is None or (args.only and args.only not in case["case"]):
                continue
            figures[case["case"]] = profile_page(case, args)
        print_table(figures)
        if args.json:
            print(json.dumps(figures))
    finally:
        if not args.keep:
            drop_database(args.db_name)
    return 0


def profile_page(case: dict, args: argparse.Namespace) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(pk=case["user_id"]))

    def request():
        if case.get("clear_cache"):
            cache.clear()  # the uncached work, as bench/inbox.py measures it
        response = client.get(case["url"])
        if response.status_code != 200:
            raise RuntimeError(f"{case['url']} answered {response.status_code}")
        return response

    for _ in range(3):
        request()
    with CaptureQueriesContext(connection) as captured:
        request()
    queries = len(captured.captured_queries)
    cpu = []
    for _ in range(args.repeat):
        started = time.process_time()
        request()
        cpu.append((time.process_time() - started) * 1000)
    profiler = cProfile.Profile()
    for _ in range(args.profiled):
        if case.get("clear_cache"):
            cache.clear()
        profiler.enable()
        response = client.get(case["url"])
        profiler.disable()
        assert response.status_code == 200
    stats = pstats.Stats(profiler)
    calls = stats.total_calls // args.profiled
    if args.top:
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats("cumulative").print_stats(args.top)
        print(f"\n=== {case['case']} ({case['url']}) ===")
        print(out.getvalue().split("\n", 6)[-1])
    return {"cpu_ms": round(statistics.median(cpu), 2), "calls": calls, "queries": queries}


def print_table(figures: dict) -> None:
    from inbox import load_average

    print(f"\nPer-request Python cost; {os.cpu_count()} CPUs, load average {load_average()}")
    print(f"{'page':<42} | {'cpu ms p50':>10} | {'py calls':>9} | {'queries':>7}")
    for name, row in figures.items():
        print(f"{name:<42} | {row['cpu_ms']:>10.1f} | {row['calls']:>9,} | {row['queries']:>7}")


if __name__ == "__main__":
    sys.exit(main())
