import pytest

from helpdesk.models import DeskSettings, Ticket, TicketStatus
from helpdesk.selectors.inbox import (
    InboxQuery,
    decode_cursor,
    encode_cursor,
    inbox_page,
    inbox_query_from_params,
)
from helpdesk.services.messages import message_post
from helpdesk.services.tickets import ticket_create, ticket_update
from tests.conftest import make_agent, make_customer
from tests.helpdesk.desk_helpers import make_tickets

pytestmark = pytest.mark.django_db

INBOX_PAGE_QUERIES = 4  # agent + desk settings + team ids (visibility), the page (ids, rows, tags in one)


def _walk(user, query):
    """Follow 'next' cursors to the end and return every ticket id seen, in order."""
    seen, page = [], inbox_page(user=user, query=query)
    seen += page.ticket_ids
    while page.has_next:
        page = inbox_page(user=user, query=InboxQuery(**{**query.__dict__, "cursor": page.next_cursor}))
        seen += page.ticket_ids
    return seen


def test_constant_query_count_whatever_the_page_size(agent, customer, team, django_assert_num_queries):
    make_tickets(55, requester=customer, team=team, assignee=agent, tags=("a", "b"))
    DeskSettings.load()  # the settings row exists in every running install
    for size in (10, 50):
        user = type(agent.user).objects.get(pk=agent.user.pk)  # fresh user: nothing cached
        with django_assert_num_queries(INBOX_PAGE_QUERIES):
            page = inbox_page(user=user, query=InboxQuery(view="teams", page_size=size))
            rendered = [
                (t.requester.email, t.assignee.name, t.team.name, [x.name for x in t.tags.all()])
                for t in page.tickets
            ]
        assert len(rendered) == size


def test_keyset_pagination_visits_every_ticket_once_in_order(agent, customer, team):
    make_tickets(23, requester=customer, team=team)
    ids = _walk(agent.user, InboxQuery(view="all", page_size=5))
    expected = list(Ticket.objects.order_by("-updated_at", "-id").values_list("id", flat=True))
    assert ids == expected


def test_previous_cursor_returns_the_page_before(agent, customer, team):
    make_tickets(12, requester=customer, team=team)
    first = inbox_page(user=agent.user, query=InboxQuery(view="all", page_size=5))
    assert not first.has_previous and first.has_next
    second = inbox_page(user=agent.user, query=InboxQuery(view="all", page_size=5, cursor=first.next_cursor))
    assert second.has_previous
    back = inbox_page(
        user=agent.user, query=InboxQuery(view="all", page_size=5, cursor=second.previous_cursor)
    )
    assert back.ticket_ids == first.ticket_ids
    assert back.has_next and not back.has_previous


def test_tampered_cursor_is_ignored(agent, customer, team):
    tickets = make_tickets(3, requester=customer, team=team)
    cursor = encode_cursor(ticket=tickets[0], direction="n")
    assert decode_cursor(cursor)[1] == tickets[0].pk
    assert decode_cursor(cursor[:-2] + "xx") is None
    page = inbox_page(user=agent.user, query=InboxQuery(view="all", cursor="garbage"))
    assert len(page.tickets) == 3


def test_views_mine_unassigned_and_teams(agent, other_agent, customer, team, other_team):
    mine = ticket_create(requester=customer, subject="mine", body_text="x", team=team, assignee=agent)
    unassigned = ticket_create(requester=customer, subject="free", body_text="x", team=team)
    foreign = ticket_create(requester=customer, subject="billing", body_text="x", team=other_team)
    ids = lambda view: set(inbox_page(user=agent.user, query=InboxQuery(view=view)).ticket_ids)  # noqa: E731
    assert ids("mine") == {mine.pk}
    assert ids("unassigned") == {unassigned.pk}
    assert ids("teams") == {mine.pk, unassigned.pk}
    assert foreign.pk not in ids("all")  # an agent never sees another team's tickets


def test_admin_all_view_sees_every_team(admin_agent, customer, team, other_team):
    a = ticket_create(requester=customer, subject="a", body_text="x", team=team)
    b = ticket_create(requester=customer, subject="b", body_text="x", team=other_team)
    page = inbox_page(user=admin_agent.user, query=InboxQuery(view="all"))
    assert {a.pk, b.pk} <= set(page.ticket_ids)


def test_filters_status_priority_assignee_tag_team(agent, customer, team):
    urgent = ticket_create(
        requester=customer, subject="u", body_text="x", team=team, priority="urgent", tags=["vip"]
    )
    pending = ticket_create(requester=customer, subject="p", body_text="x", team=team)
    ticket_update(ticket=pending, status=TicketStatus.PENDING, assignee=agent)
    solved = ticket_create(requester=customer, subject="s", body_text="x", team=team)
    ticket_update(ticket=solved, status=TicketStatus.SOLVED)

    def ids(**filters):
        return set(inbox_page(user=agent.user, query=InboxQuery(view="all", **filters)).ticket_ids)

    assert ids(priority="urgent") == {urgent.pk}
    assert ids(status="pending") == {pending.pk}
    assert ids(status="unsolved") == {urgent.pk, pending.pk}
    assert ids(assignee="me") == {pending.pk}
    assert ids(assignee="none") == {urgent.pk, solved.pk}
    assert ids(tag="vip") == {urgent.pk}
    assert ids(team=team.pk) == {urgent.pk, pending.pk, solved.pk}


def test_full_text_search_over_subject_and_messages(agent, customer, team):
    by_subject = ticket_create(
        requester=customer, subject="Refund for duplicate charge", body_text="hi", team=team
    )
    by_message = ticket_create(requester=customer, subject="Question", body_text="hello", team=team)
    message_post(
        ticket=by_message,
        author_kind="customer",
        author_customer=customer,
        body_text="the invoice shows a refund",
    )
    ticket_create(requester=customer, subject="Unrelated", body_text="password reset", team=team)

    def ids(q):
        return set(inbox_page(user=agent.user, query=InboxQuery(view="all", q=q)).ticket_ids)

    assert ids("refund") == {by_subject.pk, by_message.pk}
    assert ids("refund -invoice") == {by_subject.pk}  # websearch syntax
    assert ids('"duplicate charge"') == {by_subject.pk}
    assert ids(f"#{by_message.number}") == {by_message.pk}
    assert ids("zzznothing") == set()


def test_query_parsing_falls_back_on_bad_input():
    query = inbox_query_from_params(
        {
            "view": "bogus",
            "status": "evil",
            "priority": "x",
            "assignee": "1;drop",
            "team": "a",
            "size": "9999",
        },
        default_view="all",
    )
    assert (query.view, query.status, query.priority, query.assignee, query.team) == ("all", "", "", "", None)
    assert query.page_size == 100


def test_other_agent_without_teams_sees_only_assigned(customer, team):
    loner = make_agent("loner")
    assigned = ticket_create(
        requester=make_customer("z@example.com"), subject="z", body_text="x", team=team, assignee=loner
    )
    ticket_create(requester=customer, subject="other", body_text="x", team=team)
    page = inbox_page(user=loner.user, query=InboxQuery(view="all"))
    assert page.ticket_ids == [assigned.pk]
