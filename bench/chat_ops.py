"""What one daphne process pays per chat operation: CPU time and SQL statements, in one process.

    .venv/bin/python bench/chat_ops.py                 # 200 visitors, a fresh database, dropped after
    .venv/bin/python bench/chat_ops.py -n 500 --json
    .venv/bin/python bench/chat_ops.py --profile 30 --top 40 --sort tottime   # where the time goes
    .venv/bin/python bench/chat_ops.py --sql           # the statements of one visitor

It creates the database `bench_chat_ops` on the same server (as bench/chat_load.py does: a widget with
the AI off, tasks queued for the worker and not run, AI inbound off), then, for each of N new
visitors, runs the three operations the visitor socket (chat/consumers/visitor.py) runs most, through
the same calls on the same thread pool (`db()`), including the channel layer's group membership and
relay:

- hello: the widget by key as connect finds it (`recent_widgets`: read once every few seconds), then
  `_hello` for a visitor with no token (a new visitor);
- first message: `_receive_and_read` of the visitor's first words (creates the conversation's ticket)
  and the read of its messages once the socket joined the conversation;
- follow-up: `_receive_and_read` of the next message (the acknowledgement needs no read).

CPU is `time.process_time()` of the whole process (the event loop and the thread pool) per
operation; it leaves PostgreSQL's own work out and hardly depends on how busy the machine is.
Statements are counted in a second pass (wrapping every connection the thread pool uses), after
which the on-commit work (hooks, roll-up ledger, broadcasts) is included since it runs in the same
call. Python function calls per operation (on the thread pool, where the services run) are counted
under cProfile in a third pass; like statements, they do not depend on the machine's load. Prints a
table, then (with --json) one JSON line {"<op>": {"cpu_ms", "cpu_ms_p50", "statements", "python_calls"}}.
"""

from __future__ import annotations

import argparse
import asyncio
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")
OPS = ("hello", "first_message", "follow_up")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--visitors", type=int, default=200, help="timed visitors (3 operations each)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed visitors first")
    parser.add_argument(
        "--profile",
        type=int,
        default=10,
        help="visitors run under cProfile afterwards (Python calls per operation)",
    )
    parser.add_argument("--top", type=int, default=0, help="the top functions shown per operation (cProfile)")
    parser.add_argument("--only", default="", help="with --profile: show only functions whose path has this")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime, calls")
    parser.add_argument("--db-name", default="bench_chat_ops")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database (migrated again)")
    parser.add_argument("--sql", action="store_true", help="print the statements of one visitor's operations")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    return parser.parse_args()


def setup(args) -> str:
    """The bench database (fresh unless --reuse) and its widget; returns the widget key."""
    os.environ["HELMDESK_DB_NAME"] = args.db_name
    os.environ["HELMDESK_TASKS_SYNC"] = "0"  # as bench/chat_load.py's daphne: tasks queued, not run
    os.environ["HELMDESK_AI_INBOUND"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if not args.reuse:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{args.db_name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{args.db_name}"')
    call_command("migrate", verbosity=0, interactive=False)
    from chat.models import ChatWidget

    widget, _ = ChatWidget.objects.get_or_create(
        name="bench", defaults={"allowed_origins": "http://bench.example", "ai_first_answer": False}
    )
    connection.close()
    return widget.key


def drop_database(name: str) -> None:
    from django.db import connection, connections

    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Calls:
    """How the socket reaches the database: `db()` (thread pool, connection handed back), optionally
    counting every statement or profiling the call in its thread."""

    def __init__(self) -> None:
        self.statements = 0
        self.counting = False
        self.show_sql = False
        self.profiler: cProfile.Profile | None = None

    def __call__(self, func):
        from asgiref.sync import sync_to_async
        from django.db import connections

        from chat.consumers.base import db

        if not self.counting and self.profiler is None:
            return db(func)  # exactly what the socket awaits

        def call(*args, **kwargs):
            def count(execute, sql, params, many, context):
                self.statements += 1
                if self.show_sql:
                    print(f"    {sql[:300]}")
                return execute(sql, params, many, context)

            if self.profiler is not None:
                self.profiler.enable()
            try:
                with connections["default"].execute_wrapper(count):
                    return func(*args, **kwargs)
            finally:
                connections.close_all()
                if self.profiler is not None:
                    self.profiler.disable()

        return sync_to_async(call, thread_sensitive=False)


async def visitor_ops(n: int, key: str, calls: Calls, layer, record) -> None:
    """One new visitor: connect + hello, first message, follow-up; `record(op, seconds)` each."""
    from chat.consumers.visitor import _hello, _receive_and_read
    from chat.groups import conversation_group
    from chat.selectors.messages import messages_after
    from chat.selectors.widgets import recent_widgets, widget_by_key_recent, widget_public_config

    channel = await layer.new_channel()

    started = time.process_time()
    known, widget = recent_widgets.lookup(key)  # as the socket's connect: most connects read nothing
    if not known:
        widget = await calls(widget_by_key_recent)(key)
    identified, session, owns, availability = await calls(_hello)(
        widget=widget, token="", name="", email="", signature="", asked=0
    )
    assert owns and identified.created and session is None
    json.dumps(
        {
            "type": "welcome",
            "token": identified.token,
            "widget": widget_public_config(widget, availability=availability),
        }
    )
    record("hello", time.process_time() - started)
    offline = not availability.online

    started = time.process_time()
    message, status, batch = await calls(_receive_and_read)(
        visitor=identified.visitor, text=f"Hello, I need help with order {n}", client_id=f"ops-{n}-1",
        ticket_id=None, seq=0, offline=offline,
    )  # fmt: skip
    assert message.seq == 1 and status is not None and batch is None
    group = conversation_group(message.ticket_id)
    await layer.group_add(group, channel)
    json.dumps(status)
    for payload in await calls(messages_after)(ticket_id=message.ticket_id, seq=0):
        json.dumps(payload)
    await layer.group_send(group, {"type": "chat.sync", "sender": channel})
    await layer.receive(channel)  # the socket's own relay, ignored
    record("first_message", time.process_time() - started)

    started = time.process_time()
    message, status, batch = await calls(_receive_and_read)(
        visitor=identified.visitor, text="And one more thing", client_id=f"ops-{n}-2",
        ticket_id=message.ticket_id, seq=1, offline=offline,
    )  # fmt: skip
    assert message.seq == 2 and status is None and len(batch) == 1
    json.dumps(batch[0])
    await layer.group_send(group, {"type": "chat.sync", "sender": channel})
    await layer.receive(channel)
    record("follow_up", time.process_time() - started)
    await layer.group_discard(group, channel)


async def run(args, key: str) -> tuple[dict, dict, dict]:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    calls = Calls()
    cpu: dict[str, list[float]] = {op: [] for op in OPS}
    for n in range(args.warmup):
        await visitor_ops(n, key, calls, layer, lambda op, s: None)
    base = args.warmup
    for n in range(args.visitors):
        await visitor_ops(base + n, key, calls, layer, lambda op, s: cpu[op].append(s))
    base += args.visitors

    statements: dict[str, list[int]] = {op: [] for op in OPS}
    calls.counting = True

    def count(op: str, _seconds: float) -> None:
        statements[op].append(calls.statements)
        calls.statements = 0
        if calls.show_sql:
            print(f"  ^ {op}")

    if args.sql:
        calls.show_sql = True
        print("statements of one visitor (each operation's name follows its statements):")
        await visitor_ops(base, key, calls, layer, count)
        calls.show_sql = False
        base += 1
        statements = {op: [] for op in OPS}

    for n in range(20):
        await visitor_ops(base + n, key, calls, layer, count)
    base += 20
    calls.counting = False

    profiles: dict[str, pstats.Stats] = {}
    if args.profile:
        for op in OPS:
            calls.profiler = cProfile.Profile(time.thread_time)  # CPU of the thread, not wall time
            for n in range(args.profile):  # one operation profiled at a time, the others not
                await _profiled_visitor(base + n, key, calls, layer, op)
            base += args.profile
            profiles[op] = pstats.Stats(calls.profiler)
        calls.profiler = None
    return cpu, statements, profiles


async def _profiled_visitor(n: int, key: str, calls: Calls, layer, op: str) -> None:
    profiler = calls.profiler

    def record(done: str, _s: float) -> None:
        # enable the profiler only for the operation that follows `done` (or for hello, from the start)
        following = OPS[OPS.index(done) + 1] if OPS.index(done) + 1 < len(OPS) else None
        calls.profiler = profiler if following == op else None

    calls.profiler = profiler if op == "hello" else None
    await visitor_ops(n, key, calls, layer, record)
    calls.profiler = profiler


def main() -> int:
    args = parse_args()
    key = setup(args)
    try:
        print(f"load average (1 min) at the start: {os.getloadavg()[0]:.2f}")
        cpu, statements, profiles = asyncio.run(run(args, key))
        result = {}
        print(
            f"{'operation':<15} {'CPU ms p50':>10} {'CPU ms mean':>11} {'statements':>10} {'Python calls':>12}"
        )
        for op in OPS:
            median, mean = statistics.median(cpu[op]) * 1000, statistics.fmean(cpu[op]) * 1000
            count = statistics.median(statements[op])
            calls = round(profiles[op].total_calls / args.profile) if op in profiles else None
            result[op] = {
                "cpu_ms": round(mean, 2), "cpu_ms_p50": round(median, 2), "statements": count, "python_calls": calls,
            }  # fmt: skip
            print(f"{op:<15} {median:>10.2f} {mean:>11.2f} {count:>10g} {calls or '':>12}")
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
        for op, stats in profiles.items() if args.top else ():
            out = io.StringIO()
            stats.stream = out
            stats.sort_stats(args.sort).print_stats(*([args.only] if args.only else []), args.top)
            calls_total = stats.total_calls / max(1, args.profile)
            cpu_ms = stats.total_tt * 1000 / max(1, args.profile)
            print(f"\n=== {op}: {calls_total:.0f} Python calls, {cpu_ms:.1f} ms CPU (profiled) per operation "
                  "on the thread pool ===")  # fmt: skip
            print(out.getvalue().split("\n", 6)[-1])
        if args.json:
            print(json.dumps(result))
    finally:
        if not args.keep:
            drop_database(args.db_name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
