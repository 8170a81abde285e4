import pytest

from core.compiled_statements import SENTINEL, compiled_once, fetch_values
from helpdesk.models import Tag, Ticket
from helpdesk.selectors.inbox_rows import attach_tags, load_page_rows, page_rows, page_rows_sql, pk_in_array
from tests.gc_garbage import cyclic_garbage, instances
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


def test_rows_with_their_tags_are_freed_without_the_cyclic_collector(customer, team):
    tagged, plain = make_tickets(2, requester=customer, team=team, tags=())
    tagged.tags.set([Tag.objects.create(name="zeta")])
    ids = Ticket.objects.filter(pk__in=[tagged.pk, plain.pk]).values("id")
    with cyclic_garbage() as garbage:
        rows = load_page_rows(ids)
        attach_tags(rows)
        assert sorted(len(ticket.tags.all()) for ticket in rows) == [0, 1]
        del rows
    assert instances(garbage, Ticket) == []


def test_row_keeps_every_ticket_column_but_the_search_ones(customer, team):
    (ticket,) = make_tickets(1, requester=customer, team=team)
    row = page_rows().get(pk=ticket.pk)
    assert row.get_deferred_fields() == {"search_vector", "ai_summary"}


def _page_ids(**filters):
    return Ticket.objects.filter(**filters).order_by("-updated_at", "-id").values("id")[:26]


def _fields(obj):
    return {k: v for k, v in vars(obj).items() if k not in ("_state", "_prefetched_objects_cache")}


def test_compiled_once_statement_is_what_django_compiles(customer, team, agent):
    """load_page_rows splices each page's WHERE clause into a statement compiled once: the SQL text and
    parameters are Django's own for every filter shape, and the rows are the same model instances."""
    tickets = make_tickets(4, requester=customer, team=team, assignee=agent, tags=("b", "a"))
    make_tickets(2, requester=customer, team=None, tags=())
    shapes = [
        _page_ids(),
        _page_ids(team_id=team.pk, status="open"),
        _page_ids(subject__icontains="50% off"),  # a literal % in a parameter
        Ticket.objects.exclude(status__in=["solved", "closed"]).filter(tags__name="a").values("id")[:3],
        _page_ids(pk=-1),
    ]
    for ids in shapes:
        expected = page_rows().filter(pk_in_array(ids))
        assert page_rows_sql(ids) == tuple_sql(expected)
        loaded = load_page_rows(ids)
        django_rows = list(expected)
        assert [t.pk for t in loaded] == [t.pk for t in django_rows]
        for mine, theirs in zip(loaded, django_rows, strict=True):
            assert _fields(mine) == _fields(theirs)
            assert mine._state.db == theirs._state.db and mine._state.adding is theirs._state.adding is False
            related = ("requester", "assignee", "team")
            assert [_fields(getattr(mine, f)) if getattr(mine, f) else None for f in related] == [
                _fields(getattr(theirs, f)) if getattr(theirs, f) else None for f in related
            ]
            if mine.assignee_id:
                assert _fields(mine.assignee.user) == _fields(theirs.assignee.user)
            assert Ticket.sla.is_cached(mine) and Ticket.sla.is_cached(theirs)
    assert len(load_page_rows(_page_ids())) == len(tickets) + 2


def tuple_sql(queryset):
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def test_compiled_once_values_take_each_calls_value(customer, team, django_assert_num_queries):
    first, second = make_tickets(2, requester=customer, team=team)
    compiled = compiled_once(
        "test.subjects", lambda: Ticket.objects.filter(pk=SENTINEL).values_list("pk", "subject", "created_at")
    )
    with django_assert_num_queries(2):
        got = [fetch_values(compiled, first.pk), fetch_values(compiled, second.pk)]
    assert got == [
        list(Ticket.objects.filter(pk=t.pk).values_list("pk", "subject", "created_at"))
        for t in (first, second)
    ]
    assert compiled_once("test.subjects", lambda: None) is compiled  # compiled once per connection


def test_instances_are_built_as_from_db_builds_them(customer, team):
    """The row builder stores what Model.__init__ would (same attributes, same order, same state), and
    leaves a model with an init signal receiver to from_db, so the receiver still runs."""
    from django.db.models.signals import post_init

    from core.compiled_statements import instance_maker as _maker

    (ticket,) = make_tickets(1, requester=customer, team=team)
    fields = [f.attname for f in Ticket._meta.concrete_fields if f.name != "ai_summary"]
    values = list(Ticket.objects.filter(pk=ticket.pk).values_list(*fields).get())
    mine, theirs = _maker(Ticket, fields)("default", values), Ticket.from_db("default", fields, values)
    assert list(vars(mine)) == list(vars(theirs)) and _fields(mine) == _fields(theirs)
    assert (
        (mine._state.db, mine._state.adding) == (theirs._state.db, theirs._state.adding) == ("default", False)
    )
    assert mine.get_deferred_fields() == theirs.get_deferred_fields() == {"ai_summary"}
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Tag)
    try:
        tag = _maker(Tag, ["id", "name"])("default", [1, "x"])
    finally:
        post_init.disconnect(receiver, sender=Tag)
    assert seen == [tag] and (tag.pk, tag.name) == (1, "x")
