"""An external PostgreSQL without pgvector gets one clear message naming the fix, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from helpdesk.db_checks import PGVECTOR_MISSING, check_pgvector, pgvector_available

ROOT = Path(__file__).resolve().parents[2]
LOCAL_PG = ("127.0.0.1", 5432)  # the CI machine's PostgreSQL 15: trust auth, no pgvector


def local_postgres_listens() -> bool:
    try:
        with socket.create_connection(LOCAL_PG, timeout=1):
            return True
    except OSError:
        return False


needs_local_postgres = pytest.mark.skipif(
    not local_postgres_listens(), reason="no PostgreSQL without pgvector listening on 127.0.0.1:5432"
)


@pytest.fixture
def database_without_pgvector():
    """A throwaway database on the local server, so the shared `test` database stays untouched."""
    psycopg = pytest.importorskip("psycopg")
    name = f"helmdesk_nopgvector_{uuid.uuid4().hex[:8]}"
    admin_url = f"postgresql://postgres@{LOCAL_PG[0]}:{LOCAL_PG[1]}/test"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone():
            pytest.skip("the local PostgreSQL has pgvector installed")
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://postgres@{LOCAL_PG[0]}:{LOCAL_PG[1]}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "XDG_RUNTIME_DIR": "/tmp"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


@needs_local_postgres
@pytest.mark.parametrize("extra", [[], ["--skip-checks"]], ids=["checked", "skip-checks"])
def test_migrate_without_pgvector_fails_with_one_clear_message(database_without_pgvector, extra):
    result = run_manage("migrate", "--noinput", *extra, database_url=database_without_pgvector)

    assert result.returncode != 0
    assert PGVECTOR_MISSING in result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


@pytest.mark.django_db
def test_the_embedded_server_has_pgvector():
    assert pgvector_available()
    assert check_pgvector(databases=["default"]) == []
