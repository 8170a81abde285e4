"""The embedded PostgreSQL gets Helmdesk's server settings (shared buffers sized from memory, JIT off)."""

import os

import pytest
from django.db import connection

from config.embedded_db import (
    EmbeddedDatabaseError,
    server_settings,
    shared_buffers_mb,
    write_server_settings,
)


def test_shared_buffers_are_a_quarter_of_memory_within_bounds():
    assert shared_buffers_mb(None) == 128
    assert shared_buffers_mb(256) == 128  # never below initdb's default
    assert shared_buffers_mb(2048) == 512
    assert shared_buffers_mb(24 * 1024) == 1024  # capped


def test_override_is_validated():
    assert server_settings({"HELMDESK_PG_SHARED_BUFFERS": "256MB"})["shared_buffers"] == "256MB"
    with pytest.raises(EmbeddedDatabaseError, match="HELMDESK_PG_SHARED_BUFFERS"):
        server_settings({"HELMDESK_PG_SHARED_BUFFERS": "lots"})


def test_settings_file_is_written_and_included_once(tmp_path):
    (tmp_path / "postgresql.conf").write_text("max_connections = 100\n")
    write_server_settings(tmp_path, {"shared_buffers": "512MB", "jit": "off"})
    write_server_settings(tmp_path, {"shared_buffers": "512MB", "jit": "off"})
    conf = (tmp_path / "postgresql.conf").read_text()
    assert conf.count("include_if_exists = 'helmdesk.conf'") == 1
    assert conf.startswith("max_connections = 100\n")  # the rest is kept
    written = (tmp_path / "helmdesk.conf").read_text()
    assert "shared_buffers = '512MB'" in written and "jit = 'off'" in written
    assert oct((tmp_path / "helmdesk.conf").stat().st_mode & 0o777) == "0o644"


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="an external server has its own settings")
@pytest.mark.django_db
def test_the_embedded_server_runs_with_them():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute(
            "SELECT setting::bigint * 8192 / (1024 * 1024) FROM pg_settings WHERE name = 'shared_buffers'"
        )
        assert cursor.fetchone()[0] == int(server_settings()["shared_buffers"].removesuffix("MB"))
