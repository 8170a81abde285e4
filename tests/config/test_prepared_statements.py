"""Prepared statements: on with the embedded server, off with DATABASE_URL unless asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRINT_OPTIONS = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))"
)


def options_with(**env: str) -> dict:
    """The database OPTIONS the settings build under these environment variables (a fresh process)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "HELMDESK_DB_"))}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    done = subprocess.run(
        [sys.executable, "-c", PRINT_OPTIONS], cwd=ROOT, env=environment, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the embedded server's default")
@pytest.mark.django_db
def test_a_query_run_repeatedly_is_prepared_on_the_embedded_server():
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT count(*) FROM helpdesk_ticket WHERE status = %s", ["open"])
            assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT count(*) FROM helpdesk_ticket WHERE status = $1%"],
        )
        assert cursor.fetchone() == (1,)


def test_an_external_server_gets_them_only_when_asked_for():
    url = "postgres://postgres@127.0.0.1:5432/test"
    assert "server_side_binding" not in options_with(DATABASE_URL=url)
    assert options_with(DATABASE_URL=url, HELMDESK_DB_PREPARED_STATEMENTS="1")["server_side_binding"] is True
    assert "server_side_binding" not in options_with(HELMDESK_DB_PREPARED_STATEMENTS="0")
