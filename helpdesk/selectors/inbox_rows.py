"""How the inbox loads a page's rows: one query for the tickets an inbox row shows (joined rows,
last public message, tags), by the ids a LIMIT subquery picks (selectors.inbox.inbox_page)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, Expression, F, Func, OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr

from core.compiled_statements import Compiled, build_models, compiled_once, execute, instance_maker
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


# The page's query is the same statement on every request but for its WHERE clause (the ids subquery).
# Compiling it (select_related columns, five joins, three subqueries) cost ~1 ms of CPU per request; so
# it is compiled once per process with a marker in place of the WHERE clause, and each request
# compiles only its own WHERE clause and splices it in: the same SQL text and parameters as Django's
# compiler gives (tests/helpdesk/test_selectors_inbox_rows.py compares them), the rows built by the
# same populators as ModelIterable.
WHERE_SLOT = "__helmdesk_page_ids__"
PLACEHOLDER = re.compile(r"%[%s]")


class _WhereSlot(Expression):
    conditional = True
    output_field = BooleanField()

    def as_sql(self, compiler, connection):
        return WHERE_SLOT, []


def _marked_rows() -> QuerySet[Ticket]:
    return page_rows().filter(_WhereSlot())


def page_rows_sql(ids: QuerySet, db: str = "default") -> tuple[str, tuple]:
    """The statement `page_rows().filter(pk_in_array(ids))` compiles to, from the compiled-once parts."""
    return _spliced(compiled_once("inbox.page_rows", _marked_rows, db), ids, db)


def _spliced(compiled: Compiled, ids: QuerySet, db: str) -> tuple[str, tuple]:
    before, slot, after = compiled.sql.partition(WHERE_SLOT)
    if not slot or WHERE_SLOT in after:
        raise RuntimeError("the inbox rows statement must hold its WHERE marker once")
    count = sum(1 for match in PLACEHOLDER.findall(before) if match == "%s")
    # The WHERE clause alone, compiled on a bare ticket query: it names the ticket table and relabels
    # the ids subquery exactly as the full statement does (no joins or annotations to copy first).
    query = Ticket.objects.filter(pk_in_array(ids)).query
    where, where_params = query.get_compiler(using=db).compile(query.where)
    params = compiled.params
    return f"{before}{where}{after}", (*params[:count], *where_params, *params[count:])


def load_page_rows(ids: QuerySet, db: str = "default") -> list[Ticket]:
    """The tickets `page_rows().filter(pk_in_array(ids))` gives, as the same model instances (with
    their select_related objects and annotations), without compiling the whole statement again."""
    compiled = compiled_once("inbox.page_rows", _marked_rows, db)
    sql, params = _spliced(compiled, ids, db)
    return build_models(compiled, execute(sql, params, db), db)


TAG_FIELDS = ["id", "name"]


@lru_cache(maxsize=1)
def _tag_maker() -> Callable:
    return instance_maker(Tag, TAG_FIELDS)


def attach_tags(tickets: list[Ticket]) -> None:
    """Each ticket's tags as `prefetch_related("tags")` leaves them (ticket.tags.all() reads them
    without a query), built from the arrays `page_rows` selected: no query of their own."""
    make_tag = _tag_maker()
    for ticket in tickets:
        # The relation's own queryset (filtered to this ticket; building it runs no query), so that
        # anything chained on it later (ticket.tags.filter(...), .values_list(...)) stays this ticket's.
        ticket._prefetched_objects_cache = {}
        tags = ticket.tags.all()
        db = tags.db
        tags._result_cache = [
            make_tag(db, pair) for pair in zip(ticket.tag_ids, ticket.tag_names, strict=True)
        ]
        tags._prefetch_done = True
        # The relation's queryset names its ticket in its router hints, and the ticket holds the
        # queryset: a reference cycle per row (the whole row then waited for the cyclic garbage
        # collector). The database is chosen already (pinned here), so the hint has no use left.
        tags._db, tags._hints = db, {}
        ticket._prefetched_objects_cache = {"tags": tags}
