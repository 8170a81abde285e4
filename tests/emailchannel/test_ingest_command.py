"""manage.py email_ingest: stdin, files, folders and mbox; one JSON line; every message counted once."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from emailchannel.models import InboundEmail
from helpdesk.models import RawInput
from tests.emailchannel.conftest import FIXTURES, make_mail

pytestmark = pytest.mark.django_db


def _run(*args, stdin: bytes | None = None, monkeypatch=None) -> dict:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    call_command("email_ingest", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1])


def test_stdin_reads_one_raw_message(monkeypatch, mailbox):
    result = _run("-", stdin=make_mail(), monkeypatch=monkeypatch)
    assert result == {"read": 1, "tickets": 1, "replies": 0, "quarantined": 0, "ignored": 0, "errors": 0}


def test_the_copied_fixtures_all_go_in_and_each_is_counted_once(mailbox):
    result = _run(str(FIXTURES), "--mailbox", mailbox.address)
    assert result["errors"] == 0
    assert result["read"] == 21  # 18 single messages + 3 in simple.mbox.txt
    assert sum(result[k] for k in ("tickets", "replies", "quarantined", "ignored")) == result["read"]
    assert InboundEmail.objects.count() == RawInput.objects.filter(channel="email").count() == 21
    assert not InboundEmail.objects.filter(outcome=InboundEmail.Outcome.PENDING).exists()
    assert result["tickets"] >= 15


def test_an_mbox_file_is_split_into_its_messages(mailbox):
    result = _run(str(FIXTURES / "mimekit" / "simple.mbox.txt"))
    assert result["read"] == 3


def test_a_missing_path_is_a_clear_error(db):
    with pytest.raises(CommandError, match="Not found"):
        call_command("email_ingest", "/nonexistent/mail.eml")
