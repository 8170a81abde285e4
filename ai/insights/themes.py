"""themes_run: discover one period's themes from the tickets opened in it and record them.

Computation (embeddings, clustering, naming, model labels) happens outside any transaction; the
result is written in one short transaction. Running the same period again replaces that period's
run (idempotent task). See docs/insights.md.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db import transaction
from django.db.models import Avg, Count

from ai.insights import labels as model_labels
from ai.insights.clustering import Clustering, cluster
from ai.insights.matching import match, moved_centroid
from ai.insights.naming import key_phrases, label_from_phrases, message_kind, redacted_texts, theme_kind
from ai.insights.vectors import from_bytes, opening_texts, ticket_vectors, to_bytes
from ai.models import Theme, ThemeRun, ThemeSnapshot, ThemeTicket, TicketTriage
from helpdesk.models import CsatSurvey, Ticket

RISING, FADING = 1.5, 2 / 3  # size vs previous period
MIN_CHANGE = 3  # a change of fewer tickets is "steady", whatever the ratio
EXAMPLES = 5
PHRASE_SAMPLE = 200  # members (closest to the centroid first) whose words name a theme


@dataclass
class Found:
    """One cluster of this period, before it is written."""

    index: list[int]  # positions in the period's ticket list
    centroid: np.ndarray
    phrases: list[str]
    label: tuple[str, str] | None = None


def period_tickets(start: datetime, end: datetime) -> list[int]:
    return list(
        Ticket.objects.filter(created_at__gte=start, created_at__lt=end, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def discover(
    ticket_ids: list[int], texts: dict[int, str], *, seed: int, use_model: bool
) -> tuple[Clustering, list[Found]]:
    vectors = ticket_vectors(ticket_ids, texts)
    ordered = [texts[tid] for tid in ticket_ids]
    result = cluster(vectors, ordered, seed=seed)
    # Members closest to the centroid first: they are the theme's examples.
    members = [
        sorted(
            np.flatnonzero(result.labels == k).tolist(),
            key=lambda i, k=k: -float(vectors[i] @ result.centroids[k]),
        )
        for k in range(result.n_themes)
    ]
    safe = redacted_texts([ordered[i] for idx in members for i in idx[:PHRASE_SAMPLE]])
    starts = np.cumsum([0] + [min(len(idx), PHRASE_SAMPLE) for idx in members])
    phrases = key_phrases([safe[starts[k] : starts[k + 1]] for k in range(len(members))])
    found = [
        Found(index=idx, centroid=result.centroids[k], phrases=phrases[k]) for k, idx in enumerate(members)
    ]
    if use_model:
        for item in found:
            item.label = model_labels.model_label([ordered[i] for i in item.index[:6]], item.phrases)
    return result, found


def _final(theme: Theme, by_id: dict[int, Theme]) -> Theme:
    seen = set()
    while theme.merged_into_id and theme.merged_into_id in by_id and theme.pk not in seen:
        seen.add(theme.pk)
        theme = by_id[theme.merged_into_id]
    return theme


def status_for(size: int, previous: int, *, is_new: bool) -> str:
    if is_new:
        return Theme.Status.NEW
    if size >= previous * RISING and size - previous >= MIN_CHANGE:
        return Theme.Status.RISING
    if size <= previous * FADING and previous - size >= MIN_CHANGE:
        return Theme.Status.FADING
    return Theme.Status.STEADY


def themes_run(
    *, period_start: datetime, period_end: datetime, seed: int = 0, use_model: bool | None = None
) -> ThemeRun:
    started = time.monotonic()
    ticket_ids = period_tickets(period_start, period_end)
    texts = opening_texts(ticket_ids)
    if use_model is None:
        use_model = model_labels.model_available()
    result, found = discover(ticket_ids, texts, seed=seed, use_model=use_model)
    return _record(period_start, period_end, seed, ticket_ids, texts, result, found, use_model, started)


@transaction.atomic
def _record(start, end, seed, ticket_ids, texts, result, found, use_model, started) -> ThemeRun:
    ThemeRun.objects.filter(period_start=start, period_end=end).delete()
    previous_run = ThemeRun.objects.filter(period_end__lte=start).order_by("-period_end", "-id").first()
    previous_sizes = (
        dict(previous_run.snapshots.values_list("theme_id", "size")) if previous_run is not None else {}
    )
    run = ThemeRun.objects.create(
        period_start=start, period_end=end, messages=len(ticket_ids), themes=0, noise=result.noise,
        seed=seed, named_by_model=bool(use_model),
    )  # fmt: skip
    all_themes = {t.pk: t for t in Theme.objects.select_for_update()}
    candidates = [t for t in all_themes.values() if t.centroid]
    matches = match(np.stack([f.centroid for f in found]) if found else np.zeros((0, 512)),
                    np.stack([from_bytes(t.centroid) for t in candidates]) if candidates else np.zeros((0, 512)))  # fmt: skip
    grouped: dict[int, list[tuple[Found, float]]] = {}
    new_ids: set[int] = set()
    for k, item in enumerate(found):
        if k in matches:
            old, similarity = matches[k]
            theme = _final(candidates[old], all_themes)
            theme.centroid = to_bytes(moved_centroid(from_bytes(theme.centroid), item.centroid))
        else:
            theme = _new_theme(item, day=end.date())
            all_themes[theme.pk] = theme
            new_ids.add(theme.pk)
            similarity = 1.0
        if item.label and theme.name_source != "agent":
            theme.name, theme.description, theme.name_source = item.label[0], item.label[1], "model"
        grouped.setdefault(theme.pk, []).append((item, similarity))
    triage = dict(TicketTriage.objects.filter(ticket_id__in=ticket_ids).values_list("ticket_id", "sentiment"))
    kinds = {tid: message_kind(texts[tid], triage.get(tid, "")) for tid in ticket_ids}
    for theme_id, items in grouped.items():
        theme = all_themes[theme_id]
        index = [i for item, _s in items for i in item.index]
        members = [ticket_ids[i] for i in index]
        size, previous = len(members), previous_sizes.get(theme_id, 0)
        status = status_for(size, previous, is_new=theme_id in new_ids)
        phrases = items[0][0].phrases
        figures = member_figures(members, triage, kinds)
        ThemeSnapshot.objects.create(
            run=run, theme=theme, size=size, previous_size=previous, status=status,
            similarity=min(s for _i, s in items), key_phrases=phrases, examples=members[:EXAMPLES], **figures,
        )  # fmt: skip
        ThemeTicket.objects.bulk_create(
            [ThemeTicket(run=run, theme=theme, ticket_id=tid, kind=kinds[tid]) for tid in members]
        )
        theme.status, theme.last_seen = status, end.date()
        theme.kind = theme_kind(figures["kinds"])
        if theme.name_source == "phrase":
            theme.key_phrases = phrases
        theme.save()
    for theme in all_themes.values():
        if theme.pk not in grouped and theme.merged_into_id is None and theme.status != Theme.Status.GONE:
            theme.status = Theme.Status.GONE if previous_sizes.get(theme.pk, 0) == 0 else Theme.Status.FADING
            theme.save(update_fields=["status", "updated_at"])
    run.themes, run.seconds = len(grouped), round(time.monotonic() - started, 3)
    run.save(update_fields=["themes", "seconds"])
    return run


def _new_theme(item: Found, *, day) -> Theme:
    return Theme.objects.create(
        name=label_from_phrases(item.phrases)[:120], key_phrases=item.phrases, centroid=to_bytes(item.centroid),
        first_seen=day, last_seen=day, name_source="phrase",
    )  # fmt: skip


def member_figures(members: list[int], triage: dict[int, str], kinds: dict[int, str]) -> dict:
    sentiment = Counter(triage.get(tid) or "unknown" for tid in members)
    channels = Counter(Ticket.objects.filter(pk__in=members).values_list("channel", flat=True))
    csat = CsatSurvey.objects.filter(ticket_id__in=members, rating__isnull=False).aggregate(
        answers=Count("id"), average=Avg("rating")
    )
    return {
        "sentiment": dict(sentiment),
        "channels": dict(channels),
        "csat": {
            "answers": csat["answers"],
            "average": round(csat["average"], 2) if csat["average"] else None,
        },
        "kinds": dict(Counter(kinds[tid] for tid in members)),
    }
