"""API tokens: generated once, stored as a SHA-256 hash, looked up by hash."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from helpdesk.models import Agent, ApiToken

SERVER_SCOPES = frozenset(
    {"tickets:read", "tickets:write", "messages:read", "messages:write", "customers:read", "customers:write",
     "teams:read", "tags:read", "attachments:read", "attachments:write"}
)  # fmt: skip
TOKEN_PREFIX = "hd_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, name: str, kind: str = ApiToken.Kind.AGENT, agent: Agent | None = None, scopes=()
) -> tuple[ApiToken, str]:
    """Return the token row and the raw key. The raw key is never stored and cannot be shown again."""
    scopes = sorted(set(scopes))
    if kind == ApiToken.Kind.AGENT and agent is None:
        raise ApplicationError("An agent token needs an agent.")
    if kind == ApiToken.Kind.SERVER:
        unknown = set(scopes) - SERVER_SCOPES
        if unknown or not scopes:
            raise ApplicationError("A server token needs known scopes.", {"unknown": sorted(unknown)})
        agent = None
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip()[:100] or "token", kind=kind, agent=agent, scopes=scopes, prefix=raw[:10],
        key_hash=hash_key(raw),
    )  # fmt: skip
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_authenticate(raw: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("agent__user")
        .filter(key_hash=hash_key(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
