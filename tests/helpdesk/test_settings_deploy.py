"""Production mode passes Django's deployment checklist with zero warnings, and refuses to start
without the settings it cannot guess."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def production_env(**overrides: str) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT"}
    }
    env.update(
        HELMDESK_PRODUCTION="1",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="example.com",
        XDG_RUNTIME_DIR="/tmp",
    )
    env.update(overrides)
    return env


def embedded_database_url() -> str:
    """DATABASE_URL for this test run's database on the embedded server (reached by its socket)."""
    db = connection.settings_dict
    host = quote(db["HOST"], safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}@{host}{port}/{db['NAME']}"


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )


@pytest.mark.django_db
def test_check_deploy_passes_with_zero_warnings():
    env = production_env(DATABASE_URL=embedded_database_url())
    result = run_manage("check", "--deploy", "--database", "default", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env(SECRET_KEY="", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when HELMDESK_PRODUCTION=1." in result.stderr
