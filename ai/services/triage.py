"""Triage of tickets: classify (topic, urgency, sentiment, language), store the result, route;
agents' corrections become training labels; retraining stores a new model version."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ai.models import TicketTriage, Topic, TriageLabel, TriageModel, TriageSettings
from ai.pipelines.triage import embedding
from ai.pipelines.triage.classifier import predict_topic
from ai.pipelines.triage.history import HistoryModel, train_history_model
from ai.pipelines.triage.prototypes import Prototypes, TopicText, build_prototypes
from ai.pipelines.triage.signals import analyse_sentiment, assess_urgency, detect_language, higher_priority
from ai.services.routing import ACTOR_LABEL, RoutingContext, routing_decide, ticket_route
from helpdesk.models import Message, Team, Ticket
from helpdesk.services.audit import event_record

logger = logging.getLogger(__name__)
_cache_lock = threading.Lock()
_prototype_cache: dict[tuple, Prototypes] = {}
_model_cache: dict[int, HistoryModel] = {}


@dataclass(frozen=True)
class TriageOutcome:
    topic: Topic | None
    confidence: float
    regime: str
    reason: str
    needs_triage: bool
    urgency: str
    urgency_reason: str
    sentiment_score: float
    sentiment: str
    language: str
    model_version: int | None
    prompt_version: str = ""


# --- reads -----------------------------------------------------------------------------------------
def topic_texts(topics: list[Topic]) -> list[TopicText]:
    return [TopicText(t.pk, t.name, t.description, tuple(t.example_list)) for t in topics]


def current_prototypes(topics: list[Topic]) -> Prototypes | None:
    """Embeddings of the active topics' descriptions and examples, rebuilt when a topic changes."""
    if not topics:
        return None
    key = tuple((t.pk, t.updated_at.isoformat()) for t in topics)
    with _cache_lock:
        cached = _prototype_cache.get(key)
    if cached is None:
        cached = build_prototypes(topic_texts(topics), embedding.embed_texts)
        with _cache_lock:
            _prototype_cache.clear()
            _prototype_cache[key] = cached
    return cached


def active_history_model() -> tuple[TriageModel | None, HistoryModel | None]:
    row = TriageModel.objects.filter(is_active=True).defer("weights").first()
    if row is None or row.metrics.get("embedder", embedding.embedder_name()) != embedding.embedder_name():
        return None, None  # vectors from another embedder mean nothing to this model
    with _cache_lock:
        model = _model_cache.get(row.pk)
    if model is None:
        blob = TriageModel.objects.values_list("weights", flat=True).get(pk=row.pk)
        model = HistoryModel.from_bytes(blob, labels=row.labels, metrics=row.metrics)
        with _cache_lock:
            _model_cache.clear()
            _model_cache[row.pk] = model
    return row, model


def ticket_triage_text(*, ticket: Ticket, message: Message | None = None) -> str:
    """The words to classify: the subject and the first customer message, or one later message."""
    if message is not None and message.seq > 1:
        return message.body_text
    first = ticket.messages.filter(author_kind=Message.AuthorKind.CUSTOMER).order_by("seq").first()
    body = first.body_text if first else ""
    return f"{ticket.subject}\n{body}".strip()


def _classify_topic(text: str, topics: list[Topic]):
    """(prediction, model row) using the LLM when allowed, else descriptions and/or history."""
    from gateway.llm import LLMError, generation_mode

    names = {topic.pk: topic.name for topic in topics}
    if topics and generation_mode("triage").generative:
        from ai.pipelines.triage.llm_topic import llm_triage
        from helpdesk.models import DeskSettings

        teams = "\n".join(f"{team.slug}: {team.description}" for team in Team.objects.all())
        try:
            answer = llm_triage(
                text=text, topics=topic_texts(topics), teams=teams,
                company_name=DeskSettings.load().company_name,
            )  # fmt: skip
        except LLMError:
            logger.warning("LLM triage failed; falling back to embeddings", exc_info=True)
        else:
            return answer, None
    row, model = active_history_model()
    prototypes = current_prototypes(topics)
    if prototypes is None and model is None:
        return None, None
    if model is not None and prototypes is not None:
        model_topics = set(model.labels)
        if not any(topic_id in model_topics for topic_id in prototypes.topic_ids):
            model, row = None, None  # a model of retired topics says nothing about today's taxonomy
    prediction = predict_topic(
        embedding.embed_one(text), prototypes=prototypes, model=model, text=text, names=names
    )
    return prediction, row


def triage_classify(*, text: str, customer_tier: str = "", settings: TriageSettings | None = None):
    """Everything triage says about a text, without writing anything."""
    settings = settings or TriageSettings.load()
    topics = list(Topic.objects.filter(is_active=True).select_related("team").order_by("pk"))
    by_id = {topic.pk: topic for topic in topics}
    language, _probability = detect_language(text, settings.language_list)
    prediction, model_row = _classify_topic(text, topics)
    regime, topic, confidence, reason = "zero_shot", None, 0.0, _("No topics are configured.")
    llm_answer = prediction is not None and hasattr(prediction, "prompt_version")
    if prediction is not None:
        topic = by_id.get(prediction.topic_id)
        confidence = prediction.confidence if topic else 0.0
        regime = "llm" if llm_answer else prediction.regime
        reason = prediction.reason
    if llm_answer:
        sentiment_label = prediction.sentiment
        sentiment_score = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}[sentiment_label]
    else:
        sentiment = analyse_sentiment(text, language)
        sentiment_label, sentiment_score = sentiment.label, sentiment.score
    urgency = assess_urgency(
        text,
        urgent_keywords=settings.urgent_keyword_list,
        high_keywords=settings.high_keyword_list,
        is_vip=customer_tier == "vip",
        vip_raises=settings.vip_raises_priority,
        sentiment_score=sentiment_score,
    )
    level = higher_priority(urgency.priority, prediction.urgency) if llm_answer else urgency.priority
    return TriageOutcome(
        topic=topic,
        confidence=round(float(confidence), 4),
        regime=regime,
        reason=reason[:300],
        needs_triage=topic is None or confidence < settings.confidence_threshold,
        urgency=level,
        urgency_reason=urgency.reason[:200],
        sentiment_score=sentiment_score,
        sentiment=sentiment_label,
        language=language,
        model_version=model_row.version if model_row else None,
        prompt_version=prediction.prompt_version if llm_answer else "",
    )


def tickets_needing_triage(queryset=None):
    """The triage queue: tickets whose topic the classifier was not sure enough about."""
    queryset = Ticket.objects.all() if queryset is None else queryset
    return queryset.filter(triage__needs_triage=True)


# --- writes ----------------------------------------------------------------------------------------
@transaction.atomic
def ticket_triage_run(*, ticket: Ticket, message: Message | None = None) -> TicketTriage | None:
    """Triage a new ticket, or a reopened one whose new `message` may be about something else.
    Idempotent: a message that was already triaged is not triaged again."""
    settings = TriageSettings.load()
    if not settings.enabled:
        return None
    ticket = Ticket.objects.select_for_update().select_related("requester").get(pk=ticket.pk)
    existing = TicketTriage.objects.filter(ticket=ticket).first()
    if existing is not None and (message is None or existing.message_id == message.pk):
        return existing  # triaged already (or set by an agent); only a new reopening message re-runs it
    message = (
        message or ticket.messages.filter(author_kind=Message.AuthorKind.CUSTOMER).order_by("seq").first()
    )
    message_id = message.pk if message else None
    text = ticket_triage_text(ticket=ticket, message=message)
    outcome = triage_classify(text=text, customer_tier=ticket.requester.tier, settings=settings)
    reopened = existing is not None
    if reopened and (outcome.needs_triage or outcome.topic == existing.topic):
        existing.message_id = message_id  # same topic (or unsure): keep the routing as it is
        existing.save(update_fields=["message_id", "updated_at"])
        return existing
    triage = _store(ticket=ticket, outcome=outcome, message_id=message_id)
    _route(ticket=ticket, triage=triage, outcome=outcome, text=text, reopened=reopened)
    return triage


def _store(*, ticket: Ticket, outcome: TriageOutcome, message_id: int | None) -> TicketTriage:
    triage, _created = TicketTriage.objects.update_or_create(
        ticket=ticket,
        defaults={
            "topic": outcome.topic,
            "confidence": outcome.confidence,
            "regime": outcome.regime,
            "reason": outcome.reason,
            "urgency": outcome.urgency,
            "urgency_reason": outcome.urgency_reason,
            "sentiment_score": outcome.sentiment_score,
            "sentiment": outcome.sentiment,
            "language": outcome.language,
            "needs_triage": outcome.needs_triage,
            "model_version": outcome.model_version,
            "prompt_version": outcome.prompt_version,
            "message_id": message_id,
        },
    )
    event_record(ticket=ticket, actor=None, field="triage_topic", before="",
                 after=f"{outcome.topic or '?'} ({outcome.confidence:.0%}, {outcome.regime})",
                 actor_label=ACTOR_LABEL)  # fmt: skip
    return triage


def _route(*, ticket, triage: TicketTriage, outcome: TriageOutcome, text: str, reopened: bool) -> None:
    """Unsure (needs triage): no team guess, only rules that do not depend on the topic apply."""
    topic = None if outcome.needs_triage else outcome.topic
    context = RoutingContext(
        topic=topic, text=text, language=outcome.language, customer_tier=ticket.requester.tier
    )
    decision = routing_decide(context=context)
    # An admin rule sets the priority outright; signals and the topic default only ever raise it.
    priority = decision.priority
    if not priority:
        priority = higher_priority(outcome.urgency, ticket.priority)
        if topic is not None and topic.default_priority:
            priority = higher_priority(priority, topic.default_priority)
    team = decision.team
    if team is not None and ticket.team_id and not reopened and not decision.rule_names:
        team = None  # the ticket arrived with a team (API, mailbox): a topic default does not override it
    triage.routed_by_rule = ", ".join(decision.rule_names)[:100]
    triage.save(update_fields=["routed_by_rule", "updated_at"])
    ticket_route(ticket=ticket, team=team, priority=priority, reassign=reopened)


@transaction.atomic
def triage_correct(
    *,
    ticket: Ticket,
    actor,
    topic: Topic | None = None,
    team: Team | None = None,
    priority: str = "",
) -> TicketTriage:
    """An agent says what the ticket really is. Stored as a training label, audited, applied."""
    from helpdesk.services.tickets import ticket_update

    triage = TicketTriage.objects.select_for_update().filter(ticket=ticket).first()
    previous_topic = triage.topic if triage else None
    if team is None and topic is not None and topic.team_id and topic != previous_topic:
        team = topic.team
    if topic is not None:
        if triage is None:
            triage = TicketTriage(ticket=ticket, regime=TicketTriage.Regime.ZERO_SHOT)
        triage.topic = topic
        triage.confidence = 1.0
        triage.needs_triage = False
        triage.reason = _("Set by %(agent)s") % {"agent": getattr(actor, "name", None) or actor}
        triage.save()
        event_record(ticket=ticket, actor=actor, field="triage_topic", before=previous_topic or "",
                     after=topic)  # fmt: skip
    source = (
        TriageLabel.Source.AGENT_CORRECTION
        if previous_topic is not None and previous_topic != topic
        else TriageLabel.Source.AGENT_INITIAL
    )
    TriageLabel.objects.create(
        ticket=ticket,
        text=ticket_triage_text(ticket=ticket, message=None),
        topic=topic or previous_topic,
        team=team or ticket.team,
        priority=priority or ticket.priority,
        source=source,
        created_by=getattr(actor, "user", actor),
    )
    changes = {}
    if team is not None and team.pk != ticket.team_id:
        changes["team"] = team
    if priority and priority != ticket.priority:
        changes["priority"] = priority
    if changes:
        ticket_update(ticket=ticket, actor=actor, **changes)
    transaction.on_commit(_maybe_schedule_training)
    return triage


def _maybe_schedule_training() -> None:
    from django_q.tasks import async_task

    if training_due():
        async_task("ai.tasks.triage.triage_model_train_task", task_name="triage-train")


def training_due() -> bool:
    """Enough new labels since the active model (at least the admin minimum, or 5% growth)."""
    labelled = TriageLabel.objects.filter(topic__isnull=False).count()
    settings = TriageSettings.load()
    if labelled < settings.min_labels_to_train:
        return False
    active = TriageModel.objects.filter(is_active=True).only("n_examples").first()
    if active is None:
        return True
    return labelled - active.n_examples >= max(1, active.n_examples // 20)


def training_examples() -> tuple[np.ndarray, list[int], list[str]]:
    """Vectors and topic ids of the latest label per ticket (a correction supersedes the first
    label) plus imported rows. Embeddings are computed once per label and kept on it."""
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
    missing = [label for label in chosen if not label.vector]
    if missing:
        for label, vector in zip(
            missing, embedding.embed_texts([label.text for label in missing]), strict=True
        ):
            label.vector = vector.astype(np.float32).tobytes()
        TriageLabel.objects.bulk_update(missing, ["vector"], batch_size=500)
    vectors = np.array([np.frombuffer(bytes(label.vector), dtype=np.float32) for label in chosen])
    vectors = vectors.reshape(len(chosen), embedding.EMBEDDING_DIM)
    return vectors, [label.topic_id for label in chosen], [label.text for label in chosen]


@transaction.atomic
def triage_model_train():
    """Train a new version on the current labels and make it the active one. None when there is
    not enough to learn from (fewer than two topics)."""
    vectors, topic_ids, texts = training_examples()
    if len(set(topic_ids)) < 2:
        return None
    topics = list(Topic.objects.filter(pk__in=set(topic_ids)).order_by("pk"))
    prototypes = current_prototypes(topics)
    zero_shot = (lambda batch: prototypes.probabilities(batch)) if prototypes else None
    # The prototype columns follow topic pk order, which is also the model's label order.
    model = train_history_model(vectors, list(topic_ids), texts=texts, zero_shot=zero_shot)
    TriageModel.objects.filter(is_active=True).update(is_active=False)
    version = (TriageModel.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    return TriageModel.objects.create(
        version=version,
        n_labels=len(model.labels),
        n_examples=int(model.counts.sum()),
        labels=model.labels,
        label_counts=[int(count) for count in model.counts],
        weights=model.to_bytes(),
        metrics={**model.metrics, "embedder": embedding.embedder_name()},
        is_active=True,
    )
