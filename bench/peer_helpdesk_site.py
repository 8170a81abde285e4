"""The django-helpdesk side of bench/peer_django_helpdesk.py. Runs in the peer's own virtualenv.

    python peer_helpdesk_site.py migrate            # its schema in its own database
    python peer_helpdesk_site.py fill               # copy Helmdesk's bench data in, through its models
    python peer_helpdesk_site.py time CASES_JSON    # time its pages; last line: JSON of the times

The database comes from PEER_DB_* environment variables (the orchestrator passes the embedded
server's socket, port and user), and PEER_SOURCE_DSN names the Helmdesk bench database to copy
from. Only Django, django-helpdesk and psycopg are imported: nothing of Helmdesk.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django
from django.conf import settings

BATCH = 5000
# Helmdesk status/priority -> django-helpdesk's integers (Open 1, Resolved 3, Closed 4; priority 1-5).
STATUS = {"new": 1, "open": 1, "pending": 1, "on_hold": 1, "solved": 3, "closed": 4}
PRIORITY = {"urgent": 1, "high": 2, "normal": 3, "low": 4}


def configure() -> None:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="peer-bench-only",
        ALLOWED_HOSTS=["*"],
        SITE_ID=1,
        USE_TZ=True,
        ROOT_URLCONF=__name__ if __name__ != "__main__" else "peer_helpdesk_site",
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django.contrib.sites",
            "django.contrib.humanize",
            "rest_framework",
            "account",  # django-helpdesk's teams support (its migrations need pinax-teams)
            "pinax.invitations",
            "pinax.teams",
            "reversion",
            "helpdesk",
        ],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": os.environ["PEER_DB_NAME"],
                "HOST": os.environ.get("PEER_DB_HOST", ""),
                "PORT": os.environ.get("PEER_DB_PORT", ""),
                "USER": os.environ.get("PEER_DB_USER", ""),
                "PASSWORD": os.environ.get("PEER_DB_PASSWORD", ""),
                "CONN_MAX_AGE": 60,  # a persistent connection, as Helmdesk's pool gives it
            }
        },
        STATIC_URL="/static/",
        LOGIN_URL="/login/",
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def __getattr__(name: str):
    """The URLconf, built only when Django asks for it (after setup)."""
    if name == "urlpatterns":
        from django.urls import include, path

        return [path("helpdesk/", include("helpdesk.urls"))]
    raise AttributeError(name)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def fill() -> dict:
    """Teams become queues, agents users, tickets tickets and messages follow-ups, ids kept."""
    import psycopg
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from helpdesk.models import FollowUp, Queue, Ticket

    started = time.monotonic()
    source = psycopg.connect(os.environ["PEER_SOURCE_DSN"])
    users = {}
    user_model = get_user_model()
    password = make_password("bench")  # hashed once
    for username, is_admin in source.execute(
        "SELECT u.username, u.is_superuser FROM auth_user u JOIN helpdesk_agent a ON a.user_id = u.id"
    ):
        user = user_model.objects.create(
            username=username, password=password, is_staff=True, is_superuser=is_admin
        )
        users[username] = user.pk
    queues = {
        team_id: Queue.objects.create(title=name, slug=slug[:50]).pk
        for team_id, name, slug in source.execute("SELECT id, name, slug FROM helpdesk_team ORDER BY id")
    }
    default_queue = next(iter(queues.values()))
    with source.cursor(name="tickets") as rows:
        rows.itersize = BATCH
        rows.execute(
            "SELECT t.id, t.subject, t.status, t.priority, t.team_id, u.username, c.email, t.created_at, "
            "t.updated_at, (SELECT m.body_text FROM helpdesk_message m WHERE m.ticket_id = t.id ORDER BY m.seq "
            "LIMIT 1) FROM helpdesk_ticket t JOIN helpdesk_customer c ON c.id = t.requester_id "
            "LEFT JOIN helpdesk_agent a ON a.id = t.assignee_id LEFT JOIN auth_user u ON u.id = a.user_id "
            "ORDER BY t.id"
        )
        tickets = _bulk(
            Ticket,
            (
                Ticket(
                    id=tid, title=subject[:200], status=STATUS.get(status, 1), priority=PRIORITY.get(prio, 3),
                    queue_id=queues.get(team, default_queue), assigned_to_id=users.get(assignee),
                    submitter_email=email, created=created, modified=updated, description=first or "",
                )
                for tid, subject, status, prio, team, assignee, email, created, updated, first in rows
            ),
        )  # fmt: skip
    with source.cursor(name="messages") as rows:
        rows.itersize = BATCH
        rows.execute(
            "SELECT m.ticket_id, m.body_text, m.created_at, m.is_internal, u.username FROM helpdesk_message m "
            "LEFT JOIN helpdesk_agent a ON a.id = m.author_agent_id LEFT JOIN auth_user u ON u.id = a.user_id "
            "ORDER BY m.ticket_id, m.seq"
        )
        followups = _bulk(
            FollowUp,
            (
                FollowUp(
                    ticket_id=tid, title="Comment", comment=body, date=created, public=not internal,
                    user_id=users.get(author),
                )
                for tid, body, created, internal, author in rows
            ),
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), max(id)) FROM helpdesk_ticket"
        )
        cursor.execute("VACUUM ANALYZE")
    source.close()
    return {"tickets": tickets, "followups": followups, "seconds": round(time.monotonic() - started, 1)}


def _bulk(model, objects) -> int:
    batch, count = [], 0
    for obj in objects:
        batch.append(obj)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


def list_url(query: dict) -> str:
    from helpdesk.query import query_to_base64

    base = {
        "filtering": {},
        "filtering_null": {},
        "sorting": "created",
        "sortreverse": True,
        "search_string": "",
    }
    return f"/helpdesk/datatables_ticket_list/{query_to_base64({**base, **query})}?draw=1&start=0&length=25"


def peer_urls(spec: dict) -> dict[str, str]:
    """The peer's URL for each case the orchestrator asks for."""
    from helpdesk.models import Queue

    queue = Queue.objects.order_by("id").values_list("id", flat=True).first()
    return {
        "ticket list, first page": list_url({}),
        "ticket list, filtered (open + team)": list_url({"filtering": {"status__in": [1], "queue__id__in": [queue]}}),
        "ticket page, long thread": f"/helpdesk/tickets/{spec['thread_ticket']}/",
        "search 'battery'": list_url({"search_string": "battery"}),
    }  # fmt: skip


def time_cases(spec: dict) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=spec["username"]))
    results = {}
    for case, url in peer_urls(spec).items():
        times = []
        for run in range(spec["warmups"] + spec["repeat"]):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"peer {url} answered {response.status_code}")
            if run >= spec["warmups"]:
                times.append(elapsed)
        results[case] = {"ms": times, "url": url, "bytes": len(response.content)}
        print(f"  peer measured: {case}", file=sys.stderr, flush=True)
    return results


if __name__ == "__main__":
    configure()
    action = sys.argv[1]
    if action == "migrate":
        migrate()
        print(json.dumps({"migrated": True}))
    elif action == "fill":
        print(json.dumps(fill()))
    elif action == "time":
        print(json.dumps(time_cases(json.loads(sys.argv[2]))))
    else:
        raise SystemExit(f"unknown action {action!r}")
