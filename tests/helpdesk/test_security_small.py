"""The smaller findings: blank portal replies, a refused file keeps the typed text, the portal topic
comes from the list, attachment types are sniffed and sizes checked while streaming, a private-host
allowance names a port, webhooks with deliveries can be deleted in the admin."""

import datetime as dt
import io
import struct
import zlib

import pytest
import time_machine
from django.core.cache import cache
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import AttachmentRejected
from core.safe_http import BlockedAddress, SafeHttpClient
from helpdesk.models import Message, RawInput, Ticket, Topic, Webhook, WebhookDelivery
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.attachments import attachment_add, attachment_check
from helpdesk.services.portal import form_stamp

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def portal(client, customer):
    cache.clear()
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()
    return client


@pytest.mark.parametrize("body", ["", "   ", "\u200b\u200d", "\x00\x01", "\u00a0\n\t"])
def test_blank_portal_reply_is_refused_and_stores_nothing(portal, ticket, body):
    before = Message.objects.count()
    response = portal.post(f"/portal/tickets/{ticket.number}/", {"body": body})
    assert response.status_code == 400 and "needs some text" in response.content.decode()
    assert Message.objects.count() == before


def test_refused_attachment_keeps_the_typed_text_and_stores_nothing(portal, ticket):
    fake = SimpleUploadedFile("photo.png", b"<html>not a png</html>", content_type="image/png")
    before = (Message.objects.count(), RawInput.objects.count())
    response = portal.post(
        f"/portal/tickets/{ticket.number}/", {"body": "My long explanation", "attachments": fake}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "does not look like" in page and "My long explanation</textarea>" in page
    assert (Message.objects.count(), RawInput.objects.count()) == before


def test_portal_topic_must_be_one_of_the_list(client):
    cache.clear()
    Topic.objects.create(name="Returns", is_active=True)
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=30)):
        stamp = form_stamp()
    data = {"email": "n@example.com", "name": "N", "subject": "S", "body": "text", "stamp": stamp}
    response = client.post("/portal/", {**data, "topic": "free-form tag injection"})
    assert response.status_code == 400 and "pick a topic" in response.content.decode()
    assert not Ticket.objects.exists()
    assert client.post("/portal/", {**data, "topic": "Returns"}).status_code == 302


def test_attachment_type_comes_from_the_content(ticket):
    real = attachment_add(
        ticket=ticket, message=None, uploaded=("scan.bin", png_bytes(), "application/octet-stream")
    )
    assert real.content_type == "image/png"  # the client said octet-stream, the bytes say PNG
    with pytest.raises(AttachmentRejected, match="does not look like"):
        attachment_add(ticket=ticket, message=None, uploaded=("x.pdf", b"<script>", "application/pdf"))
    exe = b"MZ" + b"\0" * 200
    with pytest.raises(AttachmentRejected, match="not accepted"):
        attachment_check(filename="notes.txt", size=len(exe), content_type="text/plain", head=exe)


class CountingFile(io.BytesIO):
    """An upload that counts how much of it was read."""

    read_bytes = 0

    def read(self, size=-1):
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def test_upload_is_streamed_and_stops_at_the_limit(ticket, settings):
    settings.HELMDESK_ATTACHMENT_MAX_BYTES = 1000
    stream = CountingFile(b"x" * 1_000_000)
    upload = File(stream, name="big.txt")
    upload.size = 10  # a size that lies: the check counts what it reads
    with pytest.raises(AttachmentRejected, match="too large"):
        attachment_add(ticket=ticket, message=None, uploaded=upload)
    assert stream.read_bytes <= File.DEFAULT_CHUNK_SIZE  # one chunk, not the whole file
    honest = File(CountingFile(b"x" * 1_000_000), name="big.txt")
    with pytest.raises(AttachmentRejected, match="too large"):
        attachment_add(ticket=ticket, message=None, uploaded=honest)
    assert honest.file.read_bytes == 0  # a declared size over the limit is refused unread


def test_private_allowance_is_per_port():
    client = SafeHttpClient(
        allow_private_hosts=frozenset({"intranet.local", "10.0.0.5:8443"}), resolve=lambda h, p: ["10.0.0.5"]
    )
    assert client.check_url("http://intranet.local/hook")[1] == "intranet.local"
    assert client.check_url("https://10.0.0.5:8443/x")[2] == 8443
    for url in ("http://intranet.local:6379/", "https://10.0.0.5/", "http://10.0.0.5:8444/"):
        with pytest.raises(BlockedAddress):
            client.check_url(url)


def test_webhook_with_deliveries_can_be_deleted_in_the_admin(client_admin):
    hook = Webhook.objects.create(
        name="crm", url="https://crm.example/hook", secret="s", events=["ticket.created"]
    )
    WebhookDelivery.objects.create(webhook=hook, event="ticket.created", event_id="e1", payload={})
    page = client_admin.get(f"/admin/helpdesk/webhook/{hook.pk}/delete/")
    assert page.status_code == 200 and "would require deleting" not in page.content.decode()
    response = client_admin.post(f"/admin/helpdesk/webhook/{hook.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Webhook.objects.exists() and not WebhookDelivery.objects.exists()
