"""Triage of tickets: classify (topic, urgency, sentiment, language), store the result, and hand
it to helpdesk routing; agents' corrections become training labels; retraining stores a new model
version.

Classifying (embedder, learned model, LLM through the model gateway) runs outside any transaction;
the result is applied in a short one that re-checks the ticket, like answers (ai/services/answers.py).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from ai.models import TicketTriage, TriageLabel, TriageModel, TriageSettings
from ai.pipelines.triage import embedding
from ai.pipelines.triage.classifier import predict_topic
from ai.pipelines.triage.history import HistoryModel, train_history_model
from ai.pipelines.triage.llm_topic import llm_triage
from ai.pipelines.triage.prototypes import Prototypes, TopicText, build_prototypes
from ai.pipelines.triage.signals import analyse_sentiment, assess_urgency, detect_language, higher_priority
from ai.selectors.triage import (
    classifier_topics,
    first_customer_message,
    teams_for_prompt,
    ticket_triage_text,
    topics_by_pk,
    training_due,
    training_labels,
)
from gateway.llm import LLMError, generation_mode
from helpdesk.models import DeskSettings, Message, Team, Ticket, Topic
from helpdesk.services.audit import event_record
from helpdesk.services.routing import ticket_classification_route, ticket_route
from helpdesk.services.tickets import ticket_update

logger = logging.getLogger(__name__)
ACTOR_LABEL = "AI triage"
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


# --- classifying (no writes, no transaction) -------------------------------------------------------
def topic_texts(topics: list[Topic]) -> list[TopicText]:
    return [TopicText(t.pk, t.name, t.description, tuple(t.example_list)) for t in topics]


def current_prototypes(topics: list[Topic]) -> Prototypes | None:
    """Embeddings of the active topics' descriptions and examples, rebuilt when a topic changes.
    Company content (the taxonomy), not customer data."""
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


def _classify_topic(text: str, topics: list[Topic]):
    """(prediction, model row) using the LLM when allowed, else descriptions and/or history. The LLM
    call goes through the model gateway (gateway.llm), which redacts personal data itself."""
    names = {topic.pk: topic.name for topic in topics}
    if topics and generation_mode("triage").generative:
        try:
            answer = llm_triage(
                text=text, topics=topic_texts(topics), teams=teams_for_prompt(),
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
    topics = classifier_topics()
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


def _already_triaged(existing: TicketTriage | None, message: Message | None) -> bool:
    """Triaged already (or set by an agent); only a new reopening message re-runs it."""
    return existing is not None and (message is None or existing.message_id == message.pk)


# --- writes ----------------------------------------------------------------------------------------
def ticket_triage_run(*, ticket: Ticket, message: Message | None = None) -> TicketTriage | None:
    """Triage a new ticket, or a reopened one whose new `message` may be about something else.
    Idempotent: a message that was already triaged is not triaged again. The classifier runs
    without a transaction or a row lock; `triage_apply` stores and routes in a short one."""
    settings = TriageSettings.load()
    if not settings.enabled:
        return None
    ticket = Ticket.objects.select_related("requester").get(pk=ticket.pk)
    existing = TicketTriage.objects.filter(ticket=ticket).first()
    if _already_triaged(existing, message):
        return existing
    retriage = message is not None
    message = message or first_customer_message(ticket=ticket)
    text = ticket_triage_text(ticket=ticket, message=message)
    outcome = triage_classify(text=text, customer_tier=ticket.requester.tier, settings=settings)
    return triage_apply(
        ticket=ticket, message=message, outcome=outcome, text=text, settings=settings, retriage=retriage
    )


@transaction.atomic
def triage_apply(
    *,
    ticket: Ticket,
    message: Message | None,
    outcome: TriageOutcome,
    text: str,
    settings: TriageSettings,
    retriage: bool = False,
) -> TicketTriage:
    """Store `outcome` and route. Re-checks under the ticket's lock, so a run that lost the race to
    another one changes nothing: a first triage that exists already, or the same message again."""
    ticket = Ticket.objects.select_for_update().select_related("requester").get(pk=ticket.pk)
    existing = TicketTriage.objects.filter(ticket=ticket).first()
    message_id = message.pk if message else None
    if existing is not None and (not retriage or existing.message_id == message_id):
        return existing
    reopened = existing is not None
    if reopened and (outcome.needs_triage or outcome.topic == existing.topic):
        existing.message_id = message_id  # same topic (or unsure): keep the routing as it is
        existing.save(update_fields=["message_id", "updated_at"])
        return existing
    triage = _store(ticket=ticket, outcome=outcome, message_id=message_id)
    decision = ticket_classification_route(
        ticket=ticket, topic=None if outcome.needs_triage else outcome.topic, urgency=outcome.urgency,
        language=outcome.language, text=text, reopened=reopened,
        strategy=settings.assignment_strategy, actor_label=ACTOR_LABEL,
    )  # fmt: skip
    triage.routed_by_rule = ", ".join(decision.rule_names)[:100]
    triage.save(update_fields=["routed_by_rule", "updated_at"])
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


@transaction.atomic
def triage_route(*, ticket: Ticket, team: Team | None, priority: str = "", reassign: bool = False) -> Ticket:
    """Helpdesk routing with the admin's assignment strategy, audited as "AI triage" (handoffs)."""
    return ticket_route(
        ticket=ticket, team=team, priority=priority, reassign=reassign,
        strategy=TriageSettings.load().assignment_strategy, actor_label=ACTOR_LABEL,
    )  # fmt: skip


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
    if training_due():
        async_task("ai.tasks.triage.triage_model_train_task", task_name="triage-train")


def training_examples() -> tuple[np.ndarray, list[int], list[str]]:
    """Vectors and topic ids of the training labels. Embeddings are computed once per label and
    kept on it."""
    chosen = training_labels()
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
def triage_model_activate(*, model: TriageModel) -> TriageModel:
    """Make `model` the one active version (admin action and training both come here)."""
    TriageModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    if not model.is_active:
        model.is_active = True
        model.save(update_fields=["is_active"])
    logger.info("triage model v%s is now active", model.version)
    return model


@transaction.atomic
def triage_model_train():
    """Train a new version on the current labels and make it the active one. None when there is
    not enough to learn from (fewer than two topics)."""
    vectors, topic_ids, texts = training_examples()
    if len(set(topic_ids)) < 2:
        return None
    prototypes = current_prototypes(topics_by_pk(topic_ids))
    zero_shot = (lambda batch: prototypes.probabilities(batch)) if prototypes else None
    # The prototype columns follow topic pk order, which is also the model's label order.
    model = train_history_model(vectors, list(topic_ids), texts=texts, zero_shot=zero_shot)
    version = (TriageModel.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    row = TriageModel(
        version=version,
        n_labels=len(model.labels),
        n_examples=int(model.counts.sum()),
        labels=model.labels,
        label_counts=[int(count) for count in model.counts],
        weights=model.to_bytes(),
        metrics={**model.metrics, "embedder": embedding.embedder_name()},
    )
    row.save()
    return triage_model_activate(model=row)
