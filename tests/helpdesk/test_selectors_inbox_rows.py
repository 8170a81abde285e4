import pytest

from helpdesk.models import Tag, Ticket
from helpdesk.selectors.inbox_rows import attach_tags, page_rows, pk_in_array
from tests.helpdesk.desk_helpers import make_tickets

pytestmark = pytest.mark.django_db


def test_rows_by_id_array_with_tags_as_a_prefetch_would_leave_them(customer, team, django_assert_num_queries):
    tagged, plain, other = make_tickets(3, requester=customer, team=team, tags=())
    tagged.tags.set([Tag.objects.create(name="zeta"), Tag.objects.create(name="alpha")])
    ids = Ticket.objects.filter(pk__in=[tagged.pk, plain.pk]).order_by("id").values("id")[:5]
    with django_assert_num_queries(1):
        rows = {ticket.pk: ticket for ticket in page_rows().filter(pk_in_array(ids))}
        attach_tags(list(rows.values()))
        names = {pk: [tag.name for tag in ticket.tags.all()] for pk, ticket in rows.items()}
        shown = {pk: (t.requester.display_name, t.team.name, t.preview) for pk, t in rows.items()}
    assert set(rows) == {tagged.pk, plain.pk}  # only the ids the subquery picked
    assert names == {tagged.pk: ["alpha", "zeta"], plain.pk: []}  # in tag order, like the prefetch
    assert [tag.pk for tag in rows[tagged.pk].tags.all()] == list(
        tagged.tags.order_by("name").values_list("pk", flat=True)
    )
    assert shown[plain.pk] == (customer.display_name, team.name, "Message body number 1")
    assert other.pk not in rows
    # Chained on, the tags are still the ticket's own (a new query, as after a real prefetch).
    assert list(rows[tagged.pk].tags.values_list("name", flat=True).order_by("name")) == ["alpha", "zeta"]
    assert list(rows[plain.pk].tags.values_list("name", flat=True)) == []


def test_row_keeps_every_ticket_column_but_the_search_ones(customer, team):
    (ticket,) = make_tickets(1, requester=customer, team=team)
    row = page_rows().get(pk=ticket.pk)
    assert row.get_deferred_fields() == {"search_vector", "ai_summary"}
