import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import Agent, Attachment, Macro, Message, Ticket, TicketEvent, TicketStatus
from helpdesk.services.attachments import attachment_add
from helpdesk.services.tickets import ticket_create

pytestmark = pytest.mark.django_db


def url(name, ticket, *rest):
    return reverse(f"desk:{name}", args=[ticket.pk, *rest])


def test_ticket_page_renders_every_region(client_agent, ticket):
    response = client_agent.get(url("ticket", ticket))
    html = response.content.decode()
    assert response.status_code == 200
    for region in ("ticket-header", "ticket-thread", "reply-box", "ticket-sidebar", "ticket-history", "ai-panel",
                   "ticket-properties", "ticket-merge"):  # fmt: skip
        assert f'id="{region}"' in html, region
    assert "I cannot log in since yesterday." in html
    assert f'data-live-url="/ws/desk/tickets/{ticket.pk}/"' in html


def test_unknown_ticket_is_404(client_agent):
    assert client_agent.get(reverse("desk:ticket", args=[999999])).status_code == 404
    assert client_agent.post(reverse("desk:ticket_reply", args=[999999]), {"body": "x"}).status_code == 404


def test_other_teams_ticket_is_refused(client, other_agent, ticket):
    client.force_login(other_agent.user)
    assert client.get(url("ticket", ticket)).status_code == 403
    assert client.post(url("ticket_reply", ticket), {"kind": "reply", "body": "sneaky"}).status_code == 403
    assert (
        client.post(url("ticket_properties", ticket), {"status": "solved", "priority": "low"}).status_code
        == 403
    )
    assert not Message.objects.filter(body_text__contains="sneaky").exists()


def test_region_requests_return_one_partial(client_agent, ticket):
    for region, root in [("thread", 'id="ticket-thread"'), ("header", 'id="ticket-header"'),
                         ("sidebar", 'id="ticket-sidebar"'), ("reply", 'id="reply-box"')]:  # fmt: skip
        html = client_agent.get(
            url("ticket", ticket), {"region": region}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert "<html" not in html and root in html
        others = {'id="ticket-thread"', 'id="ticket-header"', 'id="ticket-sidebar"', 'id="reply-box"'} - {
            root
        }
        assert not any(other in html for other in others)  # one region, not the page
    assert client_agent.get(url("ticket", ticket), {"region": "nope"}).status_code == 400


def test_reply_posts_message_and_redirects(client_agent, agent, ticket):
    response = client_agent.post(url("ticket_reply", ticket), {"kind": "reply", "body": "Try resetting it."})
    assert response.status_code == 302
    message = ticket.messages.latest("seq")
    assert (message.author_kind, message.author_agent, message.is_internal) == ("agent", agent, False)
    assert message.body_text.startswith("Try resetting it.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.first_response_at is not None
    assert response.url.endswith(f"#message-{message.seq}")


def test_reply_appends_signature(client_agent, agent, ticket):
    agent.signature = "Alice, Support"
    agent.save()
    client_agent.post(url("ticket_reply", ticket), {"kind": "reply", "body": "Done."})
    assert ticket.messages.latest("seq").body_text == "Done.\n\nAlice, Support"


def test_reply_and_set_status(client_agent, ticket):
    client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": "Waiting for you", "then_status": "pending"}
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.PENDING
    client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": "Fixed", "then_status": "solved"}
    )
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED


def test_refused_status_keeps_the_text_and_stores_nothing(client_agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED)
    response = client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": "My careful answer", "then_status": "pending"}
    )
    assert response.status_code == 400
    assert "My careful answer" in response.content.decode()
    assert ticket.messages.count() == 1


def test_internal_note(client_agent, ticket):
    client_agent.post(
        url("ticket_reply", ticket), {"kind": "note", "body": "Customer is a VIP", "then_status": "solved"}
    )
    note = ticket.messages.latest("seq")
    assert note.is_internal and note.author_kind == "agent"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.NEW  # a note neither answers nor changes the status
    html = client_agent.get(url("ticket", ticket)).content.decode()
    assert "is-internal" in html


def test_empty_reply_is_rejected(client_agent, ticket):
    response = client_agent.post(url("ticket_reply", ticket), {"kind": "reply", "body": "  "})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()


def test_htmx_reply_returns_regions_out_of_band(client_agent, ticket):
    response = client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": "On it"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.count('hx-swap-oob="true"') >= 4
    assert "On it" in html and "Reply sent." in html


def test_htmx_reply_error_retargets_the_reply_box(client_agent, ticket):
    response = client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == "#reply-box"
    assert 'id="reply-box"' in response.content.decode()


def test_attachment_upload_and_download(client_agent, ticket):
    upload = SimpleUploadedFile("notes.txt", b"hello file", content_type="text/plain")
    client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": "see file", "attachments": upload}
    )
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.message.body_text.startswith("see file")
    page = client_agent.get(url("ticket", ticket)).content.decode()
    chip = re.search(r'<a class="file-chip" href="([^"]+)" download>(.*?)</a>', page)
    assert chip and chip.group(1) == reverse("desk:attachment", args=[attachment.pk])
    assert "<svg" in chip.group(2) and "notes.txt" in chip.group(2)  # a drawn paperclip, not an emoji
    response = client_agent.get(reverse("desk:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"hello file"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "ctype"), [("page.html", "text/html"), ("logo.svg", "image/svg+xml")])
def test_html_and_svg_are_never_served_inline(client_agent, ticket, name, ctype):
    attachment = attachment_add(
        ticket=ticket, message=None, uploaded=(name, b"<script>alert(1)</script>", ctype)
    )
    response = client_agent.get(reverse("desk:attachment", args=[attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_attachment_of_other_team_is_refused(client, other_agent, ticket):
    attachment = attachment_add(ticket=ticket, message=None, uploaded=("a.txt", b"secret", "text/plain"))
    client.force_login(other_agent.user)
    assert client.get(reverse("desk:attachment", args=[attachment.pk])).status_code == 403
    assert client.get(reverse("desk:attachment", args=[987654])).status_code == 404


def test_rejected_attachment_loses_nothing(client_agent, ticket):
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload")
    response = client_agent.post(
        url("ticket_reply", ticket), {"kind": "reply", "body": "my text", "attachments": upload}
    )
    assert response.status_code == 400
    assert "not accepted" in response.content.decode() and "my text" in response.content.decode()
    assert ticket.messages.count() == 1


def test_sidebar_update_goes_through_the_service(client_agent, agent, ticket, other_team):
    response = client_agent.post(
        url("ticket_properties", ticket),
        {
            "status": "pending",
            "priority": "urgent",
            "assignee": agent.pk,
            "team": ticket.team_id,
            "tags": "vip, Login",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Ticket updated." in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee_id) == ("pending", "urgent", agent.pk)
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["login", "vip"]
    assert set(TicketEvent.objects.filter(ticket=ticket).values_list("field", flat=True)) >= {
        "status", "priority", "assignee", "tags"}  # fmt: skip


def test_sidebar_refused_transition_shows_error(client_agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.SOLVED)
    response = client_agent.post(
        url("ticket_properties", ticket), {"status": "pending", "priority": "normal", "team": ticket.team_id},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert "cannot go from" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SOLVED


def test_moving_ticket_to_foreign_team_redirects_to_inbox(client_agent, ticket, other_team):
    response = client_agent.post(
        url("ticket_properties", ticket), {"status": "new", "priority": "normal", "team": other_team.pk},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response["HX-Redirect"] == reverse("desk:inbox")


def test_assign_to_me(client_agent, agent, ticket):
    response = client_agent.post(url("ticket_assign_me", ticket))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_merge_into_other_ticket(client_agent, customer, team, ticket):
    target = ticket_create(requester=customer, subject="Same problem", body_text="second mail", team=team)
    response = client_agent.post(url("ticket_merge", ticket), {"target_number": target.number})
    assert response.status_code == 302 and response.url == reverse("desk:ticket", args=[target.pk])
    ticket.refresh_from_db()
    assert ticket.merged_into == target and ticket.status == TicketStatus.CLOSED
    assert target.messages.count() == 2
    page = client_agent.get(url("ticket", ticket)).content.decode()
    assert f"merged into #{target.number}" in page


def test_merge_into_unknown_or_foreign_ticket_is_refused(client_agent, customer, other_team, ticket):
    foreign = ticket_create(requester=customer, subject="theirs", body_text="x", team=other_team)
    for number, text in [(999999, "no ticket with that number"), (foreign.number, "team you are not in")]:
        response = client_agent.post(url("ticket_merge", ticket), {"target_number": number}, follow=True)
        assert text in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def test_htmx_merge_redirects_client_side(client_agent, customer, team, ticket):
    target = ticket_create(requester=customer, subject="Same", body_text="x", team=team)
    response = client_agent.post(
        url("ticket_merge", ticket), {"target_number": target.number}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == reverse("desk:ticket", args=[target.pk])


def test_macro_picker_fills_placeholders_without_template_engine(client_agent, agent, ticket):
    macro = Macro.objects.create(
        name="Reset",
        body="Hi {{ customer.first_name }}, ticket #{{ticket.number}}. {% debug %} {{ settings.SECRET_KEY }}",
        set_status="pending",
    )
    response = client_agent.get(
        url("ticket", ticket),
        {"region": "reply", "macro": macro.pk, "body": "Draft."},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert f"Draft.\n\nHi Casey, ticket #{ticket.number}. {{% debug %}} {{{{ settings.SECRET_KEY }}}}" in html
    assert '<option value="pending" selected>' in html


def test_foreign_team_macro_is_not_offered(client_agent, ticket, other_team):
    theirs = Macro.objects.create(name="Billing only", body="refund text", team=other_team)
    html = client_agent.get(url("ticket", ticket), {"macro": theirs.pk}).content.decode()
    assert "Billing only" not in html and "refund text" not in html


def test_history_lists_audit_events(client_agent, ticket):
    client_agent.post(
        url("ticket_properties", ticket), {"status": "open", "priority": "high", "team": ticket.team_id}
    )
    html = client_agent.get(url("ticket", ticket), {"region": "sidebar"}).content.decode()
    assert "changed the priority from “Normal” to “High”" in html
    assert "changed the status from “New” to “Open”" in html


def test_ticket_page_shows_ai_summary(client_agent, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(ai_summary="Customer locked out after password change.")
    assert (
        "Customer locked out after password change."
        in client_agent.get(url("ticket", ticket)).content.decode()
    )


def test_settings_page_saves_through_service(client_agent, agent):
    settings_url = reverse("desk:settings")
    assert client_agent.get(settings_url).status_code == 200
    response = client_agent.post(
        settings_url,
        {"display_name": "Alice W.", "signature": "-- Alice", "language": "de", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    agent = Agent.objects.get(pk=agent.pk)
    assert (agent.display_name, agent.signature, agent.language, agent.time_zone) == (
        "Alice W.", "-- Alice", "de", "Europe/Berlin")  # fmt: skip


def test_settings_rejects_unknown_time_zone(client_agent, agent):
    response = client_agent.post(reverse("desk:settings"), {"time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_times_shown_in_agents_time_zone(client_agent, agent, ticket):
    agent.time_zone = "Asia/Tokyo"
    agent.save()
    html = client_agent.get(url("ticket", ticket)).content.decode()
    assert "+09:00" in html  # ISO datetime attributes carry the agent's offset
