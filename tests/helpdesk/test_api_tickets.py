import pytest
from rest_framework.test import APIClient

from helpdesk.models import Message, RawInput, Ticket, TicketEvent
from helpdesk.services.api_tokens import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    _, raw = api_token_create(name="t", agent=agent)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_create_ticket_and_reply(api, team, agent):
    response = api.post(
        "/api/v1/tickets/",
        {"subject": "Broken pedal", "body": "The left pedal fell off.", "requester_email": "Rider@Example.com",
         "team": team.pk, "tags": ["Parts"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "api" and data["tags"] == ["parts"] and data["team"]["id"] == team.pk
    reply = api.post(
        f"/api/v1/tickets/{data['id']}/messages/", {"body": "We will send a new one."}, format="json"
    )
    assert reply.status_code == 201
    assert reply.json()["author_kind"] == "agent" and reply.json()["is_internal"] is False
    messages = api.get(f"/api/v1/tickets/{data['id']}/messages/").json()
    assert [m["seq"] for m in messages] == [1, 2]
    raw = RawInput.objects.get()  # the request, as it arrived, through the front door
    assert (raw.channel, raw.status, raw.ticket_id) == ("api", "processed", data["id"])
    assert '"requester_email": "Rider@Example.com"' in raw.payload
    first, reply_row = Message.objects.filter(ticket_id=data["id"]).order_by("seq")
    assert first.raw_input == raw and first.author_kind == "customer"
    assert (reply_row.delivery_status, reply_row.delivery_channel) == (
        "queued",
        "web",
    )  # no api adapter: shown in the portal
    event = TicketEvent.objects.get(ticket_id=data["id"], field="created")
    assert event.actor == agent.user


def test_replies_are_delivered_and_notes_are_not(api, ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = api.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Shipped today."}, format="json")
        note = api.post(
            f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Called the warehouse.", "internal": True},
            format="json",
        )  # fmt: skip
    assert reply.status_code == 201 and note.status_code == 201
    reply_row, note_row = (
        Message.objects.get(pk=reply.json()["id"]),
        Message.objects.get(pk=note.json()["id"]),
    )
    assert (reply_row.delivery_status, reply_row.delivery_attempts) == ("sent", 1)
    assert (note_row.is_internal, note_row.delivery_status) == (True, "")


def test_a_server_token_writes_system_notices_that_are_not_a_first_response(ticket):
    _, raw = api_token_create(name="shop", kind="server", scopes=["messages:write", "tickets:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "Order shipped."}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["author_kind"] == "system"
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


@pytest.mark.parametrize(
    "field,value",
    [("requester", 1), ("id", 99), ("number", 5), ("created_at", "2020-01-01T00:00:00Z"), ("is_internal", True),
     ("message_count", 0), ("merged_into", 1)],
)  # fmt: skip
def test_mass_assignment_refused_on_update(api, ticket, field, value):
    before = Ticket.objects.values().get(pk=ticket.pk)
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", {field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]
    assert Ticket.objects.values().get(pk=ticket.pk) == before


def test_mass_assignment_refused_on_message(api, ticket):
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "x", "author_kind": "customer"}, format="json"
    )
    assert response.status_code == 400
    assert not Message.objects.filter(ticket=ticket, seq=2).exists()


def test_update_goes_through_services(api, ticket, agent):
    response = api.patch(
        f"/api/v1/tickets/{ticket.pk}/", {"status": "pending", "assignee": agent.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    fields = set(TicketEvent.objects.filter(ticket=ticket).values_list("field", flat=True))
    assert {"status", "assignee"} <= fields


def test_refused_transition_is_400(api, ticket):
    Ticket.objects.filter(pk=ticket.pk).update(status="closed")
    response = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_cursor_pagination_and_filters(api, customer, team):
    from helpdesk.services.tickets import ticket_create

    for i in range(7):
        ticket_create(
            requester=customer,
            subject=f"Ticket {i}",
            body_text=f"body {i} walrus" if i % 2 else "x",
            team=team,
        )
    page = api.get("/api/v1/tickets/?page_size=3").json()
    assert len(page["results"]) == 3 and page["next"]
    second = api.get(page["next"]).json()
    assert not {r["id"] for r in page["results"]} & {r["id"] for r in second["results"]}
    found = api.get("/api/v1/tickets/?q=walrus").json()["results"]
    assert len(found) == 3
    assert api.get("/api/v1/tickets/?team=abc").status_code == 400


def test_attachment_upload_and_download_headers(api, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    response = api.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    download = api.get(response.json()["url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_attachment_too_large_is_clear_error(api, ticket, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.HELMDESK_ATTACHMENT_MAX_BYTES = 10
    upload = SimpleUploadedFile("big.txt", b"x" * 100, content_type="text/plain")
    response = api.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "too large" in response.json()["error"]["message"]


def test_schema_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tickets/" in response.content
