"""Checks that the database can hold Helmdesk: PostgreSQL with the pgvector extension."""

from __future__ import annotations

from django.core.checks import Error, register
from django.db import connection
from django.db.migrations.operations.base import Operation

PGVECTOR_MISSING = (
    "The PostgreSQL server at DATABASE_URL has no pgvector extension, which Helmdesk needs for AI search. "
    "Fix: install pgvector on that server (e.g. `apt install postgresql-<version>-pgvector`, or use the "
    "pgvector/pgvector Docker image) and run `CREATE EXTENSION vector;` as a superuser in the database, "
    "or unset DATABASE_URL to use the embedded PostgreSQL that ships with pgvector."
)


class PgvectorMissing(RuntimeError):
    pass


def pgvector_available(conn=connection) -> bool:
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        return cursor.fetchone() is not None


class EnableVectorExtension(Operation):
    """CREATE EXTENSION vector, with a clear message instead of a stack trace when it is missing."""

    reversible = True

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not pgvector_available(schema_editor.connection):
            raise PgvectorMissing(PGVECTOR_MISSING)
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS vector")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return "Enable the pgvector extension"


@register("database")
def check_pgvector(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    try:
        available = pgvector_available()
    except Exception as exc:  # the connection error itself is reported by Django
        return [Error(f"Cannot reach the database: {exc}", id="helmdesk.E002")]
    return [] if available else [Error(PGVECTOR_MISSING, id="helmdesk.E001")]
