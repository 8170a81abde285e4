"""Triage reads: the ticket's triage, the words to classify, the triage queue, training state."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from ai.models import TicketTriage, TriageLabel, TriageModel, TriageSettings
from helpdesk.models import Message, Team, Ticket, TicketEvent, TicketStatus, Topic

REOPENED_FROM = (TicketStatus.SOLVED, TicketStatus.PENDING, TicketStatus.ON_HOLD)


def ticket_triage_get(*, ticket: Ticket) -> TicketTriage | None:
    return TicketTriage.objects.filter(ticket=ticket).select_related("topic").first()


def ticket_is_triaged(*, ticket: Ticket) -> bool:
    return TicketTriage.objects.filter(ticket=ticket).exists()


def classifier_topics() -> list[Topic]:
    """The active topics in pk order (the column order of prototypes and the learned model)."""
    return list(Topic.objects.filter(is_active=True).select_related("team").order_by("pk"))


def topics_by_pk(topic_ids) -> list[Topic]:
    return list(Topic.objects.filter(pk__in=set(topic_ids)).order_by("pk"))


def teams_for_prompt() -> str:
    """One line per team (slug: description), what the LLM regime is told about the teams."""
    return "\n".join(f"{team.slug}: {team.description}" for team in Team.objects.order_by("slug"))


def first_customer_message(*, ticket: Ticket) -> Message | None:
    return ticket.messages.filter(author_kind=Message.AuthorKind.CUSTOMER).order_by("seq").first()


def ticket_triage_text(*, ticket: Ticket, message: Message | None = None) -> str:
    """The words to classify: the subject and the first customer message, or one later message.
    Customer words: only the model gateway (which redacts) may send them to a provider."""
    if message is not None and message.seq > 1:
        return message.body_text
    first = first_customer_message(ticket=ticket)
    body = first.body_text if first else ""
    return f"{ticket.subject}\n{body}".strip()


def message_reopened_ticket(*, ticket: Ticket, message: Message) -> bool:
    """Whether `message` (a later customer message) reopened a solved / pending / on-hold ticket.
    Asked on every customer message: in plain SQL (the ORM spent several times the query's own cost
    building it), the same test as TicketEvent.objects.filter(ticket_id=..., field="status",
    after=OPEN, before__in=REOPENED_FROM, created_at__gte=message.created_at).exists()."""
    if message.seq <= 1:
        return False
    sql = (
        f'SELECT 1 FROM "{TicketEvent._meta.db_table}" WHERE ticket_id = %s AND field = %s AND after = %s '  # noqa: S608
        f"AND before IN ({', '.join(['%s'] * len(REOPENED_FROM))}) AND created_at >= %s LIMIT 1"
    )  # the model's table; values are bound
    with connection.cursor() as cursor:
        cursor.execute(sql, [ticket.pk, "status", TicketStatus.OPEN, *REOPENED_FROM, message.created_at])
        return cursor.fetchone() is not None


def tickets_needing_triage(queryset: QuerySet[Ticket] | None = None) -> QuerySet[Ticket]:
    """The triage queue: tickets whose topic the classifier was not sure enough about."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    return queryset.filter(triage__needs_triage=True)


def triage_panel_data(*, ticket: Ticket) -> dict:
    """What the ticket page's triage panel shows and offers."""
    return {
        "triage": ticket_triage_get(ticket=ticket),
        "topics": list(Topic.objects.filter(is_active=True).order_by("name")),
        "teams": list(Team.objects.order_by("name")),
    }


def _by_pk(queryset, raw):
    if not raw or not str(raw).isdigit():
        return None
    found = queryset.filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    return found


def correction_choice(*, topic_id: str | None, team_id: str | None) -> tuple[Topic | None, Team | None]:
    """The topic and team an agent picked in the panel (None when left empty; 404 when unknown)."""
    return _by_pk(Topic.objects.filter(is_active=True), topic_id), _by_pk(Team.objects.all(), team_id)


def labelled_count() -> int:
    return TriageLabel.objects.filter(topic__isnull=False).count()


def training_due(*, settings: TriageSettings | None = None) -> bool:
    """Enough new labels since the active model (at least the admin minimum, or 5% growth)."""
    settings = settings or TriageSettings.load()
    labelled = labelled_count()
    if labelled < settings.min_labels_to_train:
        return False
    active = TriageModel.objects.filter(is_active=True).only("n_examples").first()
    if active is None:
        return True
    return labelled - active.n_examples >= max(1, active.n_examples // 20)


def training_labels() -> list[TriageLabel]:
    """The latest label per ticket (a correction supersedes the first label) plus imported rows,
    of active topics, newest first."""
    seen: set[int] = set()
    chosen: list[TriageLabel] = []
    labels = TriageLabel.objects.filter(topic__isnull=False, topic__is_active=True).order_by(
        "-created_at", "-id"
    )
    for label in labels.only("ticket_id", "text", "topic_id", "vector"):
        if label.ticket_id is not None:
            if label.ticket_id in seen:
                continue
            seen.add(label.ticket_id)
        chosen.append(label)
    return chosen
