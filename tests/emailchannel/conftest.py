"""Email fixtures: raw mail built with the standard library, a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from emailchannel.models import Mailbox
from emailchannel.services.outbound import email_deliver
from helpdesk.services.delivery import delivery_adapter_register

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "email"
SUPPORT = "support@helmdesk.test"


def make_mail(
    *, sender: str = "Casey Customer <casey@example.com>", to: str = SUPPORT, subject: str = "Brake squeaks",
    body: str = "My brakes squeak since Monday.", message_id: str | None = None, in_reply_to: str = "",
    references: str = "", headers: dict | None = None, cc: str = "",
) -> bytes:  # fmt: skip
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    mail["Message-ID"] = message_id or make_msgid(domain="example.com")
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    return mail.as_bytes()


def message_id_of(raw: bytes) -> str:
    return email.message_from_bytes(raw, policy=policy.default)["Message-ID"]


@pytest.fixture(autouse=True)
def _email_adapter():
    """Other tests may swap the "email" adapter for a fake and pop it; these tests use the real one."""
    delivery_adapter_register("email", email_deliver)


@pytest.fixture
def mailbox(db, team):
    return Mailbox.objects.create(address=SUPPORT, name="Support", default_team=team)


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    recorder.port = port
    yield recorder
    controller.stop()
