"""Agents' edits to themes: rename, hide, merge, split. They stick: a renamed theme is never renamed
by the model again, a hidden one stays hidden, a merged one hands every later match to the theme it
was merged into, and the two halves of a split keep their own centroids for the next periods."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from scipy.cluster.hierarchy import fcluster, linkage

from ai.insights.clustering import l2
from ai.insights.naming import key_phrases, label_from_phrases, redacted_texts
from ai.insights.themes import member_figures
from ai.insights.vectors import opening_texts, ticket_vectors, to_bytes
from ai.models import Theme, ThemeRun, ThemeSnapshot, ThemeTicket, TicketTriage


class ThemeEditError(ValueError):
    pass


@transaction.atomic
def theme_rename(*, theme: Theme, name: str, description: str | None = None) -> Theme:
    name = " ".join((name or "").split())[:120]
    if not name:
        raise ThemeEditError("A theme needs a name.")
    theme.name, theme.name_source = name, "agent"
    if description is not None:
        theme.description = " ".join(description.split())[:300]
    theme.save(update_fields=["name", "name_source", "description", "updated_at"])
    return theme


@transaction.atomic
def theme_set_hidden(*, theme: Theme, hidden: bool) -> Theme:
    theme.hidden = hidden
    theme.save(update_fields=["hidden", "updated_at"])
    return theme


@transaction.atomic
def theme_merge(*, source: Theme, target: Theme) -> Theme:
    """Fold `source` into `target`: its tickets and figures of every run move to the target."""
    if source.pk == target.pk or target.merged_into_id:
        raise ThemeEditError("Merge into a different theme that is not merged itself.")
    for snap in ThemeSnapshot.objects.filter(theme=source).select_related("run"):
        ThemeTicket.objects.filter(run=snap.run, theme=source).update(theme=target)
        existing = ThemeSnapshot.objects.filter(run=snap.run, theme=target).first()
        previous = snap.previous_size + (existing.previous_size if existing else 0)
        _refresh_snapshot(snap.run, target, previous=previous, template=existing or snap)
        snap.delete()
    source.merged_into, source.hidden = target, True
    source.save(update_fields=["merged_into", "hidden", "updated_at"])
    Theme.objects.filter(merged_into=source).update(merged_into=target)
    return target


@transaction.atomic
def theme_split(*, theme: Theme, run: ThemeRun | None = None) -> Theme:
    """Split the theme's tickets of `run` (default: its latest) in two; returns the new theme."""
    run = run or ThemeRun.objects.filter(snapshots__theme=theme).order_by("-period_end", "-id").first()
    members = list(
        ThemeTicket.objects.filter(run=run, theme=theme)
        .order_by("ticket_id")
        .values_list("ticket_id", flat=True)
    )
    if run is None or len(members) < 4:
        raise ThemeEditError("A theme needs at least four tickets in its latest period to be split.")
    texts = opening_texts(members)
    vectors = l2(ticket_vectors(members, texts))
    halves = fcluster(linkage(vectors, method="ward"), 2, criterion="maxclust")
    keep, move = (halves == 1), (halves == 2)
    if move.sum() > keep.sum():
        keep, move = move, keep
    moved = [tid for tid, flag in zip(members, move, strict=True) if flag]
    safe = dict(zip(members, redacted_texts([texts[t] for t in members]), strict=True))
    phrases = key_phrases([[safe[t] for t in members if t not in moved], [safe[t] for t in moved]])
    new = Theme.objects.create(
        name=label_from_phrases(phrases[1])[:120], key_phrases=phrases[1], split_from=theme,
        centroid=to_bytes(l2(vectors[move].mean(axis=0))), first_seen=theme.first_seen,
        last_seen=theme.last_seen, status=theme.status, kind=theme.kind, name_source="phrase",
    )  # fmt: skip
    theme.centroid = to_bytes(l2(np.asarray(vectors[keep].mean(axis=0))))
    theme.save(update_fields=["centroid", "updated_at"])
    ThemeTicket.objects.filter(run=run, ticket_id__in=moved).update(theme=new)
    template = ThemeSnapshot.objects.get(run=run, theme=theme)
    _refresh_snapshot(run, theme, previous=template.previous_size, template=template)
    _refresh_snapshot(run, new, previous=0, template=template)
    return new


def _refresh_snapshot(run: ThemeRun, theme: Theme, *, previous: int, template: ThemeSnapshot) -> None:
    rows = list(ThemeTicket.objects.filter(run=run, theme=theme).values_list("ticket_id", "kind"))
    members = [tid for tid, _k in rows]
    if not members:
        ThemeSnapshot.objects.filter(run=run, theme=theme).delete()
        return
    triage = dict(TicketTriage.objects.filter(ticket_id__in=members).values_list("ticket_id", "sentiment"))
    figures = member_figures(members, triage, dict(rows))
    ThemeSnapshot.objects.update_or_create(
        run=run, theme=theme,
        defaults={
            "size": len(members), "previous_size": previous, "status": template.status,
            "examples": members[:5], "key_phrases": theme.key_phrases, **figures,
        },
    )  # fmt: skip
