"""What one ticket says (its opening customer message) and its embedding, cached in InsightVector."""

from __future__ import annotations

import numpy as np

from ai.models import InsightVector
from gateway.embeddings import get_embedder
from helpdesk.models import Message, Ticket


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float32)


def opening_texts(ticket_ids: list[int]) -> dict[int, str]:
    """Subject + first customer message of each ticket (the customer's own words)."""
    subjects = dict(Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "subject"))
    first: dict[int, str] = {}
    rows = (
        Message.objects.filter(
            ticket_id__in=ticket_ids, author_kind=Message.AuthorKind.CUSTOMER, is_internal=False
        )
        .order_by("ticket_id", "seq")
        .values_list("ticket_id", "body_text")
    )
    for ticket_id, body in rows:
        first.setdefault(ticket_id, body or "")
    out = {}
    for ticket_id in ticket_ids:
        subject, body = (subjects.get(ticket_id) or "").strip(), first.get(ticket_id, "").strip()
        out[ticket_id] = (
            body if subject and body.lower().startswith(subject.lower()) else f"{subject}\n{body}".strip()
        )
    return out


def ticket_vectors(ticket_ids: list[int], texts: dict[int, str]) -> np.ndarray:
    """(n, 512) embeddings in ticket_ids order; computed once per ticket and embedder, then cached."""
    embedder = get_embedder()
    cached = {
        row.ticket_id: from_bytes(row.vector)
        for row in InsightVector.objects.filter(ticket_id__in=ticket_ids, embedder=embedder.name)
    }
    missing = [tid for tid in ticket_ids if tid not in cached]
    if missing:
        fresh = embedder.embed_documents([texts[tid] for tid in missing])
        for tid, vector in zip(missing, fresh, strict=True):
            cached[tid] = np.asarray(vector, dtype=np.float32)
            InsightVector.objects.update_or_create(
                ticket_id=tid, defaults={"embedder": embedder.name, "vector": to_bytes(vector)}
            )
    if not ticket_ids:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([cached[tid] for tid in ticket_ids])
