"""IMAP polling against a real dovecot: raw bytes committed before the mail is marked seen or
moved; broken mail is stored too; a bad password is reported clearly and never logged."""

from __future__ import annotations

import uuid

import pytest
from django_q.models import Schedule
from imapclient import IMAPClient

from emailchannel import tasks
from emailchannel.models import InboundEmail, Mailbox
from emailchannel.services.imap import mailbox_poll, mailbox_test_connection
from helpdesk.services.delivery import reply_send
from tests.emailchannel.conftest import SUPPORT, make_mail
from tests.emailchannel.imap_server import imap_server  # noqa: F401  (session fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap(imap_server):  # noqa: F811
    folder = f"T{uuid.uuid4().hex[:10]}"
    client = IMAPClient(imap_server["host"], port=imap_server["port"], ssl=False)
    client.login(imap_server["user"], imap_server["password"])
    client.create_folder(folder)
    client.folder = folder
    yield client
    client.logout()


@pytest.fixture
def imap_mailbox(imap, imap_server, team):  # noqa: F811
    return Mailbox.objects.create(
        address=SUPPORT, imap_host=imap_server["host"], imap_port=imap_server["port"], imap_tls=False,
        imap_user=imap_server["user"], imap_password=imap_server["password"], folder=imap.folder,
        default_team=team,
    )  # fmt: skip


def _unseen(imap) -> list[int]:
    imap.select_folder(imap.folder)
    return imap.search(["UNSEEN"])


def test_polling_stores_each_mail_then_marks_it_seen(imap, imap_mailbox):
    imap.append(imap.folder, make_mail(subject="First"))
    imap.append(
        imap.folder, b"From: broken@example.com\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
    )
    assert len(_unseen(imap)) == 2

    assert mailbox_poll(mailbox=imap_mailbox) == 2
    outcomes = sorted(InboundEmail.objects.values_list("outcome", flat=True))
    assert outcomes == ["ticket", "ticket"]  # a broken one is still a ticket with what could be read
    assert _unseen(imap) == []
    assert mailbox_poll(mailbox=imap_mailbox) == 0
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_polled_at is not None and imap_mailbox.last_error == ""


def test_processed_mail_can_be_moved_to_another_folder(imap, imap_mailbox):
    done = imap.folder + "-done"
    imap.create_folder(done)
    imap_mailbox.processed_folder = done
    imap_mailbox.save()
    imap.append(imap.folder, make_mail())
    assert mailbox_poll(mailbox=imap_mailbox) == 1
    imap.select_folder(imap.folder)
    assert imap.search(["ALL"]) == []
    imap.select_folder(done)
    assert len(imap.search(["ALL"])) == 1


def test_a_wrong_password_is_a_clear_error_without_the_password(imap_mailbox):
    imap_mailbox.imap_password = "wrong-pass-123"
    imap_mailbox.save()
    report = mailbox_test_connection(mailbox=imap_mailbox)
    assert "connection failed" in report and "wrong-pass-123" not in report
    with pytest.raises(Exception):
        mailbox_poll(mailbox=imap_mailbox)
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_error and "wrong-pass-123" not in imap_mailbox.last_error


def test_test_connection_reports_the_folder(imap, imap_mailbox):
    imap.append(imap.folder, make_mail())
    assert mailbox_test_connection(mailbox=imap_mailbox).endswith(f"folder {imap.folder} has 1 messages.")


def test_the_scheduled_task_polls_every_active_mailbox(imap, imap_mailbox):
    assert Schedule.objects.filter(
        name="helmdesk-email-poll", func="emailchannel.tasks.mailboxes_poll"
    ).exists()
    imap.append(imap.folder, make_mail())
    assert tasks.mailboxes_poll() == {SUPPORT: 1}


def test_end_to_end_imap_in_agent_reply_smtp_out_customer_reply_threads_back(
    imap, imap_mailbox, agent, smtp_server, django_capture_on_commit_callbacks
):
    imap.append(imap.folder, make_mail(subject="Gears slip", body="Third gear slips."))
    mailbox_poll(mailbox=imap_mailbox)
    ticket = InboundEmail.objects.get().ticket

    with django_capture_on_commit_callbacks(execute=True):
        reply_send(ticket=ticket, author_kind="agent", author_agent=agent, body_text="Adjust the cable.")
    [sent] = smtp_server.messages
    assert sent["Subject"] == f"Re: [#{ticket.number}] Gears slip"

    answer = make_mail(
        subject=f"Re: {sent['Subject']}", in_reply_to=sent["Message-ID"], references=sent["References"] + " " + sent["Message-ID"],
        body="Fixed, thanks!\n\nOn Tue, Support wrote:\n> Adjust the cable.\n",
    )  # fmt: skip
    imap.append(imap.folder, answer)
    mailbox_poll(mailbox=imap_mailbox)
    reply = InboundEmail.objects.order_by("-id").first()
    assert (reply.outcome, reply.ticket) == ("reply", ticket)
    assert ticket.messages.order_by("-seq").first().body_text == "Fixed, thanks!"
