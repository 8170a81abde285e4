# ruff: noqa: F811  (the hook_calls fixture is imported from tests.helpdesk.recorders)
import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from helpdesk.models import CsatSurvey, Deflection, MagicLink, RawInput, Ticket
from helpdesk.selectors.portal import SESSION_KEY
from helpdesk.services.attachments import attachment_add
from helpdesk.services.messages import note_add
from helpdesk.services.portal import form_stamp
from helpdesk.services.tickets import ticket_create, ticket_transition
from tests.conftest import make_customer
from tests.helpdesk.recorders import hook_calls  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def sign_in(client, customer):
    session = client.session
    session[SESSION_KEY] = customer.pk
    session.save()


def old_stamp():
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=30)):
        return form_stamp()


def submit(client, **overrides):
    data = {"email": "new@example.com", "name": "Nia", "subject": "Battery dies", "body": "It dies after 5 km.",
            "stamp": old_stamp(), "website": ""}  # fmt: skip
    data.update(overrides)
    return client.post("/portal/", data)


def test_submit_creates_web_ticket(client):
    response = submit(client)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and ticket.requester.email == "new@example.com"
    message = ticket.messages.get()
    assert "It dies" in message.raw
    raw = RawInput.objects.get()
    assert (raw.status, raw.ticket, raw.channel) == ("processed", ticket, "web") and message.raw_input == raw
    assert raw.payload.startswith("Subject: Battery dies\nFrom: Nia <new@example.com>")


def test_submit_runs_the_front_door_hooks_once(client, hook_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client)
    ticket = Ticket.objects.get()
    names = [name for name, kwargs in hook_calls if name in ("ticket_created", "customer_message_posted")]
    assert names == ["customer_message_posted", "ticket_created"]
    assert all(kwargs["ticket"] == ticket for _, kwargs in hook_calls)


def test_honeypot_and_fast_fill_are_silently_dropped(client):
    assert submit(client, website="http://spam").status_code == 302
    assert submit(client, stamp=form_stamp()).status_code == 302  # filled in under 3 seconds
    assert submit(client, stamp="forged").status_code == 302
    assert Ticket.objects.count() == 0


def test_rate_limit_per_address_and_ip(client):
    for _ in range(3):
        assert submit(client).status_code == 302
    limited = submit(client)
    assert limited.status_code == 400 and b"Too many attempts" in limited.content
    # Same IP, other address: 5 attempts per hour per IP, the refused one included.
    assert submit(client, email="other@example.com").status_code == 302
    assert submit(client, email="third@example.com").status_code == 400
    assert Ticket.objects.count() == 4


def test_portal_isolation(client, customer, team, agent):
    mine = ticket_create(requester=customer, subject="Mine", body_text="a", team=team)
    note_add(ticket=mine, author_agent=agent, body_text="SECRET NOTE")
    internal_file = attachment_add(
        ticket=mine, message=mine.messages.get(seq=2), uploaded=("internal.txt", b"x", "text/plain")
    )
    other = make_customer("b@example.com", "Bea")
    theirs = ticket_create(requester=other, subject="Theirs", body_text="private stuff", team=team)
    their_file = attachment_add(ticket=theirs, message=None, uploaded=("b.txt", b"y", "text/plain"))
    sign_in(client, customer)
    listing = client.get("/portal/tickets/")
    assert b"Mine" in listing.content and b"Theirs" not in listing.content
    detail = client.get(f"/portal/tickets/{mine.number}/")
    assert detail.status_code == 200 and b"SECRET NOTE" not in detail.content
    for url in (f"/portal/tickets/{theirs.number}/", f"/portal/attachments/{their_file.pk}/",
                f"/portal/attachments/{internal_file.pk}/", "/portal/tickets/999999/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert client.post(f"/portal/tickets/{theirs.number}/", {"body": "hijack"}).status_code == 404
    assert client.post(f"/portal/tickets/{theirs.number}/close/").status_code == 404
    assert theirs.messages.count() == 1


def test_reply_and_close(client, customer, team):
    ticket = ticket_create(requester=customer, subject="Mine", body_text="a", team=team)
    sign_in(client, customer)
    assert client.post(f"/portal/tickets/{ticket.number}/", {"body": "More info"}).status_code == 302
    assert client.post(f"/portal/tickets/{ticket.number}/close/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "solved" and ticket.messages.count() == 2


def test_reply_reopens_a_solved_ticket_and_follows_up_a_closed_one(client, customer, team):
    ticket = ticket_create(requester=customer, subject="Mine", body_text="a", team=team)
    ticket_transition(ticket=ticket, to_status="solved")
    sign_in(client, customer)
    assert client.post(f"/portal/tickets/{ticket.number}/", {"body": "Broken again"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.message_count == 2

    ticket_transition(ticket=ticket, to_status="closed")
    assert client.post(f"/portal/tickets/{ticket.number}/", {"body": "And again"}).status_code == 302
    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert follow_up.messages.get().body_text == "And again" and follow_up.requester == customer
    assert list(RawInput.objects.values_list("status", flat=True)) == ["processed", "processed"]


def test_an_empty_reply_is_refused_and_nothing_is_stored(client, customer, ticket):
    sign_in(client, customer)
    response = client.post(f"/portal/tickets/{ticket.number}/", {"body": "  "})
    assert response.status_code == 400 and not RawInput.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/portal/tickets/")
    assert response.status_code == 302 and "/portal/login/" in response["Location"]


def _link_from_mail():
    return re.search(r"/portal/login/([\w-]+)/", mail.outbox[-1].body).group(1)


def test_magic_link_single_use(client, customer):
    response = client.post("/portal/login/", {"email": customer.email.upper()})
    assert response.status_code == 200 and len(mail.outbox) == 1
    token = _link_from_mail()
    assert client.get(f"/portal/login/{token}/").status_code == 200  # a scanner's GET does not burn it
    assert client.post(f"/portal/login/{token}/").status_code == 302
    assert client.session[SESSION_KEY] == customer.pk
    client.session.flush()
    other = client.__class__()
    assert other.post(f"/portal/login/{token}/").status_code == 400


def test_magic_link_expires(client, customer):
    client.post("/portal/login/", {"email": customer.email})
    token = _link_from_mail()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert client.post(f"/portal/login/{token}/").status_code == 400
    assert SESSION_KEY not in client.session


def test_magic_link_no_enumeration(client, customer):
    known = client.post("/portal/login/", {"email": customer.email})
    unknown = client.post("/portal/login/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda html: re.sub(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', b"", html)  # noqa: E731
    assert strip(known.content) == strip(unknown.content)
    assert len(mail.outbox) == 1 and MagicLink.objects.count() == 1
    assert MagicLink.objects.get().token_hash not in mail.outbox[0].body


def test_csat_link_scanner_safe(client, ticket, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket=ticket, to_status="solved", actor=agent)
    survey = CsatSurvey.objects.get(ticket=ticket)
    url = f"/portal/csat/{survey.token}/?rating=5"
    for _ in range(3):
        assert client.get(url).status_code == 200
    survey.refresh_from_db()
    assert survey.rating is None, "GETs (link scanners) never record a rating"
    assert client.post(url, {"rating": "2", "comment": "slow"}).status_code == 200
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (2, "slow")
    assert client.get("/portal/csat/not-a-token/").status_code == 404


def test_deflection_recorded_once(client):
    from knowledge.models import Article

    article = Article.objects.create(
        title="Battery care", slug="battery-care", body_md="x", status="published"
    )
    response = client.get(f"/portal/suggested/{article.pk}/?q=battery")
    assert response.status_code == 302 and "battery-care" in response["Location"]
    assert client.post("/portal/deflected/").status_code == 204
    assert client.post("/portal/deflected/").status_code == 204
    assert Deflection.objects.count() == 1 and Deflection.objects.get().query == "battery"


def test_submission_clears_pending_deflection(client):
    from knowledge.models import Article

    article = Article.objects.create(
        title="Battery care", slug="battery-care", body_md="x", status="published"
    )
    client.get(f"/portal/suggested/{article.pk}/?q=battery")
    submit(client)
    client.post("/portal/deflected/")
    assert Deflection.objects.count() == 0


def test_form_renders_with_honeypot_and_stamp(client):
    html = client.get("/portal/").content.decode()
    assert 'name="website"' in html and 'name="stamp"' in html


def test_topic_choice_offered_and_kept(client):
    from helpdesk.models import Topic

    Topic.objects.create(name="Returns", description="Sending things back")
    Topic.objects.create(name="Old", is_active=False)
    html = client.get("/portal/").content.decode()
    assert '<option value="Returns"' in html and 'value="Old"' not in html
    assert submit(client, topic="Returns").status_code == 302
    assert list(Ticket.objects.get().tags.values_list("name", flat=True)) == ["topic-returns"]
