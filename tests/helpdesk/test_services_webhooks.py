import http.server
import json
import threading

import pytest

from helpdesk.models import Webhook, WebhookDelivery
from helpdesk.services.conversation import conversation_receive
from helpdesk.services.tickets import ticket_transition
from helpdesk.services.webhooks import MAX_ATTEMPTS, sign, verify, webhook_deliver, webhooks_emit

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on 127.0.0.1 that records what it receives."""

    def __init__(self, status=200):
        self.requests = []
        self.status = status
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def make_webhook(
    url, *, events=("ticket.created", "ticket.solved", "message.created", "ticket.updated"), allow=True
):
    return Webhook.objects.create(
        name="crm", url=url, secret="s3cret", events=list(events), allow_private_network=allow
    )


def test_signature_roundtrip():
    header = sign("k", 1_700_000_000, b"{}")
    assert verify("k", header, b"{}", now=1_700_000_010)
    assert not verify("k", header, b"{ }", now=1_700_000_010)
    assert not verify("other", header, b"{}", now=1_700_000_010)
    assert not verify("k", header, b"{}", now=1_700_009_999), "old timestamps are replays"


def test_events_are_delivered_signed(receiver, customer, team, agent, django_capture_on_commit_callbacks):
    make_webhook(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = conversation_receive(
            channel="web", sender=customer, subject="Hook me", body_text="hello", team=team
        ).ticket
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=ticket, to_status="solved", actor=agent)
    events = [json.loads(body)["event"] for _, body in receiver.requests]
    assert "ticket.created" in events and "message.created" in events and "ticket.solved" in events
    for headers, body in receiver.requests:
        assert verify("s3cret", headers["X-Helmdesk-Signature"], body)
        assert headers["X-Helmdesk-Event"] == json.loads(body)["event"]
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == len(receiver.requests)


def test_unsubscribed_events_not_sent(receiver, customer, team, django_capture_on_commit_callbacks):
    make_webhook(receiver.url, events=["ticket.solved"])
    with django_capture_on_commit_callbacks(execute=True):
        conversation_receive(channel="web", sender=customer, subject="x", body_text="y", team=team)
    assert receiver.requests == []


def test_failed_delivery_retries_then_succeeds(customer):
    failing = Receiver(status=500)
    try:
        make_webhook(failing.url, events=["ticket.created"])
        (delivery,) = webhooks_emit(event="ticket.created", data={"x": 1})
        delivery = webhook_deliver(delivery_id=delivery.pk)
        assert delivery.delivered_at is None and delivery.error == "HTTP 500" and delivery.attempts == 1
        from django_q.models import Schedule

        assert Schedule.objects.filter(name=f"webhook-retry-{delivery.pk}-1").exists()
        failing.status = 200
        delivery = webhook_deliver(delivery_id=delivery.pk)
        assert delivery.delivered_at is not None and delivery.attempts == 2
        again = webhook_deliver(delivery_id=delivery.pk)
        assert again.attempts == 2 and len(failing.requests) == 2, "a delivered event is never sent twice"
    finally:
        failing.close()


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hook", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://[::1]/x",
     "http://[::ffff:127.0.0.1]/x", "file:///etc/passwd", "http://user:pw@example.com/"],
)  # fmt: skip
def test_ssrf_refused(url):
    make_webhook(url, events=["ticket.created"], allow=False)
    (delivery,) = webhooks_emit(event="ticket.created", data={})
    delivery = webhook_deliver(delivery_id=delivery.pk)
    assert delivery.delivered_at is None
    assert delivery.error.startswith("refused")
    assert delivery.attempts == MAX_ATTEMPTS, "no retries for unsafe destinations"


def test_private_receiver_refused_unless_allowed(receiver):
    make_webhook(receiver.url, events=["ticket.created"], allow=False)
    (delivery,) = webhooks_emit(event="ticket.created", data={})
    assert webhook_deliver(delivery_id=delivery.pk).error.startswith("refused")
    assert receiver.requests == []
