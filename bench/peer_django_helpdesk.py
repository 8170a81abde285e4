"""Helmdesk side by side with django-helpdesk, the closest Django peer, on the same data and server.

    .venv/bin/python bench/peer_django_helpdesk.py --json                 # 100k tickets / 1M messages
    .venv/bin/python bench/peer_django_helpdesk.py --tickets 1000 --repeat 5   # smoke test

1. Installs the latest django-helpdesk release from PyPI into its own throwaway virtualenv
   (--peer-venv, default /tmp/peer-venv; reused when it already has it, --upgrade to refresh), with
   its "teams" extra (pinax-teams: its migrations depend on it).
2. Fills a Helmdesk bench database (bench/inbox_fill.py: N tickets x 10 messages, one ticket with a
   100-message thread) and gives django-helpdesk its own database on the same PostgreSQL server,
   migrated by its own migrations and filled with the same tickets and follow-ups through its models
   (bulk_create; bench/peer_helpdesk_site.py runs in the peer's virtualenv).
3. Times, in the same run, the same four pages in both, each through Django's test client as an
   admin: the ticket list (django-helpdesk: the JSON endpoint its list page calls, datatables_ticket_list;
   Helmdesk: the inbox's htmx results partial, which its list page calls the same way) first page and a
   filtered page (open tickets of one team), the ticket page of the 100-message ticket, and a search for
   'battery'; and our three list requests again as full first renders ("(full page)" rows).
Prints the table and the ratios (peer p95 / Helmdesk p95); with --json the last line is
{"cases": {"<case>": {"helmdesk_p95_ms": .., "peer_p95_ms": .., "ratio": ..}}}.
Both databases are dropped at the end unless --keep (then --reuse measures them again).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
PEER_SITE = ROOT / "bench" / "peer_helpdesk_site.py"
WARM_UPS = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages-per-ticket", type=int, default=10)
    parser.add_argument("--thread-messages", type=int, default=100)
    parser.add_argument(
        "--repeat", type=int, default=30, help="timed runs per case and product (after 3 warm-ups)"
    )
    parser.add_argument("--peer-venv", default="/tmp/peer-venv")
    parser.add_argument("--upgrade", action="store_true", help="reinstall the latest django-helpdesk")
    parser.add_argument("--db-name", default="bench_peer_helmdesk", help="Helmdesk's bench database")
    parser.add_argument("--peer-db-name", default="bench_peer_djhelpdesk", help="django-helpdesk's database")
    parser.add_argument("--keep", action="store_true", help="keep both databases")
    parser.add_argument("--reuse", action="store_true", help="measure kept databases again, no fill")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    return parser.parse_args()


def log(message: str) -> None:
    print(message, flush=True)


def peer_python(venv: str, *, upgrade: bool) -> tuple[Path, str]:
    """The peer virtualenv's python, with the latest django-helpdesk installed; and its version."""
    python = Path(venv) / "bin" / "python"
    if not python.exists():
        log(f"  creating {venv}")
        subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
    have = subprocess.run([python, "-m", "pip", "show", "django-helpdesk"], capture_output=True, text=True)
    if upgrade or have.returncode != 0:
        log("  installing the latest django-helpdesk from PyPI into " + venv)
        subprocess.run(
            # [teams]: its migrations depend on pinax-teams whatever the settings say
            [
                python,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--upgrade",
                "django-helpdesk[teams]",
                "psycopg[binary]",
            ],
            check=True,
        )
        have = subprocess.run(
            [python, "-m", "pip", "show", "django-helpdesk"], capture_output=True, text=True
        )
    version = next(
        line.split(":", 1)[1].strip() for line in have.stdout.splitlines() if line.startswith("Version")
    )
    return python, version


def peer_env(settings_dict: dict, peer_db: str, source_db: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(PEER_SITE.parent), "PEER_DB_NAME": peer_db}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for key in ("HOST", "PORT", "USER", "PASSWORD"):
        env[f"PEER_DB_{key}"] = str(settings_dict.get(key) or "")
    host, port = settings_dict.get("HOST") or "", settings_dict.get("PORT") or ""
    env["PEER_SOURCE_DSN"] = " ".join(
        f"{key}={value}"
        for key, value in {"dbname": source_db, "host": host, "port": port, "user": settings_dict.get("USER"),
                           "password": settings_dict.get("PASSWORD")}.items()
        if value
    )  # fmt: skip
    return env


def run_peer(python: Path, env: dict, *args: str) -> dict:
    done = subprocess.run([python, PEER_SITE, *args], env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


HTMX = {"HTTP_HX_REQUEST": "true"}
FULL_PAGE = " (full page)"


def helmdesk_urls(thread_ticket: int) -> dict[str, tuple[str, dict]]:
    """Our request for each case, as our list page makes it. django-helpdesk's list page is a shell
    whose rows come from a JSON endpoint (first page, filters, search); ours loads its rows the same
    way once it is open: an htmx request answered with the results partial only. Those are the
    like-for-like pairs. The whole first render of our page (layout, sidebar, view counts) is timed
    too, as extra rows ending in "(full page)" against the same peer request."""
    from helpdesk.models import Team

    team = Team.objects.order_by("id").values_list("id", flat=True).first()
    lists = {
        "ticket list, first page": "/desk/?view=all",
        "ticket list, filtered (open + team)": "/desk/?" + urlencode({"view": "all", "status": "unsolved", "team": team}),
        "search 'battery'": "/desk/?view=all&q=battery",
    }  # fmt: skip
    cases = {case: (url, HTMX) for case, url in lists.items()}
    cases["ticket page, long thread"] = (f"/desk/tickets/{thread_ticket}/", {})
    cases.update({case + FULL_PAGE: (url, {}) for case, url in lists.items()})
    return cases


def time_helmdesk(urls: dict[str, tuple[str, dict]], repeat: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    results = {}
    for case, (url, headers) in urls.items():
        times = []
        for run in range(WARM_UPS + repeat):
            started = time.perf_counter()
            response = client.get(url, **headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            if run >= WARM_UPS:
                times.append(elapsed)
        results[case] = {"ms": times, "url": url, "htmx": bool(headers), "bytes": len(response.content)}
        log(f"  helmdesk measured: {case}")
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    args = parse_args()
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.db import connection
    from inbox import count, drop_database, recreate_database

    python, version = peer_python(args.peer_venv, upgrade=args.upgrade)
    log(f"bench/peer_django_helpdesk.py: django-helpdesk {version} in {args.peer_venv}")
    env = peer_env(connection.settings_dict, args.peer_db_name, args.db_name)
    try:
        from django.core.management import call_command

        if args.reuse:
            call_command("migrate", verbosity=0, interactive=False)  # kept databases, newer code
        else:
            from inbox_fill import fill

            recreate_database(args.db_name)
            call_command("migrate", verbosity=0, interactive=False)
            fill(tickets=args.tickets, messages_per_ticket=args.messages_per_ticket)
            call_command("report_rollup_backfill")  # the fill writes with SQL, past the model signals
        from inbox_fill import long_thread_ticket

        thread_ticket = long_thread_ticket(args.thread_messages)
        if not args.reuse:
            recreate_database(args.peer_db_name)
            connection.close()
            run_peer(python, env, "migrate")
            filled = run_peer(python, env, "fill")
            log(f"  django-helpdesk filled through its models: {filled}")
        spec = {
            "thread_ticket": thread_ticket,
            "username": "bench-admin",
            "repeat": args.repeat,
            "warmups": WARM_UPS,
        }
        ours = time_helmdesk(helmdesk_urls(thread_ticket), args.repeat)
        peer = run_peer(python, env, "time", json.dumps(spec))
        figures = report(ours, peer, tickets=count("helpdesk_ticket"), messages=count("helpdesk_message"),
                         version=version)  # fmt: skip
        if args.json:
            print(json.dumps(figures))
    finally:
        if not args.keep:
            drop_database(args.peer_db_name)
            drop_database(args.db_name)
            log("  dropped both databases (use --keep to keep them)")
    return 0


def report(ours: dict, peer: dict, *, tickets: int, messages: int, version: str) -> dict:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    log(f"\nHelmdesk vs django-helpdesk {version} at {tickets:,} tickets / {messages:,} messages, same PostgreSQL "
        f"server (times in ms, whole request through the test client); {os.cpu_count()} CPUs, load average {load}")  # fmt: skip
    width = max(len(case) for case in ours)  # the "(full page)" rows are the longest
    header = (
        f"{'case':<{width}} | {'helmdesk p50':>12} {'p95':>7} | {'peer p50':>9} {'p95':>8} | {'ratio p95':>9}"
    )
    log(header)
    log("-" * len(header))
    cases = {}
    for case, mine in ours.items():
        theirs = peer[case.removesuffix(FULL_PAGE)]["ms"]
        mine_p95, theirs_p95 = percentile(mine["ms"], 0.95), percentile(theirs, 0.95)
        ratio = theirs_p95 / mine_p95 if mine_p95 else None
        log(f"{case:<{width}} | {percentile(mine['ms'], 0.5):>12.1f} {mine_p95:>7.1f} | "
            f"{percentile(theirs, 0.5):>9.1f} {theirs_p95:>8.1f} | {ratio:>8.1f}x")  # fmt: skip
        cases[case] = {
            "helmdesk_p95_ms": round(mine_p95, 2),
            "peer_p95_ms": round(theirs_p95, 2),
            "ratio": round(ratio, 2) if ratio else None,
            "helmdesk_p50_ms": round(percentile(mine["ms"], 0.5), 2),
            "peer_p50_ms": round(percentile(theirs, 0.5), 2),
        }
    log(
        "ratio: django-helpdesk's p95 divided by Helmdesk's (higher is better for Helmdesk). Lists and search:"
    )
    log("its JSON endpoint against our htmx results partial (what each list page requests for its rows);")
    log('"(full page)": our whole first render against the same JSON request.\n')
    return {
        "peer": f"django-helpdesk {version}",
        "tickets": tickets,
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cases": cases,
    }


if __name__ == "__main__":
    sys.exit(main())
