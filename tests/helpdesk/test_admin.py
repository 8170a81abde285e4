import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from helpdesk.models import DeskSettings, Macro, Ticket, TicketEvent, TicketStatus
from helpdesk.services.attachments import attachment_add

pytestmark = pytest.mark.django_db

CORE_MODELS = ["agent", "attachment", "customer", "desksettings", "macro", "message", "tag", "team",
               "teammembership", "ticket", "ticketevent"]  # fmt: skip


@pytest.fixture
def populated(ticket, agent, admin_agent):
    attachment_add(ticket=ticket, message=ticket.messages.first(), uploaded=("a.txt", b"x", "text/plain"))
    Macro.objects.create(name="Thanks", body="Thanks {{ customer.name }}")
    DeskSettings.load()
    return ticket


def helpdesk_models():
    return [m for m in apps.get_app_config("helpdesk").get_models() if not m._meta.auto_created]


@pytest.mark.parametrize("model_name", CORE_MODELS)
def test_core_models_are_registered(model_name):
    assert apps.get_model("helpdesk", model_name) in admin.site._registry


def test_every_registered_helpdesk_changelist_renders(client_admin, populated):
    for model in helpdesk_models():
        if model not in admin.site._registry:
            continue
        url = reverse(f"admin:helpdesk_{model._meta.model_name}_changelist")
        response = client_admin.get(url, follow=True)
        assert response.status_code == 200, model


def test_ticket_change_page_and_search_render(client_admin, populated):
    assert client_admin.get(reverse("admin:helpdesk_ticket_change", args=[populated.pk])).status_code == 200
    response = client_admin.get(reverse("admin:helpdesk_ticket_changelist"), {"q": str(populated.number)})
    assert response.status_code == 200 and populated.subject in response.content.decode()


def test_ticket_event_admin_is_read_only(client_admin, populated):
    event = TicketEvent.objects.filter(ticket=populated).first()
    assert client_admin.get(reverse("admin:helpdesk_ticketevent_add")).status_code == 403
    assert (
        client_admin.post(
            reverse("admin:helpdesk_ticketevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    client_admin.post(reverse("admin:helpdesk_ticketevent_change", args=[event.pk]), {"field": "forged"})
    event.refresh_from_db()
    assert event.field != "forged"


def test_desk_settings_is_a_singleton(client_admin):
    response = client_admin.get(reverse("admin:helpdesk_desksettings_changelist"))
    assert response.status_code == 302
    assert response.url == reverse("admin:helpdesk_desksettings_change", args=[DeskSettings.load().pk])
    assert client_admin.get(reverse("admin:helpdesk_desksettings_add")).status_code == 403


def _ticket_form(ticket, **overrides):
    data = {
        "subject": ticket.subject, "status": ticket.status, "priority": ticket.priority,
        "assignee": ticket.assignee_id or "", "team": ticket.team_id or "", "language": ticket.language,
        "ai_summary": ticket.ai_summary,
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_admin_ticket_change_goes_through_services(client_admin, admin_agent, populated):
    url = reverse("admin:helpdesk_ticket_change", args=[populated.pk])
    response = client_admin.post(url, _ticket_form(populated, status="pending", assignee=admin_agent.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    populated.refresh_from_db()
    assert (populated.status, populated.assignee_id) == ("pending", admin_agent.pk)
    event = TicketEvent.objects.filter(ticket=populated, field="status").latest("id")
    assert (event.before, event.after, event.actor) == ("new", "pending", admin_agent.user)


def test_admin_refused_transition_is_not_saved(client_admin, populated):
    Ticket.objects.filter(pk=populated.pk).update(status=TicketStatus.CLOSED)
    populated.refresh_from_db()
    url = reverse("admin:helpdesk_ticket_change", args=[populated.pk])
    response = client_admin.post(url, _ticket_form(populated, status="open"))
    assert response.status_code == 200 and "cannot go from" in response.content.decode()
    populated.refresh_from_db()
    assert populated.status == TicketStatus.CLOSED


def test_admin_add_ticket_uses_ticket_create(client_admin, customer, team):
    data = _ticket_form(
        Ticket(subject="From the admin", status="new", priority="high", team=team),
        requester=customer.pk, channel="phone",
    )  # fmt: skip
    response = client_admin.post(reverse("admin:helpdesk_ticket_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get(subject="From the admin")
    assert ticket.number >= 1 and ticket.priority == "high" and ticket.channel == "phone"
    assert TicketEvent.objects.filter(ticket=ticket, field="created").exists()
