"""Resident memory of daphne and of the django-q2 worker processes at idle and under requests.

    .venv/bin/python bench/memory.py --json                  # 10,000 requests (make bench)
    .venv/bin/python bench/memory.py --requests 300          # smoke test
    .venv/bin/python bench/memory.py --requests 20000 --every 2000   # a series: sawtooth or trend

Creates a throwaway database (bench_memory), fills it with a small desk (bench/inbox_fill.py,
--tickets), starts daphne (config.asgi:application) and `manage.py qcluster` on it as they run in
production, signs an admin in, then sends desk requests over HTTP (inbox pages, filters, search,
the htmx partial, ticket pages, reports, the view counts, round robin; --concurrency connections).
RSS (VmRSS) of daphne and of every qcluster process is read at idle, after the 1,000th and after
the last request. "Growth 1k->end" should be ~0: memory found leaking per request shows up there.
With --json the last line holds the figures. Both processes and the database go away at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
PYTHON = ROOT / ".venv" / "bin" / "python"
DAPHNE = ROOT / ".venv" / "bin" / "daphne"
CHECKPOINT = 1000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--every", type=int, default=0,
        help="also read the RSS every N requests (a series: a sawtooth of collections or a trend)",
    )  # fmt: skip
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--db-name", default="bench_memory")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    return parser.parse_args()


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children + [grand for child in children for grand in descendants(child)]


def snapshot(daphne: subprocess.Popen, cluster: subprocess.Popen) -> dict:
    workers = {pid: round(rss_mib(pid), 1) for pid in descendants(cluster.pid)}
    return {
        "daphne_mib": round(rss_mib(daphne.pid), 1),
        "qcluster_main_mib": round(rss_mib(cluster.pid), 1),
        "qcluster_children_mib": sorted(workers.values(), reverse=True),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("daphne exited during startup")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("daphne did not start")


def session_cookie() -> str:
    """A signed-in admin session, created the way the login view does it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username="bench-admin")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def request_paths() -> list[tuple[str, dict]]:
    from helpdesk.models import Team, Ticket

    team = Team.objects.order_by("id").values_list("id", flat=True).first()
    ids = list(Ticket.objects.order_by("-id").values_list("id", flat=True)[:50])
    paths = [
        ("/desk/?view=all", {}),
        ("/desk/?view=all&status=unsolved", {}),
        (f"/desk/?view=all&team={team}", {}),
        ("/desk/?view=all&q=battery", {}),
        ("/desk/?view=all&size=50", {"HX-Request": "true"}),
        ("/desk/inbox/counts/", {}),
        ("/desk/reports/?days=30", {}),
    ]
    paths += [(f"/desk/tickets/{pk}/", {}) for pk in ids[:10]]
    return paths


def send(port: int, cookie: str, paths: list, start: int, count: int, step: int, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for index in range(start, count, step):
        path, headers = paths[index % len(paths)]
        try:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "localhost", **headers})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{path}: {response.status}")
        except (OSError, http.client.HTTPException) as error:
            errors.append(f"{path}: {error!r}")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()


def run_requests(port: int, cookie: str, paths: list, first: int, last: int, concurrency: int) -> list[str]:
    errors: list[str] = []
    threads = [
        threading.Thread(target=send, args=(port, cookie, paths, first + k, last, concurrency, errors))
        for k in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def main() -> int:
    args = parse_args()
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    import django

    django.setup()
    from django.core.management import call_command
    from inbox import drop_database, recreate_database
    from inbox_fill import fill

    recreate_database(args.db_name)
    call_command("migrate", verbosity=0, interactive=False)
    fill(tickets=args.tickets, messages_per_ticket=10)
    cookie, paths = session_cookie(), request_paths()
    port = free_port()
    env = {**os.environ, "HELMDESK_DB_NAME": args.db_name, "PYTHONUNBUFFERED": "1"}
    logs = open(f"/tmp/bench-memory-{os.getpid()}.log", "w")  # noqa: SIM115 - closed in finally
    daphne = subprocess.Popen(
        [DAPHNE, "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"], cwd=ROOT, env=env,
        stdout=logs, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    cluster = subprocess.Popen(
        [PYTHON, "manage.py", "qcluster"], cwd=ROOT, env=env, stdout=logs, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, daphne)
        errors = run_requests(port, cookie, paths, 0, len(paths), 1)  # every page once: imports, caches
        time.sleep(5)
        points = {"idle (after one request per page)": snapshot(daphne, cluster)}
        daphne_series: list[tuple[int, float]] = []  # (requests so far, daphne MiB) at each reading
        started = time.monotonic()
        done = 0
        marks = {min(CHECKPOINT, args.requests), args.requests}
        if args.every > 0:
            marks |= set(range(args.every, args.requests, args.every))
        for mark in sorted(marks):
            errors += run_requests(port, cookie, paths, done, mark, args.concurrency)
            done = mark
            points[f"after {mark:,} requests"] = snapshot(daphne, cluster)
            daphne_series.append((mark, points[f"after {mark:,} requests"]["daphne_mib"]))
            print(f"  {mark:,} requests in {time.monotonic() - started:.0f} s", flush=True)
        seconds = time.monotonic() - started
    finally:
        for process in (daphne, cluster):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (daphne, cluster):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        logs.close()
        if not args.keep:
            drop_database(args.db_name)
    figures = report(points, daphne_series, requests=args.requests, seconds=seconds, errors=errors)
    if args.json:
        print(json.dumps(figures))
    return 0 if not errors else 1


def report(
    points: dict, daphne_series: list[tuple[int, float]], *, requests: int, seconds: float, errors: list[str]
) -> dict:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"\nResident memory (MiB) over {requests:,} desk requests in {seconds:.0f} s "
          f"({requests / seconds:.0f} req/s); {os.cpu_count()} CPUs, load average {load}")  # fmt: skip
    print(f"{'moment':<36} {'daphne':>8} {'qcluster':>9}  qcluster children")
    for moment, point in points.items():
        children = ", ".join(f"{value:.0f}" for value in point["qcluster_children_mib"])
        print(f"{moment:<36} {point['daphne_mib']:>8.1f} {point['qcluster_main_mib']:>9.1f}  {children}")
    last = list(points.values())[-1]
    first = points.get(f"after {min(CHECKPOINT, requests):,} requests", last)
    growth = {
        "daphne_mib": round(last["daphne_mib"] - first["daphne_mib"], 1),
        "qcluster_main_mib": round(last["qcluster_main_mib"] - first["qcluster_main_mib"], 1),
    }
    print(f"growth from request 1,000 to {requests:,}: daphne {growth['daphne_mib']:+.1f} MiB, "
          f"qcluster {growth['qcluster_main_mib']:+.1f} MiB; errors: {len(errors)}")  # fmt: skip
    trend = trend_per_1000([(n, mib) for n, mib in daphne_series if n >= CHECKPOINT])
    if trend is not None:
        low, high = trend["daphne_range_mib"]
        print(f"after the 1,000th request: daphne {low:.1f}-{high:.1f} MiB, trend "
              f"{trend['daphne_mib_per_1000']:+.2f} MiB per 1,000 requests (least squares)")  # fmt: skip
    for error in errors[:5]:
        print("  " + error)
    return {
        "trend_after_1000": trend,
        "requests": requests,
        "requests_per_s": round(requests / seconds, 1),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "cpus": os.cpu_count(),
        "rss": points,
        "growth_after_1000": growth,
        "errors": len(errors),
    }


def trend_per_1000(series: list[tuple[int, float]]) -> dict | None:
    """daphne's RSS readings (requests so far, MiB): their range and least-squares slope per 1,000
    requests (with three or more readings; a sawtooth of full collections has a range but no slope)."""
    if len(series) < 3:
        return None
    counts, values = [x for x, _ in series], [y for _, y in series]
    slope = statistics.linear_regression(counts, values).slope
    return {"daphne_range_mib": [min(values), max(values)], "daphne_mib_per_1000": round(slope * 1000, 3)}


if __name__ == "__main__":
    sys.exit(main())
