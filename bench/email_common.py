"""Shared by bench/email_fixtures.py and bench/email_fuzz.py: a throwaway database on the server."""

from __future__ import annotations


def recreate_database(name: str) -> None:
    """A clean database: drop whatever an interrupted run left, create it empty."""
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
