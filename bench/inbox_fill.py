"""Bulk fill for bench/inbox.py: N tickets x M messages written by PostgreSQL itself.

Text comes from the demo's support stories (English and German), one story per ticket, so every
ticket reads as one coherent conversation and full-text search sees realistic word frequencies.
Each ticket gets its own order number ("NW-123456") for selective searches. Rows are generated
with INSERT ... SELECT over generate_series; secondary indexes are dropped during the load and
rebuilt afterwards (the usual bulk-load path), and search_vector is computed in SQL.
"""

from __future__ import annotations

import random
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from demo.data.scenarios import all_scenarios
from demo.data.writing import agent_message, customer_message, make_slots
from helpdesk.models import Agent, Customer, Message, Tag, Team, TeamMembership, Ticket

TURNS = ("opening", "reply", "followup", "resolution", "note")  # message seq cycles through these
LANGS = ("en", "de")
TEAMS = ("Customer Care", "Billing", "Workshop", "Fleet Accounts", "Returns", "Partners")
AGENT_COUNT = 20
CUSTOMER_COUNT = 5000
TAGS = ("order", "delivery", "battery", "motor", "warranty", "invoice", "refund", "app", "return", "vip")
FIRST_NAMES = (
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Grace",
    "Hugo",
    "Ida",
    "Jonas",
    "Lena",
    "Max",
)
LAST_NAMES = (
    "Becker",
    "Clarke",
    "Fischer",
    "Hughes",
    "Keller",
    "Moreau",
    "Novak",
    "Patel",
    "Schulz",
    "Walsh",
)


def log(message: str) -> None:
    print(f"  {message}", flush=True)


def build_corpus() -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
    """(idx, body) per story x turn x language, and (idx, subject, all text) per story x language.
    `{order}` stays a placeholder: SQL puts each ticket's own order number there."""
    rng = random.Random(7)
    bodies, subjects = [], []
    stories = [story for scenario in all_scenarios() for story in scenario.stories]
    for story_index, story in enumerate(stories):
        for lang_index, lang in enumerate(LANGS):
            slots = {**make_slots(rng, lang=lang, when=timezone.now()), "order": "{order}"}
            turns = {
                "opening": customer_message(rng, story.opening[lang].format(**slots), lang=lang, channel="email", name="Alex Berg"),
                "reply": agent_message(rng, story.reply[lang].format(**slots), lang=lang, channel="email", customer_name="Alex Berg", agent_name="Sam Weber"),
                "followup": customer_message(rng, story.followup[lang].format(**slots), lang=lang, channel="email", name="Alex Berg"),
                "resolution": agent_message(rng, story.resolution[lang].format(**slots), lang=lang, channel="email", customer_name="Alex Berg", agent_name="Sam Weber"),
                "note": story.note.format(**slots),
            }  # fmt: skip
            for turn_index, turn in enumerate(TURNS):
                bodies.append((corpus_index(story_index, turn_index, lang_index), turns[turn]))
            subjects.append(
                (story_index * 2 + lang_index, story.subject[lang].format(**slots), " ".join(turns.values()))
            )
    return bodies, subjects


def corpus_index(story: int, turn: int, lang: int) -> int:
    return (story * len(TURNS) + turn) * 2 + lang


def fill(*, tickets: int, messages_per_ticket: int) -> dict[str, float]:
    """Create people, then tickets and messages in bulk. Returns seconds per phase."""
    timings = {}
    started = time.monotonic()
    people = _create_people()
    timings["people"] = time.monotonic() - started
    bodies, subjects = build_corpus()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        _skip_foreign_key_checks(cursor)
        cursor.execute("CREATE TABLE bench_body (idx int PRIMARY KEY, body text NOT NULL)")
        cursor.execute(
            "CREATE TABLE bench_subject (idx int PRIMARY KEY, subject text NOT NULL, alltext text NOT NULL)"
        )
        cursor.executemany("INSERT INTO bench_body VALUES (%s, %s)", bodies)
        cursor.executemany("INSERT INTO bench_subject VALUES (%s, %s, %s)", subjects)
        dropped = {model: _drop_secondary_indexes(cursor, model) for model in (Ticket, Message)}

        phase = time.monotonic()
        _insert_tickets(cursor, tickets, messages_per_ticket, len(subjects) // 2, people)
        timings["tickets"] = time.monotonic() - phase
        log(f"{tickets:,} tickets in {timings['tickets']:.1f} s")

        phase = time.monotonic()
        _insert_messages(cursor, tickets, messages_per_ticket, len(subjects) // 2, people)
        timings["messages"] = time.monotonic() - phase
        log(f"{tickets * messages_per_ticket:,} messages in {timings['messages']:.1f} s")

        phase = time.monotonic()
        cursor.execute(
            "INSERT INTO helpdesk_ticket_tags (ticket_id, tag_id) "
            "SELECT t, (%s::bigint[])[1 + (t * 31) %% %s] FROM generate_series(1, %s) t",
            [people["tags"], len(people["tags"]), tickets],
        )
        for statements in dropped.values():
            for statement in statements:
                cursor.execute(statement)
        for table in ("helpdesk_ticket", "helpdesk_message"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("SELECT setval('helpdesk_ticket_number_seq', %s)", [tickets])
        cursor.execute("DROP TABLE bench_body, bench_subject")
        timings["indexes"] = time.monotonic() - phase
        log(f"tags and indexes in {timings['indexes']:.1f} s")
    phase = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["analyze"] = time.monotonic() - phase
    log(f"VACUUM ANALYZE in {timings['analyze']:.1f} s")
    return timings


def _create_people() -> dict:
    teams = [Team.objects.create(name=name, slug=name.lower().replace(" ", "-")) for name in TEAMS]
    password = make_password("bench")
    user_model = get_user_model()
    agents = []
    for i in range(AGENT_COUNT):
        user = user_model.objects.create(
            username=f"bench-agent-{i}", password=password, first_name=f"Agent {i}"
        )
        agent = Agent.objects.create(user=user)
        TeamMembership.objects.create(agent=agent, team=teams[i % len(teams)])
        TeamMembership.objects.create(agent=agent, team=teams[(i + 1) % len(teams)])
        agents.append(agent)
    admin_user = user_model.objects.create(
        username="bench-admin", password=password, is_staff=True, is_superuser=True
    )
    admin = Agent.objects.create(user=admin_user, role=Agent.Role.ADMIN)
    tags = [Tag.objects.create(name=name) for name in TAGS]
    with connection.cursor() as cursor:
        _insert_select(
            cursor,
            Customer,
            {
                "email": "'customer' || i || '@example.com'",
                "name": "(%s::text[])[1 + i %% 12] || ' ' || (%s::text[])[1 + (i / 12) %% 10]",
                "language": "CASE WHEN i %% 3 = 0 THEN 'de' ELSE 'en' END",
                "tier": "CASE WHEN i %% 97 = 0 THEN 'vip' ELSE 'standard' END",
                "created_at": "now() - make_interval(days => i %% 700)",
            },
            "generate_series(1, %s) i",
            [list(FIRST_NAMES), list(LAST_NAMES), CUSTOMER_COUNT],
        )
    customers = list(Customer.objects.order_by("id").values_list("id", flat=True))
    return {
        "teams": [t.id for t in teams],
        "agents": [a.id for a in agents],
        "agent_objects": agents,
        "admin": admin,
        "customers": (customers[0], len(customers)),
        "tags": [t.id for t in tags],
    }


def _insert_tickets(cursor, tickets: int, per_ticket: int, stories: int, people: dict) -> None:
    first_customer, customer_count = people["customers"]
    story = f"((t * 2654435761) %% {stories})"
    lang = "(t %% 3 = 0)::int"
    age = "make_interval(secs => (t * 40503 %% 31536000))"  # spread over a year, not by id
    bucket = "((t * 7919) %% 100)"
    _insert_select(
        cursor,
        Ticket,
        {
            "id": "t",
            "number": "t",
            "subject": "replace(s.subject, '{order}', 'NW-' || (100000 + (t * 7919) %% 900000))",
            "status": f"CASE WHEN {bucket} < 2 THEN 'new' WHEN {bucket} < 7 THEN 'open' WHEN {bucket} < 10 THEN 'pending' "
            f"WHEN {bucket} < 12 THEN 'on_hold' WHEN {bucket} < 20 THEN 'solved' ELSE 'closed' END",
            "priority": "(ARRAY['low','normal','normal','normal','normal','high','high','urgent'])[(1 + (t * 13) %% 8)::int]",
            "channel": "(ARRAY['email','email','email','web','web','chat','api','phone'])[(1 + (t * 17) %% 8)::int]",
            "requester_id": f"{first_customer} + (t * 7) %% {customer_count}",
            "assignee_id": "CASE WHEN t %% 10 = 0 THEN NULL ELSE (%s::bigint[])[(1 + (t * 11) %% %s)::int] END",
            "team_id": "(%s::bigint[])[(1 + (t * 5) %% %s)::int]",
            "language": f"CASE WHEN {lang} = 1 THEN 'de' ELSE 'en' END",
            "created_at": f"now() - {age} - make_interval(hours => {per_ticket + 1})",
            "updated_at": f"now() - {age}",
            "last_message_at": f"now() - {age} - interval '90 minutes'",
            "first_response_at": f"now() - {age} - make_interval(hours => {per_ticket})",
            "solved_at": f"CASE WHEN {bucket} >= 12 THEN now() - {age} END",
            "message_count": str(per_ticket),
            "search_vector": "setweight(to_tsvector('simple', replace(s.subject, '{order}', 'NW-' || (100000 + (t * 7919) %% 900000))), 'A')"
            " || setweight(to_tsvector('simple', replace(s.alltext, '{order}', 'NW-' || (100000 + (t * 7919) %% 900000))), 'B')",
        },
        f"generate_series(1::bigint, %s::bigint) t JOIN bench_subject s ON s.idx = {story} * 2 + {lang}",
        [people["agents"], len(people["agents"]), people["teams"], len(people["teams"]), tickets],
    )


def _insert_messages(cursor, tickets: int, per_ticket: int, stories: int, people: dict) -> None:
    first_customer, customer_count = people["customers"]
    turn = f"((m - 1) %% {len(TURNS)})"
    agent_turn = f"{turn} IN (1, 3, 4)"
    _insert_select(
        cursor,
        Message,
        {
            "ticket_id": "t",
            "seq": "m",
            "author_kind": f"CASE WHEN {agent_turn} THEN 'agent' ELSE 'customer' END",
            "author_agent_id": f"CASE WHEN {agent_turn} THEN (%s::bigint[])[(1 + (t * 11) %% %s)::int] END",
            "author_customer_id": f"CASE WHEN {agent_turn} THEN NULL ELSE {first_customer} + (t * 7) %% {customer_count} END",
            "body_html": "'<p>' || replace(replace(b.body, '{order}', 'NW-' || (100000 + (t * 7919) %% 900000)), E'\\n\\n', '</p><p>') || '</p>'",
            "body_text": "replace(b.body, '{order}', 'NW-' || (100000 + (t * 7919) %% 900000))",
            "is_internal": f"{turn} = 4",
            "created_at": f"now() - make_interval(secs => (t * 40503 %% 31536000)) - make_interval(hours => {per_ticket + 1}) + make_interval(hours => m) - interval '30 minutes'",
        },
        f"generate_series(1::bigint, %s::bigint) t CROSS JOIN generate_series(1, {per_ticket}) m "
        f"JOIN bench_body b ON b.idx = (((t * 2654435761) %% {stories}) * {len(TURNS)} + {turn}) * 2 + (t %% 3 = 0)::int",
        [people["agents"], len(people["agents"]), tickets],
    )


def _insert_select(cursor, model, expressions: dict[str, str], source: str, params: list) -> None:
    """INSERT INTO <model table> SELECT <expressions> FROM <source>. `params` bind the placeholders
    of the expressions (in their order) and then of `source`. Every other NOT NULL column gets the
    field's default, so the fill keeps working when other apps add fields."""
    columns = {f.column: f for f in model._meta.concrete_fields}
    unknown = set(expressions) - set(columns)
    if unknown:
        raise RuntimeError(f"bench fill: {model.__name__} has no column {sorted(unknown)}")
    default_columns, default_params = [], []
    for column, model_field in columns.items():
        if column in expressions or model_field.primary_key or model_field.null:
            continue
        default = model_field.get_default()
        if default is None:
            raise RuntimeError(f"bench fill: {model.__name__}.{model_field.name} needs a value")
        default_columns.append(column)
        default_params.append(model_field.get_db_prep_save(default, connection))
    in_expressions = sum(expression.replace("%%", "").count("%s") for expression in expressions.values())
    select_list = [*expressions.values(), *["%s"] * len(default_columns)]
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({", ".join([*expressions, *default_columns])}) '
        f"SELECT {', '.join(select_list)} FROM {source}"
    )
    cursor.execute(sql, [*params[:in_expressions], *default_params, *params[in_expressions:]])


def _skip_foreign_key_checks(cursor) -> None:
    """The generated rows reference existing rows by construction; skipping the per-row FK triggers
    makes the load several times faster. Needs a superuser (the embedded server's user is one)."""
    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except Exception as exc:  # an external server with a non-superuser: keep the checks
        log(f"foreign-key checks stay on ({exc.__class__.__name__})")


def _drop_secondary_indexes(cursor, model) -> list[str]:
    """Drop indexes that back no constraint; return the statements that rebuild them."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [table],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def long_thread_ticket(messages: int = 100) -> int:
    """The id of a ticket with a `messages`-message thread, made from an ordinary filled ticket by
    repeating its conversation (so the ticket page can be measured with a long thread)."""
    existing = Ticket.objects.filter(message_count__gte=messages).order_by("id").values_list("id", flat=True)
    if existing:
        return existing[0]
    ticket_id = Ticket.objects.order_by("id").values_list("id", flat=True)[Ticket.objects.count() // 2]
    per_ticket = Message.objects.filter(ticket_id=ticket_id).count()
    rounds = -(-messages // per_ticket) - 1  # extra copies of the thread after the original
    columns = (
        "author_kind",
        "author_agent_id",
        "author_customer_id",
        "body_html",
        "body_text",
        "is_internal",
    )
    with transaction.atomic(), connection.cursor() as cursor:
        _insert_select(
            cursor,
            Message,
            {
                "ticket_id": "m.ticket_id",
                "seq": f"m.seq + {per_ticket} * k",
                **{column: f"m.{column}" for column in columns},
                "created_at": f"m.created_at + make_interval(hours => {per_ticket} * k)",
            },
            "helpdesk_message m CROSS JOIN generate_series(1, %s) k WHERE m.ticket_id = %s "
            "AND m.seq + %s * k <= %s",
            [rounds, ticket_id, per_ticket, messages],
        )
        count = Message.objects.filter(ticket_id=ticket_id).count()
        Ticket.objects.filter(pk=ticket_id).update(message_count=count)
    log(f"ticket {ticket_id} now has a {count}-message thread")
    return ticket_id
