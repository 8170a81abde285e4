"""A real IMAP server for tests: Debian's dovecot (`make test` installs dovecot-imapd), started
in a throw-away directory on a free port with one plaintext user. Skips when dovecot is absent."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

USER, PASSWORD = "support@helmdesk.test", "imap-secret-42"

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
instance_name = helmdesk-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _accounts() -> dict:
    if os.geteuid() != 0:  # a normal user runs every dovecot process as itself
        me = pwd.getpwuid(os.getuid()).pw_name
        return {"internal": me, "internal_group": me, "login": me, "uid": os.getuid(), "gid": os.getgid()}
    nobody = pwd.getpwnam("nobody")
    return {
        "internal": "dovecot", "internal_group": "dovecot", "login": "dovenull",
        "uid": nobody.pw_uid, "gid": nobody.pw_gid,
    }  # fmt: skip


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not start in 15 s")


@pytest.fixture(scope="session")
def imap_server():
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        pytest.skip("dovecot is not installed (make test installs dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="helmdesk-imap-", dir="/tmp"))
    root.chmod(0o755)  # the unprivileged login and mail processes must reach their folders
    accounts = _accounts()
    (root / "mail").mkdir()
    os.chown(root / "mail", accounts["uid"], accounts["gid"])
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, **accounts))
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_for(port, process, root / "dovecot.log")
        yield {"host": "127.0.0.1", "port": port, "user": USER, "password": PASSWORD}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)
