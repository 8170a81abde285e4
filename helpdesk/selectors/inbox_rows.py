"""How the inbox loads a page's rows: one query for the tickets an inbox row shows (joined rows,
last public message, tags), by the ids a LIMIT subquery picks (selectors.inbox.inbox_page)."""

from __future__ import annotations

from functools import lru_cache

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr

from helpdesk.models import Message, Tag, Ticket, TicketSLA

# What an inbox row reads of the joined rows (the requester's shown name and email, the assignee's
# name, the team's name, the SLA state and its policy's warning window): loading only these keeps
# the customer's notes, the agent's signature, the assignee's password hash and the policy's
# schedules (JSON) out of every page. The ticket's own columns are all loaded except these two.
ROW_DEFERRED_TICKET_FIELDS = ("search_vector", "ai_summary")
ROW_RELATED_FIELDS = (
    "requester__name",
    "requester__email",
    "assignee__display_name",
    "assignee__user__first_name",
    "assignee__user__last_name",
    "assignee__user__username",
    "team__name",
    "sla__policy__name",
    "sla__policy__breach_soon_minutes",
)


def pk_in_array(ids: QuerySet) -> Func:
    """`id = ANY(ARRAY(<ids>))`: the ids subquery runs once, planned on its own (an InitPlan),
    and the joins are planned for an index lookup by id. `pk__in=<ids>` would make it a semi-join,
    one more relation in the join search: the plan took ~2 ms longer on 100k tickets."""
    # Func joins its two arguments with " = ANY(" and closes the parenthesis in the template.
    return Func(F("pk"), ArraySubquery(ids), arg_joiner=" = ANY(", template="%(expressions)s)",
                output_field=BooleanField())  # fmt: skip


@lru_cache(maxsize=1)
def page_rows() -> QuerySet[Ticket]:
    """Tickets as an inbox row shows them: requester, assignee, team and SLA state joined (with the
    fields above); the last public message's start (`preview`); the tags' ids and names in tag
    order (`tag_ids`, `tag_names`, arrays), which `attach_tags` turns into the prefetched `tags`.
    Built once per process (a lazy queryset: each page filters a copy)."""
    last_public_text = (
        Message.objects.filter(ticket=OuterRef("pk"), is_internal=False)
        .order_by("-seq")
        .values("body_text")[:1]
    )
    ticket_tags = Tag.objects.filter(tickets=OuterRef("pk")).order_by(*Tag._meta.ordering, "id")
    ticket_fields = [f.name for f in Ticket._meta.concrete_fields if f.name not in ROW_DEFERRED_TICKET_FIELDS]
    sla_fields = [f"sla__{f.name}" for f in TicketSLA._meta.concrete_fields]
    return (
        Ticket.objects.select_related("requester", "assignee__user", "team", "sla__policy")
        .only(*ticket_fields, *sla_fields, *ROW_RELATED_FIELDS)
        .annotate(
            preview=Substr(Subquery(last_public_text), 1, 160),
            tag_ids=ArraySubquery(ticket_tags.values("id")),
            tag_names=ArraySubquery(ticket_tags.values("name")),
        )
        .order_by()
    )


TAG_FIELDS = ["id", "name"]


def attach_tags(tickets: list[Ticket]) -> None:
    """Each ticket's tags as `prefetch_related("tags")` leaves them (ticket.tags.all() reads them
    without a query), built from the arrays `page_rows` selected: no query of their own."""
    for ticket in tickets:
        # The relation's own queryset (filtered to this ticket; building it runs no query), so that
        # anything chained on it later (ticket.tags.filter(...), .values_list(...)) stays this ticket's.
        ticket._prefetched_objects_cache = {}
        tags = ticket.tags.all()
        tags._result_cache = [
            Tag.from_db(tags.db, TAG_FIELDS, pair)
            for pair in zip(ticket.tag_ids, ticket.tag_names, strict=True)
        ]
        tags._prefetch_done = True
        ticket._prefetched_objects_cache = {"tags": tags}
