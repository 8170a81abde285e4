"""Real servers for the chat's end-to-end and multi-process tests: daphne processes on the test
database (tasks run inline in them), and a static website on another origin."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**extra: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "HELMDESK_DB_NAME": connection.settings_dict["NAME"],
           "HELMDESK_TASKS_SYNC": "1", "OPENAI_API_KEY": "", "ALLOWED_HOSTS": "localhost,127.0.0.1",
           "HELMDESK_DB_POOL_MAX": "4", "PYTHONUNBUFFERED": "1"}  # fmt: skip
    env.pop("REDIS_URL", None)
    env.update(extra)
    return env


def ensure_cache_table() -> None:
    """The server processes use the database cache (the test run itself uses locmem, so the
    migration that creates the table did nothing in the test database)."""
    from django.core.management import call_command
    from django.test import override_settings

    db_cache = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "helmdesk_cache"}
    }
    with override_settings(CACHES=db_cache):
        call_command("createcachetable", verbosity=0)


class Daphne:
    def __init__(self, port: int, env: dict, log: Path):
        self.port, self.env, self.log = port, env, log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def start(self, timeout: float = 120) -> None:
        out = open(self.log, "ab")  # noqa: SIM115  (closed with the process)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "config.asgi:application"],
            cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/chat/widget.js", timeout=2
                ) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"daphne did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """A clean shutdown (its database sessions end before the test database is dropped)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@contextmanager
def daphne(tmp_path: Path, name: str = "daphne", **env: str):
    ensure_cache_table()
    server = Daphne(free_port(), server_env(**env), tmp_path / f"{name}.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def static_site(directory: Path):
    """A plain website on 127.0.0.1 (another origin than the desk on localhost)."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


CHROMIUM = os.environ.get("HELMDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


def widget_page(site: Path, desk_url: str, widget_key: str, *, title: str = "Shop", body: str = "") -> None:
    """The static site's index.html: a page that embeds the widget with its one script tag."""
    (site / "index.html").write_text(
        f"<!doctype html><html><head><title>{title}</title></head><body>{body}"
        f'<script src="{desk_url}/chat/widget.js" data-widget="{widget_key}" async></script></body></html>'
    )


@contextmanager
def chromium(monkeypatch, desk: Daphne):
    """A headless Chromium (Playwright); on a failure inside, the end of daphne's log is printed."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        except Exception:
            print(desk.log.read_text()[-4000:])  # shown by pytest on failure
            raise
        finally:
            browser.close()
