"""Live chat under load: N concurrent visitor WebSockets against one daphne process.

    .venv/bin/python bench/chat_load.py --clients 1000 --json       # the reference run
    .venv/bin/python bench/chat_load.py --clients 50 --messages 2   # smoke test
    .venv/bin/python bench/chat_load.py --url http://localhost:8000 --widget KEY --origin https://site

Without --url it creates the database `bench_chat` on the same server (embedded, or DATABASE_URL's),
migrates it, adds a widget with the AI off, starts daphne on a free port (tasks queued for a worker
and not run, AI inbound off, rate limits raised for one IP) and drops the database at the end unless
--keep.

Every client connects, says hello, then sends --messages messages (each with its own client id)
spread over --duration seconds. A message is delivered when the server sends it back with its
sequence number (the acknowledgement every visitor socket gets); latency is send -> acknowledgement.
A client that loses its connection reconnects with its last sequence number and resends what was not
acknowledged (the same client id), exactly as the widget does. Prints a table, then one JSON line:
{"clients", "sent", "delivered", "lost", "duplicates", "p50_ms", "p99_ms"}, and "daphne_cpu_ms_per_op"
(the server's user + system CPU per message or hello) when the bench started daphne itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
BENCH_ORIGIN = "http://bench.example"

from core.gc_freeze import freeze_startup_heap  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--messages", type=int, default=3, help="messages per client")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds over which messages are spread")
    parser.add_argument("--ramp", type=float, default=20.0, help="seconds over which clients connect")
    parser.add_argument("--url", default="", help="an already running server (then --widget and --origin)")
    parser.add_argument("--widget", default="")
    parser.add_argument("--origin", default=BENCH_ORIGIN)
    parser.add_argument("--db-name", default="bench_chat")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true", help="end with the JSON line (always printed last)")
    return parser.parse_args()


class Stats:
    def __init__(self) -> None:
        self.sent: set[str] = set()
        self.acked: dict[str, float] = {}
        self.duplicates = 0
        self.latencies: list[float] = []
        self.sent_at: list[float] = []  # seconds after the start, beside each latency (the timeline)
        self.reconnects = 0
        self.errors: dict[str, int] = {}
        self.connect_ms: list[float] = []
        self.began = time.perf_counter()


async def visitor(n: int, args, ws_url: str, stats: Stats, start_at: float) -> None:
    import websockets

    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    token, ticket, last_seq = "", None, 0
    seen_seq: set[int] = set()
    tickets: list[int] = []
    pending: dict[str, tuple[str, float]] = {}
    plan = sorted(random.uniform(0, args.duration) for _ in range(args.messages))
    origin_time = time.monotonic()
    next_message = 0
    attempt = 0  # failed connections in a row: the widget's back-off (static/chat/widget.js)
    while next_message < len(plan) or pending:
        try:
            t0 = time.perf_counter()
            async with websockets.connect(ws_url, origin=args.origin, open_timeout=60, max_queue=None) as ws:
                await ws.send(
                    json.dumps({"type": "hello", "token": token, "ticket": ticket, "last_seq": last_seq})
                )
                welcome = json.loads(await asyncio.wait_for(ws.recv(), 60))
                if welcome.get("type") != "welcome":
                    stats.errors[welcome.get("code", "no_welcome")] = (
                        stats.errors.get(welcome.get("code", "no_welcome"), 0) + 1
                    )
                    await asyncio.sleep(1)
                    continue
                stats.connect_ms.append((time.perf_counter() - t0) * 1000)
                attempt = 0
                token, ticket = welcome["token"], welcome["ticket"] or ticket
                for client_id, (text, _) in list(pending.items()):  # resend what was not acknowledged
                    await ws.send(json.dumps({"type": "message", "text": text, "client_id": client_id}))
                reader = asyncio.create_task(_read(ws, stats, pending, seen_seq, tickets))
                try:
                    while next_message < len(plan):
                        await asyncio.sleep(max(0.0, origin_time + plan[next_message] - time.monotonic()))
                        client_id = f"b{n}-{next_message}"
                        text = f"Load test message {next_message} from visitor {n}"
                        pending[client_id] = (text, time.perf_counter())
                        stats.sent.add(client_id)
                        await ws.send(json.dumps({"type": "message", "text": text, "client_id": client_id}))
                        next_message += 1
                    deadline = time.monotonic() + 60
                    while pending and time.monotonic() < deadline and not reader.done():
                        await asyncio.sleep(0.1)
                    if pending and not reader.done():
                        return  # gave up: counted as lost
                finally:
                    reader.cancel()
                ticket = ticket or (tickets[-1] if tickets else None)
                last_seq = max(seen_seq, default=0)
        except Exception as error:  # noqa: BLE001  (any failure: reconnect and resend, like the widget)
            stats.reconnects += 1
            stats.errors[type(error).__name__] = stats.errors.get(type(error).__name__, 0) + 1
            if stats.reconnects > args.clients * 5:
                return
            attempt = min(attempt + 1, 6)
            await asyncio.sleep(0.3 * 2 ** (attempt - 1) + random.uniform(0.0, 0.3))


async def _read(ws, stats: Stats, pending: dict, seen_seq: set[int], tickets: list[int]) -> None:
    async for raw in ws:
        frame = json.loads(raw)
        if frame.get("type") != "message":
            if frame.get("type") == "error":
                stats.errors[frame.get("code", "error")] = stats.errors.get(frame.get("code", "error"), 0) + 1
            continue
        if not tickets or tickets[-1] != frame["ticket"]:
            tickets.append(frame["ticket"])
        if frame["seq"] in seen_seq:
            stats.duplicates += 1
            continue
        seen_seq.add(frame["seq"])
        client_id = frame.get("client_id", "")
        if client_id in stats.acked:
            stats.duplicates += 1
        elif client_id in pending:
            stats.acked[client_id] = time.perf_counter()
            sent_at = pending.pop(client_id)[1]
            stats.latencies.append((time.perf_counter() - sent_at) * 1000)
            stats.sent_at.append(sent_at - stats.began)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def run_clients(args, ws_url: str) -> Stats:
    stats = Stats()
    begin = time.monotonic()
    tasks = [
        visitor(n, args, ws_url, stats, begin + args.ramp * n / max(1, args.clients))
        for n in range(args.clients)
    ]
    await asyncio.gather(*tasks)
    return stats


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(args) -> str:
    """A fresh database with one widget; returns the widget key."""
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from chat.models import ChatWidget

    widget, _ = ChatWidget.objects.get_or_create(
        name="bench", defaults={"allowed_origins": args.origin, "ai_first_answer": False}
    )
    return widget.key


def drop_database(name: str) -> None:
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(args) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HELMDESK_DB_NAME": args.db_name, "HELMDESK_TASKS_SYNC": "0", "HELMDESK_AI_INBOUND": "0",
           "HELMDESK_CHAT_IP_CONNECT_RATE": "1000000/60", "HELMDESK_CHAT_IP_RATE": "1000000/60",
           "ALLOWED_HOSTS": "localhost,127.0.0.1"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"{url}/chat/widget.js", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("daphne did not start") from None
            time.sleep(0.2)
    raise SystemExit("daphne did not start")


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process (Linux), to report the server's cost per message
    independently of how busy the machine is."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_report(args, stats: Stats, elapsed: float, server_cpu_s: float | None = None) -> dict:
    sent, delivered = len(stats.sent), len(stats.acked)
    result = {
        "clients": args.clients, "sent": sent, "delivered": delivered, "lost": sent - delivered,
        "duplicates": stats.duplicates, "p50_ms": round(percentile(stats.latencies, 50), 1),
        "p99_ms": round(percentile(stats.latencies, 99), 1),
    }  # fmt: skip
    rows = [
        ("clients", args.clients), ("messages sent", sent), ("delivered (acknowledged)", delivered),
        ("lost", sent - delivered), ("duplicates", stats.duplicates), ("reconnects", stats.reconnects),
        ("latency p50 ms", result["p50_ms"]), ("latency p95 ms", round(percentile(stats.latencies, 95), 1)),
        ("latency p99 ms", result["p99_ms"]), ("latency max ms", round(max(stats.latencies, default=0), 1)),
        ("connect+hello p50 ms", round(percentile(stats.connect_ms, 50), 1)),
        ("connect+hello p99 ms", round(percentile(stats.connect_ms, 99), 1)),
        ("throughput msg/s", round(sent / elapsed, 1) if elapsed else 0), ("wall s", round(elapsed, 1)),
        ("errors", ", ".join(f"{k}={v}" for k, v in sorted(stats.errors.items())) or "none"),
        ("load average (1 min) at the end", round(os.getloadavg()[0], 2)),
    ]  # fmt: skip
    if server_cpu_s is not None:
        ops = sent + len(stats.connect_ms)
        result["daphne_cpu_ms_per_op"] = round(server_cpu_s * 1000 / max(1, ops), 1)
        rows.append(("daphne CPU s (total)", round(server_cpu_s, 1)))
        rows.append(("daphne CPU ms per op (message or hello)", result["daphne_cpu_ms_per_op"]))
    width = max(len(name) for name, _ in rows)
    print(f"{'metric':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if stats.latencies:
        print(f"{'latency mean ms':<{width}}  {statistics.fmean(stats.latencies):.1f}")
        print_timeline(stats)
    return result


def print_timeline(stats: Stats, windows: int = 8) -> None:
    """Latency by when the message was sent, to show whether the tail is the ramp or steady state."""
    end = max(stats.sent_at)
    step = end / windows or 1.0
    print(f"\n{'sent at s':<12} {'messages':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for i in range(windows):
        lo, hi = i * step, (i + 1) * step
        last = i == windows - 1
        pairs = zip(stats.sent_at, stats.latencies, strict=True)
        part = [lat for at, lat in pairs if lo <= at < hi or (last and at == end)]
        if part:
            print(f"{f'{lo:.0f}-{hi:.0f}':<12} {len(part):>8} {percentile(part, 50):>8.1f} "
                  f"{percentile(part, 99):>8.1f} {max(part):>8.1f}")  # fmt: skip


def main() -> int:
    args = parse_args()
    proc = None
    try:
        if args.url:
            url, key = args.url.rstrip("/"), args.widget
        else:
            key = prepare_database(args)
            proc, url = start_server(args)
            print(f"daphne pid {proc.pid} at {url}", flush=True)
        ws_url = url.replace("http", "ws", 1) + f"/ws/chat/{key}/"
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f}")
        cpu_before = process_cpu_s(proc.pid) if proc else None
        # The measuring client, like the server, keeps full collections of its loaded heap (Django and the
        # PII analyser, ~330,000 objects, 0.2-0.3 s each) out of the latencies it measures.
        freeze_startup_heap()
        begin = time.monotonic()
        stats = asyncio.run(run_clients(args, ws_url))
        cpu_after = process_cpu_s(proc.pid) if proc else None
        server_cpu = cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
        result = print_report(args, stats, time.monotonic() - begin, server_cpu)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.url and not args.keep:
            drop_database(args.db_name)
    print(json.dumps(result))
    return 0 if result["lost"] == 0 and result["duplicates"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
