"""Desk pages and admin of the email channel: quarantine, raw download, ticket panel, cc's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from emailchannel.models import InboundEmail, Mailbox, TicketCc
from emailchannel.services.inbound import email_receive
from helpdesk.models import TicketEvent
from tests.conftest import make_agent
from tests.emailchannel.conftest import make_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, agent):
    client.force_login(agent.user)
    return client


@pytest.fixture
def held(mailbox):
    return email_receive(raw=b"Subject: no sender\r\n\r\nbody\r\n", mailbox=mailbox)


def test_the_quarantine_lists_held_mail_and_each_action_works(desk, held, mailbox):
    page = desk.get(reverse("emailchannel:quarantine"))
    assert page.status_code == 200
    assert f'id="inbound-{held.pk}"' in page.content.decode()

    raw = desk.get(reverse("emailchannel:raw", args=[held.pk]))
    assert raw.status_code == 200
    assert b"".join(raw.streaming_content) == b"Subject: no sender\r\n\r\nbody\r\n"
    assert raw["Content-Disposition"].startswith("attachment")

    retry = desk.post(reverse("emailchannel:quarantine_action", args=[held.pk, "retry"]))
    assert retry.status_code == 302
    discard = desk.post(reverse("emailchannel:quarantine_action", args=[held.pk, "discard"]))
    assert discard.status_code == 302
    held.refresh_from_db()
    assert held.outcome == InboundEmail.Outcome.DISCARDED
    assert f'id="inbound-{held.pk}"' not in desk.get(reverse("emailchannel:quarantine")).content.decode()


def test_an_unknown_action_is_404_and_get_is_refused(desk, held):
    assert desk.post(reverse("emailchannel:quarantine_action", args=[held.pk, "explode"])).status_code == 404
    assert desk.get(reverse("emailchannel:quarantine_action", args=[held.pk, "retry"])).status_code == 405


def test_agents_of_other_teams_do_not_see_a_teams_mailbox(client, held, other_team):
    outsider = make_agent("olga", teams=[other_team])
    client.force_login(outsider.user)
    assert f'id="inbound-{held.pk}"' not in client.get(reverse("emailchannel:quarantine")).content.decode()
    assert client.get(reverse("emailchannel:raw", args=[held.pk])).status_code == 404
    assert (
        client.post(reverse("emailchannel:quarantine_action", args=[held.pk, "discard"])).status_code == 404
    )


def test_customers_and_strangers_are_kept_out(client, held):
    response = client.get(reverse("emailchannel:quarantine"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_ticket_panel_shows_sender_quoted_text_and_manages_ccs(desk, mailbox):
    body = "New words.\n\nOn Mon, Support wrote:\n> old words\n"
    inbound = email_receive(raw=make_mail(body=body, cc="boss@example.com"), mailbox=mailbox)
    ticket = inbound.ticket
    page = desk.get(reverse("desk:ticket", args=[ticket.pk]))
    assert 'id="email-panel-slot"' in page.content.decode()

    panel = desk.get(reverse("emailchannel:ticket_panel", args=[ticket.pk])).content.decode()
    assert "casey@example.com" in panel and "boss@example.com" in panel
    assert "Show quoted text" in panel and "&gt; old words" in panel
    assert reverse("emailchannel:raw", args=[inbound.pk]) in panel

    added = desk.post(reverse("emailchannel:ticket_cc", args=[ticket.pk]), {"address": "ops@example.com"})
    assert added.status_code == 302
    assert set(TicketCc.objects.filter(ticket=ticket).values_list("address", flat=True)) == {
        "boss@example.com", "ops@example.com",
    }  # fmt: skip
    assert TicketEvent.objects.filter(ticket=ticket, field="email_cc", after="ops@example.com").exists()
    bad = desk.post(reverse("emailchannel:ticket_cc", args=[ticket.pk]), {"address": "x@y.z\r\nBcc: a@b.c"})
    assert bad.status_code == 400 and "not a valid email address" in bad.content.decode()
    desk.post(
        reverse("emailchannel:ticket_cc", args=[ticket.pk]), {"address": "boss@example.com", "remove": "1"}
    )
    assert list(TicketCc.objects.filter(ticket=ticket).values_list("address", flat=True)) == [
        "ops@example.com"
    ]


def test_admin_pages_render_and_the_password_is_never_shown(client, admin_agent, mailbox, held):
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_password="s3cret-imap")
    client.force_login(admin_agent.user)
    for name in ("mailbox", "inboundemail", "outboundemail", "ticketcc"):
        assert client.get(reverse(f"admin:emailchannel_{name}_changelist")).status_code == 200
    change = client.get(reverse("admin:emailchannel_mailbox_change", args=[mailbox.pk]))
    assert change.status_code == 200 and "s3cret-imap" not in change.content.decode()
    assert "s3cret-imap" not in repr(Mailbox.objects.get(pk=mailbox.pk))


def test_admin_test_connection_reports_a_clear_error(client, admin_agent, mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_host="127.0.0.1", imap_port=1, imap_tls=False)
    client.force_login(admin_agent.user)
    response = client.post(
        reverse("admin:emailchannel_mailbox_changelist"),
        {"action": "test_connection", "_selected_action": [mailbox.pk]},
        follow=True,
    )
    assert "connection failed: ConnectionRefusedError" in response.content.decode()
