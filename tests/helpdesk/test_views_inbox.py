import pytest
from django.urls import reverse

from helpdesk.models import DeskSettings, Ticket, TicketEvent, TicketStatus
from helpdesk.services.tickets import ticket_create
from tests.conftest import make_agent
from tests.helpdesk.desk_helpers import make_tickets

pytestmark = pytest.mark.django_db

INBOX = reverse("desk:inbox")
# session + user + agent (middleware), desk settings, the agent's team ids, the page's tickets (ids, rows
# and tags in one query), and the filter options (teams, agents, tags) on a full page. An address that
# names its view costs no query for the default view.
INBOX_PAGE_QUERIES = 9
INBOX_PARTIAL_QUERIES = 6


def test_anonymous_is_sent_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("desk:login"))


def test_non_agent_user_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get(INBOX).status_code == 403


def test_login_page_renders_and_logs_in(client, agent):
    page = client.get(reverse("desk:login"))
    assert page.status_code == 200
    assert b"Sign in" in page.content and b"helmdesk.css" in page.content
    response = client.post(reverse("desk:login"), {"username": "alice", "password": "pw-123456"})
    assert response.status_code == 302 and response.url == INBOX


def test_logout_needs_post_and_ends_the_session(client_agent):
    response = client_agent.post(reverse("desk:logout"))
    assert response.status_code == 302
    assert client_agent.get(INBOX).status_code == 302


def test_inbox_renders_full_page(client_agent, ticket):
    response = client_agent.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert 'id="inbox-results"' in html and 'id="inbox-filters"' in html and 'id="bulk-form"' in html
    assert ticket.subject in html and f"#{ticket.number}" in html
    assert "htmx.min.js" in html and "X-CSRFToken" in html
    assert 'data-live-url="/ws/desk/inbox/"' in html
    assert 'aria-current="page">Inbox</a>' in html
    assert 'id="page-indicator" class="htmx-indicator' in html  # loading bar for every htmx request


def test_htmx_request_gets_only_the_results_partial(client_agent, ticket):
    response = client_agent.get(INBOX, {"q": "log"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="inbox-results"')
    assert ticket.subject in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client_agent, ticket):
    response = client_agent.get(INBOX, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_constant_query_count_for_page_sizes_10_and_50(
    htmx, client, agent, customer, team, django_assert_num_queries
):
    make_tickets(55, requester=customer, team=team, assignee=agent, tags=("a", "b"))
    DeskSettings.load()
    client.force_login(agent.user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    expected = INBOX_PARTIAL_QUERIES if htmx else INBOX_PAGE_QUERIES
    for size in (10, 50):
        with django_assert_num_queries(expected):
            response = client.get(INBOX, {"view": "teams", "size": size}, **headers)
        assert response.content.decode().count("data-ticket-row") == size


def test_next_and_previous_links_walk_pages(client_agent, customer, team):
    make_tickets(7, requester=customer, team=team)
    first = client_agent.get(INBOX, {"size": 5})
    next_url = first.context["next_url"]
    assert next_url and not first.context["previous_url"]
    second = client_agent.get(next_url)
    assert len(second.context["page"].tickets) == 2
    assert second.context["previous_url"] and not second.context["next_url"]
    back = client_agent.get(second.context["previous_url"])
    assert back.context["page"].ticket_ids == first.context["page"].ticket_ids


def test_search_by_number_and_text(client_agent, customer, team):
    a = ticket_create(requester=customer, subject="Printer jammed", body_text="paper stuck", team=team)
    b = ticket_create(requester=customer, subject="Invoice", body_text="wrong VAT", team=team)
    assert client_agent.get(INBOX, {"q": "paper"}).context["page"].ticket_ids == [a.pk]
    assert client_agent.get(INBOX, {"q": f"#{b.number}"}).context["page"].ticket_ids == [b.pk]


def test_filters_in_query_string(client_agent, customer, team):
    urgent = ticket_create(requester=customer, subject="Down", body_text="x", team=team, priority="urgent")
    ticket_create(requester=customer, subject="Calm", body_text="x", team=team)
    response = client_agent.get(INBOX, {"priority": "urgent", "status": "new"})
    assert response.context["page"].ticket_ids == [urgent.pk]


def test_other_teams_tickets_never_listed(client_agent, customer, other_team):
    foreign = ticket_create(
        requester=customer, subject="Secret billing thing", body_text="x", team=other_team
    )
    html = client_agent.get(INBOX, {"view": "all"}).content.decode()
    assert foreign.subject not in html


def test_bulk_action_updates_selected_tickets_through_services(
    client_agent, agent, customer, team, other_team
):
    tickets = make_tickets(3, requester=customer, team=team, tags=())
    response = client_agent.post(
        reverse("desk:bulk_update"),
        {
            "ticket_ids": [t.pk for t in tickets[:2]],
            "status": "pending",
            "priority": "high",
            "assignee": "me",
            "tags": "wave-1, Urgent Stuff",
            "next": INBOX + "?view=all",
        },
    )
    assert response.status_code == 302 and response.url == INBOX + "?view=all"
    for t in tickets[:2]:
        t.refresh_from_db()
        assert (t.status, t.priority, t.assignee_id) == ("pending", "high", agent.pk)
        assert sorted(t.tags.values_list("name", flat=True)) == ["urgent-stuff", "wave-1"]
        assert TicketEvent.objects.filter(ticket=t, field="status", after="pending").exists()
    tickets[2].refresh_from_db()
    assert tickets[2].status == "new"


def test_bulk_action_via_htmx_follows_redirect_to_partial(client_agent, customer, team):
    tickets = make_tickets(2, requester=customer, team=team)
    response = client_agent.post(
        reverse("desk:bulk_update"),
        {"ticket_ids": [t.pk for t in tickets], "priority": "low", "next": INBOX},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="inbox-results"' in html
    assert "Updated 2 tickets." in html
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"low"}


def test_bulk_action_on_foreign_ticket_changes_nothing(client_agent, customer, team, other_team):
    mine = ticket_create(requester=customer, subject="mine", body_text="x", team=team)
    foreign = ticket_create(requester=customer, subject="theirs", body_text="x", team=other_team)
    client_agent.post(reverse("desk:bulk_update"), {"ticket_ids": [mine.pk, foreign.pk], "status": "solved"})
    assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.NEW}


def test_bulk_refused_transition_changes_nothing(client_agent, customer, team):
    tickets = make_tickets(2, requester=customer, team=team)
    Ticket.objects.filter(pk=tickets[1].pk).update(status=TicketStatus.CLOSED)
    response = client_agent.post(
        reverse("desk:bulk_update"), {"ticket_ids": [t.pk for t in tickets], "status": "pending"}, follow=True
    )
    assert response.status_code == 200
    assert Ticket.objects.get(pk=tickets[0].pk).status == TicketStatus.NEW
    assert "cannot go from" in response.content.decode()


def test_bulk_without_selection_or_change_is_a_message_not_an_error(client_agent, ticket):
    response = client_agent.post(reverse("desk:bulk_update"), {"status": "open"}, follow=True)
    assert response.status_code == 200 and "Select at least one ticket." in response.content.decode()
    response = client_agent.post(reverse("desk:bulk_update"), {"ticket_ids": [ticket.pk]}, follow=True)
    assert "Choose what to change first." in response.content.decode()


def test_bulk_next_must_be_local(client_agent, ticket):
    response = client_agent.post(
        reverse("desk:bulk_update"),
        {"ticket_ids": [ticket.pk], "priority": "low", "next": "https://evil.example/"},
    )
    assert response.url == INBOX


def test_agent_without_team_starts_on_all(client, customer, team):
    loner = make_agent("loner")
    assigned = ticket_create(requester=customer, subject="solo", body_text="x", team=team, assignee=loner)
    client.force_login(loner.user)
    response = client.get(INBOX)
    assert response.context["query"].view == "all"
    assert response.context["page"].ticket_ids == [assigned.pk]


def test_row_times_follow_the_agents_time_zone_and_language(client, agent, customer, team):
    """The rows' formatted times are memoised per process: keyed by language and time zone as well,
    so a page seen first in one zone or language is never shown with its text in another."""
    (ticket,) = make_tickets(1, requester=customer, team=team)
    Ticket.objects.filter(pk=ticket.pk).update(updated_at="2026-03-01T12:30:00+00:00")
    client.force_login(agent.user)

    def title(time_zone: str, language: str = "en") -> str:
        type(agent).objects.filter(pk=agent.pk).update(time_zone=time_zone, language=language)
        html = client.get(INBOX, {"view": "teams"}).content.decode()
        return html.split('datetime="2026-03-01T', 1)[1].split('title="', 1)[1].split('"', 1)[0]

    utc, tokyo, utc_again = title("UTC"), title("Asia/Tokyo"), title("UTC")
    assert "12:30" in utc and "9:30" in tokyo and utc_again == utc
    assert title("UTC", "de") != utc and "März" in title("UTC", "de")
